/**
 * The linked conversation's thread on the request: after a change the destination tells of that may bring one (a new
 * message, or a conversation update whose thread mark moved, by webhook or poll: apply-event.ts), its notes and messages since the escalation's cursor
 * are read and each lands on the request as one internal timeline entry with its author, direction, channel and the
 * destination's time. One entry per remote item, ever: the insert skips an item the request already has (unique on
 * its remote id, migration 016), so a webhook and a poll seeing the same change, two escalations linking the same
 * conversation, and reads overlapping their cursor all write it once. What Bridgedesk wrote there itself (its
 * external ids) is never echoed back.
 *
 * Why internal, messages included: the destination's customer is often not the requester (the admin may escalate
 * under another contact, or the conversation was linked from elsewhere), and its agents write to that customer, not
 * to ours. A message is marked customer-facing (it went to or came from the destination's customer), but only
 * agents see it on the request; an agent who wants the requester to know replies in their own words.
 */
import { SYSTEM } from '../../core/actor.ts';
import type { ThreadItem } from '../../core/destination.ts';
import type { Queryable } from '../../db/database.ts';
import { enqueueJob, withTransaction } from '../../db/transaction.ts';
import type { DestinationDeps } from '../destination-access.ts';
import { callDestination, nextAttempt, retriesLeft } from '../destination-failure.ts';
import { linkedTicket } from './linked-ticket.ts';

export const READ_THREAD = 'read-thread';

/** One read per escalation waits at a time: changes arriving meanwhile are covered by it (graphile-worker's job key). */
export const queueThreadRead = (q: Queryable, escalationId: string) =>
  enqueueJob(q, READ_THREAD, { escalationId }, { jobKey: `thread:${escalationId}`, queueName: `thread:${escalationId}` });

const MAX_BODY = 20_000;

function entryOf(item: ThreadItem, base: Record<string, unknown>) {
  const common = { ...base, remoteId: item.remoteId, body: item.body.slice(0, MAX_BODY), author: item.author?.name ?? null, writtenAt: item.writtenAt };
  return item.kind === 'note'
    ? { type: 'sync.note_received', data: { ...common, authorKind: 'user' } }
    : {
        type: 'sync.message_received',
        data: { ...common, authorKind: item.author?.kind ?? null, direction: item.direction, channel: item.channel, customerFacing: true },
      };
}

export async function readThread(deps: DestinationDeps, escalationId: string, attempt = 1): Promise<void> {
  const linked = await linkedTicket(deps, escalationId);
  const read = linked?.client.readThreadSince;
  if (!linked || !read) return;
  const { esc } = linked;
  const result = await callDestination(deps, linked.provider, () => read(linked.ticketId, esc.thread_cursor), { attempt });
  if (!result.ok) {
    // Anything but a retry shows in the connection's health; the next change reads the thread again, whatever its
    // thread mark (apply-event.ts): the mark of the change that asked for this read is forgotten.
    if (retriesLeft(result.failure, attempt))
      await enqueueJob(
        deps.db,
        READ_THREAD,
        { escalationId, attempt: nextAttempt(result.failure, attempt) },
        { runAt: result.failure.retryAt, queueName: `thread:${escalationId}` },
      );
    else await deps.db.updateTable('escalations').set({ thread_mark: null }).where('id', '=', escalationId).execute();
    return;
  }
  const { items, cursor } = result.value;
  const base = { origin: linked.provider, destination: linked.destination, conversationId: linked.ticketId, escalationId };
  const drafts = items.filter((i) => !i.fromUs).map((i) => entryOf(i, base));
  await withTransaction(deps.db, async (tx) => {
    if (drafts.length)
      await tx
        .insertInto('timeline_entries')
        .values(
          drafts.map((d) => ({
            request_id: esc.request_id,
            type: d.type,
            actor_type: SYSTEM.kind,
            visibility: 'internal',
            data: JSON.stringify(d.data),
            created_at: deps.now(),
          })),
        )
        // The item is on the request already (another read, or another escalation of it): one entry, never two.
        .onConflict((oc) => oc.doNothing())
        .execute();
    if (cursor !== esc.thread_cursor) await tx.updateTable('escalations').set({ thread_cursor: cursor }).where('id', '=', escalationId).execute();
  });
}
