/**
 * A modal dialog (native <dialog>: focus trap for free). Children mount only while open.
 * Esc and × only ASK to close (`onClose`); the owner decides, so a dialog holding edited text can ask before
 * throwing it away. Esc is taken at keydown, before the browser's own close request, which would close the dialog
 * whatever the owner decides.
 */
import { type ReactNode, useEffect, useRef } from 'react';

export function Modal({ title, open, onClose, children, wide }: { title: string; open: boolean; onClose: () => void; children: ReactNode; wide?: boolean }) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (open && !d.open) d.showModal();
    if (!open && d.open) d.close();
  }, [open]);
  return (
    <dialog
      ref={ref}
      className={`dialog${wide ? ' dialog-wide' : ''}`}
      aria-label={title}
      onKeyDown={(e) => {
        // A control inside that handles Esc itself (a small inline form) marks it handled.
        if (e.key !== 'Escape' || e.defaultPrevented) return;
        e.preventDefault();
        onClose();
      }}
      onCancel={(e) => {
        e.preventDefault();
        onClose();
      }}
      onClose={() => {
        // Closed by the browser despite the above: tell the owner, so its state matches what is shown.
        if (open) onClose();
      }}
    >
      <div className="dialog-header">
        <h2>{title}</h2>
        <button type="button" className="link-button" aria-label="Close" onClick={onClose}>
          ×
        </button>
      </div>
      {open && children}
    </dialog>
  );
}
