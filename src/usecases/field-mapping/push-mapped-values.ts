/**
 * Sends a request's mapped field values to the conversation an escalation is linked to. Runs in a job (see
 * jobs/push-mapped-fields.ts) after the conversation is created and whenever a mapped request field changes.
 * It never changes the escalation: what happened goes on the request's timeline (internal, by the system):
 *   sync.fields_sent {fields, labels}             the values were stored on the conversation
 *   sync.field_rejected {field, label, message}   the destination refused one value (permanent 400/422), with its words;
 *                                                 the other values are still sent. With `unknown: true, reason`: the
 *                                                 destination no longer knows the attribute (checked in its metadata);
 *                                                 the mapping is marked and the attribute left out until it is back
 *   sync.fields_failed {fields, labels, reason}       nothing could be sent (credentials refused, conversation gone, or
 *                                                 retries used up); retryable failures are retried by the job first
 */
import { ConnectorError } from '../../connectors/kit/errors.ts';
import { PROVIDERS, type ProviderId } from '../../connectors/registry.ts';
import { SYSTEM } from '../../core/actor.ts';
import { requestFieldsChangedBy, type RemoteValue } from '../../core/field-mapping.ts';
import type { TimelineDraft } from '../../core/timeline.ts';
import type { Queryable } from '../../db/database.ts';
import { findConnection } from '../../db/repositories/destinations.ts';
import { findEscalation } from '../../db/repositories/escalations.ts';
import { appendTimeline } from '../../db/repositories/timeline.ts';
import { addJob, enqueue } from '../../db/transaction.ts';
import type { EscalationRow } from '../../db/schema.ts';
import type { JobPayload } from '../../core/jobs.ts';
import { clientFor, type DestinationDeps } from '../destination-access.ts';
import { destinationFailure, nextAttempt, retriesLeft } from '../destination-failure.ts';
import { allMappedValues, type MappedValue } from './mapped-values.ts';
import { clearRefused, markRefused } from './store.ts';

export const PUSH_MAPPED_FIELDS = 'push-mapped-fields';

/** What the push needs: the destination access every delivery has, and the public URL for request links. */
export interface FieldPushDeps extends DestinationDeps {
  publicUrl: string;
}

export interface PushOutcome {
  /** Remote fields stored on the conversation. */
  sent: string[];
  /** Remote fields the destination refused, with its message. */
  rejected: { field: string; message: string }[];
  /** Why nothing was attempted. */
  skipped?: 'no_conversation' | 'not_connected' | 'nothing_to_send';
  /** Why nothing could be sent (recorded as sync.fields_failed). */
  failed?: string;
  /** A retryable failure: the push runs again then (its job is queued), and nothing is recorded yet. */
  retryAt?: Date;
}

/** Job payload. changedFields null: every mapped field that has a value (a new conversation). */
export type PushPayload = JobPayload<'push-mapped-fields'>;

/**
 * Queues a push for one escalation, in the caller's transaction. Pushes of one escalation run one at a time, in
 * order (a graphile-worker queue per escalation), and each reads the request's values when it runs, so the last
 * one leaves the conversation with the request's latest values. `jobKey` makes a repeated enqueue (a retried
 * caller) replace the pending job instead of adding one.
 */
export async function enqueueFieldPush(
  q: Queryable,
  escalationId: string,
  changedFields: readonly string[] | null,
  opts: { jobKey?: string } = {},
): Promise<void> {
  await enqueue(q, fieldPushJob(escalationId, changedFields, opts));
}

/** The push job `enqueueFieldPush` adds, to add within a larger statement. */
export function fieldPushJob(escalationId: string, changedFields: readonly string[] | null, opts: { jobKey?: string; attempt?: number; runAt?: Date } = {}) {
  const payload: PushPayload = { escalationId, changedFields: changedFields && [...new Set(changedFields)], attempt: opts.attempt };
  return addJob(PUSH_MAPPED_FIELDS, payload, { queueName: `field-push:${escalationId}`, maxAttempts: 10, jobKey: opts.jobKey, runAt: opts.runAt });
}

/**
 * Queues a push for every escalation of the request that has a conversation and whose connection maps one of the
 * changed fields (built-in names such as `priority`, or `field.<key>`). Returns how many were queued.
 */
export async function enqueueFieldPushesForRequest(
  q: Queryable,
  requestId: string,
  changedFields: readonly string[],
  opts: { jobKeySuffix?: string } = {},
): Promise<number> {
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
  for (const r of rows) await enqueueFieldPush(q, r.id, fields, opts.jobKeySuffix ? { jobKey: `field-push:${r.id}:${opts.jobKeySuffix}` } : {});
  return rows.length;
}

