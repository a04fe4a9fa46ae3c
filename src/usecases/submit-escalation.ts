/**
 * An agent escalates a request: the escalation, its timeline entry and the delivery job are written in one
 * transaction, so a submitted escalation is never lost and never delivered without its record.
 */
import { checkEscalationFiles } from './attachments/request-files.ts';
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { PROVIDERS, type ProviderId } from '../connectors/registry.ts';
import type { Actor, UserActor } from '../core/actor.ts';
import { ESCALATION_LIMITS, isOpenEscalation } from '../core/escalation.ts';
import { conflict, notFound, unprocessable } from '../core/errors.ts';
import type { Db } from '../db/database.ts';
import { findConnection } from '../db/repositories/destinations.ts';
import { escalationInsert, escalationView, type EscalationView } from '../db/repositories/escalations.ts';
import { timelineWrite } from '../db/repositories/timeline.ts';
import { addJob, enqueue, withTransaction } from '../db/transaction.ts';
import type { EscalationRow } from '../db/schema.ts';
import type { EscalationState } from '../db/schema-destinations.ts';
import { type CreateExtras, planTags } from '../core/escalation-extras.ts';
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
  /** Who works it in the destination from the start: one of its people, or one of its teams (docs/kustomer.md §29). */
  assigneeUserId?: string;
  assigneeTeamId?: string;
  /** A sub-status of the destination's open status (docs/kustomer.md §28). */
  subStatusId?: string;
  /** The request's public files that go with the first message (checked here; sent by the delivery, once each). */
  attachmentIds?: string[];
}

export const deliveryJobKey = (escalationId: string) => `escalation:${escalationId}`;

/** The delivery job of an escalation; its key keeps at most one pending delivery per escalation. */
export const deliveryJob = (escalationId: string, runAt?: Date) =>
  addJob(DELIVER_ESCALATION, { escalationId }, { jobKey: deliveryJobKey(escalationId), runAt, maxAttempts: 25 });

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
    throw unprocessable(`${name} refused Bridgedesk's key (Invalid credentials): an admin must paste a new key in Settings → Integrations`, {
      reason: 'invalid_credentials',
    });
  }
}

