/**
 * Applies one destination event (stored in destination_events) to the linked requests: a conversation status
 * change moves the request per the mapping; a message, or any newer state of the conversation, reads its thread. Events are
 * applied in the destination's own order (its updatedAt), never arrival order, and each event once.
 */
import { SYSTEM } from '../../core/actor.ts';
import type { DestinationEvent } from '../../core/destination.ts';
import { inboundStatus, isEcho, SyncSettings } from '../../core/sync-settings.ts';
import { PROVIDERS, type ProviderId } from '../../connectors/registry.ts';
import { appendTimeline } from '../../db/repositories/timeline.ts';
import { withTransaction } from '../../db/transaction.ts';
import { changeRequestInTx } from '../change-request.ts';
import type { DestinationDeps } from '../destination-access.ts';
import { queueThreadRead } from './read-thread.ts';
import { recordTicketState } from './ticket-state.ts';

export async function applyEvent(deps: DestinationDeps, eventRowId: string): Promise<void> {
  await withTransaction(deps.db, async (tx) => {
    const row = await tx.selectFrom('destination_events').selectAll().where('id', '=', eventRowId).forUpdate().executeTakeFirst();
    if (!row || row.processed_at) return;
    const connection = await tx
      .selectFrom('destination_connections')
      .select(['provider', 'sync_settings'])
      .where('id', '=', row.connection_id)
      .executeTakeFirstOrThrow();
    const settings = SyncSettings.parse(connection.sync_settings);
    const event = row.payload as DestinationEvent;
    const now = deps.now();
    const name = PROVIDERS[connection.provider as ProviderId].displayName;
    const ticketId = event.kind === 'ticket' ? event.remoteId : event.kind === 'message' ? event.ticketId : null;
    const linked = ticketId
      ? await tx
          .selectFrom('escalations')
          .selectAll()
          .where('provider', '=', connection.provider)
          .where('remote_id', '=', ticketId)
          // An unlinked escalation follows its conversation no more: its later changes never reach the request.
          .where('state', '!=', 'unlinked')
          .forUpdate()
          .execute()
      : [];
    // One timeline entry per request and event: a request can hold two escalations linked to the same conversation
    // (linked to an existing conversation after escalating, or re-linked), and each used to write its own entry, so
    // the request showed the same status change twice.
    const written = new Set<string>();
    for (const esc of linked) {
      const first = !written.has(esc.request_id);
      written.add(esc.request_id);
      // A new message, or any newer state (a note changes the conversation, and notes have no event of their own):
      // read the thread, which writes each note and message once (read-thread.ts).
      if (event.kind === 'message') {
        await queueThreadRead(tx, esc.id);
        continue;
      }
      if (event.kind !== 'ticket') continue;
      // Out of order: the destination already told us about a newer state of this conversation.
      if (esc.remote_updated_at && new Date(event.updatedAt) <= new Date(esc.remote_updated_at)) continue;
      await queueThreadRead(tx, esc.id);
      const changed = esc.remote_status !== event.status;
      // The rest of its state (assignee, queue, priority, ...); when no status moved, a change an agent cares about is one entry.
      const alsoChanged = await recordTicketState(deps, tx, {
        esc,
        event,
        first: first && !changed,
        provider: connection.provider as ProviderId,
        destination: name,
      });
      if (!changed) continue;
      if (isEcho({ status: esc.last_pushed_status, at: esc.last_pushed_at ? new Date(esc.last_pushed_at) : null }, event.status, now)) continue;
      if (!first) continue; // the request already has this change's entry (and change) from its other escalation
      const target = inboundStatus(settings, event.status);
      const request = await tx.selectFrom('requests').select('status').where('id', '=', esc.request_id).executeTakeFirstOrThrow();
      const applied = target && target !== request.status ? target : null;
      await appendTimeline(
        tx,
        esc.request_id,
        SYSTEM,
        [
          {
            type: 'sync.status_received',
            visibility: 'internal',
            data: {
              origin: connection.provider,
              destination: name,
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
      if (applied) await changeRequestInTx(tx, SYSTEM, esc.request_id, { status: applied }, now, undefined, connection.provider);
    }
    await tx.updateTable('destination_events').set({ processed_at: now }).where('id', '=', eventRowId).execute();
  });
}
