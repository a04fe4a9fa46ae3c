/** A custom field edited in place: typed fields save on blur or Enter, the others as soon as they change. */
import { useEffect, useState } from 'react';
import type { CustomField } from '../../../server/schemas/catalog.ts';
import type { FieldValue } from '../../../server/schemas/request.ts';
import type { User } from '../../../server/schemas/user.ts';
import { CustomFieldInput } from './custom-field-input.tsx';

const TYPED = new Set(['text', 'long_text', 'number']);

export function InlineCustomField({
  field,
  value,
  onSave,
  id,
  describedBy,
  me,
  disabled,
  personLabel,
}: {
  field: CustomField;
  value: FieldValue | undefined;
  onSave: (value: FieldValue) => void;
  id: string;
  describedBy?: string;
  me: User;
  disabled?: boolean;
  personLabel?: string | null;
}) {
  const [draft, setDraft] = useState<FieldValue | undefined>(value);
  useEffect(() => setDraft(value), [value]);
  const typed = TYPED.has(field.type);
  const commit = (v: FieldValue | undefined) => {
    const next = v ?? null;
    if (next !== (value ?? null)) onSave(next);
  };
  return (
    <div
      onKeyDown={(e) => {
        if (e.key === 'Enter' && e.target instanceof HTMLInputElement && typed) e.target.blur();
        if (e.key === 'Escape' && typed) {
          setDraft(value);
          (e.target as HTMLElement).blur();
        }
      }}
    >
      <CustomFieldInput
        field={field}
        id={id}
        describedBy={describedBy}
        me={me}
        staff
        disabled={disabled}
        personLabel={personLabel}
        value={draft}
        onChange={(v) => {
          setDraft(v);
          if (!typed) commit(v);
        }}
        onBlur={typed ? () => commit(draft) : undefined}
      />
    </div>
  );
}
