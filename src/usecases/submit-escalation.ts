/**
 * An agent escalates a request: the escalation, its timeline entry and the delivery job are written in one
 * transaction, so a submitted escalation is never lost and never delivered without its record.
 */
import { sql } from 'kysely';
import { PROVIDERS, type ProviderId } from '../connectors/registry.ts';
import type { Actor, UserActor } from '../core/actor.ts';
import { isOpenEscalation } from '../core/escalation.ts';
import { AppError, conflict, notFound, unprocessable } from '../core/errors.ts';
import type { Db } from '../db/database.ts';
import { findConnection } from '../db/repositories/destinations.ts';
import { getEscalationView, type EscalationView } from '../db/repositories/escalations.ts';
import { appendTimeline } from '../db/repositories/timeline.ts';
import { addJob, enqueue, withTransaction } from '../db/transaction.ts';
import type { EscalationState } from '../db/schema.ts';
import type { Tx } from '../db/database.ts';

export const DELIVER_ESCALATION = 'deliver-escalation';

export interface EscalationInput {
  destination: ProviderId;
  queueId?: string;
  teamId?: string;
  channel: string;
  priority: number;
  subject: string;
  message: string;
  /** Escalate even though another escalation of this request is still open. */
  confirm?: boolean;
}

export const deliveryJobKey = (escalationId: string) => `escalation:${escalationId}`;

/** The delivery job of an escalation; its key keeps at most one pending delivery per escalation. */
export const deliveryJob = (escalationId: string, runAt?: Date) => addJob(DELIVER_ESCALATION, { escalationId }, { jobKey: deliveryJobKey(escalationId), runAt, maxAttempts: 25 });

export const enqueueDelivery = (tx: Tx, escalationId: string, runAt?: Date) => enqueue(tx, deliveryJob(escalationId, runAt));

/** The connection an escalation goes through, refused clearly when it cannot work. */
export async function usableConnection(q: Db | Tx, provider: ProviderId) {
  const connection = await findConnection(q, provider);
  refuseUnusable(provider, connection);
  return connection!;
}

function refuseUnusable(provider: ProviderId, connection: { status: string } | undefined) {
  const name = PROVIDERS[provider].displayName;
  if (!connection) throw unprocessable(`${name} is not connected: an admin can connect it in Settings → Integrations`, { reason: 'not_connected' });
  if (connection.status === 'invalid_credentials') {
    throw unprocessable(`${name} refused Bridgedesk's key (Invalid credentials): an admin must paste a new key in Settings → Integrations`, { reason: 'invalid_credentials' });
  }
}

/** The checks that need no database: one of queue or team, a channel and a priority the destination takes. */
export function checkEscalationInput(input: Pick<EscalationInput, 'destination' | 'queueId' | 'teamId' | 'channel' | 'priority'>) {
  const provider = PROVIDERS[input.destination];
  if (Boolean(input.queueId) === Boolean(input.teamId)) throw unprocessable('Choose either a queue or a team', { field: 'queueId' });
  if (!provider.channels.includes(input.channel)) throw unprocessable(`Channel must be one of: ${provider.channels.join(', ')}`, { field: 'channel' });
  const { min, max } = provider.priorityRange;
  if (!Number.isInteger(input.priority) || input.priority < min || input.priority > max) {
    throw unprocessable(`Priority must be a whole number from ${min} to ${max}`, { field: 'priority' });
  }
}

/** The queue or team an escalation goes to, refused when the connection or the target cannot take it. */
export async function escalationTarget(q: Db | Tx, input: Pick<EscalationInput, 'destination' | 'queueId' | 'teamId'>) {
  const provider = PROVIDERS[input.destination];
  const kind = input.queueId ? ('queue' as const) : ('team' as const);
  const remoteId = (input.queueId ?? input.teamId)!;
  // The connection and the target in one query: this runs on every submit, before its commit.
  const row = await q
    .selectFrom('destination_connections as c')
    .leftJoin('destination_targets as t', (j) => j.onRef('t.connection_id', '=', 'c.id').on('t.kind', '=', kind).on('t.remote_id', '=', remoteId))
    .select(['c.status', 't.name', 't.enabled', 't.available'])
    .where('c.provider', '=', input.destination)
    .executeTakeFirst();
  refuseUnusable(input.destination, row);
  if (!row!.name || !row!.enabled) throw unprocessable(`That ${kind} is not one agents may escalate to`, { field: `${kind}Id` });
  if (!row!.available) throw unprocessable(`That ${kind} no longer exists in ${provider.displayName}: re-sync queues`, { field: `${kind}Id` });
  return { kind, remoteId, target: { name: row!.name } };
}

export async function submitEscalation(db: Db, actor: UserActor, requestId: string, input: EscalationInput, now: Date): Promise<EscalationView> {
  const id = await withTransaction(db, (tx) => insertEscalation(tx, actor, requestId, input, now));
  const view = await getEscalationView(db, id);
  if (!view) throw new AppError('not_found', 'Escalation not found');
  return view;
}

/**
 * Checks and records an escalation, its timeline entry and its delivery job in the caller's transaction (an agent's
 * submit, or a workflow step, which passes its run so the delivery's end resumes it).
 */
export async function insertEscalation(tx: Tx, actor: Actor, requestId: string, input: EscalationInput, now: Date, workflowRunId?: string): Promise<string> {
  const provider = PROVIDERS[input.destination];
  checkEscalationInput(input);
  {
    // The request, locked (escalations of one request are decided one at a time), with its escalations: one query.
    const [request] = (
      await sql<{ escalations: { id: string; state: EscalationState }[] }>`select coalesce(
          (select json_agg(json_build_object('id', e.id, 'state', e.state)) from escalations e where e.request_id = r.id), '[]') as escalations
        from requests r where r.id = ${requestId} for update of r`.execute(tx)
    ).rows;
    if (!request) throw notFound('Request');
    const { kind, remoteId, target } = await escalationTarget(tx, input);
    if (!input.confirm) {
      const already = request.escalations.find((e) => isOpenEscalation(e.state));
      if (already) throw conflict('This request already has an open escalation; send confirm: true to escalate again', { openEscalationId: already.id });
    }
    const row = await tx
      .insertInto('escalations')
      .values({
        request_id: requestId,
        provider: input.destination,
        target_kind: kind,
        target_remote_id: remoteId,
        target_name: target.name,
        channel: input.channel,
        priority: input.priority,
        subject: input.subject,
        message: input.message,
        state: 'sending',
        requested_by_id: actor.kind === 'system' ? null : actor.userId,
        workflow_run_id: workflowRunId ?? null,
        created_at: now,
        updated_at: now,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await appendTimeline(
      tx,
      requestId,
      actor,
      [
        {
          type: 'escalation.requested',
          visibility: 'internal',
          data: { escalationId: row.id, destination: provider.displayName, target: { kind, id: remoteId, name: target.name }, channel: input.channel, priority: input.priority, subject: input.subject },
        },
      ],
      now,
      workflowRunId,
    );
    await enqueueDelivery(tx, row.id);
    return row.id;
  }
}
