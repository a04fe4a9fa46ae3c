/** Appends to and reads the request timeline. There is no update or delete here, and the table refuses both. */
import type { Actor } from '../../core/actor.ts';
import type { TimelineDraft, TimelineEntry } from '../../core/timeline.ts';
import type { Queryable } from '../database.ts';
import { changesInternalFact, feedsDestinations, isEventEntry, soleOrigin, triggerEventsOf } from '../../core/workflow-events.ts';
import { INTERNAL_FACT_FIELDS } from '../../core/field-mapping.ts';
import { sql } from 'kysely';
import { addJobWith } from '../transaction.ts';
import { attachmentsOfEntries } from './attachments.ts';

/**
 * The insert of timeline entries, and the job that matches the events among them against workflows and passes them
 * on to linked destinations, as parts of one statement: `dispatch` reads the inserted ids from the CTE named
 * `entries`. Both are null without drafts. `causedByRunId` marks entries a workflow step wrote (loop detection).
 */
export function timelineWrite(
  q: Queryable,
  requestId: string,
  actor: Actor,
  drafts: TimelineDraft[],
  opts: { at?: Date; causedByRunId?: string; skipExisting?: boolean } = {},
) {
  if (!drafts.length) return { entries: null, dispatch: null };
  const insert = q.insertInto('timeline_entries').values(
    drafts.map((d) => ({
      request_id: requestId,
      type: d.type,
      actor_type: actor.kind,
      actor_user_id: actor.kind === 'system' ? null : actor.userId,
      actor_token_id: actor.kind === 'token' ? (actor.tokenId ?? null) : null,
      visibility: d.visibility ?? 'public',
      data: JSON.stringify(d.data),
      ...(opts.at ? { created_at: opts.at } : {}),
      ...(opts.causedByRunId ? { caused_by_run_id: opts.causedByRunId } : {}),
    })),
  );
  // skipExisting: an entry a unique index already holds (a remote thread item, migration 016) is left out, and so
  // is its dispatch: `entries` holds only what was inserted.
  const entries = (opts.skipExisting ? insert.onConflict((oc) => oc.doNothing()) : insert).returning(['id', 'type']);
  const events = [...new Set(drafts.map((d) => d.type).filter((t) => isEventEntry(t) || feedsDestinations(t)))];
  // Only when something may react: an enabled workflow triggered by one of these events, or a linked destination
  // that follows such changes. Most changes have neither, and a job each would be pure overhead. (A workflow
  // enabled after this commit starts with the events after it.)
  const triggers = [...new Set(events.flatMap(triggerEventsOf))];
  const followed = events.some((t) => feedsDestinations(t) && !changesInternalFact(t));
  // An internal note or an approval matters to a linked destination only when an internal fact is mapped there.
  const followedIfMapped = !followed && events.some(changesInternalFact);
  // A status change Kustomer asked for is not pushed back to it: on a request linked only there, it matters only
  // when the request's status is mapped to an attribute (nearly every inbound change is such a change).
  const origin = soleOrigin(drafts);
  const dispatch = events.length
    ? sql`(select ${addJobWith('match-workflows', sql`json_build_object('entryIds', (select json_agg(id::text order by id) from entries where type = any(${events}::text[])))`)} where exists (select 1 from entries where type = any(${events}::text[]))
         and (exists (select 1 from workflows w join workflow_versions v on v.id = w.current_version_id
                     where w.enabled and v.definition #>> '{trigger,event}' = any(${triggers}::text[]))
         or ((${followed} or (${followedIfMapped} and exists (select 1 from field_mappings where request_field = any(${INTERNAL_FACT_FIELDS}::text[]))))
             and exists (select 1 from escalations where request_id = ${requestId} and remote_id is not null and state <> 'unlinked'
                         and (${origin}::text is null or provider <> ${origin}::text or exists (select 1 from field_mappings where request_field = 'status'))))))`
    : null;
  return { entries, dispatch };
}

/** Appends entries (and queues their dispatch) in one statement; returns their ids in order. */
export async function appendTimeline(
  q: Queryable,
  requestId: string,
  actor: Actor,
  drafts: TimelineDraft[],
  at?: Date,
  causedByRunId?: string,
): Promise<string[]> {
  return writeTimeline(q, timelineWrite(q, requestId, actor, drafts, { at, causedByRunId }));
}

/** Runs a `timelineWrite` (the insert and its dispatch in one statement); returns the inserted ids in order. */
export async function writeTimeline(q: Queryable, { entries, dispatch }: ReturnType<typeof timelineWrite>): Promise<string[]> {
  if (!entries) return [];
  const { rows } = await sql<{
    ids: string[];
  }>`with entries as (${entries}) select (select json_agg(id::text order by id) from entries) as ids${dispatch ? sql`, ${dispatch}` : sql``}`.execute(q);
  return rows[0]!.ids ?? [];
}

/**
 * One page of a request's timeline, newest first: the `limit` newest entries older than `beforeId` (keyset on the
 * id, which is the order entries were written in). Internal entries are left out in the query itself when
 * `includeInternal` is false, so a page boundary can never fall on (or reveal the id of) an entry the reader may
 * not see.
 */
export async function listTimeline(
  q: Queryable,
  requestId: string,
  opts: { beforeId?: string; limit: number; includeInternal: boolean },
): Promise<TimelineEntry[]> {
  // The actor's name by a scalar subquery (a primary-key lookup per entry), not a join: for a long timeline the
  // planner hashed the whole users table on every call to join a handful of actors.
  let query = q
    .selectFrom('timeline_entries as t')
    .select([
      't.id',
      't.request_id',
      't.type',
      't.actor_type',
      't.actor_user_id',
      't.actor_token_id',
      't.visibility',
      't.data',
      't.created_at',
      't.caused_by_run_id',
    ])
    .select((eb) => eb.selectFrom('users as u').select('u.name').whereRef('u.id', '=', 't.actor_user_id').as('actor_name'))
    .where('t.request_id', '=', requestId)
    .orderBy('t.id', 'desc')
    .limit(opts.limit);
  if (opts.beforeId) query = query.where('t.id', '<', opts.beforeId);
  if (!opts.includeInternal) query = query.where('t.visibility', '=', 'public');
  const rows = await query.execute();
  const files = await attachmentsOfEntries(
    q,
    rows.map((r) => r.id),
  );
  return rows.map((r) => ({
    id: r.id,
    requestId: r.request_id,
    type: r.type,
    actor: { type: r.actor_type, userId: r.actor_user_id, tokenId: r.actor_token_id, name: r.actor_type === 'system' ? 'Bridgedesk' : r.actor_name },
    visibility: r.visibility,
    data: r.data,
    createdAt: new Date(r.created_at).toISOString(),
    // Which workflow run wrote the entry: staff only (the timeline groups a run's entries); requesters get null.
    causedByRunId: opts.includeInternal ? (r.caused_by_run_id ?? null) : null,
    attachments: files.get(r.id) ?? [],
  }));
}
