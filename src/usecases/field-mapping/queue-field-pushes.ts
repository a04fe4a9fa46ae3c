/**
 * Queues pushes of mapped values to linked conversations. A change records which mapped request fields changed
 * (table field_push_pending) and places the escalation's one pending push (job key `field-push:<escalation id>`, run
 * FIELD_PUSH_COALESCE_MS later, a later change keeping that time): a burst of changes, such as an assignee, a note
 * and an approval in the same second, becomes one push, which sends each field's value as it is when it runs, so the
 * newest value wins. The push itself: push-mapped-values.ts.
 */
import { sql } from 'kysely';
import { requestFieldsChangedBy } from '../../core/field-mapping.ts';
import type { JobPayload } from '../../core/jobs.ts';
import type { Queryable } from '../../db/database.ts';
import { addJob } from '../../db/transaction.ts';

export const PUSH_MAPPED_FIELDS = 'push-mapped-fields';

/** How long a change waits for the ones that follow it before its push runs. */
export const FIELD_PUSH_COALESCE_MS = 1_000;

/** Job payload. changedFields null: every mapped field that has a value (a new conversation); [] the pending fields only. */
export type PushPayload = JobPayload<'push-mapped-fields'>;

/**
 * A push job for one escalation, to add within a larger statement: the first push of a new conversation
 * (`changedFields` null) or a retry. Pushes of one escalation run one at a time, in order (a graphile-worker queue
 * per escalation).
 */
export function fieldPushJob(
  escalationId: string,
  changedFields: readonly string[] | null,
  opts: { jobKey?: string; jobKeyMode?: 'preserve_run_at'; attempt?: number; runAt?: Date } = {},
) {
  const payload: PushPayload = { escalationId, changedFields: changedFields && [...new Set(changedFields)], attempt: opts.attempt };
  return addJob(PUSH_MAPPED_FIELDS, payload, {
    queueName: `field-push:${escalationId}`,
    maxAttempts: 10,
    jobKey: opts.jobKey,
    jobKeyMode: opts.jobKeyMode,
    runAt: opts.runAt,
  });
}

/**
 * Records that these request fields changed for the escalation and places its coalesced push, in one statement.
 * Safe to repeat (a retried caller): the fields are recorded once, and the pending push is replaced, not doubled.
 */
export async function enqueueFieldPush(q: Queryable, escalationId: string, changedFields: readonly string[]): Promise<void> {
  const fields = [...new Set(changedFields)];
  if (!fields.length) return;
  const push = fieldPushJob(escalationId, [], {
    jobKey: `field-push:${escalationId}`,
    jobKeyMode: 'preserve_run_at',
    runAt: new Date(Date.now() + FIELD_PUSH_COALESCE_MS),
  });
  await sql`with changed as (
      insert into field_push_pending (escalation_id, request_field) select ${escalationId}::uuid, unnest(${fields}::text[])
      on conflict (escalation_id, request_field) do update set changed_at = clock_timestamp()
    ) select ${push}`.execute(q);
}

/**
 * Queues a push for every escalation of the request that has a conversation and whose connection maps one of the
 * changed fields (built-in names such as `priority`, or `field.<key>`). Returns how many were queued.
 */
export async function enqueueFieldPushesForRequest(q: Queryable, requestId: string, changedFields: readonly string[]): Promise<number> {
  const fields = [...new Set(changedFields)];
  if (!fields.length) return 0;
  const rows = await q
    .selectFrom('escalations as e')
    .innerJoin('destination_connections as c', 'c.provider', 'e.provider')
    .select('e.id')
    .where('e.request_id', '=', requestId)
    .where('e.remote_id', 'is not', null)
    .where('e.state', 'not in', ['failed', 'unlinked'])
    .where((eb) =>
      eb.exists(eb.selectFrom('field_mappings as m').select('m.request_field').whereRef('m.connection_id', '=', 'c.id').where('m.request_field', 'in', fields)),
    )
    .execute();
  for (const r of rows) await enqueueFieldPush(q, r.id, fields);
  return rows.length;
}

/**
 * For the job that handles new timeline entries: queues pushes for the request fields those entries changed.
 * Safe to run again for the same entries. Returns how many pushes were queued.
 */
export async function queueFieldPushes(q: Queryable, entryIds: readonly string[]): Promise<number> {
  if (!entryIds.length) return 0;
  const entries = await q
    .selectFrom('timeline_entries')
    .select(['id', 'request_id', 'type', 'data'])
    .where('id', 'in', [...entryIds])
    .orderBy('id')
    .execute();
  const byRequest = new Map<string, string[]>();
  for (const e of entries) {
    const fields = requestFieldsChangedBy({ type: e.type, data: e.data as Record<string, unknown> });
    if (fields.length) byRequest.set(e.request_id, [...(byRequest.get(e.request_id) ?? []), ...fields]);
  }
  let queued = 0;
  for (const [requestId, fields] of byRequest) queued += await enqueueFieldPushesForRequest(q, requestId, fields);
  return queued;
}
