/** The buttons under a form: submit ("Saving…" while it runs) and Cancel, or, on a settings card, Discard and the save state. */
import type { ReactNode } from 'react';

export function FormActions({ saving, label, onCancel }: { saving: boolean; label: string; onCancel: () => void }) {
  return (
    <div className="form-actions">
      <button type="submit" className="btn btn-primary" disabled={saving}>
        {saving ? 'Saving…' : label}
      </button>
      <button type="button" className="btn btn-ghost" onClick={onCancel}>
        Cancel
      </button>
    </div>
  );
}

/**
 * A settings card's Save: only with unsaved changes, which can be discarded; says whether the last save held. `children`
 * (a card's own buttons) stand between Save and Discard.
 */
export function SaveChanges({
  busy,
  dirty,
  saved,
  onDiscard,
  children,
}: {
  busy: boolean;
  dirty: boolean;
  saved: boolean;
  onDiscard: () => void;
  children?: ReactNode;
}) {
  return (
    <div className="form-actions">
      <button type="submit" className="btn btn-primary" disabled={busy || !dirty}>
        {busy ? 'Saving…' : 'Save'}
      </button>
      {children}
      {dirty && !busy && (
        <button type="button" className="btn btn-ghost" onClick={onDiscard}>
          Discard changes
        </button>
      )}
      <span className="muted small" role="status">
        {busy ? '' : dirty ? 'Unsaved changes' : saved ? 'Saved.' : ''}
      </span>
    </div>
  );
}
