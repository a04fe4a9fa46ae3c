/** A button that opens a small menu under it; closes on a choice, Escape or a click elsewhere. */
import { type ReactNode, useState } from 'react';
import { useCloseOnOutsideClick } from '../../ui/use-close-on-outside-click.ts';

export function MenuButton({
  label,
  ariaLabel,
  className = 'btn',
  menuLabel,
  menuClassName = '',
  children,
}: {
  label: ReactNode;
  ariaLabel?: string;
  className?: string;
  menuLabel?: string;
  menuClassName?: string;
  /** The menu's items; call `close` after a choice. */
  children: (close: () => void) => ReactNode;
}) {
  const [open, setOpen] = useState(false);
  const ref = useCloseOnOutsideClick<HTMLDivElement>(open, setOpen);
  return (
    <div
      className="wf-menu"
      ref={ref}
      onKeyDown={(e) => {
        if (e.key === 'Escape' && open) {
          e.stopPropagation();
          setOpen(false);
        }
      }}
    >
      <button type="button" className={className} aria-expanded={open} aria-haspopup="menu" aria-label={ariaLabel} onClick={() => setOpen(!open)}>
        {label}
      </button>
      {open && (
        <div className={`wf-menu-list ${menuClassName}`} role="menu" aria-label={menuLabel}>
          {children(() => setOpen(false))}
        </div>
      )}
    </div>
  );
}