const CHANGE_TYPES = [
  'request.title_changed',
  'request.description_changed',
  'request.status_changed',
  'request.priority_changed',
  'request.service_changed',
  'request.tags_changed',
  'request.field_changed',
];

/**
 * For the job that handles new timeline entries: queues pushes for the request fields those entries changed.
 * Safe to run again for the same entries (the job key makes a repeat replace the pending push). Returns how many
 * pushes were queued.
 */
export async function queueFieldPushes(q: Queryable, entryIds: readonly string[]): Promise<number> {
  if (!entryIds.length) return 0;
  const entries = await q
    .selectFrom('timeline_entries')
    .select(['id', 'request_id', 'type', 'data'])
    .where('id', 'in', [...entryIds])
    .where('type', 'in', CHANGE_TYPES)
    .orderBy('id')
    .execute();
  const byRequest = new Map<string, { fields: string[]; lastEntryId: string }>();
  for (const e of entries) {
    const fields = requestFieldsChangedBy({ type: e.type, data: e.data as Record<string, unknown> });
    const seen = byRequest.get(e.request_id) ?? { fields: [], lastEntryId: e.id };
    byRequest.set(e.request_id, { fields: [...seen.fields, ...fields], lastEntryId: e.id });
  }
  let queued = 0;
  for (const [requestId, { fields, lastEntryId }] of byRequest)
    queued += await enqueueFieldPushesForRequest(q, requestId, fields, { jobKeySuffix: lastEntryId });
  return queued;
}

/** A refusal of the values themselves (as opposed to the conversation, the key or the network). */
const refusesValues = (err: unknown): err is ConnectorError =>
  err instanceof ConnectorError && err.kind === 'permanent' && (err.status === 400 || err.status === 422);
const vendorWords = (err: ConnectorError) => err.detail.vendorMessage ?? err.message;

/**
 * Sends the escalation's mapped values (only `changedFields` when given, empty ones as null to clear them; all
 * non-empty ones when null). A retryable failure queues the push again for the time it names, until the last
 * attempt (`opts.attempt`, 1-based, of MAX_PUSH_ATTEMPTS), which records sync.fields_failed instead.
 */
