/** Adds or removes a follower; staff may manage anyone's following, requesters only their own. */
import { type UserActor, isStaff } from '../core/actor.ts';
import { forbidden, notFound } from '../core/errors.ts';
import { canSeeRequest } from '../core/request.ts';
import type { Db } from '../db/database.ts';
import { addFollower, isFollower, lockRequest, removeFollower } from '../db/repositories/requests.ts';
import { appendTimeline } from '../db/repositories/timeline.ts';
import { withTransaction } from '../db/transaction.ts';
import { userLabel } from './request-refs.ts';

export async function setFollowing(db: Db, actor: UserActor, requestId: string, userId: string, follow: boolean, now: Date): Promise<void> {
  await withTransaction(db, async (tx) => {
    const row = await lockRequest(tx, requestId);
    if (!row || !canSeeRequest(actor, { requesterId: row.requester_id }, await isFollower(tx, requestId, actor.userId))) throw notFound('Request');
    if (!isStaff(actor) && userId !== actor.userId) throw forbidden('Requesters can only follow or unfollow themselves');
    const name = await userLabel(tx, userId, { field: 'userId' });
    const changed = follow ? await addFollower(tx, requestId, userId) : await removeFollower(tx, requestId, userId);
    if (changed) {
      await appendTimeline(
        tx,
        requestId,
        actor,
        [{ type: follow ? 'request.follower_added' : 'request.follower_removed', data: { user: { id: userId, name } } }],
        now,
      );
    }
  });
}
