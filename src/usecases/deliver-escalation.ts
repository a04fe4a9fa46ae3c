/**
 * Delivers an escalation to its destination: runs the connector's "open a linked ticket" action over checkpoints
 * that store each step's result (with its timeline entry) before the connector's next call, then records the link.
 * What a step found by looking may ride with the next write; a run after one that called the destination tells the
 * connector to look before it creates (the escalation's look_first flag), so a retry after a crash, a timeout or a
 * lost reply never makes a second ticket. Failures go through the one policy (destination-failure.ts); delivery
 * schedules its own retries (docs/adr/0004-connector-contract-and-retries.md).
 */
import { filesToSend } from './attachments/outgoing-files.ts';
import { remoteStateColumns } from '../core/ticket-details.ts';
import { PROVIDERS, type ProviderId } from '../connectors/registry.ts';
import { SYSTEM } from '../core/actor.ts';
import type { OpenCheckpoint, OpenCheckpoints, RemoteTicket, TicketRequest } from '../core/destination.ts';
import { backLinkNote, MAX_DELIVERY_ATTEMPTS, requestUrl } from '../core/escalation.ts';
import { effectivePriorityMap } from '../core/priority-map.ts';
import { CreateExtras } from '../core/escalation-extras.ts';
import { formatRequestNumber } from '../core/request.ts';
import type { TimelineDraft } from '../core/timeline.ts';
import { markTargetUnavailable } from '../db/repositories/destinations.ts';
import { escalationUpdate, loadDelivery, type EscalationPatch } from '../db/repositories/escalations.ts';
import { timelineWrite } from '../db/repositories/timeline.ts';
import { withTransaction, writeTogether } from '../db/transaction.ts';
import { changeRequestInTx } from './change-request.ts';
import { TEST_REQUEST_CHANNEL } from './test-escalation.ts';
import type { EscalationRow } from '../db/schema.ts';
import { clientFor, type DestinationDeps } from './destination-access.ts';
import { destinationFailure, type Failure } from './destination-failure.ts';
import { deliveryJob } from './submit-escalation.ts';
import { runJob } from './workflows/match-workflows.ts';
import { fieldPushJob } from './field-mapping/index.ts';

