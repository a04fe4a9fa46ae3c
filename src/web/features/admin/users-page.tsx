/** Admin → Users: everyone who files, works or runs requests. */
import { useMemo, useState } from 'react';
import { useSaveUser, useUsers } from '../../api/catalog.ts';
import { useMe } from '../../api/session.ts';
import { type Role, ROLES } from '../../../core/actor.ts';
import type { User } from '../../../server/schemas/user.ts';
import { roleLabel } from '../../ui/format.ts';
import { Modal } from '../../ui/modal.tsx';
import { EmptyState, ErrorBanner } from '../../ui/states.tsx';
import { useDebounced } from '../../ui/use-debounced.ts';
import { AdminPage } from './admin-page.tsx';
import { UserForm } from './user-form.tsx';
import { Options } from '../../ui/choice-options.tsx';
import { TableHead } from '../../ui/table-head.tsx';

export function UsersPage() {
  const me = useMe();
  const [q, setQ] = useState('');
  const [role, setRole] = useState<Role | ''>('');
  const [showInactive, setShowInactive] = useState(false);
  const debouncedQ = useDebounced(q.trim(), 200);
  const list = useUsers({ q: debouncedQ || undefined, role: role || undefined, active: showInactive ? undefined : true });
  const everyone = useUsers({});
  const save = useSaveUser();
  const [editing, setEditing] = useState<User | 'new' | null>(null);
  const names = useMemo(() => new Map((everyone.data ?? []).map((u) => [u.id, u.name])), [everyone.data]);

  const setActive = (u: User, active: boolean) => {
    if (!active && !window.confirm(`Deactivate ${u.name}? They are signed out and their API tokens stop working.`)) return;
    save.mutate({ id: u.id, input: { active } });
  };

  return (
    <AdminPage
      title="Users"
      description="People who file, work and administer requests."
      query={list}
      add={{ label: 'Add person', onClick: () => setEditing('new') }}
      toolbar={
        <div className="filters">
          <div className="filter-group">
            <input type="search" aria-label="Search people" placeholder="Search name or email" value={q} onChange={(e) => setQ(e.target.value)} />
            <select aria-label="Role" value={role} onChange={(e) => setRole(e.target.value as Role | '')}>
              <option value="">Any role</option>
              <Options values={ROLES} label={roleLabel} />
            </select>
            <label className="checkbox">
              <input type="checkbox" checked={showInactive} onChange={(e) => setShowInactive(e.target.checked)} /> Show deactivated
            </label>
          </div>
        </div>
      }
    >
      <ErrorBanner error={save.error} title="Not saved" />
      {list.data?.length === 0 ? (
        <EmptyState title="No one matches" />
      ) : (
        <table className="table">
          <TableHead columns={['Name', 'Role', 'Department', 'Title', 'Location', 'Manager', 'Sign-in']} actions />
          <tbody>
            {list.data?.map((u) => (
              <tr key={u.id} className={u.active ? undefined : 'inactive'}>
                <td>
                  <div>
                    {u.name}
                    {u.id === me.id && <span className="muted"> (you)</span>}
                    {!u.active && <span className="badge status-archived">Deactivated</span>}
                  </div>
                  <div className="muted small">{u.email}</div>
                </td>
                <td>{roleLabel(u.role)}</td>
                <td>{u.department ?? <span className="muted">—</span>}</td>
                <td>{u.title ?? <span className="muted">—</span>}</td>
                <td>{u.location ?? <span className="muted">—</span>}</td>
                <td>{u.managerId ? (names.get(u.managerId) ?? 'Unknown') : <span className="muted">—</span>}</td>
                <td>{u.hasPassword ? 'Password' : <span className="muted">None</span>}</td>
                <td className="col-actions">
                  <button type="button" className="btn btn-small" onClick={() => setEditing(u)}>
                    Edit
                  </button>
                  {u.id !== me.id && (
                    <button type="button" className="btn btn-small btn-ghost" disabled={save.isPending} onClick={() => setActive(u, !u.active)}>
                      {u.active ? 'Deactivate' : 'Reactivate'}
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <Modal title={editing === 'new' ? 'Add person' : `Edit ${editing?.name ?? ''}`} open={editing !== null} onClose={() => setEditing(null)} wide>
        {editing !== null && <UserForm user={editing === 'new' ? null : editing} people={everyone.data ?? []} onDone={() => setEditing(null)} />}
      </Modal>
    </AdminPage>
  );
}
