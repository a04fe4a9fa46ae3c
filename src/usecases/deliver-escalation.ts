/**
 * Delivers an escalation to its destination, one idempotent step at a time:
 *   contact (find by email, else create) → conversation (find by external id = escalation id, else create) →
 *   first message (sets the channel) → back-link note (→ linked).
 * What a step created is committed with its timeline entry before the next call (what a retry would find by
 * looking may ride with the next write), and a run that follows an earlier attempt looks up what that attempt may
 * have created (its reply may have been lost) before creating.
 * So a retry after a crash, a timeout or a lost reply never makes a second conversation.
 */
import { ConnectorError } from '../connectors/kit/errors.ts';
import { backoffDelay } from '../connectors/kit/backoff.ts';
import { PROVIDERS, type ProviderId } from '../connectors/registry.ts';
import { SYSTEM } from '../core/actor.ts';
import { ESCALATION_LIFECYCLE } from '../core/escalation-lifecycle.ts';
import { assertMove } from '../core/lifecycle.ts';
import type { DestinationClient } from '../core/destination.ts';
import { backLinkNote, MAX_DELIVERY_ATTEMPTS, requestUrl } from '../core/escalation.ts';
import { effectivePriorityMap } from '../core/priority-map.ts';
import { formatRequestNumber } from '../core/request.ts';
import type { TimelineDraft } from '../core/timeline.ts';
import { findConnection } from '../db/repositories/destinations.ts';
import { escalationUpdate, type EscalationPatch } from '../db/repositories/escalations.ts';
import { timelineWrite } from '../db/repositories/timeline.ts';
import { withTransaction, writeTogether } from '../db/transaction.ts';
import { changeRequestInTx } from './change-request.ts';
import { TEST_REQUEST_CHANNEL } from './test-escalation.ts';
import type { EscalationRow } from '../db/schema.ts';
import { clientFor, recordRefusal, type DestinationDeps } from './destination-access.ts';
import { deliveryJob } from './submit-escalation.ts';
import { runJob } from './workflows/match-workflows.ts';
import { fieldPushJob } from './field-mapping/index.ts';

export interface DeliveryDeps extends DestinationDeps {
  publicUrl: string;
  /** First retry delay; doubles each attempt up to 5 minutes. (Default: 2 s; tests shorten it.) */
  retryBaseMs?: number;
}

/**
 * An escalation being delivered, with step results not written yet: those go with the next write. Deferring is
 * safe only for results a retry finds again by looking (a matched customer, a posted message), so a crash before
 * the write costs a look-up, never a duplicate.
 */
type Delivering = EscalationRow & { pending: { patch: EscalationPatch; entries: TimelineDraft[] }; testRequest?: boolean };

/**
 * Writes an escalation change, its timeline entries (the system's, and internal) and the jobs they call for in one
 * statement: one round trip, where a transaction would take four or more.
 */
async function record(
  deps: DeliveryDeps,
  esc: Delivering,
  patch: EscalationPatch,
  entries: TimelineDraft[],
  opts: { reschedule?: Date; pushFields?: boolean } = {},
) {
  // The job holds the escalation, so its loaded state is the stored one: the table is asked before anything is written.
  if (patch.state) assertMove(ESCALATION_LIFECYCLE, esc.state, patch.state);
  const all = { ...esc.pending.patch, ...patch };
  const allEntries = [...esc.pending.entries, ...entries];
  // Applied at once, so a step that runs while this commits sees the new state and defers into a fresh list.
  Object.assign(esc, all);
  esc.pending = { patch: {}, entries: [] };
  const runId = esc.workflow_run_id ?? undefined;
  const timeline = timelineWrite(
    deps.db,
    esc.request_id,
    SYSTEM,
    allEntries.map((e) => ({ ...e, visibility: 'internal', data: { escalationId: esc.id, ...e.data } })),
    { at: deps.now(), causedByRunId: runId },
  );
  // A workflow waiting on this delivery resumes once it settles (linked, failed, or link_failed for good).
  const settled = all.state === 'linked' || all.state === 'failed' || (all.state === 'link_failed' && !opts.reschedule);
  await writeTogether(deps.db, { escalation: escalationUpdate(deps.db, esc.id, all, deps.now()), entries: timeline.entries }, [
    timeline.dispatch,
    opts.reschedule ? deliveryJob(esc.id, opts.reschedule) : null,
    runId && settled ? runJob(runId) : null,
    opts.pushFields ? fieldPushJob(esc.id, null) : null,
  ]);
  if (settled && esc.testRequest) await resolveTestRequest(deps, esc.request_id);
}

