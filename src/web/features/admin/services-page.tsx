/** Admin → Services: the catalog requesters pick from, each with the inbox its requests land in. */
import { type FormEvent, useState } from 'react';
import { type ServiceInput, useInboxes, useSaveService, useServices } from '../../api/catalog.ts';
import { fieldErrors } from '../../api/client.ts';
import type { Inbox, Service } from '../../../server/schemas/catalog.ts';
import { Field, Input, TextArea, Select } from '../../ui/field.tsx';
import { Modal } from '../../ui/modal.tsx';
import { EmptyState, ErrorBanner } from '../../ui/states.tsx';
import { AdminPage } from './admin-page.tsx';
import { RowActions } from './row-actions.tsx';
import { changedFields } from './form-helpers.ts';
import { FormActions } from '../../ui/form-actions.tsx';
import { NamedOptions } from '../../ui/choice-options.tsx';
import { TableHead } from '../../ui/table-head.tsx';

function ServiceForm({ service, inboxes, onDone }: { service: Service | null; inboxes: Inbox[]; onDone: () => void }) {
  const save = useSaveService();
  const [form, setForm] = useState({
    name: service?.name ?? '',
    description: service?.description ?? '',
    defaultInboxId: service?.defaultInboxId ?? '',
    active: service?.active ?? true,
  });
  const errors = fieldErrors(save.error);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const input: ServiceInput = { name: form.name.trim(), description: form.description.trim(), defaultInboxId: form.defaultInboxId || null };
    // New services start active (POST takes no `active`).
    const body = service ? changedFields(service, { ...input, active: form.active }) : input;
    if (service && Object.keys(body).length === 0) return onDone();
    save.mutate({ id: service?.id, input: body }, { onSuccess: onDone });
  };
  return (
    <form className="stack" onSubmit={submit} noValidate>
      <ErrorBanner error={save.error} />
      <Field label="Name" required error={errors.name}>
        <Input autoFocus value={form.name} onChange={(e) => setForm({ ...form, name: e.target.value })} />
      </Field>
      <Field label="Description" error={errors.description} hint="Shown to people filing a request">
        <TextArea rows={3} value={form.description} onChange={(e) => setForm({ ...form, description: e.target.value })} />
      </Field>
      <Field label="Default inbox" error={errors.defaultInboxId} hint="Requests for this service land here">
        <Select value={form.defaultInboxId} onChange={(e) => setForm({ ...form, defaultInboxId: e.target.value })}>
          <option value="">No inbox</option>
          <NamedOptions items={inboxes} />
        </Select>
      </Field>
      {service && (
        <label className="checkbox">
          <input type="checkbox" checked={form.active} onChange={(e) => setForm({ ...form, active: e.target.checked })} /> Active (offered on new requests)
        </label>
      )}
      <FormActions saving={save.isPending} label={service ? 'Save changes' : 'Add service'} onCancel={onDone} />
    </form>
  );
}

export function ServicesPage() {
  const services = useServices(true);
  const inboxes = useInboxes();
  const save = useSaveService();
  const [editing, setEditing] = useState<Service | 'new' | null>(null);
  const inboxName = (id: string | null) => (id ? (inboxes.data?.find((i) => i.id === id)?.name ?? 'Unknown inbox') : null);

  return (
    <AdminPage
      title="Services"
      description="What people can ask for. Each service routes to a default inbox and can have its own custom fields."
      query={services}
      add={{ label: 'Add service', onClick: () => setEditing('new') }}
    >
      <ErrorBanner error={save.error} title="Not saved" />
      {services.data?.length === 0 ? (
        <EmptyState title="No services yet">Add services such as “Laptop”, “Access request” or “VPN”.</EmptyState>
      ) : (
        <table className="table">
          <TableHead columns={['Name', 'Description', 'Default inbox', 'Status']} actions />
          <tbody>
            {services.data?.map((s) => (
              <tr key={s.id} className={s.active ? undefined : 'inactive'}>
                <td>{s.name}</td>
                <td className="muted">{s.description || '—'}</td>
                <td>{inboxName(s.defaultInboxId) ?? <span className="muted">—</span>}</td>
                <td>{s.active ? 'Active' : <span className="badge status-archived">Inactive</span>}</td>
                <RowActions
                  active={s.active}
                  pending={save.isPending}
                  onEdit={() => setEditing(s)}
                  onToggle={() => save.mutate({ id: s.id, input: { active: !s.active } })}
                />
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <Modal title={editing === 'new' ? 'Add service' : `Edit ${editing?.name ?? ''}`} open={editing !== null} onClose={() => setEditing(null)}>
        {editing !== null && <ServiceForm service={editing === 'new' ? null : editing} inboxes={inboxes.data ?? []} onDone={() => setEditing(null)} />}
      </Modal>
    </AdminPage>
  );
}
