/**
 * Field mapping in the UI: the request fields and Kustomer attributes the selects offer, the editable draft rows,
 * the 422 problems matched to their rows, and how a mapped value reads on the Escalate form.
 * Pure: unit-tested in field-mapping-format.test.ts.
 */
import type { FieldMapping, MappingInput, MappingProblem, MappedValue, RemoteField, RemoteFieldType } from '../../api/field-mappings.ts';
import type { CustomFieldType } from '../../../core/custom-fields.ts';
import type { CustomField } from '../../../server/schemas/catalog.ts';
import { BUILTIN_LABELS, BUILTIN_REQUEST_FIELDS as BUILTINS, CUSTOM_FIELD_PREFIX, customFieldRef, INTERNAL_FACT_FIELDS } from '../../../core/field-mapping.ts';
import type { MappingSuggestion } from '../../../core/mapping-suggestions.ts';
import { formatDateTime } from '../../ui/format.ts';

const isInternal = (f: string) => (INTERNAL_FACT_FIELDS as readonly string[]).includes(f);

/** The built-in request fields a mapping can name, in the server's order and words (the internal facts apart). */
export const BUILTIN_REQUEST_FIELDS: readonly { value: string; label: string }[] = BUILTINS.filter((f) => !isInternal(f)).map((value) => ({
  value,
  label: BUILTIN_LABELS[value],
}));

/** The request's internal side (assignee, pending approval, last internal update): for Kustomer's agents only. */
export const INTERNAL_FACT_CHOICES: readonly { value: string; label: string }[] = INTERNAL_FACT_FIELDS.map((value) => ({
  value,
  label: BUILTIN_LABELS[value],
}));

const REMOTE_TYPE_WORDS: Record<RemoteFieldType, string> = {
  text: 'text',
  long_text: 'long text',
  number: 'number',
  date: 'date-time',
  boolean: 'true/false',
  url: 'URL',
  reference: 'reference',
  list: 'list',
  other: 'other',
};

const CUSTOM_TYPE_WORDS: Record<CustomFieldType, string> = {
  text: 'text',
  long_text: 'long text',
  number: 'number',
  select: 'choice',
  date: 'date',
  checkbox: 'checkbox',
  person: 'person',
};

/** "long_text" → "long text"; an unknown type is shown as it is. */
export const remoteTypeWord = (t: string): string => REMOTE_TYPE_WORDS[t as RemoteFieldType] ?? t;

/** One option of a select. `missing`: the saved value is no longer offered (kept so the row can show it). */
export interface Choice {
  value: string;
  label: string;
  missing?: boolean;
}

/** "Order Number (orderNumberStr) · text", or "Status (statusStr) · list of 3". */
export function remoteFieldText(f: RemoteField): string {
  const type = f.type === 'list' && f.options.length ? `list of ${f.options.length}` : remoteTypeWord(f.type);
  return `${f.label === f.name ? f.name : `${f.label} (${f.name})`} · ${type}`;
}

/**
 * What the Bridgedesk field select offers: the built-ins, and the active custom fields with their type. A value in
 * use that is no longer offered (an inactive or deleted custom field) is kept, marked, so the row shows it.
 */
export function requestFieldChoices(
  customFields: readonly CustomField[],
  inUse: readonly string[],
  savedLabels: Readonly<Record<string, string>> = {},
): { builtins: Choice[]; internal: Choice[]; custom: Choice[] } {
  const builtins = BUILTIN_REQUEST_FIELDS.map((f) => ({ ...f }));
  const internal = INTERNAL_FACT_CHOICES.map((f) => ({ ...f }));
  const custom: Choice[] = [];
  for (const f of customFields) {
    const value = customFieldRef(f.key);
    if (f.active) custom.push({ value, label: `${f.label} · ${CUSTOM_TYPE_WORDS[f.type] ?? f.type}` });
    else if (inUse.includes(value)) custom.push({ value, label: `${f.label} (inactive)`, missing: true });
  }
  const offered = new Set([...builtins, ...internal, ...custom].map((c) => c.value));
  for (const value of new Set(inUse)) {
    if (!value || offered.has(value)) continue;
    const key = value.startsWith(CUSTOM_FIELD_PREFIX) ? value.slice(CUSTOM_FIELD_PREFIX.length) : value;
    custom.push({ value, label: `${savedLabels[value] ?? key} (no longer a custom field)`, missing: true });
  }
  return { builtins, internal, custom };
}

/** What the Kustomer attribute select offers; an attribute in use that Kustomer no longer has is kept, marked. */
export function remoteFieldChoices(remoteFields: readonly RemoteField[], inUse: readonly string[]): Choice[] {
  const choices: Choice[] = remoteFields.map((f) => ({ value: f.name, label: remoteFieldText(f) }));
  for (const value of new Set(inUse)) {
    if (value && !remoteFields.some((f) => f.name === value)) choices.push({ value, label: `${value} (no longer in Kustomer)`, missing: true });
  }
  return choices;
}