/**
 * An admin's Test escalation files a sample request (channel "test"); once its delivery settles the sample has done
 * its job, so Bridgedesk resolves it rather than leave it in the agents' open work.
 */
async function resolveTestRequest(deps: DeliveryDeps, requestId: string) {
  await withTransaction(deps.db, async (tx) => {
    // An admin who archived (or resolved) it already has the last word.
    const r = await tx.selectFrom('requests').select('status').where('id', '=', requestId).forUpdate().executeTakeFirst();
    if (r && r.status !== 'resolved' && r.status !== 'archived') await changeRequestInTx(tx, SYSTEM, requestId, { status: 'resolved' }, deps.now());
  });
}

function defer(esc: Delivering, patch: EscalationPatch, entries: TimelineDraft[]) {
  Object.assign(esc, patch);
  Object.assign(esc.pending.patch, patch);
  esc.pending.entries.push(...entries);
}

class StepFailure extends Error {
  constructor(
    readonly step: 'contact' | 'conversation' | 'message' | 'link',
    readonly failure: unknown,
  ) {
    super(`${step} failed`);
  }
}

async function step<T>(name: StepFailure['step'], fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw new StepFailure(name, err);
  }
}

/**
 * The escalation with what its delivery reads of the request, the connection and its settings, in one query that
 * also counts the attempt when there is one to make (`counted_attempts`; null when there is not).
 */
function loadDelivery(deps: DeliveryDeps, escalationId: string) {
  return deps.db
    .with('counted', (q) =>
      q
        .updateTable('escalations as e')
        .set((eb) => ({ attempts: eb('e.attempts', '+', 1), updated_at: deps.now() }))
        .where('e.id', '=', escalationId)
        .where('e.state', 'not in', ['linked', 'failed'])
        .where((eb) =>
          eb.exists(
            eb
              .selectFrom('destination_connections as c')
              .select('c.id')
              .whereRef('c.provider', '=', 'e.provider')
              .where('c.account', 'is not', null)
              .where('c.secret_encrypted', 'is not', null)
              .where('c.status', '!=', 'invalid_credentials'),
          ),
        )
        .returning('e.attempts'),
    )
    .selectFrom('escalations as e')
    .innerJoin('requests as r', 'r.id', 'e.request_id')
    .innerJoin('users as u', 'u.id', 'r.requester_id')
    .leftJoin('counted', (j) => j.onTrue())
    .selectAll('e')
    .leftJoin('destination_connections as c', 'c.provider', 'e.provider')
    .select([
      'r.number as request_number',
      'r.channel as request_channel',
      'r.custom_fields as request_fields',
      'u.name as requester_name',
      'u.email as requester_email',
      'counted.attempts as counted_attempts',
    ])
    .select(['c.account', 'c.secret_encrypted', 'c.status as connection_status', 'c.contact_email_field', 'c.priority_map'])
    .select((eb) =>
      eb
        .exists(
          eb
            .selectFrom('field_mappings as m')
            .innerJoin('destination_connections as c', 'c.id', 'm.connection_id')
            .select('m.request_field')
            .whereRef('c.provider', '=', 'e.provider'),
        )
        .as('has_field_mappings'),
    )
    .where('e.id', '=', escalationId)
    .executeTakeFirst();
}

