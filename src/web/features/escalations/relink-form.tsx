/**
 * A Kustomer conversation's link (any of its URL shapes) or id, pasted: "Re-link" an escalation to it. Kustomer is asked whether the conversation exists before anything changes (422 otherwise). When the
 * conversation is already linked to another request, the form names that request and asks before linking it here too.
 */
import { type FormEvent, useState } from 'react';
import { Link } from 'wouter';
import { fieldErrors } from '../../api/client.ts';
import { linkedElsewhere } from '../../api/escalations.ts';
import { Field, Input } from '../../ui/field.tsx';
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
  /** `confirm`: the agent agreed to link a conversation another request already holds. */
  onSubmit: (conversationId: string, confirm: boolean) => void;
  onCancel: () => void;
}) {
  const [value, setValue] = useState(initial);
  const [checked, setChecked] = useState(false);
  const fieldError = (checked && !value.trim() ? "Paste the conversation's link or id" : undefined) ?? fieldErrors(error).conversationId;
  const holder = linkedElsewhere(error);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setChecked(true);
    // Asked and agreed: the same id goes again with confirm.
    if (value.trim() && !pending) onSubmit(value.trim(), holder !== null);
  };
  return (
    <form className="conversation-form stack-tight" onSubmit={submit} noValidate aria-label={label}>
      <Field label="Conversation link or id" error={fieldError} hint={hint}>
        <Input
          type="text"
          className="mono"
          value={value}
          maxLength={2000}
          autoFocus
          autoComplete="off"
          spellCheck={false}
          placeholder="https://<org>.kustomerapp.com/app/conversations/…"
          aria-invalid={fieldError ? true : undefined}
          readOnly={holder !== null}
          onChange={(e) => setValue(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Escape') {
              e.preventDefault();
              onCancel();
            }
          }}
        />
      </Field>
      {holder ? (
        <div className="banner banner-warning" role="alert" data-testid="linked-elsewhere">
          <div className="stack-tight">
            <strong>
              This conversation is already linked to{' '}
              <Link href={`/requests/${holder.requestKey}`}>
                {holder.requestKey}
                {holder.title ? ` “${holder.title}”` : ''}
              </Link>
              .
            </strong>
            <span>Link it here too? Both requests will then follow the same Kustomer conversation.</span>
          </div>
        </div>
      ) : (
        <ErrorBanner error={fieldErrors(error).conversationId ? null : error} />
      )}
      <div className="action-buttons">
        <button type="submit" className="btn btn-small btn-primary" disabled={pending}>
          {pending ? pendingLabel : holder ? `${submitLabel} here too` : submitLabel}
        </button>
        <button type="button" className="btn btn-small btn-ghost" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
