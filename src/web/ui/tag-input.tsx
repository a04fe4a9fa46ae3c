/** Tags as chips: type and press Enter or comma to add, Backspace on empty to remove the last. */
import { useState } from 'react';

export const normalizeTag = (t: string): string => t.trim().toLowerCase().replace(/\s+/g, '-');

export function TagInput({
  id,
  value,
  onChange,
  disabled,
  describedBy,
}: {
  id?: string;
  value: string[];
  onChange: (tags: string[]) => void;
  disabled?: boolean;
  describedBy?: string;
}) {
  const [text, setText] = useState('');
  const add = () => {
    const tag = normalizeTag(text);
    setText('');
    if (tag && !value.includes(tag)) onChange([...value, tag]);
  };
  return (
    <div className="tag-input">
      {value.map((t) => (
        <span key={t} className="tag">
          {t}
          {!disabled && (
            <button type="button" aria-label={`Remove tag ${t}`} onClick={() => onChange(value.filter((x) => x !== t))}>
              ×
            </button>
          )}
        </span>
      ))}
      <input
        id={id}
        type="text"
        value={text}
        disabled={disabled}
        aria-describedby={describedBy}
        placeholder={value.length ? '' : 'Add tags…'}
        onChange={(e) => setText(e.target.value)}
        onBlur={() => text && add()}
        onKeyDown={(e) => {
          if ((e.key === 'Enter' && !e.ctrlKey && !e.metaKey) || e.key === ',') {
            if (text.trim()) {
              e.preventDefault();
              add();
            } else if (e.key === ',') e.preventDefault();
          } else if (e.key === 'Backspace' && !text && value.length) {
            onChange(value.slice(0, -1));
          }
        }}
      />
    </div>
  );
}
