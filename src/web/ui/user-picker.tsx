/** A searchable person picker (staff only: it lists people from /users). Arrow keys, Enter, Escape. */
import { useId, useState } from 'react';
import { useUsers } from '../api/catalog.ts';
import { errorMessage } from '../api/client.ts';
import type { User } from '../../server/schemas/user.ts';
import { useDebounced } from './use-debounced.ts';

export function UserPicker({
  id,
  value,
  valueLabel,
  onChange,
  placeholder = 'Search people…',
  staffOnly = false,
  disabled,
  describedBy,
}: {
  id?: string;
  value: string | null;
  /** Name to show for the current value before (or without) the people list loading. */
  valueLabel?: string | null;
  onChange: (id: string | null, user: User | null) => void;
  placeholder?: string;
  staffOnly?: boolean;
  disabled?: boolean;
  describedBy?: string;
}) {
  const listId = useId();
  const [text, setText] = useState('');
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(0);
  const q = useDebounced(text.trim(), 200);
  const users = useUsers({ q: q || undefined, active: true }, { enabled: open });
  const known = useUsers({ active: true }, { enabled: !!value && !valueLabel });
  const matches = (users.data ?? []).filter((u) => !staffOnly || u.role !== 'requester').slice(0, 20);
  const selectedName = valueLabel ?? known.data?.find((u) => u.id === value)?.name ?? (value ? 'Unknown person' : '');

  const choose = (u: User | null) => {
    onChange(u?.id ?? null, u);
    setText('');
    setOpen(false);
  };

  return (
    <div className="picker">
      <input
        id={id}
        type="text"
        role="combobox"
        aria-expanded={open}
        aria-controls={listId}
        aria-autocomplete="list"
        aria-describedby={describedBy}
        autoComplete="off"
        disabled={disabled}
        placeholder={value ? selectedName : placeholder}
        value={open ? text : selectedName}
        onFocus={() => {
          setOpen(true);
          setActive(0);
        }}
        onBlur={() => setOpen(false)}
        onChange={(e) => {
          setText(e.target.value);
          setActive(0);
          setOpen(true);
        }}
        onKeyDown={(e) => {
          if (e.key === 'ArrowDown') {
            e.preventDefault();
            setActive((i) => Math.min(i + 1, matches.length - 1));
          } else if (e.key === 'ArrowUp') {
            e.preventDefault();
            setActive((i) => Math.max(i - 1, 0));
          } else if (e.key === 'Enter' && open && matches[active]) {
            e.preventDefault();
            choose(matches[active]);
          } else if (e.key === 'Escape') {
            setOpen(false);
            (e.target as HTMLInputElement).blur();
          }
        }}
      />
      {value && !disabled && (
        <button type="button" className="picker-clear" aria-label="Clear" onMouseDown={(e) => e.preventDefault()} onClick={() => choose(null)}>
          ×
        </button>
      )}
      {open && (
        <ul className="picker-list" id={listId} role="listbox">
          {users.isLoading && <li className="picker-note">Loading…</li>}
          {users.error && <li className="picker-note">{errorMessage(users.error)}</li>}
          {users.data && matches.length === 0 && <li className="picker-note">No one matches</li>}
          {matches.map((u, i) => (
            <li
              key={u.id}
              role="option"
              aria-selected={i === active}
              className={i === active ? 'active' : undefined}
              onMouseDown={(e) => e.preventDefault()}
              onMouseEnter={() => setActive(i)}
              onClick={() => choose(u)}
            >
              <span>{u.name}</span>
              <span className="muted">{u.email}</span>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
