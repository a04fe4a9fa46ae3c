/**
 * Field mapping: which request field fills which custom field of a destination's ticket, whether the two types
 * fit, and how a request's value is written for the destination. No I/O: callers pass the request's values, the
 * custom field definitions and the destination's field list.
 */
import type { CustomFieldType, CustomFieldValue } from './custom-fields.ts';
import type { RemoteField, RemoteFieldType } from './destination.ts';
import { internalFactsChangedBy } from './internal-facts.ts';

/** A built-in request field: its label, what it holds (SourceKind) and how its value is read from a request. */
interface BuiltinField {
  label: string;
  kind: SourceKind;
  read: (r: RequestValues) => CustomFieldValue | string[];
}

const BUILTINS = {
  title: { label: 'Title', kind: 'text', read: (r) => r.title },
  description: { label: 'Description', kind: 'long_text', read: (r) => r.description },
  priority: { label: 'Priority', kind: 'text', read: (r) => r.priority },
  status: { label: 'Status', kind: 'text', read: (r) => r.status },
  service: { label: 'Service', kind: 'text', read: (r) => r.service },
  tags: { label: 'Tags', kind: 'tags', read: (r) => r.tags },
  requester_email: { label: 'Requester email', kind: 'text', read: (r) => r.requester.email },
  requester_name: { label: 'Requester name', kind: 'text', read: (r) => r.requester.name },
  request_key: { label: 'Request key', kind: 'text', read: (r) => r.key },
  request_link: { label: 'Request link', kind: 'link', read: (r) => r.link },
  // The internal side (core/internal-facts.ts): for the destination's agents only.
  assignee_name: { label: 'Assignee name', kind: 'text', read: (r) => r.assignee?.name ?? null },
  assignee_email: { label: 'Assignee email', kind: 'text', read: (r) => r.assignee?.email ?? null },
  pending_approval: { label: 'Pending approval', kind: 'text', read: (r) => r.pendingApproval },
  last_internal_update: { label: 'Last internal update', kind: 'text', read: (r) => r.lastInternalUpdate?.text ?? null },
  last_internal_update_at: { label: 'Last internal update time', kind: 'datetime', read: (r) => r.lastInternalUpdate?.at ?? null },
} satisfies Record<string, BuiltinField>;
export type BuiltinRequestField = keyof typeof BUILTINS;
export const BUILTIN_REQUEST_FIELDS = Object.keys(BUILTINS) as BuiltinRequestField[];
export const BUILTIN_LABELS = Object.fromEntries(BUILTIN_REQUEST_FIELDS.map((f) => [f, BUILTINS[f].label])) as Record<BuiltinRequestField, string>;

/** The built-ins that tell the request's internal side (for the destination's agents only; core/internal-facts.ts). */
export const INTERNAL_FACT_FIELDS: readonly BuiltinRequestField[] = [
  'assignee_name',
  'assignee_email',
  'pending_approval',
  'last_internal_update',
  'last_internal_update_at',
];

/** A custom field is named `field.<key>` in a mapping. */
export const CUSTOM_FIELD_PREFIX = 'field.';
export const customFieldRef = (key: string) => `${CUSTOM_FIELD_PREFIX}${key}`;

export const isBuiltinField = (f: string): f is BuiltinRequestField => (BUILTIN_REQUEST_FIELDS as readonly string[]).includes(f);

/** The custom field key of `field.<key>`, or null for anything else. */
export function customFieldKeyOf(requestField: string): string | null {
  if (!requestField.startsWith(CUSTOM_FIELD_PREFIX)) return null;
  const key = requestField.slice(CUSTOM_FIELD_PREFIX.length);
  return /^[a-z][a-z0-9_]{0,62}$/.test(key) ? key : null;
}

/** What a request field holds, as far as matching with a remote field goes. */
export type SourceKind = CustomFieldType | 'tags' | 'link' | 'datetime';

export interface RequestFieldInfo {
  /** `title`, ..., or `field.<key>`. */
  requestField: string;
  label: string;
  kind: SourceKind;
  /** A select field's choices. */
  options: string[];
}

