/**
 * A Kustomer conversation id, typed or pasted: "Re-link" an escalation to it, or "Link existing conversation" to
 * the request. Kustomer is asked whether the conversation exists before anything changes (422 otherwise).
 */
import { type FormEvent, useState } from 'react';
import { fieldErrors } from '../../api/client.ts';
import { Field } from '../../ui/field.tsx';
import { ErrorBanner } from '../../ui/states.tsx';

export function ConversationIdForm({
  label,
  submitLabel,
  pendingLabel,
  initial = '',
  hint,
  pending,
  error,
  onSubmit,
  onCancel,
}: {
  /** The form's accessible name, e.g. "Re-link escalation". */
  label: string;
  submitLabel: string;
  pendingLabel: string;
  initial?: string;
  hint: string;
  pending: boolean;
  error: unknown;
  onSubmit: (conversationId: string) => void;
  onCancel: () => void;
}) {
  const [value, setValue] = useState(initial);
  const [checked, setChecked] = useState(false);
  const fieldError = (checked && !value.trim() ? 'Paste the conversation id' : undefined) ?? fieldErrors(error).conversationId;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setChecked(true);
    if (value.trim() && !pending) onSubmit(value.trim());
  };
  return (
    <form className="conversation-form stack-tight" onSubmit={submit} noValidate aria-label={label}>
      <Field label="Conversation id" error={fieldError} hint={hint}>
        {(id, d) => (
          <input
            id={id}
            type="text"
            className="mono"
            value={value}
            maxLength={100}
            autoFocus
            autoComplete="off"
            spellCheck={false}
            placeholder="e.g. 5f1c2a9b3d4e5f6a7b8c9d0e"
            aria-describedby={d}
            aria-invalid={fieldError ? true : undefined}
            onChange={(e) => setValue(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === 'Escape') {
                e.preventDefault();
                onCancel();
              }
            }}
          />
        )}
      </Field>
      <ErrorBanner error={fieldErrors(error).conversationId ? null : error} />
      <div className="action-buttons">
        <button type="submit" className="btn btn-small btn-primary" disabled={pending}>
          {pending ? pendingLabel : submitLabel}
        </button>
        <button type="button" className="btn btn-small btn-ghost" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
