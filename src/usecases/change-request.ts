/** Changes a request's fields; every real change becomes a timeline entry in the same transaction. */
import type { UserActor } from '../core/actor.ts';
import { mergeFieldValues } from '../core/custom-fields.ts';
import { notFound } from '../core/errors.ts';
import { assertCanChange, canSeeRequest, planChanges, type RequestChanges } from '../core/request.ts';
import type { Db } from '../db/database.ts';
import { listCustomFields } from '../db/repositories/custom-fields.ts';
import { getRequestView, isFollower, lockRequest, toState, updateRequest, type RequestView } from '../db/repositories/requests.ts';
import { appendTimeline } from '../db/repositories/timeline.ts';
import { withTransaction } from '../db/transaction.ts';
import { inboxLabel, serviceRef, userLabel } from './request-refs.ts';

export type RequestPatch = Omit<RequestChanges, 'customFields'> & { customFields?: Record<string, unknown> };

export async function changeRequest(db: Db, actor: UserActor, id: string, patch: RequestPatch, now: Date): Promise<RequestView> {
  return withTransaction(db, async (tx) => {
    const row = await lockRequest(tx, id);
    if (!row || !canSeeRequest(actor, { requesterId: row.requester_id }, await isFollower(tx, id, actor.userId))) throw notFound('Request');
    const current = toState(row);
    const { customFields: incomingFields, ...rest } = patch;
    const changes: RequestChanges = { ...rest };
    assertCanChange(actor, current, { ...changes, ...(incomingFields ? { customFields: {} } : {}) });
    if (incomingFields) {
      const defs = await listCustomFields(tx);
      changes.customFields = mergeFieldValues(defs, changes.serviceId !== undefined ? changes.serviceId : current.serviceId, current.customFields, incomingFields, false);
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
    if (entries.length) {
      await updateRequest(tx, id, changed, now);
      await appendTimeline(tx, id, actor, entries, now);
    }
    return (await getRequestView(tx, id))!;
  });
}