/**
 * A saved mapping Kustomer no longer knows (it refused the attribute as unknown when values were sent):
 * "Kustomer no longer knows orderNumberStr: not sent since <date>", or null when it is in use.
 */
export function refusedNote(m: Pick<FieldMapping, 'remoteField' | 'refused'>): string | null {
  if (!m.refused) return null;
  return `Kustomer no longer knows ${m.remoteField}: not sent since ${formatDateTime(m.refused.since)}. Create it again in Kustomer, or choose another attribute.`;
}

// ---------- the draft ----------

/** One editable row; `key` is local (React's list key), never sent. */
export interface DraftRow {
  key: string;
  requestField: string;
  remoteField: string;
}

export const rowsFromMappings = (mappings: readonly FieldMapping[]): DraftRow[] =>
  mappings.map((m, i) => ({ key: `saved-${i}`, requestField: m.requestField, remoteField: m.remoteField }));

const isBlank = (r: DraftRow) => !r.requestField && !r.remoteField;

/** What Save sends: the rows with both sides chosen, in order. Rows left blank are dropped. */
export const payloadOf = (rows: readonly DraftRow[]): MappingInput[] =>
  rows.filter((r) => r.requestField && r.remoteField).map((r) => ({ requestField: r.requestField, remoteField: r.remoteField }));

/** Rows with one side chosen and the other not, with what they lack. */
export function incompleteRows(rows: readonly DraftRow[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const r of rows) {
    if (isBlank(r)) continue;
    if (!r.requestField) out.set(r.key, 'Choose the Bridgedesk field that fills this attribute');
    else if (!r.remoteField) out.set(r.key, 'Choose the Kustomer attribute this field fills');
  }
  return out;
}

const pairKey = (p: MappingInput) => `${p.requestField}\u0000${p.remoteField}`;

/** Whether the rows differ from the saved set (order aside; a half-filled row is a change, a blank one is not). */
export function isDirty(rows: readonly DraftRow[], saved: readonly FieldMapping[]): boolean {
  if (incompleteRows(rows).size > 0) return true;
  const a = payloadOf(rows).map(pairKey).sort();
  const b = saved.map(pairKey).sort();
  return a.length !== b.length || a.some((k, i) => k !== b[i]);
}

/** The value each select must not offer in a row: what the other rows already use. */
export function usedElsewhere(rows: readonly DraftRow[], key: string): { requestFields: Set<string>; remoteFields: Set<string> } {
  const others = rows.filter((r) => r.key !== key);
  return { requestFields: new Set(others.map((r) => r.requestField).filter(Boolean)), remoteFields: new Set(others.map((r) => r.remoteField).filter(Boolean)) };
}

/**
 * The server's problems put on the rows they are about (matched by the pair). A row changed since Save no longer
 * matches, so its problem goes away with the change.
 */
export function problemsByRow(rows: readonly DraftRow[], problems: readonly MappingProblem[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const p of problems) {
    for (const r of rows) {
      if (r.requestField !== p.requestField || r.remoteField !== p.remoteField) continue;
      const list = out.get(r.key) ?? [];
      if (!list.includes(p.message)) list.push(p.message);
      out.set(r.key, list);
    }
  }
  return out;
}

/** "Status → Request status (bridgedeskStatusStr)": a suggested pair as the card lists it. */
export function suggestionText(s: MappingSuggestion, remoteFields: readonly RemoteField[]): string {
  const remote = remoteFields.find((f) => f.name === s.remoteField);
  const attribute = !remote || remote.label === remote.name ? s.remoteField : `${remote.label} (${remote.name})`;
  return `${s.requestFieldLabel} → ${attribute}`;
}

/** The draft with the suggested pairs added as new rows (blank rows make way for them); `nextKey` names each new row. */
export function withSuggestions(rows: readonly DraftRow[], suggestions: readonly MappingSuggestion[], nextKey: () => string): DraftRow[] {
  return [
    ...rows.filter((r) => r.requestField || r.remoteField),
    ...suggestions.map((s) => ({ key: nextKey(), requestField: s.requestField, remoteField: s.remoteField })),
  ];
}

// ---------- the Escalate form ----------

/** A date field goes to Kustomer as midnight UTC; it reads as the date it was. */
const MIDNIGHT_UTC = /^(\d{4}-\d{2}-\d{2})T00:00:00(?:\.000)?Z$/;

/** How a value sent to Kustomer reads: Yes/No, the number, the text on one line (cut at `max` characters). */
export function mappedValueText(value: MappedValue['value'], max = 160): string {
  if (value === null) return '—';
  if (typeof value === 'boolean') return value ? 'Yes' : 'No';
  if (typeof value === 'number') return String(value);
  const date = MIDNIGHT_UTC.exec(value);
  if (date) return date[1]!;
  const line = value.replace(/\s+/g, ' ').trim();
  return line.length > max ? `${line.slice(0, max - 1).trimEnd()}…` : line;
}
