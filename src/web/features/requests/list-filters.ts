/**
 * The request list's filters, sort and order: kept in the page URL (shareable, survives reload), turned into the
 * API query, and back (a saved view stores the API query).
 */
import { PRIORITIES, type Priority, type Status, STATUSES } from '../../../core/request.ts';

import { ESCALATION_FILTERS, type EscalationFilter, type Order, type Sort, SORTS } from '../../../core/request-list.ts';

export { ESCALATION_FILTERS, SORTS };
export type { EscalationFilter, Order, Sort };
/** The escalation filter's words; `destination` names the destination offered (useDestinationName). */
export const escalationFilterLabel = (f: EscalationFilter, destination: string): string =>
  ({
    escalated: 'Escalated',
    not_escalated: 'Not escalated',
    failed: 'Escalation failed',
    waiting_on_destination: `Waiting on ${destination}`,
    done_in_destination: `Done in ${destination}`,
  })[f];
export const SORT_LABELS: Record<Sort, string> = { created: 'Created', updated: 'Updated', priority: 'Priority', status: 'Status' };
/** The order a column sorts in on its first click: newest, most urgent, least advanced first. */
export const FIRST_ORDER: Record<Sort, Order> = { created: 'desc', updated: 'desc', priority: 'desc', status: 'asc' };

export interface ListFilters {
  status: Status[];
  priority: Priority[];
  serviceId: string;
  /** a user id, "me", "none", or "" for anyone */
  assigneeId: string;
  /** an inbox id, "none", or "" for any */
  inboxId: string;
  tag: string;
  q: string;
  /** "" for any */
  escalation: EscalationFilter | '';
  sort: Sort;
  order: Order;
}

export const EMPTY_FILTERS: ListFilters = {
  status: [],
  priority: [],
  serviceId: '',
  assigneeId: '',
  inboxId: '',
  tag: '',
  q: '',
  escalation: '',
  sort: 'created',
  order: 'desc',
};
export const OPEN_STATUSES: Status[] = ['new', 'in_progress', 'waiting'];

const csv = <T extends string>(value: string | null, allowed: readonly T[]): T[] =>
  (value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s): s is T => (allowed as readonly string[]).includes(s));

const oneOf = <T extends string>(value: string | null, allowed: readonly T[], fallback: T): T =>
  (allowed as readonly string[]).includes(value ?? '') ? ((value ?? '') as T) : fallback;

export function parseFilters(search: string): ListFilters {
  const p = new URLSearchParams(search);
  return {
    status: csv(p.get('status'), STATUSES),
    priority: csv(p.get('priority'), PRIORITIES),
    serviceId: p.get('service') ?? '',
    assigneeId: p.get('assignee') ?? '',
    inboxId: p.get('inbox') ?? '',
    tag: p.get('tag') ?? '',
    q: p.get('q') ?? '',
    escalation: oneOf(p.get('escalation'), ['', ...ESCALATION_FILTERS], ''),
    sort: oneOf(p.get('sort'), SORTS, 'created'),
    order: oneOf(p.get('order'), ['asc', 'desc'] as const, 'desc'),
  };
}

/** The page URL's query string (without "?"); empty filters are left out so URLs stay short. */
export function filtersToSearch(f: ListFilters): string {
  const p = new URLSearchParams();
  if (f.status.length) p.set('status', f.status.join(','));
  if (f.priority.length) p.set('priority', f.priority.join(','));
  if (f.serviceId) p.set('service', f.serviceId);
  if (f.assigneeId) p.set('assignee', f.assigneeId);
  if (f.inboxId) p.set('inbox', f.inboxId);
  if (f.tag.trim()) p.set('tag', f.tag.trim());
  if (f.q.trim()) p.set('q', f.q.trim());
  if (f.escalation) p.set('escalation', f.escalation);
  if (f.sort !== 'created') p.set('sort', f.sort);
  if (f.order !== 'desc') p.set('order', f.order);
  return p.toString();
}

/** The GET /api/v1/requests query (cursor and limit are added by the list hook). */
export function filtersToApiQuery(f: ListFilters): Record<string, string> {
  const q: Record<string, string> = {};
  if (f.status.length) q.status = f.status.join(',');
  if (f.priority.length) q.priority = f.priority.join(',');
  if (f.serviceId) q.serviceId = f.serviceId;
  if (f.assigneeId) q.assigneeId = f.assigneeId;
  if (f.inboxId) q.inboxId = f.inboxId;
  if (f.tag.trim()) q.tag = f.tag.trim().toLowerCase();
  if (f.q.trim()) q.q = f.q.trim();
  if (f.escalation) q.escalation = f.escalation;
  if (f.sort !== 'created') q.sort = f.sort;
  if (f.order !== 'desc') q.order = f.order;
  return q;
}

/** A saved view's API query as page filters (the inverse of filtersToApiQuery). */
export function apiQueryToFilters(q: Record<string, string>): ListFilters {
  const p = new URLSearchParams();
  const names: Record<string, string> = { serviceId: 'service', assigneeId: 'assignee', inboxId: 'inbox' };
  for (const [k, v] of Object.entries(q)) p.set(names[k] ?? k, v);
  return parseFilters(p.toString());
}

/** Whether any filter is set (the sort aside: a sorted list of everything is not "filtered"). */
export const hasFilters = (f: ListFilters): boolean => filtersToSearch({ ...f, sort: 'created', order: 'desc' }) !== '';

/** Same list: the same filters, sort and order. */
export const sameList = (a: ListFilters, b: ListFilters): boolean => filtersToSearch(a) === filtersToSearch(b);

export interface ListView {
  /** "builtin:<name>" or a saved view's id */
  id: string;
  name: string;
  filters: ListFilters;
  builtin: boolean;
}

/** Everyone's starting views (staff); a person adds their own. */
export const BUILTIN_VIEWS: ListView[] = [
  { id: 'builtin:my-open', name: 'My open', builtin: true, filters: { ...EMPTY_FILTERS, status: [...OPEN_STATUSES], assigneeId: 'me' } },
  { id: 'builtin:unassigned', name: 'Unassigned', builtin: true, filters: { ...EMPTY_FILTERS, status: [...OPEN_STATUSES], assigneeId: 'none' } },
  { id: 'builtin:escalation-failed', name: 'Escalation failed', builtin: true, filters: { ...EMPTY_FILTERS, escalation: 'failed' } },
];

/** "REQ-42" (any case) typed in search opens that request directly. */
export function requestKeyFromSearch(text: string): string | null {
  const m = /^\s*req-(\d{1,18})\s*$/i.exec(text);
  return m ? `REQ-${Number(m[1])}` : null;
}
