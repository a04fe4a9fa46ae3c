/** Admin → Inboxes: team queues and the agents who work them. */
import { type FormEvent, useMemo, useState } from 'react';
import { type InboxInput, useInboxes, useSaveInbox, useUsers } from '../../api/catalog.ts';
import { fieldErrors } from '../../api/client.ts';
import type { Inbox } from '../../../server/schemas/catalog.ts';
import type { User } from '../../../server/schemas/user.ts';
import { Field, Input, TextArea } from '../../ui/field.tsx';
import { joinWords } from '../../ui/format.ts';
import { Modal } from '../../ui/modal.tsx';
import { EmptyState } from '../../ui/states.tsx';
import { AdminPage } from './admin-page.tsx';
import { changedFields } from './form-helpers.ts';
import { FormActions } from '../../ui/form-actions.tsx';
import { TableHead } from '../../ui/table-head.tsx';

function InboxForm({ inbox, staff, onDone }: { inbox: Inbox | null; staff: User[]; onDone: () => void }) {
  const save = useSaveInbox();
  const [name, setName] = useState(inbox?.name ?? '');
  const [description, setDescription] = useState(inbox?.description ?? '');
  const [members, setMembers] = useState<string[]>(inbox?.memberIds ?? []);
  const [filter, setFilter] = useState('');
  const errors = fieldErrors(save.error);
  const shown = staff.filter((u) => !filter || `${u.name} ${u.email}`.toLowerCase().includes(filter.toLowerCase()));

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const input: InboxInput = { name: name.trim(), description: description.trim(), memberIds: members };
    const body = inbox ? changedFields(inbox, input) : input;
    if (inbox && Object.keys(body).length === 0) return onDone();
    save.mutate({ id: inbox?.id, input: body }, { onSuccess: onDone });
  };
  const toggle = (id: string) => setMembers((m) => (m.includes(id) ? m.filter((x) => x !== id) : [...m, id]));

  return (
    <form className="stack" onSubmit={submit} noValidate>
      {save.error && !errors.memberIds && <div className="banner banner-error">{save.error.message}</div>}
      <Field label="Name" required error={errors.name}>
        <Input autoFocus value={name} onChange={(e) => setName(e.target.value)} />
      </Field>
      <Field label="Description" error={errors.description}>
        <TextArea rows={2} value={description} onChange={(e) => setDescription(e.target.value)} />
      </Field>
      <fieldset className="checklist">
        <legend>
          Members <span className="muted">({members.length})</span>
        </legend>
        {errors.memberIds && <div className="field-error">{errors.memberIds}</div>}
        <input type="search" aria-label="Filter agents" placeholder="Filter agents" value={filter} onChange={(e) => setFilter(e.target.value)} />
        <div className="checklist-items">
          {shown.length === 0 && <p className="muted">No agents or admins match.</p>}
          {shown.map((u) => (
            <label key={u.id} className="checkbox">
              <input type="checkbox" checked={members.includes(u.id)} onChange={() => toggle(u.id)} />
              {u.name} <span className="muted">{u.email}</span>
            </label>
          ))}
        </div>
      </fieldset>
      <FormActions saving={save.isPending} label={inbox ? 'Save changes' : 'Add inbox'} onCancel={onDone} />
    </form>
  );
}

export function InboxesPage() {
  const inboxes = useInboxes();
  const users = useUsers({ active: true });
  const [editing, setEditing] = useState<Inbox | 'new' | null>(null);
  const staff = useMemo(() => (users.data ?? []).filter((u) => u.role !== 'requester'), [users.data]);
  const names = useMemo(() => new Map((users.data ?? []).map((u) => [u.id, u.name])), [users.data]);

  return (
    <AdminPage
      title="Inboxes"
      description="Team queues. Services route requests into them; members are the agents who work them."
      query={inboxes}
      add={{ label: 'Add inbox', onClick: () => setEditing('new') }}
    >
      {inboxes.data?.length === 0 ? (
        <EmptyState title="No inboxes yet">Add one per team, e.g. “IT”, “People ops”, “Facilities”.</EmptyState>
      ) : (
        <table className="table">
          <TableHead columns={['Name', 'Description', 'Members']} actions />
          <tbody>
            {inboxes.data?.map((i) => (
              <tr key={i.id}>
                <td>{i.name}</td>
                <td className="muted">{i.description || '—'}</td>
                <td>{i.memberIds.length ? joinWords(i.memberIds.map((id) => names.get(id) ?? 'Unknown')) : <span className="muted">No members</span>}</td>
                <td className="col-actions">
                  <button type="button" className="btn btn-small" onClick={() => setEditing(i)}>
                    Edit
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <Modal title={editing === 'new' ? 'Add inbox' : `Edit ${editing?.name ?? ''}`} open={editing !== null} onClose={() => setEditing(null)}>
        {editing !== null && <InboxForm inbox={editing === 'new' ? null : editing} staff={staff} onDone={() => setEditing(null)} />}
      </Modal>
    </AdminPage>
  );
}
