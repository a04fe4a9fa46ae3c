/**
 * The Escalate form's asks beyond the queue or team: who works the conversation from the start (one of the
 * destination's people or teams), its sub-status, and what happens to each of the request's tags (sent, not on the
 * admin's allow-list, or unknown in the destination). docs/kustomer.md §28–§29.
 */
import { Link } from 'wouter';
import type { EscalationDestination } from '../../api/escalations.ts';
import { Field, Select } from '../../ui/field.tsx';
import { OptionGroup } from '../../ui/target-options.tsx';
import { NamedOptions } from '../../ui/choice-options.tsx';

/** `user:<id>`, `team:<id>` or '' (nobody: the destination routes it). */
export type AssigneeValue = string;

export function AssigneePicker({
  destination,
  value,
  error,
  onChange,
}: {
  destination: Pick<EscalationDestination, 'name' | 'assignees'>;
  value: AssigneeValue;
  error?: string;
  onChange: (value: AssigneeValue) => void;
}) {
  const { users, teams } = destination.assignees;
  return (
    <Field label="Assign to" error={error} hint={`Who works it in ${destination.name} from the start; without one, ${destination.name} routes it.`}>
      <Select value={value} disabled={!users.length && !teams.length} onChange={(e) => onChange(e.target.value)}>
        <option value="">Nobody yet ({destination.name} routes it)</option>
        <OptionGroup label="People" kind="user" items={users} />
        <OptionGroup label="Teams" kind="team" items={teams} />
      </Select>
    </Field>
  );
}

export function SubStatusSelect({
  destination,
  value,
  error,
  onChange,
}: {
  destination: Pick<EscalationDestination, 'name' | 'subStatuses'>;
  value: string;
  error?: string;
  onChange: (value: string) => void;
}) {
  const options = destination.subStatuses;
  return (
    <Field label="Sub-status" error={error} hint={options.length ? 'A finer status within Open' : `${destination.name} has no sub-status for Open`}>
      <Select value={value} disabled={!options.length} onChange={(e) => onChange(e.target.value)}>
        <option value="">None</option>
        <NamedOptions items={options} />
      </Select>
    </Field>
  );
}

const OUTCOME: Record<EscalationDestination['tags'][number]['outcome'], string> = {
  sent: 'sent',
  not_allowed: 'not on the allow-list',
  unknown_in_destination: 'no such tag in',
};

/** "Tags: vpn (sent) · internal (not on the allow-list)"; nothing when the request has no tags. */
export function TagsPreview({ destination, admin }: { destination: EscalationDestination; admin: boolean }) {
  const { tags } = destination;
  if (!tags.length) return null;
  const sent = tags.filter((t) => t.outcome === 'sent');
  return (
    <section className="stack-tight span-2" aria-label="Tags" data-testid="escalate-tags">
      <span className="field-label">Tags</span>
      <ul className="tag-list plain-list" aria-label="Request tags">
        {tags.map((t) => (
          <li key={t.name} className={`tag${t.outcome === 'sent' ? ' tag-sent' : ' tag-not-sent'}`} data-outcome={t.outcome}>
            {t.name}
            <span className="small muted">
              {' '}
              · {OUTCOME[t.outcome]}
              {t.outcome === 'unknown_in_destination' ? ` ${destination.name}` : ''}
            </span>
          </li>
        ))}
      </ul>
      <span className="field-hint">
        {destination.tagAllowListEmpty
          ? `No tag goes to ${destination.name}: the admin has allowed none.`
          : sent.length
            ? `${sent.length === 1 ? 'This tag goes' : 'These tags go'} on the conversation as it is created.`
            : `None of these tags goes to ${destination.name}.`}{' '}
        {admin && <Link href="/settings/integrations/kustomer">Change which tags may go</Link>}
      </span>
    </section>
  );
}
