/** The request list's filters: kept in the page URL (shareable, survives reload) and turned into the API query. */
import { PRIORITIES, STATUSES, type Priority, type Status } from '../../api/types.ts';

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
}

export const EMPTY_FILTERS: ListFilters = { status: [], priority: [], serviceId: '', assigneeId: '', inboxId: '', tag: '', q: '' };
export const OPEN_STATUSES: Status[] = ['new', 'in_progress', 'waiting'];

const csv = <T extends string>(value: string | null, allowed: readonly T[]): T[] =>
  (value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s): s is T => (allowed as readonly string[]).includes(s));

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
  return q;
}

export const hasFilters = (f: ListFilters): boolean => filtersToSearch(f) !== '';

/** "REQ-42" (any case) typed in search opens that request directly. */
export function requestKeyFromSearch(text: string): string | null {
  const m = /^\s*req-(\d{1,18})\s*$/i.exec(text);
  return m ? `REQ-${Number(m[1])}` : null;
}