export async function deliverEscalation(deps: DeliveryDeps, escalationId: string): Promise<void> {
  const loaded = await loadDelivery(deps, escalationId);
  if (!loaded || loaded.state === 'linked' || loaded.state === 'failed') return;
  const {
    request_number,
    request_channel,
    request_fields,
    requester_name,
    requester_email,
    has_field_mappings,
    account,
    secret_encrypted,
    connection_status,
    contact_email_field,
    priority_map,
    counted_attempts,
    ...row
  } = loaded;
  const esc: Delivering = { ...row, pending: { patch: {}, entries: [] }, testRequest: request_channel === TEST_REQUEST_CHANNEL };
  const provider = esc.provider as ProviderId;
  const p = PROVIDERS[provider];
  if (!account || !secret_encrypted) return fail(deps, esc, 'permanent', `${p.displayName} is not connected`);
  if (connection_status === 'invalid_credentials') return fail(deps, esc, 'auth', 'Invalid credentials');

  // Counted (by the load) before anything is created: if this run dies mid-call, the next run knows to look before
  // it creates. Not counted: the escalation settled while this load waited for its row.
  if (counted_attempts === null) return;
  const isRetry = counted_attempts > 1;
  // next_attempt_at stays set while the attempt runs: a link_failed row without one means delivery gave up, and the
  // panel and a waiting workflow step must not read that from a retry in flight.
  esc.attempts = counted_attempts;
  const client = clientFor(deps, provider, account, deps.secrets.open(secret_encrypted), false);

  try {
    const key = formatRequestNumber(request_number);

    if (!esc.remote_id && !esc.contact_remote_id) {
      const email = contactEmail(contact_email_field, { custom_fields: request_fields, email: requester_email });
      const name = email === requester_email ? requester_name : email;
      const found = await step('contact', () => client.findContactByEmail(email));
      const contact = found ?? (await step('contact', () => client.createContact({ name, email })));
      const patch = { contact_remote_id: contact.remoteId };
      const entries = [{ type: found ? 'escalation.customer_matched' : 'escalation.customer_created', data: { customerId: contact.remoteId, email } }];
      // A customer we created is written at once: a retry would find it and call it matched.
      if (found) defer(esc, patch, entries);
      else await record(deps, esc, patch, entries);
    }

    // The conversation is saved while the message goes out: a crash before that commit leaves a conversation the
    // retry finds by its external id. Awaited before anything else is written, so writes keep their order.
    let saving: Promise<void> = Promise.resolve();
    if (!esc.remote_id) {
      const existing = isRetry ? await step('conversation', () => client.findTicketByExternalId(esc.id)) : null;
      const ticket =
        existing ??
        (await step('conversation', () =>
          client.createTicket({
            contactId: esc.contact_remote_id!,
            subject: esc.subject,
            externalId: esc.id,
            // an escalation is stored with its priority; a row without one takes the admin's medium
            priority: esc.priority ?? effectivePriorityMap(priority_map, p.defaultPriorityMap, p.priorityRange).medium,
            queueId: esc.target_kind === 'queue' ? esc.target_remote_id : null,
            teamId: esc.target_kind === 'team' ? esc.target_remote_id : null,
          }),
        ));
      saving = record(
        deps,
        esc,
        {
          remote_id: ticket.remoteId,
          remote_url: ticket.url,
          remote_status: ticket.status,
          remote_updated_at: new Date(ticket.updatedAt),
          state: 'created',
          last_error: null,
          last_error_kind: null,
          next_attempt_at: null,
        },
        [
          {
            type: 'escalation.created',
            data: { conversationId: ticket.remoteId, url: ticket.url, destination: p.displayName, foundExisting: existing !== null },
          },
        ],
        { pushFields: Boolean(has_field_mappings) },
      ); // mapped attributes go once the conversation exists, so one Kustomer refuses (unknown since the mapping was saved) never fails the create
    }

    saving.catch(() => {}); // awaited below
    try {
      if (!esc.message_posted && esc.origin === 'created') {
        const externalId = `${esc.id}:message`;
        const posted = isRetry ? await step('message', () => client.findMessage(esc.remote_id!, externalId)) : null;
        if (!posted)
          await step('message', () =>
            client.addMessage(esc.remote_id!, { channel: esc.channel ?? 'email', body: esc.message, subject: esc.subject, externalId }),
          );
        defer(esc, { message_posted: true }, []);
      }
    } finally {
      await saving;
    }

    const externalId = `${esc.id}:note`;
    const noted = isRetry ? await step('link', () => client.findNote(esc.remote_id!, externalId)) : null;
    const url = requestUrl(deps.publicUrl, key);
    if (!noted) await step('link', () => client.addNote(esc.remote_id!, { body: backLinkNote(key, url, requester_name), externalId }));
    await record(deps, esc, { state: 'linked', linked_at: deps.now(), last_error: null, last_error_kind: null, next_attempt_at: null }, [
      { type: 'escalation.linked', data: { conversationId: esc.remote_id, url: esc.remote_url, backLink: url } },
    ]);
  } catch (err) {
    if (!(err instanceof StepFailure) || !(err.failure instanceof ConnectorError)) throw err instanceof StepFailure ? err.failure : err;
    await handleFailure(deps, esc, client, err.step, err.failure);
  }
}

/** The customer's email: from the request field the admin chose (when it holds an email), else the requester's. */
function contactEmail(key: string | null, request: { custom_fields: unknown; email: string }): string {
  const value = key ? (request.custom_fields as Record<string, unknown>)[key] : undefined;
  return typeof value === 'string' && /^[^\s@]+@[^\s@]+$/.test(value.trim()) ? value.trim() : request.email;
}

