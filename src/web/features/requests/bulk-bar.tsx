/**
 * Bulk actions on the selected rows: status, priority, assignee, add a tag. Each choice is one API call for all the
 * selected requests; the outcome ("12 requests: status → Resolved; 2 skipped: ...") is announced by the list.
 */
import { type FormEvent, useState } from 'react';
import { useUsers } from '../../api/catalog.ts';
import { type BulkChange, useBulkChange } from '../../api/requests.ts';
import { type Priority, type Status } from '../../../core/request.ts';
import type { User } from '../../../server/schemas/user.ts';
import { ErrorBanner } from '../../ui/states.tsx';
import { summarizeBulk } from './list-format.ts';
import { PriorityOptions, StatusOptions } from '../../ui/choice-options.tsx';

export function BulkBar({ ids, me, onDone, onClear }: { ids: string[]; me: User; onDone: (summary: string) => void; onClear: () => void }) {
  const bulk = useBulkChange();
  const people = useUsers({ active: true });
  const agents = (people.data ?? []).filter((u) => u.role !== 'requester');
  const [tag, setTag] = useState('');
  const nameOf = (id: string) => (id === me.id ? me.name : agents.find((u) => u.id === id)?.name);

  const apply = (changes: BulkChange) =>
    bulk.mutate(
      { ids, changes },
      {
        onSuccess: (outcome) => {
          setTag('');
          onDone(summarizeBulk(outcome, changes, nameOf));
        },
      },
    );
  const addTag = (e: FormEvent) => {
    e.preventDefault();
    const t = tag.trim().toLowerCase();
    if (t) apply({ addTags: [t] });
  };

  return (
    <div className="bulk-bar" role="region" aria-label="Bulk actions">
      <strong>{ids.length} selected</strong>
      <select aria-label="Set status" value="" disabled={bulk.isPending} onChange={(e) => e.target.value && apply({ status: e.target.value as Status })}>
        <option value="">Status…</option>
        <StatusOptions />
      </select>
      <select aria-label="Set priority" value="" disabled={bulk.isPending} onChange={(e) => e.target.value && apply({ priority: e.target.value as Priority })}>
        <option value="">Priority…</option>
        <PriorityOptions />
      </select>
      <select
        aria-label="Assign to"
        value=""
        disabled={bulk.isPending}
        onChange={(e) => {
          const v = e.target.value;
          if (v) apply({ assigneeId: v === 'none' ? null : v });
        }}
      >
        <option value="">Assign…</option>
        <option value={me.id}>Me</option>
        <option value="none">Unassigned</option>
        {agents
          .filter((u) => u.id !== me.id)
          .map((u) => (
            <option key={u.id} value={u.id}>
              {u.name}
            </option>
          ))}
      </select>
      <form className="bulk-tag" onSubmit={addTag}>
        <input aria-label="Tag to add" placeholder="Add tag" value={tag} maxLength={50} onChange={(e) => setTag(e.target.value)} />
        <button type="submit" className="btn btn-small" disabled={bulk.isPending || !tag.trim()}>
          Add tag
        </button>
      </form>
      {bulk.isPending && <span className="muted">Applying…</span>}
      <button type="button" className="btn btn-ghost btn-small" onClick={onClear}>
        Clear selection
      </button>
      <ErrorBanner error={bulk.error} title="Nothing changed" />
    </div>
  );
}
