/** Adds a public reply or an internal note, moves the request along as a service desk would, and tells who should hear. */
import { type Actor, type UserActor, isStaff } from '../core/actor.ts';
import { requestUrl } from '../core/escalation.ts';
import { forbidden, notFound } from '../core/errors.ts';
import { replyNotices } from '../core/reply-notice.ts';
import { canSeeRequest, formatRequestNumber } from '../core/request.ts';
import { commentEntry, type TimelineDraft, type TimelineEntry, type Visibility } from '../core/timeline.ts';
import type { Db, Tx } from '../db/database.ts';
import { isFollower, lockRequest, updateRequest } from '../db/repositories/requests.ts';
import { appendTimeline, listTimeline } from '../db/repositories/timeline.ts';
import { withTransaction } from '../db/transaction.ts';
import { notify } from './workflows/notify.ts';
import { wakeReplyWaits } from './workflows/reply-wait-step.ts';
import { attachToEntry, type Attaching } from './attachments/attach-uploads.ts';

/** What a public reply's notices need: where the request lives, and whether email can go out. */
export interface CommentDeps {
  publicUrl: string;
  smtpConfigured: boolean;
}

export async function addComment(
  deps: CommentDeps & { db: Db },
  actor: UserActor,
  requestId: string,
  body: string,
  visibility: Visibility,
  now: Date,
  attaching?: Attaching,
): Promise<TimelineEntry> {
  return withTransaction(deps.db, async (tx) => {
    const entryId = await addCommentInTx(tx, deps, actor, requestId, body, visibility, now);
    // In the comment's transaction: the files arrive with it or, when refused, neither does (they stay unattached).
    await attachToEntry(tx, actor, attaching, { requestId, entryId }, now);
    const [entry] = await listTimeline(tx, requestId, { beforeId: String(BigInt(entryId) + 1n), limit: 1, includeInternal: true });
    return entry!;
  });
}

/** The comment inside the caller's transaction; returns the comment's timeline entry id. */
export async function addCommentInTx(
  tx: Tx,
  deps: CommentDeps,
  actor: Actor,
  requestId: string,
  body: string,
  visibility: Visibility,
  now: Date,
  causedByRunId?: string,
): Promise<string> {
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
  // Workflows waiting for the requester's answer go on now, not at their deadline (reply-wait-step.ts).
  if (visibility === 'public' && !isStaff(actor)) await wakeReplyWaits(tx, requestId);
  if (visibility === 'public') {
    const key = formatRequestNumber(row.number);
    const notices = replyNotices(visibility, actor, await replyAudience(tx, requestId, row.requester_id), { key, title: row.title }, body);
    for (const n of notices) {
      await notify(tx, deps.smtpConfigured, { ...n, requestId, kind: 'reply', link: requestUrl(deps.publicUrl, key) });
    }
  }
  return entryId!;
}

async function replyAudience(tx: Tx, requestId: string, requesterId: string) {
  const people = await tx
    .selectFrom('users as u')
    .select(['u.id', 'u.email', 'u.active'])
    .where((eb) =>
      eb.or([eb('u.id', '=', requesterId), eb('u.id', 'in', eb.selectFrom('request_followers').select('user_id').where('request_id', '=', requestId))]),
    )
    .execute();
  const requester = people.find((p) => p.id === requesterId)!;
  return { requester, followers: people.filter((p) => p.id !== requesterId) };
}
