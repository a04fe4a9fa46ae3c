/** Adds a public reply or an internal note, and moves the request along as a service desk would. */
import { type Actor, type UserActor, isStaff } from '../core/actor.ts';
import { forbidden, notFound } from '../core/errors.ts';
import { canSeeRequest } from '../core/request.ts';
import { commentEntry, type TimelineDraft, type Visibility } from '../core/timeline.ts';
import type { Db, Tx } from '../db/database.ts';
import { isFollower, lockRequest, updateRequest } from '../db/repositories/requests.ts';
import { appendTimeline, listTimeline } from '../db/repositories/timeline.ts';
import { withTransaction } from '../db/transaction.ts';
import type { TimelineEntry } from '../core/timeline.ts';

export async function addComment(db: Db, actor: UserActor, requestId: string, body: string, visibility: Visibility, now: Date): Promise<TimelineEntry> {
  return withTransaction(db, async (tx) => {
    const entryId = await addCommentInTx(tx, actor, requestId, body, visibility, now);
    const [entry] = await listTimeline(tx, requestId, { afterId: String(BigInt(entryId) - 1n), limit: 1, includeInternal: true });
    return entry!;
  });
}

/** The comment inside the caller's transaction; returns the comment's timeline entry id. */
export async function addCommentInTx(tx: Tx, actor: Actor, requestId: string, body: string, visibility: Visibility, now: Date, causedByRunId?: string): Promise<string> {
  {
    const row = await lockRequest(tx, requestId);
    const follower = actor.kind !== 'system' && (await isFollower(tx, requestId, actor.userId));
    if (!row || !canSeeRequest(actor, { requesterId: row.requester_id }, follower)) throw notFound('Request');
    if (visibility === 'internal' && !isStaff(actor)) throw forbidden('Only agents and admins can add internal notes');
    const drafts: TimelineDraft[] = [commentEntry(body, visibility)];
    // The first public reply from the desk starts the work; a requester answering a waiting request hands it back.
    const next =
      visibility === 'public' && isStaff(actor) && row.status === 'new'
        ? { status: 'in_progress' as const, reason: 'first_reply' }
        : visibility === 'public' && !isStaff(actor) && row.status === 'waiting'
          ? { status: 'in_progress' as const, reason: 'requester_replied' }
          : null;
    if (next) {
      drafts.push({ type: 'request.status_changed', data: { before: row.status, after: next.status, reason: next.reason } });
      await updateRequest(tx, requestId, { status: next.status }, now);
    } else {
      await updateRequest(tx, requestId, {}, now);
    }
    const [entryId] = await appendTimeline(tx, requestId, actor, drafts, now, causedByRunId);
    return entryId!;
  }
}
