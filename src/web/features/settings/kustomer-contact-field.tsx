/**
 * "Customer email": which request field holds the email of the Kustomer customer a conversation is filed under:
 * the requester's email, or an active text custom field. Saved as soon as it is picked.
 */
import { useId, useState } from 'react';
import { useCustomFields } from '../../api/catalog.ts';
import { contactEmailFieldOf, useSetContactEmailField } from '../../api/escalations.ts';
import type { KustomerIntegration } from '../../api/integrations.ts';
import { Field, Select } from '../../ui/field.tsx';
import { ErrorBanner } from '../../ui/states.tsx';

export function KustomerContactField({ data }: { data: KustomerIntegration }) {
  const headingId = useId();
  const fields = useCustomFields(false);
  const save = useSetContactEmailField();
  const [saved, setSaved] = useState(false);
  const current = contactEmailFieldOf(data);
  const shown = save.isPending ? (save.variables ?? null) : current;
  const textFields = (fields.data ?? []).filter((f) => f.type === 'text' && f.active);
  const chosen = textFields.find((f) => f.key === shown);

  const pick = (value: string) => {
    setSaved(false);
    save.mutate(value || null, { onSuccess: () => setSaved(true) });
  };

  return (
    <section className="card stack contact-field-card" aria-labelledby={headingId}>
      <div>
        <h2 id={headingId}>Customer email</h2>
        <p className="muted">Each conversation is filed under the Kustomer customer with this email; Bridgedesk creates the customer when Kustomer has none.</p>
      </div>
      <Field
        label="Take the customer's email from"
        hint={
          chosen
            ? `When a request's “${chosen.label}” is empty or not an email address, the requester's email is used.`
            : textFields.length === 0 && fields.data
              ? 'Add a text custom field (Admin → Custom fields) to take the email from a request field instead.'
              : 'The person the request is for.'
        }
      >
        <Select value={shown ?? ''} disabled={save.isPending || fields.isPending} onChange={(e) => pick(e.target.value)}>
          <option value="">The requester's email</option>
          {textFields.length > 0 && (
            <optgroup label="Custom fields (text)">
              {textFields.map((f) => (
                <option key={f.key} value={f.key}>
                  {f.label}
                </option>
              ))}
            </optgroup>
          )}
          {shown && !textFields.some((f) => f.key === shown) && !fields.isPending && <option value={shown}>{shown} (no longer an active text field)</option>}
        </Select>
      </Field>
      {(save.isPending || saved) && (
        <span className="muted small" role="status">
          {save.isPending ? 'Saving…' : 'Saved.'}
        </span>
      )}
      <ErrorBanner error={save.error ?? fields.error} title={save.error ? 'Not saved' : 'Cannot load the custom fields'} />
    </section>
  );
}