async function handleFailure(deps: DeliveryDeps, esc: Delivering, client: DestinationClient, stepName: StepFailure['step'], err: ConnectorError) {
  const now = deps.now();
  const provider = esc.provider as ProviderId;
  if (err.kind === 'auth') {
    await recordRefusal(deps, provider, err);
    return fail(deps, esc, 'auth', 'Invalid credentials');
  }
  // A valid key that lacks the role this step needs: retrying cannot help and the key is not invalid. The escalation
  // fails naming the role (the connection lists it too, for settings), and other deliveries carry on.
  if (err.detail.reason === 'missing_permission') {
    await recordRefusal(deps, provider, err);
    return fail(deps, esc, 'permanent', err.message);
  }
  // Rate limited is not a failed attempt: our budget held the call back, or Kustomer refused it (429) without doing
  // anything. Counting 429s let a few bursts spend the retries of a delivery that never failed.
  if (err.detail.reason === 'rate_limited') {
    const retryAt = new Date(now.getTime() + (err.detail.retryAfterMs ?? 60_000));
    const counted = esc.attempts - 1;
    const entries: TimelineDraft[] =
      err.status === 429
        ? [{ type: 'escalation.retry_scheduled', data: { reason: 'Rate limited by the destination', retryAt: retryAt.toISOString(), attempt: esc.attempts } }]
        : [];
    return record(
      deps,
      esc,
      { attempts: counted, next_attempt_at: retryAt, last_error: 'Waiting for the rate limit to reset', last_error_kind: 'retryable' },
      entries,
      { reschedule: retryAt },
    );
  }
  const linkStep = stepName === 'link' || stepName === 'message';
  if (err.kind === 'permanent' && !linkStep) {
    // Said to agents, who cannot re-sync queues: the escalation card offers to retry to another queue instead.
    const message =
      stepName === 'conversation' && esc.target_kind === 'queue' && (await queueMissing(deps, client, esc))
        ? `The queue no longer exists in ${PROVIDERS[provider].displayName}`
        : err.message;
    return fail(deps, esc, 'permanent', message);
  }
  // Retryable failures, and any failure to post on a conversation that exists: try again, with capped backoff.
  if (esc.attempts < MAX_DELIVERY_ATTEMPTS) {
    const retryAt = new Date(now.getTime() + backoffDelay(esc.attempts, { baseMs: deps.retryBaseMs ?? 2_000, capMs: 5 * 60_000 }));
    const entries: TimelineDraft[] = [];
    if (esc.remote_id && esc.state !== 'link_failed') {
      entries.push({ type: 'escalation.link_failed', data: { conversationId: esc.remote_id, url: esc.remote_url, reason: err.message } });
    }
    entries.push({ type: 'escalation.retry_scheduled', data: { reason: err.message, step: stepName, attempt: esc.attempts, retryAt: retryAt.toISOString() } });
    const patch: EscalationPatch = {
      next_attempt_at: retryAt,
      last_error: err.message,
      last_error_kind: err.kind,
      ...(esc.remote_id ? { state: 'link_failed' as const } : {}),
    };
    return record(deps, esc, patch, entries, { reschedule: retryAt });
  }
  return fail(deps, esc, err.kind, err.message);
}

/** Stops delivery. With a conversation already made, the escalation stays link_failed so an agent can re-link. */
async function fail(deps: DeliveryDeps, esc: Delivering, kind: 'retryable' | 'auth' | 'permanent', reason: string) {
  const hasConversation = esc.remote_id !== null;
  const entries: TimelineDraft[] = [
    hasConversation
      ? { type: 'escalation.link_failed', data: { conversationId: esc.remote_id, url: esc.remote_url, reason, final: true } }
      : { type: 'escalation.failed', data: { reason } },
  ];
  await record(deps, esc, { state: hasConversation ? 'link_failed' : 'failed', last_error: reason, last_error_kind: kind, next_attempt_at: null }, entries);
}

/** A create refused for a queue that no longer exists: say so plainly, and mark it unavailable until a re-sync. */
async function queueMissing(deps: DeliveryDeps, client: DestinationClient, esc: EscalationRow): Promise<boolean> {
  const queues = await client.listQueues().catch(() => null);
  if (!queues || queues.some((q) => q.remoteId === esc.target_remote_id)) return false;
  const connection = await findConnection(deps.db, esc.provider);
  if (connection) {
    await deps.db
      .updateTable('destination_targets')
      .set({ available: false })
      .where('connection_id', '=', connection.id)
      .where('kind', '=', 'queue')
      .where('remote_id', '=', esc.target_remote_id!)
      .execute();
  }
  return true;
}
