/**
 * What a condition rule can look at, and how the editor asks for its value: the request's service, priority,
 * status, tags, inbox, assignee, channel and custom fields ("field.<key>"); the requester's department, title,
 * location and manager; the run's last approval. Pure: unit-tested in condition-fields.test.ts.
 */
import type { ConditionRule } from '../../api/workflows.ts';
import { PRIORITIES, STATUSES } from '../../../core/request.ts';
import type { CustomField } from '../../../server/schemas/catalog.ts';
import { priorityLabel, statusLabel } from '../../ui/format.ts';
import { CONVERSATION_STATUS_CHOICES } from './workflow-format.ts';

export type Operator = ConditionRule['op'];
export type Subject = ConditionRule['subject'];

/** How the value is picked: from a list (fixed or loaded: Kustomer's queues and teams too), a person, free text, a number or yes/no. */
export type ValueKind = 'service' | 'inbox' | 'remote_queue' | 'remote_team' | 'options' | 'person' | 'text' | 'number' | 'checkbox';

export interface ConditionField {
  subject: Subject;
  field: string;
  label: string;
  kind: ValueKind;
  /** For kind "options": value and label. */
  options?: { value: string; label: string }[];
  ops: Operator[];
}

const OP_LABELS: Record<Operator, string> = {
  equals: 'is',
  not_equals: 'is not',
  contains: 'contains',
  is_one_of: 'is one of',
  greater_than: 'is more than',
  less_than: 'is less than',
  at_least: 'is at least',
  at_most: 'is at most',
  is_set: 'is set',
  is_not_set: 'is not set',
};
/** Every operator the engine knows (the labels' type makes the list whole). */
export const CONDITION_OPERATORS = Object.keys(OP_LABELS) as Operator[];
/** Tags are a list: "includes" reads better than "is". */
const TAG_OP_LABELS: Partial<Record<Operator, string>> = { equals: 'includes', not_equals: 'does not include', contains: 'has one containing' };

export function operatorLabel(op: string, field?: string): string {
  if (field === 'tag') return TAG_OP_LABELS[op as Operator] ?? OP_LABELS[op as Operator] ?? op;
  return OP_LABELS[op as Operator] ?? op;
}

export const needsValue = (op: string): boolean => op !== 'is_set' && op !== 'is_not_set';

const PRESENCE: Operator[] = ['is_set', 'is_not_set'];
const TEXT_OPS: Operator[] = ['equals', 'not_equals', 'contains', 'is_one_of', ...PRESENCE];
const CHOICE_OPS: Operator[] = ['equals', 'not_equals', 'is_one_of', ...PRESENCE];
const NUMBER_OPS: Operator[] = ['equals', 'not_equals', 'greater_than', 'less_than', 'at_least', 'at_most', ...PRESENCE];
const PERSON_OPS: Operator[] = ['equals', 'not_equals', ...PRESENCE];

export const APPROVAL_OUTCOMES = [
  { value: 'approved', label: 'Approved' },
  { value: 'rejected', label: 'Rejected' },
];

/** What a "Wait for the requester's reply" step saw. */
export const REPLY_OUTCOMES = [
  { value: 'received', label: 'They replied' },
  { value: 'none', label: 'No reply in time' },
];

/** The linked Kustomer conversation as Kustomer last told: its status, queue, assignee and team. */
const CONVERSATION_FIELDS: ConditionField[] = [
  { subject: 'conversation', field: 'status', label: 'Kustomer status', kind: 'options', options: CONVERSATION_STATUS_CHOICES, ops: CHOICE_OPS },
  { subject: 'conversation', field: 'queue', label: 'Kustomer queue', kind: 'remote_queue', ops: CHOICE_OPS },
  // No list of Kustomer's users is kept: the name as Kustomer shows it (or the user's id) is matched.
  { subject: 'conversation', field: 'assignee', label: 'Kustomer assignee', kind: 'text', ops: ['equals', 'not_equals', 'contains', ...PRESENCE] },
  { subject: 'conversation', field: 'team', label: 'Kustomer team', kind: 'remote_team', ops: CHOICE_OPS },
];

function customField(f: CustomField): ConditionField {
  const base = { subject: 'request' as const, field: `field.${f.key}`, label: f.label };
  switch (f.type) {
    case 'number':
      return { ...base, kind: 'number', ops: NUMBER_OPS };
    case 'select':
      return { ...base, kind: 'options', options: f.options.map((o) => ({ value: o, label: o })), ops: CHOICE_OPS };
    case 'checkbox':
      return { ...base, kind: 'checkbox', ops: ['equals', ...PRESENCE] };
    case 'person':
      return { ...base, kind: 'person', ops: PERSON_OPS };
    case 'date':
      return { ...base, kind: 'text', ops: ['equals', 'not_equals', ...PRESENCE] };
    default:
      return { ...base, kind: 'text', ops: TEXT_OPS };
  }
}

