/** A linked ticket's details (core/destination.ts TicketDetails): taken from a ticket, and what changed between two. Pure. */
import type { RemoteTicket, TicketDetails } from './destination.ts';

export const detailsOf = (t: TicketDetails): TicketDetails => ({
  subStatus: t.subStatus,
  snoozedUntil: t.snoozedUntil,
  assignee: t.assignee,
  queue: t.queue,
  priority: t.priority,
  lastActivityAt: t.lastActivityAt,
});

/** What an agent is told changed: who, where, how urgent, and the finer status; by id (a name arriving later is no change). */
export const TICKET_CHANGES = ['assignee', 'queue', 'priority', 'subStatus', 'snoozedUntil'] as const;
export type TicketChangeField = (typeof TICKET_CHANGES)[number];

const key: Record<TicketChangeField, (d: TicketDetails) => unknown> = {
  assignee: (d) => `${d.assignee?.userId ?? ''}/${d.assignee?.teamId ?? ''}`,
  queue: (d) => d.queue?.id ?? null,
  priority: (d) => d.priority,
  subStatus: (d) => d.subStatus,
  snoozedUntil: (d) => (d.snoozedUntil ? Date.parse(d.snoozedUntil) : null),
};

/** The fields that differ; none when the earlier details are unknown (rows from before they were kept). */
export function ticketChanges(before: TicketDetails | null, after: TicketDetails): TicketChangeField[] {
  return before ? TICKET_CHANGES.filter((f) => key[f](before) !== key[f](after)) : [];
}

/** The escalation columns that hold a ticket's state as the destination gave it (delivery, link and re-link start from it). */
export const remoteStateColumns = (t: RemoteTicket) => ({
  remote_status: t.status,
  remote_updated_at: new Date(t.updatedAt),
  remote_details: JSON.stringify(detailsOf(t)),
  remote_open_since: t.status === 'open' ? new Date(t.updatedAt) : null,
  // Its thread as it is now: the first change after it reads the thread only when a note or message was added.
  thread_mark: t.threadMark ?? null,
});
