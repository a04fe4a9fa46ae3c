/**
 * Keeps a linked ticket's state on its escalation (status, and the details the card and list show) from a destination
 * event newer than what is stored, and writes the timeline entry of a change an agent cares about (assignee, queue,
 * priority, sub-status, wake-up time) when no status moved (a status change has its own entry, apply-event.ts, which
 * names the changes returned here: a Kustomer agent closing and taking the conversation is one entry). The
 * caller has checked the event is newer than the stored state, so a change seen by a webhook and by the poll is
 * written once.
 */
import { SYSTEM } from '../../core/actor.ts';
import type { DestinationEvent, RemoteTicket } from '../../core/destination.ts';
import { detailsOf, type TicketChangeField, ticketChanges } from '../../core/ticket-details.ts';
import type { ProviderId } from '../../connectors/registry.ts';
import type { Tx } from '../../db/database.ts';
import { recordRemoteState } from '../../db/repositories/escalations.ts';
import { appendTimeline } from '../../db/repositories/timeline.ts';
import type { EscalationRow } from '../../db/schema.ts';
import type { DestinationDeps } from '../destination-access.ts';
import { connectionPriorityMap } from '../priority-map.ts';
import { findTargetNames, findUserNames, nameDetails, unnamedUsers } from './remote-names.ts';

export async function recordTicketState(
  deps: DestinationDeps,
  tx: Tx,
  at: {
    esc: EscalationRow;
    event: Extract<DestinationEvent, { kind: 'ticket' }>;
    first: boolean;
    provider: ProviderId;
    destination: string;
    /** Names found before the transaction (remote-names.ts). */
    names: { users: ReadonlyMap<string, string>; targets: ReadonlyMap<string, string> };
  },
): Promise<TicketChangeField[]> {
  const { esc, event, provider } = at;
  const now = deps.now();
  const details = event.details ? nameDetails(event.details, esc.remote_details, at.names) : null;
  await recordRemoteState(tx, esc.id, { status: event.status, updatedAt: event.updatedAt, details, threadMark: event.threadMark ?? null }, now);
  const before = esc.remote_details;
  // The caller's copy of the row follows, for the batch's later events.
  if (details) esc.remote_details = details;
  if (!details) return [];
  let changed = ticketChanges(before, details);
  if (changed.includes('priority')) {
    // Bridgedesk's own priority push comes back as a change; a priority the request already has (through the map) is no news.
    const request = await tx.selectFrom('requests').select('priority').where('id', '=', esc.request_id).executeTakeFirstOrThrow();
    if ((await connectionPriorityMap(tx, provider))[request.priority] === details.priority) changed = changed.filter((f) => f !== 'priority');
  }
  // Not first: the caller writes this change's entry itself (a status change names these too), or already has.
  if (changed.length === 0 || !at.first) return changed;
  await appendTimeline(
    tx,
    esc.request_id,
    SYSTEM,
    [
      {
        type: 'sync.ticket_changed',
        visibility: 'internal',
        data: { origin: provider, destination: at.destination, conversationId: event.remoteId, escalationId: esc.id, changed, details },
      },
    ],
    now,
  );
  return changed;
}

/** The state a push's reply shows (Kustomer answers an update with the whole conversation), names kept or found. */
export async function recordPushReply(deps: DestinationDeps, linked: { esc: EscalationRow; provider: ProviderId }, reply: RemoteTicket): Promise<void> {
  const stored = linked.esc.remote_details;
  const targets = await findTargetNames(deps.db, linked.provider, [reply]);
  const users = await findUserNames(deps, linked.provider, unnamedUsers([{ details: detailsOf(reply), stored }], targets));
  const details = nameDetails(detailsOf(reply), stored, { users, targets });
  await recordRemoteState(deps.db, linked.esc.id, { status: reply.status, updatedAt: reply.updatedAt, details }, deps.now());
}
