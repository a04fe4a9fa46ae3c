/** One custom field's control, by type. Controlled: `onChange` gets the API value (null when empty). */
import type { CustomField } from '../../../server/schemas/catalog.ts';
import type { FieldValue } from '../../../server/schemas/request.ts';
import type { User } from '../../../server/schemas/user.ts';
import { UserPicker } from '../../ui/user-picker.tsx';
import { inputToValue } from './custom-field-values.ts';
import { Options } from '../../ui/choice-options.tsx';

export function CustomFieldInput({
  field,
  value,
  onChange,
  onBlur,
  id,
  describedBy,
  me,
  staff,
  disabled,
  personLabel,
}: {
  field: CustomField;
  value: FieldValue | undefined;
  onChange: (value: FieldValue) => void;
  onBlur?: () => void;
  id: string;
  describedBy?: string;
  me: User;
  staff: boolean;
  disabled?: boolean;
  /** Name of the person a person field holds, when known. */
  personLabel?: string | null;
}) {
  const common = { id, disabled, 'aria-describedby': describedBy, onBlur };
  const text = value === null || value === undefined ? '' : String(value);
  switch (field.type) {
    case 'long_text':
      return <textarea {...common} rows={3} value={text} onChange={(e) => onChange(inputToValue(field, e.target.value))} />;
    case 'number':
      return <input {...common} type="number" step="any" value={text} onChange={(e) => onChange(inputToValue(field, e.target.value))} />;
    case 'date':
      return <input {...common} type="date" value={text} onChange={(e) => onChange(inputToValue(field, e.target.value))} />;
    case 'checkbox':
      return (
        <label className="checkbox">
          <input {...common} type="checkbox" checked={value === true} onChange={(e) => onChange(e.target.checked)} />
          {value === true ? 'Yes' : 'No'}
        </label>
      );
    case 'select':
      return (
        <select {...common} value={text} onChange={(e) => onChange(inputToValue(field, e.target.value))}>
          <option value="">—</option>
          <Options values={field.options} />
          {text && !field.options.includes(text) && <option value={text}>{text}</option>}
        </select>
      );
    case 'person':
      if (staff) {
        return (
          <UserPicker
            id={id}
            describedBy={describedBy}
            disabled={disabled}
            value={typeof value === 'string' ? value : null}
            valueLabel={personLabel}
            onChange={(userId) => onChange(userId)}
          />
        );
      }
      // Requesters cannot list people (GET /users is staff only): they can name themselves or leave it empty.
      return (
        <select {...common} value={text} onChange={(e) => onChange(inputToValue(field, e.target.value))}>
          <option value="">—</option>
          <option value={me.id}>Me ({me.name})</option>
          {text && text !== me.id && <option value={text}>{personLabel ?? 'Someone else'}</option>}
        </select>
      );
    default:
      return <input {...common} type="text" value={text} onChange={(e) => onChange(inputToValue(field, e.target.value))} />;
  }
}
