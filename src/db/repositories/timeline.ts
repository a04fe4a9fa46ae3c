/** Appends to and reads the request timeline. There is no update or delete here, and the table refuses both. */
import type { Actor } from '../../core/actor.ts';
import type { TimelineDraft, TimelineEntry } from '../../core/timeline.ts';
import type { Queryable } from '../database.ts';

export async function appendTimeline(q: Queryable, requestId: string, actor: Actor, drafts: TimelineDraft[], at?: Date): Promise<string[]> {
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
      })),
    )
    .returning('id')
    .execute();
  return rows.map((r) => r.id);
}

export async function listTimeline(
  q: Queryable,
  requestId: string,
  opts: { afterId?: string; limit: number; includeInternal: boolean },
): Promise<TimelineEntry[]> {
  let query = q
    .selectFrom('timeline_entries as t')
    .leftJoin('users as u', 'u.id', 't.actor_user_id')
    .select(['t.id', 't.request_id', 't.type', 't.actor_type', 't.actor_user_id', 't.actor_token_id', 't.visibility', 't.data', 't.created_at', 'u.name as actor_name'])
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