/** Refuses a subject or message over its limit (422 on that field): Bridgedesk never cuts what an agent wrote. */
export function checkEscalationText(input: Pick<EscalationInput, 'subject' | 'message'>) {
  for (const field of ['subject', 'message'] as const) {
    const max = ESCALATION_LIMITS[field];
    const length = input[field].length;
    if (length > max) throw unprocessable(`${field === 'subject' ? 'Subject' : 'Message'} is ${length} characters; at most ${max}`, { field, max, length });
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

interface TargetRow {
  status: string | null;
  name: string | null;
  enabled: boolean | null;
  available: boolean | null;
}

const targetOf = (input: Pick<EscalationInput, 'queueId' | 'teamId'>) => ({
  kind: input.queueId ? ('queue' as const) : ('team' as const),
  remoteId: (input.queueId ?? input.teamId)!,
});

/** Joins the connection and the target an input names as `c` and `t`, so the query that needs them reads them too. */
function targetJoins(input: Pick<EscalationInput, 'destination' | 'queueId' | 'teamId'>) {
  const { kind, remoteId } = targetOf(input);
  return sql`left join destination_connections c on c.provider = ${input.destination}
    left join destination_targets t on t.connection_id = c.id and t.kind = ${kind} and t.remote_id = ${remoteId}`;
}

/** Refuses a connection or a target that cannot take the escalation. */
function checkTarget(input: Pick<EscalationInput, 'destination' | 'queueId' | 'teamId'>, row: TargetRow) {
  const { kind, remoteId } = targetOf(input);
  refuseUnusable(input.destination, row.status === null ? undefined : { status: row.status });
  if (!row.name || !row.enabled) throw unprocessable(`That ${kind} is not one agents may escalate to`, { field: `${kind}Id` });
  if (!row.available)
    throw unprocessable(`That ${kind} no longer exists in ${PROVIDERS[input.destination].displayName}: choose another`, { field: `${kind}Id` });
  return { kind, remoteId, name: row.name };
}

interface ExtrasRow {
  tags: string[];
  tag_allow_list: string[];
  destination_tags: { id: string; name: string }[];
  assignee_user: { name: string; machine: boolean } | null;
  assignee_team: { name: string; available: boolean } | null;
  sub_status: { name: string; parentStatus: string | null } | null;
}

/**
 * What the escalation asks for beyond its target, refused (422 on the field) when the destination does not have it as
 * the last sync read it: one assignee at most, a person (not an integration's user) or a team still there, and a
 * sub-status of the open status (a new conversation is open). The request's tags go when the admin allows them and
 * the destination has them (core/escalation-extras.ts); null when there is nothing to ask.
 */
function checkExtras(input: Pick<EscalationInput, 'assigneeUserId' | 'assigneeTeamId' | 'subStatusId'>, row: ExtrasRow): CreateExtras | null {
  if (input.assigneeUserId && input.assigneeTeamId) throw unprocessable('Assign either a person or a team', { field: 'assigneeTeamId' });
  let assignee: CreateExtras['assignee'] = null;
  if (input.assigneeUserId) {
    if (!row.assignee_user || row.assignee_user.machine)
      throw unprocessable('That person is not one of the destination users Bridgedesk knows: re-sync and try again', { field: 'assigneeUserId' });
    assignee = { kind: 'user', id: input.assigneeUserId, name: row.assignee_user.name };
  } else if (input.assigneeTeamId) {
    if (!row.assignee_team?.available) throw unprocessable('That team is not one the destination has: re-sync and try again', { field: 'assigneeTeamId' });
    assignee = { kind: 'team', id: input.assigneeTeamId, name: row.assignee_team.name };
  }
  let subStatus: CreateExtras['subStatus'] = null;
  if (input.subStatusId) {
    if (!row.sub_status || row.sub_status.parentStatus !== 'open')
      throw unprocessable('That sub-status is not one of the open sub-statuses the destination has', { field: 'subStatusId' });
    subStatus = { id: input.subStatusId, name: row.sub_status.name };
  }
  const tags = planTags(row.tags, row.tag_allow_list, row.destination_tags)
    .filter((t) => t.outcome === 'sent')
    .map((t) => ({ id: t.remoteId!, name: t.name }));
  return tags.length || assignee || subStatus ? { tags, assignee, subStatus } : null;
}

/** The queue or team an escalation goes to, refused when the connection or the target cannot take it. */
export async function escalationTarget(q: Db | Tx, input: Pick<EscalationInput, 'destination' | 'queueId' | 'teamId'>) {
  const { rows } = await sql<TargetRow>`select c.status, t.name, t.enabled, t.available from (select) r ${targetJoins(input)}`.execute(q);
  return checkTarget(input, rows[0]!);
}

export async function submitEscalation(db: Db, actor: UserActor, requestId: string, input: EscalationInput, now: Date): Promise<EscalationView> {
  return withTransaction(db, (tx) => insertEscalation(tx, actor, requestId, input, now));
}

/**
 * Checks and records an escalation, its timeline entry and its delivery job in the caller's transaction (an agent's
 * submit, or a workflow step, which passes its run so the delivery's end resumes it). Two statements: the check
 * (with the request locked) and the write.
 */
export async function insertEscalation(
  tx: Tx,
  actor: Actor,
  requestId: string,
  input: EscalationInput,
  now: Date,
  workflowRunId?: string,
): Promise<EscalationView> {
  const provider = PROVIDERS[input.destination];
  checkEscalationInput(input);
  checkEscalationText(input);
  // The request, locked (escalations of one request are decided one at a time), with its escalations, the
  // connection and the target.
  // The request's tags with the allow-list and the destination's tags, and the assignee and sub-status asked for, read
  // by the same statement: the directory is what the last connect or re-sync read (connect-destination.ts).
  const [request] = (
    await sql<TargetRow & ExtrasRow & { escalations: { id: string; state: EscalationState }[] }>`select coalesce(
        (select json_agg(json_build_object('id', e.id, 'state', e.state)) from escalations e where e.request_id = r.id), '[]') as escalations,
        c.status, t.name, t.enabled, t.available, r.tags, coalesce(c.tag_allow_list, '{}') as tag_allow_list,
        coalesce((select json_agg(json_build_object('id', d.remote_id, 'name', d.name)) from destination_directory d
          where d.connection_id = c.id and d.kind = 'tag' and lower(d.name) = any(c.tag_allow_list)), '[]') as destination_tags,
        (select json_build_object('name', d.name, 'machine', coalesce((d.detail ->> 'machine')::boolean, false)) from destination_directory d
          where d.connection_id = c.id and d.kind = 'user' and d.remote_id = ${input.assigneeUserId ?? null}) as assignee_user,
        (select json_build_object('name', at.name, 'available', at.available) from destination_targets at
          where at.connection_id = c.id and at.kind = 'team' and at.remote_id = ${input.assigneeTeamId ?? null}) as assignee_team,
        (select json_build_object('name', d.name, 'parentStatus', d.detail ->> 'parentStatus') from destination_directory d
          where d.connection_id = c.id and d.kind = 'sub_status' and d.remote_id = ${input.subStatusId ?? null}) as sub_status
      from requests r ${targetJoins(input)} where r.id = ${requestId} for update of r`.execute(tx)
  ).rows;
  if (!request) throw notFound('Request');
  const target = checkTarget(input, request);
  const extras = checkExtras(input, request);
  const files = await checkEscalationFiles(tx, requestId, input.attachmentIds);
  if (!input.confirm) {
    const already = request.escalations.find((e) => isOpenEscalation(e.state));
    if (already) throw conflict('This request already has an open escalation; send confirm: true to escalate again', { openEscalationId: already.id });
  }
  // The id is chosen here so the timeline entry and the job can name it within the same statement.
  const id = randomUUID();
  const escalation = escalationInsert(tx, {
    id,
    request_id: requestId,
    provider: input.destination,
    target_kind: target.kind,
    target_remote_id: target.remoteId,
    target_name: target.name,
    channel: input.channel,
    priority: input.priority,
    subject: input.subject,
    message: input.message,
    state: 'sending',
    requested_by_id: actor.kind === 'system' ? null : actor.userId,
    workflow_run_id: workflowRunId ?? null,
    create_extras: extras ? JSON.stringify(extras) : null,
    attachment_ids: files.map((f) => f.id),
    created_at: now,
    updated_at: now,
  }).returningAll();
  const timeline = timelineWrite(
    tx,
    requestId,
    actor,
    [
      {
        type: 'escalation.requested',
        visibility: 'internal',
        data: {
          escalationId: id,
          destination: provider.displayName,
          target: { kind: target.kind, id: target.remoteId, name: target.name },
          channel: input.channel,
          priority: input.priority,
          subject: input.subject,
          ...(extras?.tags.length ? { tags: extras.tags.map((x) => x.name) } : {}),
          ...(extras?.assignee ? { assignee: { kind: extras.assignee.kind, name: extras.assignee.name } } : {}),
          ...(extras?.subStatus ? { subStatus: extras.subStatus.name } : {}),
          ...(files.length ? { files: files.map((f) => f.name) } : {}),
        },
      },
    ],
    { at: now, causedByRunId: workflowRunId },
  );
  const { rows } = await sql<
    EscalationRow & { requested_by_name: string | null; target_usable: boolean }
  >`with escalation as (${escalation}), entries as (${timeline.entries})
    select escalation.*, u.name as requested_by_name, true as target_usable, ${deliveryJob(id)} as delivery_job${timeline.dispatch ? sql`, ${timeline.dispatch} as dispatch_job` : sql``}
    from escalation left join users u on u.id = escalation.requested_by_id`.execute(tx);
  return escalationView(rows[0]!);
}
