/** Which custom fields a request asks for, and turning form input into the values the API takes. Pure. */
import type { CustomField } from '../../../server/schemas/catalog.ts';
import type { FieldValue } from '../../../server/schemas/request.ts';

/** Active fields for the service (a field with no services applies to every request), in display order. */
export function applicableFields(defs: CustomField[], serviceId: string | null): CustomField[] {
  return defs
    .filter((d) => d.active && (d.serviceIds === null || (serviceId !== null && d.serviceIds.includes(serviceId))))
    .sort((a, b) => a.position - b.position || a.label.localeCompare(b.label));
}

/** An empty input means "no value"; numbers are parsed (NaN stays text so the server reports it). */
export function inputToValue(field: Pick<CustomField, 'type'>, raw: string | boolean): FieldValue {
  if (typeof raw === 'boolean') return raw;
  if (raw.trim() === '') return null;
  if (field.type === 'number') {
    const n = Number(raw);
    return Number.isFinite(n) ? n : raw;
  }
  return raw;
}

/** The values to send when filing: only fields that apply, only values that are set. */
export function valuesForCreate(defs: CustomField[], serviceId: string | null, draft: Record<string, FieldValue>): Record<string, FieldValue> {
  const out: Record<string, FieldValue> = {};
  for (const f of applicableFields(defs, serviceId)) {
    const v = draft[f.key];
    if (v === undefined || v === null || v === '') continue;
    if (f.type === 'checkbox' && v === false && !f.required) continue;
    out[f.key] = v;
  }
  return out;
}