/** Every field a rule can use, in the order the editor lists them. */
export function conditionFields(customFields: CustomField[] = []): ConditionField[] {
  return [
    { subject: 'request', field: 'service', label: 'Service', kind: 'service', ops: CHOICE_OPS },
    {
      subject: 'request',
      field: 'priority',
      label: 'Priority',
      kind: 'options',
      options: PRIORITIES.map((p) => ({ value: p, label: priorityLabel(p) })),
      ops: ['equals', 'not_equals', 'at_least', 'at_most', 'is_one_of'],
    },
    {
      subject: 'request',
      field: 'status',
      label: 'Status',
      kind: 'options',
      options: STATUSES.map((s) => ({ value: s, label: statusLabel(s) })),
      ops: ['equals', 'not_equals', 'is_one_of'],
    },
    { subject: 'request', field: 'tag', label: 'Tags', kind: 'text', ops: ['equals', 'not_equals', 'contains', ...PRESENCE] },
    { subject: 'request', field: 'inbox', label: 'Inbox', kind: 'inbox', ops: CHOICE_OPS },
    { subject: 'request', field: 'assignee', label: 'Assignee', kind: 'person', ops: PERSON_OPS },
    {
      subject: 'request',
      field: 'channel',
      label: 'Channel',
      kind: 'options',
      options: [
        { value: 'web', label: 'Web' },
        { value: 'email', label: 'Email' },
        { value: 'api', label: 'API' },
      ],
      ops: ['equals', 'not_equals', 'is_one_of'],
    },
    ...customFields.filter((f) => f.active).map(customField),
    { subject: 'requester', field: 'department', label: 'Department', kind: 'text', ops: TEXT_OPS },
    { subject: 'requester', field: 'title', label: 'Job title', kind: 'text', ops: TEXT_OPS },
    { subject: 'requester', field: 'location', label: 'Location', kind: 'text', ops: TEXT_OPS },
    { subject: 'requester', field: 'manager', label: 'Manager', kind: 'person', ops: PERSON_OPS },
    ...CONVERSATION_FIELDS,
    { subject: 'run', field: 'approval', label: 'Last approval', kind: 'options', options: APPROVAL_OUTCOMES, ops: ['equals', 'not_equals', ...PRESENCE] },
    { subject: 'run', field: 'reply', label: "Requester's reply", kind: 'options', options: REPLY_OUTCOMES, ops: ['equals', 'not_equals', ...PRESENCE] },
  ];
}

export const SUBJECT_LABELS: Record<Subject, string> = {
  request: 'Request',
  requester: 'Requester',
  conversation: 'Linked Kustomer conversation',
  run: 'This run',
};

export const fieldId = (subject: string, field: string): string => `${subject}:${field}`;

/** The field a rule uses; one the editor does not know (a custom field since removed) gets a plain text input. */
export function findField(fields: ConditionField[], rule: Pick<ConditionRule, 'subject' | 'field'>): ConditionField {
  const known = fields.find((f) => f.subject === rule.subject && f.field === rule.field);
  if (known) return known;
  const label = rule.field.startsWith('field.') ? rule.field.slice(6) : rule.field;
  return { subject: rule.subject, field: rule.field, label, kind: 'text', ops: [...CONDITION_OPERATORS] };
}

/** A fresh rule on `field`: its first operator, an empty value of the right type. */
export function newRule(field: ConditionField): ConditionRule {
  const op = field.ops[0] ?? 'equals';
  return { subject: field.subject, field: field.field, op, value: emptyValue(field, op) };
}

export function emptyValue(field: ConditionField, op: string): ConditionRule['value'] {
  if (!needsValue(op)) return undefined;
  if (op === 'is_one_of') return [];
  if (field.kind === 'checkbox') return true;
  if (field.kind === 'options') return field.options?.[0]?.value ?? '';
  return '';
}

/** Keeps the value when it still fits the new operator (a single value stays when switching between "is" and "is not"). */
export function changeOperator(rule: ConditionRule, field: ConditionField, op: Operator): ConditionRule {
  const wasList = Array.isArray(rule.value);
  const isList = op === 'is_one_of';
  if (!needsValue(op)) return { subject: rule.subject, field: rule.field, op };
  if (wasList === isList && rule.value !== undefined && rule.value !== null) return { ...rule, op };
  if (isList && typeof rule.value === 'string' && rule.value) return { ...rule, op, value: [rule.value] };
  if (!isList && wasList && (rule.value as string[]).length) return { ...rule, op, value: (rule.value as string[])[0] };
  return { ...rule, op, value: emptyValue(field, op) };
}

/** "a, b ,c" → ["a", "b", "c"] for "is one of" typed as text. */
export const splitList = (text: string): string[] =>
  text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

export interface RuleNames {
  service?: (id: string) => string | undefined;
  target?: (kind: 'queue' | 'team', id: string) => string | undefined;
  inbox?: (id: string) => string | undefined;
  person?: (id: string) => string | undefined;
}

function valueText(field: ConditionField, v: unknown, names: RuleNames): string {
  if (typeof v === 'boolean') return v ? 'Yes' : 'No';
  if (typeof v === 'number') return String(v);
  if (typeof v !== 'string' || v === '') return '—';
  if (field.kind === 'service') return names.service?.(v) ?? v;
  if (field.kind === 'inbox') return names.inbox?.(v) ?? v;
  if (field.kind === 'remote_queue' || field.kind === 'remote_team') return names.target?.(field.kind === 'remote_queue' ? 'queue' : 'team', v) ?? v;
  if (field.kind === 'person') return names.person?.(v) ?? 'a person';
  if (field.kind === 'options') return field.options?.find((o) => o.value === v)?.label ?? v;
  return `“${v}”`;
}

/** "Priority is at least High", "Requester department is “Sales”", "Tags includes “vip”". */
export function ruleText(rule: ConditionRule, fields: ConditionField[], names: RuleNames = {}): string {
  const field = findField(fields, rule);
  const who = rule.subject === 'requester' ? `Requester ${field.label.toLowerCase()}` : field.label;
  const op = operatorLabel(rule.op, rule.field);
  if (!needsValue(rule.op)) return `${who} ${op}`;
  const values = Array.isArray(rule.value) ? rule.value.map((v) => valueText(field, v, names)).join(', ') : valueText(field, rule.value, names);
  return `${who} ${op} ${values}`;
}
