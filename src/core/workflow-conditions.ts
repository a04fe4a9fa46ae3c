/** Evaluates workflow conditions against a snapshot of the request, its requester, its linked conversation and the run. */
import type { ConditionRule, Conditions } from './workflow-definition.ts';
import { PRIORITIES } from './request.ts';

export interface ConditionSubject {
  request: {
    service: string | null;
    serviceName: string | null;
    tags: string[];
    priority: string;
    status: string;
    inbox: string | null;
    assignee: string | null;
    channel: string;
    fields: Record<string, unknown>;
  };
  requester: { department: string | null; title: string | null; location: string | null; manager: string | null };
  /** The linked conversation as the destination last told (null or absent: none linked). */
  conversation?: ConversationFacts | null;
  run: Record<string, unknown>;
}

/**
 * The linked conversation's status (open, waiting, closed) and who and where it is. A queue, assignee and team is
 * matched by its id or its name, so a rule holds whether the admin picked it from a list or typed the name.
 */
export interface ConversationFacts {
  status: string | null;
  queue: { id: string; name: string | null } | null;
  assignee: { id: string; name: string | null } | null;
  team: { id: string; name: string | null } | null;
}

const idOrName = (x: { id: string; name: string | null } | null): string[] => (x ? [x.id, ...(x.name ? [x.name] : [])] : []);

function valueOf(s: ConditionSubject, rule: ConditionRule): unknown {
  if (rule.subject === 'request') {
    if (rule.field.startsWith('field.')) return s.request.fields[rule.field.slice(6)];
    if (rule.field === 'tag') return s.request.tags;
    return (s.request as unknown as Record<string, unknown>)[rule.field];
  }
  if (rule.subject === 'requester') return (s.requester as Record<string, unknown>)[rule.field];
  if (rule.subject === 'conversation') {
    const c = s.conversation ?? null;
    if (rule.field === 'status') return c?.status ?? null;
    if (rule.field === 'queue' || rule.field === 'assignee' || rule.field === 'team') return idOrName(c?.[rule.field] ?? null);
    return null;
  }
  return s.run[rule.field];
}

const text = (v: unknown) => (v === null || v === undefined ? '' : String(v)).toLowerCase();
const rank = (p: unknown) => PRIORITIES.indexOf(String(p) as (typeof PRIORITIES)[number]);

export function ruleHolds(s: ConditionSubject, rule: ConditionRule): boolean {
  const actual = valueOf(s, rule);
  const expected = rule.value;
  // A list (tags) holds when any of its items does.
  if (Array.isArray(actual) && rule.op !== 'is_set' && rule.op !== 'is_not_set') {
    if (rule.op === 'not_equals') return !actual.some((a) => text(a) === text(expected));
    return actual.some((a) => ruleHolds({ ...s, run: { __v: a } }, { ...rule, subject: 'run', field: '__v' }));
  }
  switch (rule.op) {
    case 'equals':
      return text(actual) === text(expected);
    case 'not_equals':
      return text(actual) !== text(expected);
    case 'contains':
      return text(actual).includes(text(expected));
    case 'is_one_of':
      return Array.isArray(expected) && expected.some((e) => text(e) === text(actual));
    case 'greater_than':
      return Number(actual) > Number(expected);
    case 'less_than':
      return Number(actual) < Number(expected);
    case 'at_least':
      return rule.field === 'priority' ? rank(actual) >= rank(expected) : Number(actual) >= Number(expected);
    case 'at_most':
      return rule.field === 'priority' ? rank(actual) <= rank(expected) : Number(actual) <= Number(expected);
    case 'is_set':
      return actual !== null && actual !== undefined && actual !== '' && !(Array.isArray(actual) && actual.length === 0);
    case 'is_not_set':
      return !ruleHolds(s, { ...rule, op: 'is_set' });
  }
}

export function conditionsHold(s: ConditionSubject, c: Conditions): boolean {
  if (c.rules.length === 0) return true;
  return c.match === 'all' ? c.rules.every((r) => ruleHolds(s, r)) : c.rules.some((r) => ruleHolds(s, r));
}