export async function pushMappedValues(
  deps: FieldPushDeps,
  escalationId: string,
  changedFields: readonly string[] | null,
  opts: { attempt?: number } = {},
): Promise<PushOutcome> {
  const attempt = opts.attempt ?? 1;
  const esc = await findEscalation(deps.db, escalationId);
  if (!esc || !esc.remote_id || esc.state === 'failed' || esc.state === 'unlinked') return { sent: [], rejected: [], skipped: 'no_conversation' };
  const provider = esc.provider as ProviderId;
  const connection = await findConnection(deps.db, provider);
  if (!connection || connection.status === 'invalid_credentials') return { sent: [], rejected: [], skipped: 'not_connected' };

  const all = await allMappedValues(deps.db, connection.id, esc.request_id, deps.publicUrl);
  const values = changedFields ? all.filter((v) => changedFields.includes(v.requestField)) : all.filter((v) => v.value !== null);
  if (!values.length) return { sent: [], rejected: [], skipped: 'nothing_to_send' };

  const client = clientFor(deps, provider, connection.account, deps.secrets.open(connection.secretEncrypted), false);
  const conversationId = esc.remote_id;
  const name = PROVIDERS[provider].displayName;
  const send = (vs: MappedValue[]) =>
    client.updateTicket(conversationId, { customValues: Object.fromEntries(vs.map((v) => [v.remoteField, v.value])) as Record<string, RemoteValue> });
  // The destination's attribute names now; null when they cannot be read (a missing permission, an outage).
  const knownNames = async () => {
    const fields = await client.listTicketFields().catch(() => null);
    return fields && new Set(fields.map((f) => f.name));
  };

  const sent: string[] = [];
  const rejected: Rejection[] = [];
  const unknown = (vs: MappedValue[], since: Date, reason: string) =>
    rejected.push(
      ...vs.map((v) => ({
        field: v.remoteField,
        label: v.label,
        message: `${name} no longer knows ${v.remoteField}: not sent since ${since.toISOString().slice(0, 10)}`,
        reason,
        unknown: true,
      })),
    );
  let toSend = values;
  try {
    // Metadata changes: an attribute refused before is checked again, and sent once the destination knows it again.
    const refusedBefore = values.filter((v) => v.refused);
    if (refusedBefore.length) {
      const names = await knownNames();
      const back = names ? refusedBefore.filter((v) => names.has(v.remoteField)) : [];
      await clearRefused(
        deps.db,
        connection.id,
        back.map((v) => v.remoteField),
      );
      for (const v of refusedBefore.filter((x) => !back.includes(x))) unknown([v], v.refused!.since, v.refused!.reason);
      toSend = values.filter((v) => !v.refused || back.includes(v));
    }
    if (toSend.length) {
      try {
        await send(toSend);
        sent.push(...toSend.map((v) => v.remoteField));
      } catch (err) {
        if (!refusesValues(err)) throw err;
        // Kustomer refuses a whole update for one attribute it does not know (400 badparam "Additional properties
        // not allowed", recorded: nebulab/solidus_kustomer create_failure.yml): its metadata tells which ones are
        // gone. They are marked and left out from now on; the rest is sent again.
        const names = await knownNames();
        const gone = names ? toSend.filter((v) => !names.has(v.remoteField)) : [];
        if (gone.length) {
          const now = deps.now();
          await markRefused(
            deps.db,
            connection.id,
            gone.map((v) => v.remoteField),
            vendorWords(err),
            now,
          );
          unknown(gone, now, vendorWords(err));
          toSend = toSend.filter((v) => !gone.includes(v));
        }
        await sendApart(toSend, gone.length ? null : err);
      }
    }
  } catch (err) {
    const failure = await destinationFailure(deps, provider, err, { attempt });
    if (retriesLeft(failure, attempt)) {
      await enqueue(deps.db, fieldPushJob(escalationId, changedFields, { attempt: nextAttempt(failure, attempt), runAt: failure.retryAt }));
      return { sent, rejected: [], retryAt: failure.retryAt };
    }
    const reason = failure.kind === 'permanent' ? vendorWords(failure.error) : failure.reason;
    const unsent = values.map((v) => v.remoteField).filter((f) => !sent.includes(f) && !rejected.some((r) => r.field === f));
    await record(deps, esc, [
      ...entries(sent, rejected, values),
      { type: 'sync.fields_failed', data: { fields: unsent, labels: labelsOf(unsent, values), reason } },
    ]);
    return { sent, rejected: rejected.map(({ field, message }) => ({ field, message })), failed: reason };
  }
  await record(deps, esc, entries(sent, rejected, values));
  return { sent, rejected: rejected.map(({ field, message }) => ({ field, message })) };

  /**
   * Sends values after a refusal. `refusal`: the refusal of exactly these values (a single one is then rejected
   * without sending it again); null: these values have not been sent as they are.
   */
  async function sendApart(vs: MappedValue[], refusal: ConnectorError | null) {
    if (!vs.length) return;
    if (refusal && vs.length === 1) {
      rejected.push({ field: vs[0]!.remoteField, label: vs[0]!.label, message: vendorWords(refusal) });
      return;
    }
    if (!refusal) {
      try {
        await send(vs);
        sent.push(...vs.map((v) => v.remoteField));
        return;
      } catch (err) {
        if (!refusesValues(err)) throw err;
        if (vs.length === 1) return void rejected.push({ field: vs[0]!.remoteField, label: vs[0]!.label, message: vendorWords(err) });
      }
    }
    // One bad value refuses the whole update: send them one by one so the good ones land and each bad one is named.
    for (const v of vs) {
      try {
        await send([v]);
        sent.push(v.remoteField);
      } catch (one) {
        if (!refusesValues(one)) throw one;
        rejected.push({ field: v.remoteField, label: v.label, message: vendorWords(one) });
      }
    }
  }
}

interface Rejection {
  field: string;
  label: string;
  message: string;
  /** The destination's own words, when `message` is ours. */
  reason?: string;
  /** The destination does not know the attribute (any more). */
  unknown?: boolean;
}

/** The request fields' labels for these remote fields, in the same order: the timeline names fields by label, not key. */
const labelsOf = (fields: string[], values: MappedValue[]): string[] => fields.map((f) => values.find((v) => v.remoteField === f)?.label ?? f);

function entries(sent: string[], rejected: Rejection[], values: MappedValue[]): TimelineDraft[] {
  return [
    ...(sent.length ? [{ type: 'sync.fields_sent', data: { fields: sent, labels: labelsOf(sent, values) } }] : []),
    ...rejected.map((r) => ({
      type: 'sync.field_rejected',
      data: { field: r.field, label: r.label, message: r.message, ...(r.unknown ? { unknown: true, reason: r.reason } : {}) },
    })),
  ];
}

async function record(deps: FieldPushDeps, esc: EscalationRow, drafts: TimelineDraft[]) {
  await appendTimeline(
    deps.db,
    esc.request_id,
    SYSTEM,
    drafts.map((d) => ({ ...d, visibility: 'internal' as const, data: { escalationId: esc.id, conversationId: esc.remote_id, ...d.data } })),
    deps.now(),
  );
}
