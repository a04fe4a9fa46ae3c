/**
 * Sends a request's mapped field values to the conversation an escalation is linked to. Runs in a job (see
 * jobs/push-mapped-fields.ts) after the conversation is created and whenever a mapped request field changes
 * (queued, and coalesced, by queue-field-pushes.ts).
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
import type { RemoteValue } from '../../core/field-mapping.ts';
import type { TimelineDraft } from '../../core/timeline.ts';
import { findConnection } from '../../db/repositories/destinations.ts';
import { findEscalation } from '../../db/repositories/escalations.ts';
import { appendTimeline } from '../../db/repositories/timeline.ts';
import { enqueue, withTransaction } from '../../db/transaction.ts';
import type { EscalationRow } from '../../db/schema.ts';
import { clientFor, type DestinationDeps } from '../destination-access.ts';
import { destinationFailure, nextAttempt, retriesLeft } from '../destination-failure.ts';
import { allMappedValues, type MappedValue } from './mapped-values.ts';
import { fieldPushJob } from './queue-field-pushes.ts';
import { clearRefused, donePending, markRefused, readPending, type PendingField } from './store.ts';

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

  // The fields changed since the last push (recorded by queue-field-pushes.ts), with those the job names.
  const pending = await readPending(deps.db, escalationId);
  const changed = new Set([...(changedFields ?? []), ...pending.map((p) => p.requestField)]);
  const all = await allMappedValues(deps.db, connection.id, esc.request_id, deps.publicUrl);
  const values = all.filter((v) => changed.has(v.requestField) || (changedFields === null && v.value !== null));
  if (!values.length) {
    await donePending(deps.db, escalationId, pending);
    return { sent: [], rejected: [], skipped: 'nothing_to_send' };
  }

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
  const reject = (v: MappedValue, err: ConnectorError) => rejected.push({ field: v.remoteField, label: v.label, message: vendorWords(err) });
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
      // The retry names what this push was sending; the pending rows stay for it (or for a newer push, which may come first).
      const retryFields = changedFields === null ? null : [...changed];
      await enqueue(deps.db, fieldPushJob(escalationId, retryFields, { attempt: nextAttempt(failure, attempt), runAt: failure.retryAt }));
      return { sent, rejected: [], retryAt: failure.retryAt };
    }
    const reason = failure.kind === 'permanent' ? vendorWords(failure.error) : failure.reason;
    const unsent = values.map((v) => v.remoteField).filter((f) => !sent.includes(f) && !rejected.some((r) => r.field === f));
    await record(deps, esc, pending, [
      ...entries(sent, rejected, values),
      { type: 'sync.fields_failed', data: { fields: unsent, labels: labelsOf(unsent, values), reason } },
    ]);
    return { sent, rejected: rejected.map(({ field, message }) => ({ field, message })), failed: reason };
  }
  await record(deps, esc, pending, entries(sent, rejected, values));
  return { sent, rejected: rejected.map(({ field, message }) => ({ field, message })) };

  /**
   * Sends values after a refusal. `refusal`: the refusal of exactly these values (a single one is then rejected
   * without sending it again); null: these values have not been sent as they are.
   */
  async function sendApart(vs: MappedValue[], refusal: ConnectorError | null) {
    if (!vs.length) return;
    if (!refusal) {
      try {
        await send(vs);
        return void sent.push(...vs.map((v) => v.remoteField));
      } catch (err) {
        if (!refusesValues(err)) throw err;
        refusal = err;
      }
    }
    if (vs.length === 1) return void reject(vs[0]!, refusal);
    // One bad value refuses the whole update: send them one by one so the good ones land and each bad one is named.
    for (const v of vs) {
      try {
        await send([v]);
        sent.push(v.remoteField);
      } catch (one) {
        if (!refusesValues(one)) throw one;
        reject(v, one);
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

/** What the push did goes on the timeline, and the changes it handled leave the pending list, together. */
async function record(deps: FieldPushDeps, esc: EscalationRow, pending: PendingField[], drafts: TimelineDraft[]) {
  await withTransaction(deps.db, async (tx) => {
    await appendTimeline(
      tx,
      esc.request_id,
      SYSTEM,
      drafts.map((d) => ({ ...d, visibility: 'internal' as const, data: { escalationId: esc.id, conversationId: esc.remote_id, ...d.data } })),
      deps.now(),
    );
    await donePending(tx, esc.id, pending);
  });
}
