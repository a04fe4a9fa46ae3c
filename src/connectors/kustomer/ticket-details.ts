/**
 * A Kustomer conversation's state beyond its status, in domain terms (docs/kustomer.md §24): from a webhook's `data`
 * and from `GET /v1/conversations/{id}` alike, which carry the same resource (§6, §17). Names are not in it: a
 * conversation holds user, team and queue ids only, so they are left null for the platform to fill in.
 */
import type { z } from 'zod';
import type { RemoteStatus, TicketDetails } from '../../core/destination.ts';
import type { ConversationAttributes, Relationship } from './wire.ts';

export const KUSTOMER_TO_STATUS: Record<z.infer<typeof ConversationAttributes>['status'], RemoteStatus> = { open: 'open', snoozed: 'waiting', done: 'closed' };

export function ticketDetails(
  a: z.infer<typeof ConversationAttributes>,
  relationships: Record<string, z.infer<typeof Relationship>> | undefined,
): TicketDetails {
  const queue = relationships?.queue?.data;
  // Kustomer allows several assigned users and teams (arrays, §6); an agent sees the first of each, as Kustomer's own
  // conversation header does (assumed).
  const userId = a.assignedUsers?.[0] ?? null;
  const teamId = a.assignedTeams?.[0] ?? null;
  return {
    subStatus: a.subStatus ?? null,
    // A snooze outlives its status (it is kept as canceled or elapsed, §9): only a snoozed conversation waits on it.
    snoozedUntil: a.status === 'snoozed' && a.snooze?.time ? a.snooze.time : null,
    assignee: userId || teamId ? { userId, userName: null, teamId, teamName: null } : null,
    queue: queue && !Array.isArray(queue) ? { id: queue.id, name: null } : null,
    priority: a.priority ?? null,
    lastActivityAt: a.lastActivityAt ?? null,
  };
}

/**
 * What moves when a note or message is added to the conversation (docs/kustomer.md §34): `messageCount`, `noteCount`
 * and `lastActivityAt`. The fields are confirmed (recorded payloads: pipedream components/kustomer/sources/
 * updated-conversation-instant/test-event.mjs; jasbanza/osl-kustomer-notifications-bot processor.php); that a note
 * or message moves them is assumed (their names; §17, §24). A change of status, assignee or priority moves none of
 * them. Null when the conversation carries none (the platform then reads the thread on every newer change).
 */
export function threadMark(a: z.infer<typeof ConversationAttributes>): string | null {
  if (a.messageCount === undefined && a.noteCount === undefined && a.lastActivityAt === undefined) return null;
  return `${a.messageCount ?? '-'}/${a.noteCount ?? '-'}/${a.lastActivityAt ?? '-'}`;
}

/** A conversation's details and its thread mark, as a polled or read conversation (RemoteTicket) carries them. */
export const ticketDetailsAndMark = (
  a: z.infer<typeof ConversationAttributes>,
  relationships: Record<string, z.infer<typeof Relationship>> | undefined,
): TicketDetails & { threadMark: string | null } => ({ ...ticketDetails(a, relationships), threadMark: threadMark(a) });
