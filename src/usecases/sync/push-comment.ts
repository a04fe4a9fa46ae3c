/**
 * Comment sync (off by default): a public reply on a linked request becomes a note on the conversation, marked
 * with its origin, carrying the reply's files. The note's external id is the timeline entry, so a retry finds the note
 * a lost reply created; each file is sent once over its checkpoint.
 */
import type { Db } from '../../db/database.ts';
import { enqueueJob } from '../../db/transaction.ts';
import { formatRequestNumber } from '../../core/request.ts';
import type { DestinationDeps } from '../destination-access.ts';
import { callDestination, retryPush } from '../destination-failure.ts';
import { linkedPushes, linkedTicket } from './linked-ticket.ts';
import { entryFileIds, filesToSend } from '../attachments/outgoing-files.ts';

export const PUSH_COMMENT = 'push-comment';

export async function queueCommentPushes(db: Db, entryIds: string[]) {
  for (const p of await linkedPushes(db, entryIds, 'comment.public_reply')) {
    if (p.settings.commentSync)
      await enqueueJob(
        db,
        PUSH_COMMENT,
        { escalationId: p.escalationId, entryId: p.entryId },
        { jobKey: `comment:${p.escalationId}:${p.entryId}`, maxAttempts: 10 },
      );
  }
}

/** `mayExist`: an earlier try may have added the note (its reply lost), so the connector looks for it first. */
export async function pushComment(deps: DestinationDeps, escalationId: string, entryId: string, mayExist: boolean, attempt = 1) {
  const entry = await deps.db
    .selectFrom('timeline_entries as t')
    .innerJoin('requests as r', 'r.id', 't.request_id')
    .leftJoin('users as u', 'u.id', 't.actor_user_id')
    .select(['t.data', 'r.number', 'u.name'])
    .where('t.id', '=', entryId)
    .executeTakeFirst();
  const linked = entry && (await linkedTicket(deps, escalationId));
  if (!linked) return;
  const body = `${entry.name ?? 'Bridgedesk'} replied on Bridgedesk ${formatRequestNumber(entry.number)}:\n\n${String((entry.data as { body?: string }).body ?? '')}`;
  // The reply's files go with it, each once per conversation (a reply can go to several linked conversations).
  const { attachments, files } = await filesToSend(deps, await entryFileIds(deps.db, entryId), `comment:${escalationId}:${entryId}`);
  const note = { body, externalId: `comment:${entryId}`, ...(attachments.length ? { attachments } : {}) };
  const sent = await callDestination(deps, linked.provider, () => linked.client.addNote(linked.ticketId, note, { mayExist: mayExist || attempt > 1, files }), {
    attempt,
  });
  await files?.flush();
  if (sent.ok) return linked.log('sync.comment_sent', { entryId });
  // Anything but a retry is reported by the connection's health, not on the request.
  await retryPush(deps.db, sent.failure, attempt, PUSH_COMMENT, { escalationId, entryId }, { maxAttempts: 10 });
}
