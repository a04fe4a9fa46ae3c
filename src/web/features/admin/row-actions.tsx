/** A catalog row's actions: Edit, and Deactivate or Activate (inactive items stay, hidden from new requests). */
export function RowActions({ active, pending, onEdit, onToggle }: { active: boolean; pending: boolean; onEdit: () => void; onToggle: () => void }) {
  return (
    <td className="col-actions">
      <button type="button" className="btn btn-small" onClick={onEdit}>
        Edit
      </button>
      <button type="button" className="btn btn-small btn-ghost" disabled={pending} onClick={onToggle}>
        {active ? 'Deactivate' : 'Activate'}
      </button>
    </td>
  );
}
