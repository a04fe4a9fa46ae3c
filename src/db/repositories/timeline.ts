/** Appends to and reads the request timeline. There is no update or delete here, and the table refuses both. */
import type { Actor } from '../../core/actor.ts';
import type { TimelineDraft, TimelineEntry } from '../../core/timeline.ts';
import type { Queryable } from '../database.ts';
import { feedsDestinations, isEventEntry, triggerEventsOf } from '../../core/workflow-events.ts';
import { sql } from 'kysely';

export const MATCH_WORKFLOWS = 'match-workflows';

/**
 * Appends entries; entries that are events also enqueue, in the caller's transaction, the job that matches them
 * against workflows and passes them on to linked destinations. `causedByRunId` marks entries a workflow step wrote (loop detection).
 */
export async function appendTimeline(q: Queryable, requestId: string, actor: Actor, drafts: TimelineDraft[], at?: Date, causedByRunId?: string): Promise<string[]> {
  if (!drafts.length) return [];
  const rows = await q
    .insertInto('timeline_entries')
    .values(
      drafts.map((d) => ({
        request_id: requestId,
        type: d.type,
        actor_type: actor.kind,
        actor_user_id: actor.kind === 'system' ? null : actor.userId,
        actor_token_id: actor.kind === 'token' ? (actor.tokenId ?? null) : null,
        visibility: d.visibility ?? 'public',
        data: JSON.stringify(d.data),
        ...(at ? { created_at: at } : {}),
        ...(causedByRunId ? { caused_by_run_id: causedByRunId } : {}),
      })),
    )
    .returning(['id', 'type'])
    .execute();
  const events = rows.filter((r) => isEventEntry(r.type)).map((r) => r.id);
  // Only when something may react: an enabled workflow triggered by one of these events, or a linked destination
  // that follows such changes. Most changes have neither, and a job each would be pure overhead. (A workflow
  // enabled after this commit starts with the events after it.)
  if (events.length) {
    const triggers = [...new Set(rows.flatMap((r) => triggerEventsOf(r.type)))];
    const followed = rows.some((r) => feedsDestinations(r.type));
    await sql`select graphile_worker.add_job(${MATCH_WORKFLOWS}::text, ${JSON.stringify({ entryIds: events })}::json)
      where exists (select 1 from workflows w join workflow_versions v on v.id = w.current_version_id
                     where w.enabled and v.definition #>> '{trigger,event}' = any(${triggers}::text[]))
         or (${followed} and exists (select 1 from escalations where request_id = ${requestId} and remote_id is not null))`.execute(q);
  }
  return rows.map((r) => r.id);
}

export async function listTimeline(
  q: Queryable,
  requestId: string,
  opts: { afterId?: string; limit: number; includeInternal: boolean },
): Promise<TimelineEntry[]> {
  // The actor's name by a scalar subquery (a primary-key lookup per entry), not a join: for a long timeline the
  // planner hashed the whole users table on every call to join a handful of actors.
  let query = q
    .selectFrom('timeline_entries as t')
    .select(['t.id', 't.request_id', 't.type', 't.actor_type', 't.actor_user_id', 't.actor_token_id', 't.visibility', 't.data', 't.created_at'])
    .select((eb) => eb.selectFrom('users as u').select('u.name').whereRef('u.id', '=', 't.actor_user_id').as('actor_name'))
    .where('t.request_id', '=', requestId)
    .orderBy('t.id')
    .limit(opts.limit);
  if (opts.afterId) query = query.where('t.id', '>', opts.afterId);
  if (!opts.includeInternal) query = query.where('t.visibility', '=', 'public');
  const rows = await query.execute();
  return rows.map((r) => ({
    id: r.id,
    requestId: r.request_id,
    type: r.type,
    actor: { type: r.actor_type, userId: r.actor_user_id, tokenId: r.actor_token_id, name: r.actor_type === 'system' ? 'Bridgedesk' : r.actor_name },
    visibility: r.visibility,
    data: r.data,
    createdAt: new Date(r.created_at).toISOString(),
  }));
}
