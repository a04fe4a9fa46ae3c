/** Text that staff can click to edit in place: Enter (or Ctrl/Cmd+Enter when multiline) saves, Escape cancels. */
import { type KeyboardEvent, type ReactNode, useState } from 'react';
import { isSubmitChord } from '../../ui/hotkeys.ts';

export function EditableText({
  value,
  onSave,
  canEdit,
  multiline,
  label,
  saving,
  children,
}: {
  value: string;
  onSave: (next: string) => void;
  canEdit: boolean;
  multiline?: boolean;
  label: string;
  saving?: boolean;
  children: ReactNode;
}) {
  const [draft, setDraft] = useState<string | null>(null);
  if (draft === null) {
    return (
      <div className="editable">
        {children}
        {canEdit && (
          <button type="button" className="link-button edit-button" onClick={() => setDraft(value)} aria-label={`Edit ${label.toLowerCase()}`}>
            Edit
          </button>
        )}
      </div>
    );
  }
  const save = () => {
    if (draft !== value) onSave(draft);
    setDraft(null);
  };
  const props = {
    'aria-label': label,
    autoFocus: true,
    value: draft,
    onChange: (e: { target: { value: string } }) => setDraft(e.target.value),
    onKeyDown: (e: KeyboardEvent) => {
      if (e.key === 'Escape') setDraft(null);
      else if (multiline ? isSubmitChord(e) : e.key === 'Enter') {
        e.preventDefault();
        save();
      }
    },
  };
  return (
    <div className="editable editing">
      {multiline ? <textarea rows={Math.min(20, Math.max(4, draft.split('\n').length + 1))} {...props} /> : <input type="text" {...props} />}
      <div className="form-actions">
        <button type="button" className="btn btn-primary btn-small" disabled={saving} onClick={save}>
          Save
        </button>
        <button type="button" className="btn btn-ghost btn-small" onClick={() => setDraft(null)}>
          Cancel
        </button>
      </div>
    </div>
  );
}
