/** Requests: their vocabulary, who may see and change what, and how a change becomes timeline entries. */
import { type Actor, isStaff } from './actor.ts';
import { forbidden } from './errors.ts';
import type { CustomFieldValue } from './custom-fields.ts';
import type { TimelineDraft } from './timeline.ts';

export const STATUSES = ['new', 'in_progress', 'waiting', 'resolved', 'archived'] as const;
export type Status = (typeof STATUSES)[number];
export const PRIORITIES = ['low', 'medium', 'high', 'urgent'] as const;
export type Priority = (typeof PRIORITIES)[number];

export const TAG_PATTERN = /^[a-z0-9][a-z0-9._-]{0,49}$/;
export const MAX_TAGS = 30;

export interface RequestState {
  id: string;
  requesterId: string;
  title: string;
  description: string;
  status: Status;
  priority: Priority;
  assigneeId: string | null;
  inboxId: string | null;
  serviceId: string | null;
  tags: string[];
  customFields: Record<string, CustomFieldValue>;
}

/** Fields a PATCH may carry; custom fields are validated separately and arrive already merged. */
export type RequestChanges = Partial<Omit<RequestState, 'id' | 'requesterId'>>;

export const formatRequestNumber = (n: string | number): string => `REQ-${n}`;

/** Accepts "REQ-42", "req-42" or "42". */
export function parseRequestNumber(text: string): string | null {
  const m = /^(?:req-)?(\d{1,18})$/i.exec(text.trim());
  return m ? String(Number(m[1])) : null;
}

export function canSeeRequest(actor: Actor, request: { requesterId: string }, isFollower = false): boolean {
  if (isStaff(actor)) return true;
  return actor.kind !== 'system' && (actor.userId === request.requesterId || isFollower);
}

/** Requesters may only resolve their own request or reopen it; everything else is staff work. */
export function assertCanChange(actor: Actor, request: RequestState, changes: RequestChanges): void {
  if (isStaff(actor)) return;
  if (actor.kind === 'system' || actor.userId !== request.requesterId) throw forbidden();
  const fields = Object.keys(changes).filter((k) => changes[k as keyof RequestChanges] !== undefined);
  if (fields.length === 0) return;
  const statusOnly = fields.length === 1 && fields[0] === 'status';
  const allowed = statusOnly && (changes.status === 'resolved' || (changes.status === 'new' && request.status === 'resolved'));
  if (!allowed) throw forbidden('Requesters can only resolve or reopen their own requests');
}

const SIMPLE_FIELDS = {
  title: 'request.title_changed',
  description: 'request.description_changed',
  status: 'request.status_changed',
  priority: 'request.priority_changed',
  assigneeId: 'request.assignee_changed',
  inboxId: 'request.inbox_changed',
  serviceId: 'request.service_changed',
} as const;

/** Compares a request with the requested changes; returns only what really changes and one entry per change. */
export function planChanges(current: RequestState, changes: RequestChanges): { changed: RequestChanges; entries: TimelineDraft[] } {
  const changed: RequestChanges = {};
  const entries: TimelineDraft[] = [];
  for (const [field, type] of Object.entries(SIMPLE_FIELDS) as [keyof typeof SIMPLE_FIELDS, string][]) {
    const next = changes[field];
    if (next === undefined || next === current[field]) continue;
    (changed as Record<string, unknown>)[field] = next;
    entries.push({ type, data: { before: current[field], after: next } });
  }
  if (changes.tags) {
    const next = [...new Set(changes.tags)];
    const added = next.filter((t) => !current.tags.includes(t));
    const removed = current.tags.filter((t) => !next.includes(t));
    if (added.length || removed.length) {
      changed.tags = next;
      entries.push({ type: 'request.tags_changed', data: { before: current.tags, after: next, added, removed } });
    }
  }
  if (changes.customFields) {
    const keys = new Set([...Object.keys(current.customFields), ...Object.keys(changes.customFields)]);
    const diffs: Record<string, { before: CustomFieldValue | null; after: CustomFieldValue | null }> = {};
    for (const key of keys) {
      const before = current.customFields[key] ?? null;
      const after = changes.customFields[key] ?? null;
      if (before !== after) diffs[key] = { before, after };
    }
    if (Object.keys(diffs).length) {
      changed.customFields = changes.customFields;
      for (const [key, d] of Object.entries(diffs)) entries.push({ type: 'request.field_changed', data: { field: key, ...d } });
    }
  }
  return { changed, entries };
}
