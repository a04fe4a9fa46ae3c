/** Changes a request's fields; every real change becomes a timeline entry in the same transaction. */
import type { Actor, UserActor } from '../core/actor.ts';
import { mergeFieldValues } from '../core/custom-fields.ts';
import { notFound, unprocessable } from '../core/errors.ts';
import { assertCanChange, canSeeRequest, planChanges, type RequestChanges } from '../core/request.ts';
import type { Db, Tx } from '../db/database.ts';
import { listCustomFields } from '../db/repositories/custom-fields.ts';
import { getRequestView, isFollower, lockRequest, toState, updateRequest, type RequestView } from '../db/repositories/requests.ts';
import { appendTimeline } from '../db/repositories/timeline.ts';
import { withTransaction } from '../db/transaction.ts';
import { inboxLabel, serviceRef, userLabel } from './request-refs.ts';

export type RequestPatch = Omit<RequestChanges, 'customFields'> & {
  customFields?: Record<string, unknown>;
  /** With status `waiting`: when linked destination tickets wake up (push-status snoozes them until then). */
  wakeAt?: string;
};

export async function changeRequest(db: Db, actor: UserActor, id: string, patch: RequestPatch, now: Date): Promise<RequestView> {
  return withTransaction(db, async (tx) => {
    await changeRequestInTx(tx, actor, id, patch, now);
    return (await getRequestView(tx, id))!;
  });
}

/**
 * The change inside the caller's transaction (a workflow step commits it together with the step's result).
 * Returns the entries written; `causedByRunId` marks them as a workflow's doing, `origin` as a destination's.
 */
export async function changeRequestInTx(
  tx: Tx,
  actor: Actor,
  id: string,
  patch: RequestPatch,
  now: Date,
  causedByRunId?: string,
  origin?: string,
): Promise<string[]> {
  {
    const row = await lockRequest(tx, id);
    const follower = actor.kind !== 'system' && (await isFollower(tx, id, actor.userId));
    if (!row || !canSeeRequest(actor, { requesterId: row.requester_id }, follower)) throw notFound('Request');
    const current = toState(row);
    const { customFields: incomingFields, wakeAt, ...rest } = patch;
    if (wakeAt !== undefined) checkWakeAt(wakeAt, rest.status ?? current.status, now);
    const changes: RequestChanges = { ...rest };
    assertCanChange(actor, current, { ...changes, ...(incomingFields ? { customFields: {} } : {}) });
    if (incomingFields) {
      const defs = await listCustomFields(tx);
      changes.customFields = mergeFieldValues(
        defs,
        changes.serviceId !== undefined ? changes.serviceId : current.serviceId,
        current.customFields,
        incomingFields,
        false,
      );
    }
    const { changed, entries } = planChanges(current, changes);
    // Name the people, inboxes and services in the entry, so the timeline reads right even after renames.
    for (const entry of entries) {
      const d = entry.data as { before: string | null; after: string | null; beforeLabel?: string | null; afterLabel?: string | null };
      if (entry.type === 'request.assignee_changed') {
        d.afterLabel = await userLabel(tx, d.after, { field: 'assigneeId', staffOnly: true });
        d.beforeLabel = d.before ? ((await tx.selectFrom('users').select('name').where('id', '=', d.before).executeTakeFirst())?.name ?? null) : null;
      } else if (entry.type === 'request.inbox_changed') {
        d.afterLabel = await inboxLabel(tx, d.after);
        d.beforeLabel = d.before ? ((await tx.selectFrom('inboxes').select('name').where('id', '=', d.before).executeTakeFirst())?.name ?? null) : null;
      } else if (entry.type === 'request.service_changed') {
        d.afterLabel = (await serviceRef(tx, d.after))?.name ?? null;
        d.beforeLabel = d.before ? ((await tx.selectFrom('services').select('name').where('id', '=', d.before).executeTakeFirst())?.name ?? null) : null;
      }
    }
    if (!entries.length) return [];
    // The wake-up time rides on the status change, so the push that snoozes the conversation reads it from there.
    const toWaiting = entries.find((e) => e.type === 'request.status_changed' && e.data.after === 'waiting');
    if (wakeAt && toWaiting) toWaiting.data.wakeAt = new Date(wakeAt).toISOString();
    // A change a destination asked for carries its origin, so it is not sent back there (no ping-pong).
    if (origin) for (const e of entries) e.data.origin = origin;
    await updateRequest(tx, id, changed, now);
    return appendTimeline(tx, id, actor, entries, now, causedByRunId);
  }
}

/** A wake-up time belongs with waiting, and lies ahead (a snooze in the past would wake at once). */
function checkWakeAt(wakeAt: string, status: string, now: Date) {
  if (status !== 'waiting') throw unprocessable('wakeAt goes with status waiting', { field: 'wakeAt' });
  if (Date.parse(wakeAt) <= now.getTime()) throw unprocessable('The wake-up time must be in the future', { field: 'wakeAt' });
}
