/**
 * A default field mapping suggested from the destination's own attribute definitions: each request field (the
 * built-in facts and the custom fields) is paired with the attribute whose name or label says the same thing and
 * whose type can hold it, e.g. attribute `bridgedeskStatusStr` ("Request status") → Status. The admin sees the
 * pairs, applies them and can edit before saving. No I/O.
 *
 * Matching is on words: the attribute's plain name (the connector drops its vendor's marks, such as Kustomer's type
 * suffix) is split at its capitals (`bridgedeskStatus` → status), words such as "bridgedesk" or "request" that any of our attributes may carry are ignored, and a word's plural
 * counts as the word. A pair scores |common words| / max(|words of either|), 1 when they say exactly the same; it is
 * suggested from MIN_SCORE on. Each request field and each attribute is used once, best pairs first; a pair whose
 * types do not fit (by `mappingProblem`, the rule Save applies) is never suggested.
 */
import type { RemoteField, RemoteFieldType } from './destination.ts';
import {
  isBuiltinField,
  mappableRequestFields,
  mappingProblem,
  type BuiltinRequestField,
  type CustomFieldDef,
  type RequestFieldInfo,
} from './field-mapping.ts';

export const MIN_SCORE = 0.6;

/** What each built-in field may be called on the other side (besides its own label). */
const SYNONYMS: Record<BuiltinRequestField, readonly string[]> = {
  title: ['title', 'subject'],
  description: ['description', 'summary', 'details'],
  priority: ['priority', 'urgency'],
  status: ['status', 'state'],
  service: ['service', 'category', 'catalog item'],
  tags: ['tags', 'labels'],
  requester_email: ['requester email', 'requestor email', 'employee email'],
  requester_name: ['requester', 'requester name', 'requestor', 'requestor name', 'employee name'],
  request_key: ['key', 'number', 'id', 'reference', 'ref'],
  request_link: ['link', 'url'],
  assignee_name: ['assignee', 'assignee name', 'assigned to', 'assigned agent', 'owner', 'agent'],
  assignee_email: ['assignee email', 'assigned email', 'assigned to email', 'owner email', 'agent email'],
  pending_approval: ['pending approval', 'awaiting approval', 'approval', 'approval status', 'approver', 'waiting approval'],
  last_internal_update: ['last internal update', 'internal update', 'last update', 'last internal note', 'internal note', 'last note'],
  last_internal_update_at: ['last internal update at', 'last internal update time', 'internal update at', 'last update at', 'last note at', 'last updated at'],
};

/** The attribute type each kind fills best: a tie goes to it (a date-time to a date attribute, a link to a URL one). */
const PREFERRED: Partial<Record<RequestFieldInfo['kind'], RemoteFieldType>> = {
  datetime: 'date',
  date: 'date',
  link: 'url',
  number: 'number',
  checkbox: 'boolean',
  select: 'list',
  long_text: 'long_text',
};

/** Words any Bridgedesk attribute may carry, saying nothing about which fact it holds. */
const NOISE = new Set([
  'bridgedesk',
  'bd',
  'desk',
  'request',
  'req',
  'ticket',
  'conversation',
  'custom',
  'field',
  'attribute',
  'the',
  'of',
  'a',
  'an',
  'is',
  'by',
]);

const stem = (w: string) => (w.length > 3 && w.endsWith('s') && !w.endsWith('ss') && !w.endsWith('us') ? w.slice(0, -1) : w);

/** The meaningful words of a phrase or a camelCase name ("assignedTo" → assigned, to). */
export function words(text: string): Set<string> {
  const spaced = text
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .toLowerCase();
  return new Set(
    spaced
      .split(/[^a-z0-9]+/)
      .filter((w) => w && !NOISE.has(w))
      .map(stem),
  );
}

/** An attribute's words from its plain name and from its label; a date attribute says "at". */
function attributeWordSets(f: RemoteField): Set<string>[] {
  const at = f.type === 'date' ? ['at'] : [];
  return [new Set([...words(f.plainName), ...at]), new Set([...words(f.label), ...at])].filter((s) => s.size > 0);
}

const similarity = (a: Set<string>, b: Set<string>): number => [...a].filter((w) => b.has(w)).length / Math.max(a.size, b.size);

/** The phrases a request field goes by: its label, its synonyms, and for a custom field its key. */
function phrasesOf(field: RequestFieldInfo): Set<string>[] {
  const own = isBuiltinField(field.requestField) ? SYNONYMS[field.requestField] : [];
  const key = field.requestField.startsWith('field.') ? [field.requestField.slice('field.'.length).replace(/_/g, ' ')] : [];
  return [field.label, ...own, ...key].map(words).filter((s) => s.size > 0);
}

export interface MappingSuggestion {
  requestField: string;
  requestFieldLabel: string;
  remoteField: string;
  remoteType: RemoteFieldType;
  /** How well the words match, 0–1. */
  score: number;
}

/**
 * Suggested pairs for the request fields and attributes not in use yet (`taken`: the pairs already saved or in the
 * draft), in form order. Only active custom fields should be passed.
 */
export function suggestMappings(
  customFields: readonly CustomFieldDef[],
  remoteFields: readonly RemoteField[],
  taken: { requestFields?: readonly string[]; remoteFields?: readonly string[] } = {},
): MappingSuggestion[] {
  const usedRequest = new Set(taken.requestFields ?? []);
  const usedRemote = new Set(taken.remoteFields ?? []);
  const fields = mappableRequestFields(customFields).filter((f) => !usedRequest.has(f.requestField));
  const attributes = remoteFields.filter((f) => !usedRemote.has(f.name) && f.type !== 'other' && f.type !== 'reference');

  const candidates: (MappingSuggestion & { rank: number })[] = [];
  for (const field of fields) {
    const phrases = phrasesOf(field);
    for (const attr of attributes) {
      if (mappingProblem(field, attr)) continue;
      const sets = attributeWordSets(attr);
      const score = Math.max(0, ...phrases.flatMap((p) => sets.map((s) => similarity(p, s))));
      if (score < MIN_SCORE) continue;
      const bonus = PREFERRED[field.kind] === attr.type ? 0.01 : 0;
      candidates.push({
        requestField: field.requestField,
        requestFieldLabel: field.label,
        remoteField: attr.name,
        remoteType: attr.type,
        score,
        rank: score + bonus,
      });
    }
  }
  // Best pairs first; a tie keeps form order, then the attribute's name, so the result does not depend on input order.
  const order = fields.map((f) => f.requestField);
  candidates.sort((a, b) => b.rank - a.rank || order.indexOf(a.requestField) - order.indexOf(b.requestField) || a.remoteField.localeCompare(b.remoteField));
  const chosen: MappingSuggestion[] = [];
  const pickedRequest = new Set<string>();
  const pickedRemote = new Set<string>();
  for (const { rank: _rank, ...c } of candidates) {
    if (pickedRequest.has(c.requestField) || pickedRemote.has(c.remoteField)) continue;
    pickedRequest.add(c.requestField);
    pickedRemote.add(c.remoteField);
    chosen.push(c);
  }
  return chosen.sort((a, b) => order.indexOf(a.requestField) - order.indexOf(b.requestField));
}