export interface DeliveryDeps extends DestinationDeps {
  publicUrl: string;
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
  const all = { ...esc.pending.patch, ...patch };
  const allEntries = [...esc.pending.entries, ...entries];
  // The job holds the escalation, so its loaded state is the stored one: the writer asks the lifecycle table before anything is written.
  const update = escalationUpdate(deps.db, esc, all, deps.now());
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
  await writeTogether(deps.db, { escalation: update, entries: timeline.entries }, [
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

export async function deliverEscalation(deps: DeliveryDeps, escalationId: string): Promise<void> {
  const loaded = await loadDelivery(deps.db, escalationId, deps.now());
  if (!loaded || loaded.state === 'linked' || loaded.state === 'failed' || loaded.state === 'unlinked') return;
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

  // Counted (by the load) before anything is created, and flagged: if this run dies mid-call, the next run knows to
  // look before it creates. Not counted: the escalation settled while this load waited for its row.
  if (counted_attempts === null) return;
  // The flag as it was before this run set it: whether an earlier run (or an agent's link) may have made something.
  const mayHaveCreated = esc.look_first;
  // next_attempt_at stays set while the attempt runs: a link_failed row without one means delivery gave up, and the
  // panel and a waiting workflow step must not read that from a retry in flight.
  esc.attempts = counted_attempts;
  esc.look_first = true;
  const client = clientFor(deps, provider, account, deps.secrets.open(secret_encrypted), false);
  const key = formatRequestNumber(request_number);
  const url = requestUrl(deps.publicUrl, key);
  const email = contactEmail(contact_email_field, { custom_fields: request_fields, email: requester_email });
  // The chosen files (stored with the escalation), each sent at most once over its checkpoint.
  const { attachments, files, refused } = await filesToSend(deps, esc.attachment_ids, `escalation:${esc.id}`);
  const request: TicketRequest = {
    escalationId: esc.id,
    subject: esc.subject,
    message: { body: esc.message, channel: esc.channel, ...(attachments.length ? { attachments } : {}) },
    // an escalation is stored with its priority; a row without one takes the admin's medium
    priority: esc.priority ?? effectivePriorityMap(priority_map, p.defaultPriorityMap, p.priorityRange).medium,
    target: esc.target_kind && esc.target_remote_id ? { kind: esc.target_kind, remoteId: esc.target_remote_id } : null,
    contact: { email, name: email === requester_email ? requester_name : email },
    backLink: { url, note: backLinkNote(key, url, requester_name) },
    // Fixed when the escalation was submitted: every attempt asks for the same (tags, assignee, sub-status).
    ...extrasOf(esc.create_extras),
  };

  try {
    await client.openTicket(request, {
      ...checkpoints(deps, esc, mayHaveCreated, { pushFields: Boolean(has_field_mappings), destination: p.displayName }),
      files,
    });
  } catch (err) {
    await files?.flush();
    return handleFailure(deps, esc, await destinationFailure(deps, provider, err, { attempt: esc.attempts }));
  }
  await files?.flush();
  // The entry names the files the destination would not take (its type or size rules); the rest went.
  await record(deps, esc, { state: 'linked', linked_at: deps.now(), last_error: null, last_error_kind: null, next_attempt_at: null }, [
    {
      type: 'escalation.linked',
      data: { conversationId: esc.remote_id, url: esc.remote_url, backLink: url, ...(refused().length ? { filesRefused: refused() } : {}) },
    },
  ]);
}

/**
 * The platform's side of the connector's "open": each checkpoint becomes the escalation's columns and a timeline
 * entry (types kept from before connectors owned their steps, so stored timelines read the same).
 */
function checkpoints(deps: DeliveryDeps, esc: Delivering, mayHaveCreated: boolean, opts: { pushFields: boolean; destination: string }): OpenCheckpoints {
  const change = (c: OpenCheckpoint): { patch: EscalationPatch; entries: TimelineDraft[] } => {
    switch (c.step) {
      case 'contact':
        return {
          patch: { contact_remote_id: c.contactId },
          entries: [{ type: c.found ? 'escalation.customer_matched' : 'escalation.customer_created', data: { customerId: c.contactId, email: c.email } }],
        };
      case 'conversation': {
        // The names the escalation asked for (assignee, sub-status) name the new ticket's ids on the card at once.
        const ticket = namedFromExtras(c.ticket, esc.create_extras);
        return {
          patch: {
            remote_id: ticket.remoteId,
            remote_url: ticket.url,
            ...remoteStateColumns(ticket),
            state: 'created',
            last_error: null,
            last_error_kind: null,
            next_attempt_at: null,
          },
          entries: [
            { type: 'escalation.created', data: { conversationId: ticket.remoteId, url: ticket.url, destination: opts.destination, foundExisting: c.found } },
          ],
        };
      }
      case 'message':
        return { patch: { message_posted: true }, entries: [] };
    }
  };
  return {
    // Read live: a commit applies to the escalation at once, so the connector's next step sees it.
    progress: {
      get contactId() {
        return esc.contact_remote_id;
      },
      get ticketId() {
        return esc.remote_id;
      },
      get messagePosted() {
        return esc.message_posted || esc.origin !== 'created';
      },
    },
    mayHaveCreated,
    // mapped values go once the ticket exists, so one the destination refuses never fails the create
    commit: (c) => {
      const { patch, entries } = change(c);
      return record(deps, esc, patch, entries, { pushFields: c.step === 'conversation' && opts.pushFields });
    },
    defer: (c) => {
      const { patch, entries } = change(c);
      Object.assign(esc, patch);
      Object.assign(esc.pending.patch, patch);
      esc.pending.entries.push(...entries);
    },
  };
}

function namedFromExtras(ticket: RemoteTicket, stored: unknown): RemoteTicket {
  if (!stored) return ticket;
  const x = CreateExtras.parse(stored);
  const a = ticket.assignee;
  return {
    ...ticket,
    subStatus: x.subStatus && ticket.subStatus === x.subStatus.id ? x.subStatus.name : ticket.subStatus,
    assignee: a && x.assignee?.kind === 'user' && a.userId === x.assignee.id ? { ...a, userName: x.assignee.name } : a,
  };
}

function extrasOf(stored: unknown): Pick<TicketRequest, 'tags' | 'assignee' | 'subStatus'> {
  if (!stored) return {};
  const x = CreateExtras.parse(stored);
  return {
    tags: x.tags.map((t) => t.id),
    assignee: x.assignee && { kind: x.assignee.kind, remoteId: x.assignee.id },
    subStatus: x.subStatus?.id ?? null,
  };
}

/** The customer's email: from the request field the admin chose (when it holds an email), else the requester's. */
function contactEmail(key: string | null, request: { custom_fields: unknown; email: string }): string {
  const value = key ? (request.custom_fields as Record<string, unknown>)[key] : undefined;
  return typeof value === 'string' && /^[^\s@]+@[^\s@]+$/.test(value.trim()) ? value.trim() : request.email;
}

async function handleFailure(deps: DeliveryDeps, esc: Delivering, failure: Failure) {
  const { error: err, retryAt } = failure;
  // auth (the connection is marked) and a valid key lacking a role this step needs: retrying cannot help. The
  // escalation fails naming the role (the connection lists it too, for settings), and other deliveries carry on.
  if (failure.kind === 'auth' || err.detail.reason === 'missing_permission') return fail(deps, esc, failure.kind, failure.reason);
  // Rate limited is not a failed attempt: our budget held the call back, or the destination refused it (429) without
  // doing anything. Counting 429s let a few bursts spend the retries of a delivery that never failed.
  if (failure.rateLimited) {
    const entries: TimelineDraft[] =
      err.status === 429
        ? [{ type: 'escalation.retry_scheduled', data: { reason: 'Rate limited by the destination', retryAt: retryAt.toISOString(), attempt: esc.attempts } }]
        : [];
    return record(
      deps,
      esc,
      { attempts: esc.attempts - 1, next_attempt_at: retryAt, last_error: 'Waiting for the rate limit to reset', last_error_kind: 'retryable' },
      entries,
      { reschedule: retryAt },
    );
  }
  // Said to agents, who cannot re-sync targets: the escalation card offers to retry to another queue instead.
  if (err.detail.reason === 'target_missing' && esc.target_kind && esc.target_remote_id)
    await markTargetUnavailable(deps.db, esc.provider, { kind: esc.target_kind, remoteId: esc.target_remote_id });
  // A permanent failure before the ticket exists fails the escalation; on a ticket that exists (its message or
  // back-link), delivery keeps trying, and an agent can re-link.
  if (failure.kind === 'permanent' && !esc.remote_id) return fail(deps, esc, 'permanent', failure.reason);
  if (esc.attempts < MAX_DELIVERY_ATTEMPTS) {
    const entries: TimelineDraft[] = [];
    if (esc.remote_id && esc.state !== 'link_failed') {
      entries.push({ type: 'escalation.link_failed', data: { conversationId: esc.remote_id, url: esc.remote_url, reason: err.message } });
    }
    entries.push({
      type: 'escalation.retry_scheduled',
      data: { reason: err.message, step: err.detail.step, attempt: esc.attempts, retryAt: retryAt.toISOString() },
    });
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
