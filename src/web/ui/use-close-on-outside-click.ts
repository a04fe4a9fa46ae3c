/** While a popup is open, a mouse press outside the returned ref's element closes it. */
import { useEffect, useRef } from 'react';

export function useCloseOnOutsideClick<T extends HTMLElement>(open: boolean, setOpen: (open: boolean) => void) {
  const ref = useRef<T>(null);
  useEffect(() => {
    if (!open) return;
    const onDown = (e: MouseEvent) => {
      if (!ref.current?.contains(e.target as Node)) setOpen(false);
    };
    document.addEventListener('mousedown', onDown);
    return () => document.removeEventListener('mousedown', onDown);
  }, [open, setOpen]);
  return ref;
}