/** The custom field definitions this module needs. */
export interface CustomFieldDef {
  key: string;
  label: string;
  type: CustomFieldType;
  options: string[];
}

/** Describes a request field, or null when it names neither a built-in nor a defined custom field. */
export function requestFieldInfo(requestField: string, customFields: readonly CustomFieldDef[]): RequestFieldInfo | null {
  if (isBuiltinField(requestField)) return { requestField, label: BUILTINS[requestField].label, kind: BUILTINS[requestField].kind, options: [] };
  const key = customFieldKeyOf(requestField);
  const def = key === null ? undefined : customFields.find((d) => d.key === key);
  return def ? { requestField, label: def.label, kind: def.type, options: def.options } : null;
}

/** Every request field that can be mapped: the built-ins, then the custom fields in the order given. */
export function mappableRequestFields(customFields: readonly CustomFieldDef[]): RequestFieldInfo[] {
  return [...BUILTIN_REQUEST_FIELDS.map((f) => requestFieldInfo(f, [])!), ...customFields.map((d) => requestFieldInfo(customFieldRef(d.key), customFields)!)];
}

const TEXT: RemoteFieldType[] = ['text', 'long_text'];

/** Which remote field types each kind of request field can fill. */
export const COMPATIBLE: Record<SourceKind, readonly RemoteFieldType[]> = {
  text: TEXT,
  long_text: TEXT,
  number: ['number'],
  date: ['date'],
  checkbox: ['boolean'],
  select: [...TEXT, 'list'],
  // the person's email
  person: TEXT,
  // comma-joined
  tags: TEXT,
  link: [...TEXT, 'url'],
  // an ISO date-time
  datetime: [...TEXT, 'date'],
};

const SOURCE_WORDS: Record<SourceKind, string> = {
  text: 'text',
  long_text: 'long text',
  number: 'a number',
  date: 'a date',
  checkbox: 'a checkbox (yes/no)',
  select: 'a choice',
  person: 'a person',
  tags: 'a list of tags',
  link: 'a link',
  datetime: 'a date-time',
};

const REMOTE_WORDS: Record<RemoteFieldType, string> = {
  text: 'text',
  long_text: 'long text',
  number: 'a number',
  date: 'a date-time',
  boolean: 'true/false',
  url: 'a URL',
  reference: 'a reference to another record',
  list: 'a choice from a list',
  other: 'a type Bridgedesk cannot fill',
};

/** Null when the request field can fill the remote field; otherwise why not, in words an admin understands. */
export function mappingProblem(source: RequestFieldInfo, remote: RemoteField): string | null {
  if (!COMPATIBLE[source.kind].includes(remote.type)) {
    return `${source.label} is ${SOURCE_WORDS[source.kind]}; ${remote.name} holds ${REMOTE_WORDS[remote.type]}`;
  }
  // A choice sent into a field with its own list of values: every choice must be one of them.
  if (source.kind === 'select' && remote.options.length) {
    const missing = source.options.filter((o) => !remote.options.includes(o));
    if (missing.length) return `${source.label} has choices ${remote.name} does not offer: ${missing.join(', ')}`;
  }
  return null;
}

export interface MappingInput {
  requestField: string;
  remoteField: string;
}

export interface MappingProblem extends MappingInput {
  message: string;
}

export interface CheckedMapping extends MappingInput {
  remoteType: RemoteFieldType;
}

/**
 * Checks a whole mapping set: each request field and remote field must exist, appear once, and fit together.
 * Returns the mappings with their remote types, or every problem found.
 */
