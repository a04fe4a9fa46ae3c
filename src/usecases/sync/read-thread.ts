/**
 * The linked conversation's thread on the request: after a change the destination tells of that may bring one (a new
 * message, or a conversation update whose thread mark moved, by webhook or poll: apply-event.ts), its notes and messages since the escalation's cursor
 * are read and each lands on the request as one internal timeline entry with its author, direction, channel and the
 * destination's time. One entry per remote item, ever: the insert skips an item the request already has (unique on
 * its remote id, migration 016), so a webhook and a poll seeing the same change, two escalations linking the same
 * conversation, and reads overlapping their cursor all write it once. What Bridgedesk wrote there itself (its
 * external ids) is never echoed back. An item's files are listed in its entry's data and copied onto it by a job
 * enqueued with it (fetch-remote-files.ts).
 *
 * Why internal, messages included: the destination's customer is often not the requester (the admin may escalate
 * under another contact, or the conversation was linked from elsewhere), and its agents write to that customer, not
 * to ours. A message is marked customer-facing (it went to or came from the destination's customer), but only
 * agents see it on the request; an agent who wants the requester to know replies in their own words.
 */
import { sql } from 'kysely';
import { SYSTEM } from '../../core/actor.ts';
import type { ThreadItem } from '../../core/destination.ts';
import type { Queryable } from '../../db/database.ts';
import { timelineWrite, writeTimeline } from '../../db/repositories/timeline.ts';
import { addJob, enqueueJob, withTransaction } from '../../db/transaction.ts';
import { wakeThreadWaits } from '../workflows/thread-wait.ts';
import { callDestination, retryPush } from '../destination-failure.ts';
import { entriesWithFiles, FETCH_REMOTE_FILES, type FetchFilesDeps, filesData } from './fetch-remote-files.ts';
import { linkedTicket } from './linked-ticket.ts';

export const READ_THREAD = 'read-thread';

/**
 * One read per escalation waits at a time: changes arriving meanwhile are covered by it (graphile-worker's job key).
 * The escalation says a read is wanted until one is done (migration 020; steps quoting the thread wait on it).
 */
export const queueThreadRead = (q: Queryable, escalationId: string) =>
  sql`with wanted as (update escalations set thread_read_wanted_at = date_trunc('milliseconds', clock_timestamp()) where id = ${escalationId})
      select ${addJob(READ_THREAD, { escalationId }, { jobKey: `thread:${escalationId}`, queueName: `thread:${escalationId}` })}`.execute(q);

/** The read is over (done, or given up): unless a newer change wanted another meanwhile, runs waiting on it go on. */
async function readDone(q: Queryable, esc: { id: string; request_id: string; thread_read_wanted_at: Date | null }) {
  // Against a step deciding to wait at this moment (it holds the request's lock, steps.ts): it either sees the read
  // done, or has committed its wait by the time this looks for waiting runs. No wake-up is lost between the two.
  await q.selectFrom('requests').select('id').where('id', '=', esc.request_id).forKeyShare().execute();
  const cleared = await q
    .updateTable('escalations')
    .set({ thread_read_wanted_at: null })
    .where('id', '=', esc.id)
    .where((eb) => (esc.thread_read_wanted_at ? eb('thread_read_wanted_at', '=', esc.thread_read_wanted_at) : eb('thread_read_wanted_at', 'is', null)))
    .executeTakeFirst();
  if (Number(cleared.numUpdatedRows) > 0) await wakeThreadWaits(q, esc.request_id);
}

const MAX_BODY = 20_000;

function entryOf(item: ThreadItem, base: Record<string, unknown>, maxBytes: number | undefined) {
  const common = {
    ...base,
    remoteId: item.remoteId,
    body: item.body.slice(0, MAX_BODY),
    author: item.author?.name ?? null,
    writtenAt: item.writtenAt,
    ...filesData(item, maxBytes),
  };
  return item.kind === 'note'
    ? { type: 'sync.note_received', data: { ...common, authorKind: 'user' } }
    : {
        type: 'sync.message_received',
        data: { ...common, authorKind: item.author?.kind ?? null, direction: item.direction, channel: item.channel, customerFacing: true },
      };
}

export async function readThread(deps: FetchFilesDeps, escalationId: string, attempt = 1): Promise<void> {
  const linked = await linkedTicket(deps, escalationId);
  const read = linked?.client.readThreadSince;
  if (!linked || !read) {
    if (linked) await readDone(deps.db, linked.esc);
    return;
  }
  const { esc } = linked;
  const result = await callDestination(deps, linked.provider, () => read(linked.ticketId, esc.thread_cursor), { attempt });
  if (!result.ok) {
    // Anything but a retry shows in the connection's health; the next change reads the thread again, whatever its
    // thread mark (apply-event.ts): the mark of the change that asked for this read is forgotten.
    if (!(await retryPush(deps.db, result.failure, attempt, READ_THREAD, { escalationId }, { queueName: `thread:${escalationId}` }))) {
      await deps.db.updateTable('escalations').set({ thread_mark: null }).where('id', '=', escalationId).execute();
      await readDone(deps.db, esc);
    }
    return;
  }
  const { items, cursor } = result.value;
  // The conversation's link: the timeline names it, and a file too large to copy points there.
  const base = { origin: linked.provider, destination: linked.destination, conversationId: linked.ticketId, url: esc.remote_url, escalationId };
  const drafts = items.filter((i) => !i.fromUs).map((i) => entryOf(i, base, deps.attachmentLimits?.maxBytes));
  await withTransaction(deps.db, async (tx) => {
    // The escalation first, as applying an event locks it (apply-event.ts) before it changes the request: taken after
    // the entries (which share-lock the request), it deadlocked with a status change applied at the same moment
    // ("send and mark done" in Kustomer: the message's read and the done event's apply run together).
    await tx.selectFrom('escalations').select('id').where('id', '=', escalationId).forUpdate().execute();
    // An item on the request already (another read, or another escalation of it) is skipped: one entry, never two;
    // each new one is an event workflows may start on ("Kustomer reply or note received"), dispatched with it.
    const written = await writeTimeline(
      tx,
      timelineWrite(
        tx,
        esc.request_id,
        SYSTEM,
        drafts.map((d) => ({ ...d, visibility: 'internal' as const })),
        { at: deps.now(), skipExisting: true },
      ),
    );
    // Each new entry naming files gets one job copying them onto it (fetch-remote-files.ts), in this transaction.
    for (const entryId of await entriesWithFiles(tx, written)) await enqueueJob(tx, FETCH_REMOTE_FILES, { escalationId, entryId });
    if (cursor !== esc.thread_cursor) await tx.updateTable('escalations').set({ thread_cursor: cursor }).where('id', '=', escalationId).execute();
    await readDone(tx, esc);
  });
}
