/**
 * "Note to Kustomer": an agent's note posted on a linked conversation, recorded on both sides, exactly once.
 *
 * As escalation delivery: the intent (the note's internal timeline entry, state "sending") and its job are written
 * in one transaction, so a note is never lost between the two; the job adds the note with the entry as its external
 * id (`note:<entry id>`), and any run that may follow one which reached the destination (our retry after a lost
 * reply, graphile-worker's after a crash, an agent's retry) looks for it first (`mayExist`), so it is never added
 * twice. Outcomes are entries of their own (the timeline is append-only): `sync.note_to_remote_sent`, `..._failed`,
 * `..._retried`, each naming the note's entry; the web shows the latest as the note's state. The one failure policy
 * decides retries (destination-failure.ts).
 */
import type { UserActor } from '../../core/actor.ts';
import { SYSTEM } from '../../core/actor.ts';
import { AppError, notFound } from '../../core/errors.ts';
import { PROVIDERS, type ProviderId } from '../../connectors/registry.ts';
import type { Db } from '../../db/database.ts';
import { appendTimeline } from '../../db/repositories/timeline.ts';
import { enqueueJob, withTransaction } from '../../db/transaction.ts';
import type { DestinationDeps } from '../destination-access.ts';
import { callDestination, retryPush } from '../destination-failure.ts';
import { linkedTicket } from './linked-ticket.ts';
import { attachToEntry, type Attaching } from '../attachments/attach-uploads.ts';
import { entryFileIds, filesToSend } from '../attachments/outgoing-files.ts';

export const SEND_NOTE = 'send-note';
export const NOTE_TO_REMOTE = 'sync.note_to_remote';
const queueName = (escalationId: string) => `note:${escalationId}`;

async function linkedEscalation(db: Db, escalationId: string) {
  const esc = await db
    .selectFrom('escalations')
    .select(['id', 'request_id', 'provider', 'remote_id', 'state'])
    .where('id', '=', escalationId)
    .executeTakeFirst();
  if (!esc) throw notFound('Escalation');
  if (!esc.remote_id) throw new AppError('conflict', 'The escalation has no linked conversation yet: wait until it is linked, then send the note');
  if (esc.state === 'unlinked') throw new AppError('conflict', 'The conversation was unlinked from this request: link it again to write to it');
  return { ...esc, remoteId: esc.remote_id, destination: PROVIDERS[esc.provider as ProviderId].displayName };
}

/** Records the note on the request (internal, "sending") and queues its delivery; returns the entry's id. */
export async function submitNote(db: Db, actor: UserActor, escalationId: string, body: string, now: Date, attaching?: Attaching): Promise<{ entryId: string }> {
  const esc = await linkedEscalation(db, escalationId);
  return withTransaction(db, async (tx) => {
    const data = { origin: esc.provider, destination: esc.destination, conversationId: esc.remoteId, escalationId, body };
    const [entryId] = await appendTimeline(tx, esc.request_id, actor, [{ type: NOTE_TO_REMOTE, visibility: 'internal', data }], now);
    // The note's files are internal (its entry is) and go with it to the destination, each once (file checkpoints).
    await attachToEntry(tx, actor, attaching, { requestId: esc.request_id, entryId: entryId! }, now);
    await enqueueJob(tx, SEND_NOTE, { escalationId, entryId: entryId! }, { queueName: queueName(escalationId) });
    return { entryId: entryId! };
  });
}

/** An agent's retry of a note that failed: its entry says so, and the job goes again, looking first. */
export async function retryNote(db: Db, actor: UserActor, escalationId: string, entryId: string, now: Date): Promise<{ entryId: string }> {
  const esc = await linkedEscalation(db, escalationId);
  return withTransaction(db, async (tx) => {
    const note = await tx
      .selectFrom('timeline_entries')
      .select('id')
      .where('id', '=', entryId)
      .where('type', '=', NOTE_TO_REMOTE)
      .where(({ eb, ref }) => eb(ref('data', '->>').key('escalationId'), '=', escalationId))
      .forUpdate()
      .executeTakeFirst();
    if (!note) throw notFound('Note');
    const last = await tx
      .selectFrom('timeline_entries')
      .select('type')
      .where('request_id', '=', esc.request_id)
      .where('type', 'like', `${NOTE_TO_REMOTE}_%`)
      .where(({ eb, ref }) => eb(ref('data', '->>').key('noteEntryId'), '=', entryId))
      .orderBy('id', 'desc')
      .executeTakeFirst();
    if (last?.type !== `${NOTE_TO_REMOTE}_failed`) throw new AppError('conflict', 'Only a note that failed can be retried');
    const data = { origin: esc.provider, destination: esc.destination, conversationId: esc.remoteId, escalationId, noteEntryId: entryId };
    await appendTimeline(tx, esc.request_id, actor, [{ type: `${NOTE_TO_REMOTE}_retried`, visibility: 'internal', data }], now);
    await enqueueJob(tx, SEND_NOTE, { escalationId, entryId, attempt: 2 }, { queueName: queueName(escalationId) });
    return { entryId };
  });
}

/** The job. `mayExist`: an earlier run may have added the note (graphile-worker re-running a crashed job). */
export async function sendNote(deps: DestinationDeps, escalationId: string, entryId: string, mayExist: boolean, attempt = 1): Promise<void> {
  const entry = await deps.db
    .selectFrom('timeline_entries')
    .select(['data', 'request_id'])
    .where('id', '=', entryId)
    .where('type', '=', NOTE_TO_REMOTE)
    .executeTakeFirst();
  const linked = entry && (await linkedTicket(deps, escalationId));
  const record = (outcome: 'sent' | 'failed', extra: Record<string, unknown> = {}) =>
    withTransaction(deps.db, (tx) =>
      appendTimeline(
        tx,
        entry!.request_id,
        SYSTEM,
        [
          {
            type: `${NOTE_TO_REMOTE}_${outcome}`,
            visibility: 'internal',
            data: { ...(entry!.data as object), body: undefined, noteEntryId: entryId, ...extra },
          },
        ],
        deps.now(),
      ),
    );
  if (!entry) return;
  if (!linked) return void (await record('failed', { reason: 'The conversation is no longer linked, or the connection is not connected' }));
  const { attachments, files, refused } = await filesToSend(deps, await entryFileIds(deps.db, entryId), `note:${entryId}`);
  const note = { body: String((entry.data as { body?: unknown }).body ?? ''), externalId: `note:${entryId}`, ...(attachments.length ? { attachments } : {}) };
  const sent = await callDestination(deps, linked.provider, () => linked.client.addNote(linked.ticketId, note, { mayExist: mayExist || attempt > 1, files }), {
    attempt,
  });
  await files?.flush();
  if (sent.ok) return void (await record('sent', refused().length ? { filesRefused: refused() } : {}));
  const retried = await retryPush(deps.db, sent.failure, attempt, SEND_NOTE, { escalationId, entryId }, { queueName: queueName(escalationId) });
  if (!retried) await record('failed', { reason: sent.failure.reason });
}
