/** Admin → Custom fields: extra questions on requests, for every service or only some. */
import { useState } from 'react';
import { useCustomFields, useSaveCustomField, useServices } from '../../api/catalog.ts';
import type { CustomField } from '../../../server/schemas/catalog.ts';
import { joinWords } from '../../ui/format.ts';
import { Modal } from '../../ui/modal.tsx';
import { EmptyState, ErrorBanner } from '../../ui/states.tsx';
import { AdminPage } from './admin-page.tsx';
import { RowActions } from './row-actions.tsx';
import { CustomFieldForm, TYPE_LABELS } from './custom-field-form.tsx';

export function CustomFieldsPage() {
  const fields = useCustomFields(true);
  const services = useServices(true);
  const save = useSaveCustomField();
  const [editing, setEditing] = useState<CustomField | 'new' | null>(null);
  const serviceNames = (ids: string[] | null) =>
    ids === null ? 'Every request' : ids.length === 0 ? 'No services' : joinWords(ids.map((id) => services.data?.find((s) => s.id === id)?.name ?? 'Unknown'));

  return (
    <AdminPage
      title="Custom fields"
      description="Extra questions asked when filing a request, shown and editable in the request's side panel."
      query={fields}
      add={{ label: 'Add field', onClick: () => setEditing('new') }}
    >
      <ErrorBanner error={save.error} title="Not saved" />
      {fields.data?.length === 0 ? (
        <EmptyState title="No custom fields yet">Add fields such as “Laptop model” (choices) or “Start date” (date).</EmptyState>
      ) : (
        <table className="table">
          <thead>
            <tr>
              <th className="col-num">#</th>
              <th>Label</th>
              <th>Type</th>
              <th>Required</th>
              <th>Applies to</th>
              <th>Status</th>
              <th className="col-actions" aria-label="Actions" />
            </tr>
          </thead>
          <tbody>
            {fields.data?.map((f) => (
              <tr key={f.id} className={f.active ? undefined : 'inactive'}>
                <td className="col-num muted">{f.position}</td>
                <td>
                  {f.label}
                  <div className="muted small mono">{f.key}</div>
                </td>
                <td>
                  {TYPE_LABELS[f.type]}
                  {f.type === 'select' && <div className="muted small">{f.options.join(', ')}</div>}
                </td>
                <td>{f.required ? 'Required' : <span className="muted">Optional</span>}</td>
                <td>{serviceNames(f.serviceIds)}</td>
                <td>{f.active ? 'Active' : <span className="badge status-archived">Inactive</span>}</td>
                <RowActions
                  active={f.active}
                  pending={save.isPending}
                  onEdit={() => setEditing(f)}
                  onToggle={() => save.mutate({ id: f.id, input: { active: !f.active } })}
                />
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <Modal title={editing === 'new' ? 'Add custom field' : `Edit ${editing?.label ?? ''}`} open={editing !== null} onClose={() => setEditing(null)} wide>
        {editing !== null && <CustomFieldForm field={editing === 'new' ? null : editing} services={services.data ?? []} onDone={() => setEditing(null)} />}
      </Modal>
    </AdminPage>
  );
}
