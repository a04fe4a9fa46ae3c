/** Define or change a custom field. Key and type are fixed once created (stored values depend on them). */
import { type FormEvent, useState } from 'react';
import { type CustomFieldInput, useSaveCustomField } from '../../api/catalog.ts';
import { fieldErrors } from '../../api/client.ts';
import { CUSTOM_FIELD_TYPES, type CustomFieldType } from '../../../core/custom-fields.ts';
import type { CustomField, Service } from '../../../server/schemas/catalog.ts';
import { Field, Input, TextArea, Select } from '../../ui/field.tsx';
import { ErrorBanner } from '../../ui/states.tsx';
import { changedFields } from './form-helpers.ts';
import { FormActions } from '../../ui/form-actions.tsx';
import { Options } from '../../ui/choice-options.tsx';

export const TYPE_LABELS: Record<CustomFieldType, string> = {
  text: 'Text',
  long_text: 'Long text',
  number: 'Number',
  select: 'Select (choices)',
  date: 'Date',
  checkbox: 'Checkbox',
  person: 'Person',
};

/** "Laptop model" → "laptop_model": the default key for a new field. */
export const keyFromLabel = (label: string): string =>
  label
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^[^a-z]+|_+$/g, '')
    .slice(0, 63);

export function CustomFieldForm({ field, services, onDone }: { field: CustomField | null; services: Service[]; onDone: () => void }) {
  const save = useSaveCustomField();
  const [label, setLabel] = useState(field?.label ?? '');
  const [key, setKey] = useState(field?.key ?? '');
  const [keyTouched, setKeyTouched] = useState(!!field);
  const [type, setType] = useState<CustomFieldType>(field?.type ?? 'text');
  const [options, setOptions] = useState((field?.options ?? []).join('\n'));
  const [required, setRequired] = useState(field?.required ?? false);
  const [allServices, setAllServices] = useState(field ? field.serviceIds === null : true);
  const [serviceIds, setServiceIds] = useState<string[]>(field?.serviceIds ?? []);
  const [position, setPosition] = useState(String(field?.position ?? 0));
  const [active, setActive] = useState(field?.active ?? true);
  const errors = fieldErrors(save.error);
  const [scopeError, setScopeError] = useState<string | undefined>();
  const optionsError = Object.entries(errors).find(([k]) => k.startsWith('options'))?.[1];

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!allServices && serviceIds.length === 0) {
      setScopeError('Pick at least one service, or choose “Every request”');
      return;
    }
    setScopeError(undefined);
    const input: CustomFieldInput = {
      label: label.trim(),
      options:
        type === 'select'
          ? options
              .split('\n')
              .map((o) => o.trim())
              .filter(Boolean)
          : [],
      required,
      serviceIds: allServices ? null : serviceIds,
      position: Number(position) || 0,
    };
    if (field) {
      input.active = active;
      const body = changedFields(field, input);
      if (Object.keys(body).length === 0) return onDone();
      save.mutate({ id: field.id, input: body }, { onSuccess: onDone });
    } else {
      save.mutate({ input: { ...input, key: key.trim(), type } }, { onSuccess: onDone });
    }
  };

  return (
    <form className="stack" onSubmit={submit} noValidate>
      <ErrorBanner error={save.error} />
      <div className="grid-2">
        <Field label="Label" required error={errors.label}>
          <Input
            autoFocus
            value={label}
            onChange={(e) => {
              setLabel(e.target.value);
              if (!keyTouched) setKey(keyFromLabel(e.target.value));
            }}
          />
        </Field>
        <Field label="Key" required error={errors.key} hint={field ? 'Fixed once created' : 'Used in the API, e.g. laptop_model'}>
          <Input
            className="mono"
            value={key}
            disabled={!!field}
            onChange={(e) => {
              setKey(e.target.value);
              setKeyTouched(true);
            }}
          />
        </Field>
        <Field label="Type" error={errors.type} hint={field ? 'Fixed once created' : undefined}>
          <Select value={type} disabled={!!field} onChange={(e) => setType(e.target.value as CustomFieldType)}>
            <Options values={CUSTOM_FIELD_TYPES} label={(t) => TYPE_LABELS[t]} />
          </Select>
        </Field>
        <Field label="Position" error={errors.position} hint="Lower comes first">
          <Input type="number" step="1" value={position} onChange={(e) => setPosition(e.target.value)} />
        </Field>
      </div>
      {type === 'select' && (
        <Field label="Choices" required error={optionsError} hint="One per line">
          <TextArea rows={5} value={options} onChange={(e) => setOptions(e.target.value)} />
        </Field>
      )}
      <label className="checkbox">
        <input type="checkbox" checked={required} onChange={(e) => setRequired(e.target.checked)} /> Required when filing a request
      </label>
      <fieldset className="checklist">
        <legend>Applies to</legend>
        {(scopeError ?? errors.serviceIds) && <div className="field-error">{scopeError ?? errors.serviceIds}</div>}
        <label className="checkbox">
          <input type="radio" name="scope" checked={allServices} onChange={() => setAllServices(true)} /> Every request
        </label>
        <label className="checkbox">
          <input type="radio" name="scope" checked={!allServices} onChange={() => setAllServices(false)} /> Only requests for these services:
        </label>
        {!allServices && (
          <div className="checklist-items indent">
            {services.length === 0 && <p className="muted">No services yet.</p>}
            {services.map((s) => (
              <label key={s.id} className="checkbox">
                <input
                  type="checkbox"
                  checked={serviceIds.includes(s.id)}
                  onChange={() => setServiceIds((ids) => (ids.includes(s.id) ? ids.filter((x) => x !== s.id) : [...ids, s.id]))}
                />
                {s.name}
                {!s.active && <span className="muted"> (inactive)</span>}
              </label>
            ))}
          </div>
        )}
      </fieldset>
      {field && (
        <label className="checkbox">
          <input type="checkbox" checked={active} onChange={(e) => setActive(e.target.checked)} /> Active (inactive fields are no longer asked; values are kept)
        </label>
      )}
      <FormActions saving={save.isPending} label={field ? 'Save changes' : 'Add field'} onCancel={onDone} />
    </form>
  );
}
