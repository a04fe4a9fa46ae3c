/**
 * Applies one destination event to the linked requests, inside a drain's batch (drain-events.ts): a conversation
 * status change moves the request per the mapping; a new message, or a newer state whose thread mark moved (a note
 * or message was added), reads its thread. A ticket's state is written only from an event newer than the stored one
 * (the destination's updatedAt), so a change seen twice (webhook and poll), or late, is written once or not at all.
 */
import { SYSTEM } from '../../core/actor.ts';
import type { DestinationEvent } from '../../core/destination.ts';
import { inboundStatus, isEcho, type SyncSettings } from '../../core/sync-settings.ts';
import type { ProviderId } from '../../connectors/registry.ts';
import type { Tx } from '../../db/database.ts';
import type { EscalationRow } from '../../db/schema.ts';
import { appendTimeline } from '../../db/repositories/timeline.ts';
import { changeRequestInTx } from '../change-request.ts';
import type { DestinationDeps } from '../destination-access.ts';
import { recordTicketState } from './ticket-state.ts';

/** What a batch shares: the connection, its linked escalations (locked; kept current as events apply), names found before the transaction. */
export interface ApplyContext {
  deps: DestinationDeps;
  provider: ProviderId;
  destination: string;
  settings: SyncSettings;
  now: Date;
  /** By remote ticket id: the escalations linked to it. */
  linked: Map<string, EscalationRow[]>;
  /** Names of users (by id) and of queues and teams (by `kind:id`), read before the transaction (remote-names.ts). */
  names: { users: ReadonlyMap<string, string>; targets: ReadonlyMap<string, string> };
  /** The linked requests' statuses, read once per batch and kept current. */
  requestStatus: Map<string, string>;
  /** Escalations whose thread is to be read after the batch (one read each, however many events asked). */
  threadReads: Set<string>;
}

/** A newer change reads the thread when its last read was queued longer ago than this, whatever its mark. */
export const THREAD_REREAD_MS = 3_600_000;

/** The ticket an event is about, if any. */
export const ticketOf = (event: DestinationEvent): string | null =>
  event.kind === 'ticket' ? event.remoteId : event.kind === 'message' ? event.ticketId : null;

export async function applyEvent(ctx: ApplyContext, tx: Tx, event: DestinationEvent): Promise<void> {
  const ticketId = ticketOf(event);
  if (!ticketId) return;
  const { provider, destination, now } = ctx;
  // One timeline entry per request and event: a request can hold two escalations linked to the same conversation
  // (linked to an existing conversation after escalating, or re-linked), and each used to write its own entry, so
  // the request showed the same status change twice.
  const written = new Set<string>();
  for (const esc of ctx.linked.get(ticketId) ?? []) {
    const first = !written.has(esc.request_id);
    written.add(esc.request_id);
    // A new message: read the thread, which writes each note and message once (read-thread.ts).
    if (event.kind === 'message') {
      ctx.threadReads.add(esc.id);
      continue;
    }
    if (event.kind !== 'ticket') continue;
    const newer = !esc.remote_updated_at || new Date(event.updatedAt) > new Date(esc.remote_updated_at);
    // Notes have no event of their own: a state whose thread mark differs from the stored one (or a newer one that
    // carries none) may bring one. A change of status, assignee or priority alone leaves the mark, and costs no read
    // (two calls to the destination). A late event with another mark is read too: the stored state may have come from
    // a push's reply (ticket-state.ts), which moves no mark, and the note it announced must not wait for the next change.
    const mark = event.threadMark ?? null;
    // Should Kustomer add a note without moving the mark (assumed to move, docs/kustomer.md §34), an hour bounds the wait.
    const readAt = esc.thread_read_at ?? esc.linked_at;
    const due = readAt === null || now.getTime() - new Date(readAt).getTime() > THREAD_REREAD_MS;
    if (mark !== null ? mark !== esc.thread_mark || (newer && due) : newer) ctx.threadReads.add(esc.id);
    // Out of order: the destination already told us about a newer state of this conversation.
    if (!newer) continue;
    const changed = esc.remote_status !== event.status;
    // The rest of its state (assignee, queue, priority, ...); when no status moved, a change an agent cares about is one entry.
    const alsoChanged = await recordTicketState(ctx.deps, tx, { esc, event, first: first && !changed, provider, destination, names: ctx.names });
    // Later events of the batch compare with this state.
    Object.assign(esc, { remote_status: event.status, remote_updated_at: new Date(event.updatedAt), thread_mark: mark });
    if (!changed) continue;
    if (isEcho({ status: esc.last_pushed_status, at: esc.last_pushed_at ? new Date(esc.last_pushed_at) : null }, event.status, now)) continue;
    if (!first) continue; // the request already has this change's entry (and change) from its other escalation
    const target = inboundStatus(ctx.settings, event.status);
    const applied = target && target !== ctx.requestStatus.get(esc.request_id) ? target : null;
    await appendTimeline(
      tx,
      esc.request_id,
      SYSTEM,
      [
        {
          type: 'sync.status_received',
          visibility: 'internal',
          data: {
            origin: provider,
            destination,
            conversationId: ticketId,
            remoteStatus: event.status,
            appliedStatus: applied,
            escalationId: esc.id,
            // What else moved with the status (an assignee taking it as they close it): workflows trigger on it.
            changed: alsoChanged,
          },
        },
      ],
      now,
    );
    if (applied) {
      await changeRequestInTx(tx, SYSTEM, esc.request_id, { status: applied }, now, undefined, provider);
      ctx.requestStatus.set(esc.request_id, applied);
    }
  }
}