export function checkMappings(
  items: readonly MappingInput[],
  customFields: readonly CustomFieldDef[],
  remoteFields: readonly RemoteField[],
  /** The destination's name for messages, e.g. "Kustomer". */
  destination = 'the destination',
): { ok: true; mappings: CheckedMapping[] } | { ok: false; problems: MappingProblem[] } {
  const problems: MappingProblem[] = [];
  const mappings: CheckedMapping[] = [];
  const seenRequest = new Set<string>();
  const seenRemote = new Set<string>();
  for (const item of items) {
    const problem = (message: string) => problems.push({ ...item, message });
    const source = requestFieldInfo(item.requestField, customFields);
    const remote = remoteFields.find((f) => f.name === item.remoteField);
    if (!source) problem(`${item.requestField} is not a request field`);
    // the admin's list of attributes may be older than the destination's metadata (deleted or renamed since)
    if (!remote)
      problem(
        `${item.remoteField} is not a conversation attribute in ${destination} (it may have been deleted or renamed there: re-check its name, or create it there first)`,
      );
    if (seenRequest.has(item.requestField)) problem(`${source?.label ?? item.requestField} is mapped more than once`);
    if (seenRemote.has(item.remoteField)) problem(`${item.remoteField} is filled by more than one request field`);
    seenRequest.add(item.requestField);
    seenRemote.add(item.remoteField);
    if (!source || !remote) continue;
    const mismatch = mappingProblem(source, remote);
    if (mismatch) problem(mismatch);
    else mappings.push({ ...item, remoteType: remote.type });
  }
  return problems.length ? { ok: false, problems } : { ok: true, mappings };
}

/** A request's values as the mapping reads them. `person` fields carry the person's email, resolved by the caller. */
export interface RequestValues {
  key: string;
  link: string;
  title: string;
  description: string;
  status: string;
  priority: string;
  service: string | null;
  tags: string[];
  requester: { name: string; email: string };
  /** Custom field values by key, with person fields already turned into emails (null when unknown). */
  customFields: Record<string, CustomFieldValue>;
  /** The internal facts (core/internal-facts.ts); read only when one of them is mapped. */
  assignee: { name: string; email: string } | null;
  /** "Awaiting approval by Morgan Manager", or null. */
  pendingApproval: string | null;
  /** The newest internal note: "Ada Agent: text" and its ISO time. */
  lastInternalUpdate: { text: string; at: string } | null;
}

/** The value of a request field, before conversion; null when the request has none. */
export function readRequestField(requestField: string, r: RequestValues): CustomFieldValue | string[] {
  if (isBuiltinField(requestField)) return BUILTINS[requestField].read(r);
  const key = customFieldKeyOf(requestField);
  return key === null ? null : (r.customFields[key] ?? null);
}

/** A date field's YYYY-MM-DD as the destination's date-time: midnight UTC. */
export const dateToDateTime = (d: string) => `${d}T00:00:00.000Z`;

export type RemoteValue = string | number | boolean | null;

/**
 * Converts a request field's value for a remote field of the given type. Empty values (no value, empty text, no
 * tags) become null, which clears the remote field. A value that cannot be converted is null as well.
 */
export function toRemoteValue(kind: SourceKind, remoteType: RemoteFieldType, value: CustomFieldValue | string[]): RemoteValue {
  if (value === null || value === undefined) return null;
  if (Array.isArray(value)) return value.length ? value.join(', ') : null;
  switch (kind) {
    case 'number':
      return typeof value === 'number' && Number.isFinite(value) ? value : null;
    case 'checkbox':
      return typeof value === 'boolean' ? value : null;
    case 'date':
      return typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value) ? dateToDateTime(value) : null;
    case 'datetime':
      return typeof value === 'string' && !Number.isNaN(Date.parse(value)) ? new Date(value).toISOString() : null;
    default: {
      if (remoteType === 'number' || remoteType === 'boolean') return typeof value === remoteType ? value : null;
      const text = String(value);
      return text.trim() === '' ? null : text;
    }
  }
}

/** The request fields a timeline entry changes (for pushing only what changed); empty for other entries. */
export function requestFieldsChangedBy(entry: { type: string; data: Record<string, unknown> }): string[] {
  switch (entry.type) {
    case 'request.title_changed':
      return ['title'];
    case 'request.description_changed':
      return ['description'];
    case 'request.status_changed':
      return ['status'];
    case 'request.priority_changed':
      return ['priority'];
    case 'request.service_changed':
      return ['service'];
    case 'request.tags_changed':
      return ['tags'];
    case 'request.field_changed':
      return typeof entry.data.field === 'string' ? [customFieldRef(entry.data.field)] : [];
    default:
      return internalFactsChangedBy(entry);
  }
}
