/**
 * Escalation rows and their API view; the one writer of the `escalations` table. A write that changes the state asks
 * the lifecycle table first (core/escalation-lifecycle.ts), so an illegal move is refused here, whoever asks.
 */
import { sql, type Insertable } from 'kysely';
import type { EscalationState } from '../../core/escalation.ts';
import { ESCALATION_LIFECYCLE } from '../../core/escalation-lifecycle.ts';
import { assertMove } from '../../core/lifecycle.ts';
import type { RemoteStatus, TicketDetails } from '../../core/destination.ts';
import { effectivePriorityMap } from '../../core/priority-map.ts';
import { PRIORITIES, type Priority } from '../../core/request.ts';
import { PROVIDERS, type ProviderId } from '../../connectors/registry.ts';
import type { Queryable } from '../database.ts';
import type { EscalationRow } from '../schema.ts';
import type { EscalationsTable } from '../schema-destinations.ts';

export interface EscalationView {
  id: string;
  requestId: string;
  destination: string;
  origin: 'created' | 'linked_existing';
  target: { kind: 'queue' | 'team'; id: string; name: string | null } | null;
  /**
   * Whether agents may still escalate to the target (enabled, and still in the destination at the last sync); null
   * without a target. A failed escalation whose target is gone can be retried to another queue or team.
   */
  targetAvailable: boolean | null;
  channel: string | null;
  priority: number | null;
  subject: string;
  message: string;
  state: EscalationState;
  conversationId: string | null;
  conversationUrl: string | null;
  attempts: number;
  lastError: string | null;
  nextAttemptAt: string | null;
  requestedBy: { id: string; name: string } | null;
  createdAt: string;
  updatedAt: string;
  linkedAt: string | null;
  /** When and by whom the link was ended; null while linked. */
  unlinked: { at: string; by: { id: string; name: string } | null } | null;
  /** The linked ticket as the destination last told it; null until it told anything. */
  remote: RemoteState | null;
}

/** What the escalation card and the request list show of the linked ticket. */
export interface RemoteState extends TicketDetails {
  status: RemoteStatus;
  /** The request priority the connection's priority map turns into this ticket's priority; null when none does. */
  priorityName: Priority | null;
  /** Since when it is open in the destination (waiting on them); null while it is not open. */
  openSince: string | null;
  updatedAt: string;
}

/** The destination's state of a row: names the synced target gives where the destination gave none. */
function remoteState(r: EscalationRow & { priority_map?: unknown }): RemoteState | null {
  if (!r.remote_status || !r.remote_updated_at) return null;
  const details = r.remote_details ?? { subStatus: null, snoozedUntil: null, assignee: null, queue: null, priority: null, lastActivityAt: null };
  const provider = PROVIDERS[r.provider as ProviderId];
  const map = provider ? effectivePriorityMap(r.priority_map, provider.defaultPriorityMap, provider.priorityRange) : null;
  const { queue } = details;
  return {
    ...details,
    queue: queue && { id: queue.id, name: queue.name ?? (r.target_kind === 'queue' && r.target_remote_id === queue.id ? r.target_name : null) },
    status: r.remote_status as RemoteStatus,
    priorityName: (map && PRIORITIES.find((p) => map[p] === details.priority)) ?? null,
    openSince: iso(r.remote_open_since),
    updatedAt: iso(r.remote_updated_at)!,
  };
}

const iso = (d: Date | string | null) => (d === null ? null : new Date(d).toISOString());

export function escalationView(
  r: EscalationRow & {
    requested_by_name: string | null;
    unlinked_by_name?: string | null;
    target_usable: boolean | number | null;
    priority_map?: unknown;
  },
): EscalationView {
  return {
    id: r.id,
    requestId: r.request_id,
    destination: r.provider,
    origin: r.origin,
    target: r.target_kind && r.target_remote_id ? { kind: r.target_kind, id: r.target_remote_id, name: r.target_name } : null,
    targetAvailable: r.target_kind && r.target_remote_id ? Boolean(r.target_usable) : null,
    channel: r.channel,
    priority: r.priority,
    subject: r.subject,
    message: r.message,
    state: r.state,
    conversationId: r.remote_id,
    conversationUrl: r.remote_url,
    attempts: r.attempts,
    lastError: r.last_error,
    nextAttemptAt: iso(r.next_attempt_at),
    requestedBy: r.requested_by_id ? { id: r.requested_by_id, name: r.requested_by_name ?? '' } : null,
    createdAt: iso(r.created_at)!,
    updatedAt: iso(r.updated_at)!,
    linkedAt: iso(r.linked_at),
    unlinked: r.unlinked_at ? { at: iso(r.unlinked_at)!, by: r.unlinked_by_id ? { id: r.unlinked_by_id, name: r.unlinked_by_name ?? '' } : null } : null,
    remote: remoteState(r),
  };
}

const viewQuery = (q: Queryable) =>
  q
    .selectFrom('escalations as e')
    .leftJoin('users as u', 'u.id', 'e.requested_by_id')
    .leftJoin('users as uu', 'uu.id', 'e.unlinked_by_id')
    .leftJoin('destination_connections as dc', 'dc.provider', 'e.provider')
    .selectAll('e')
    .select(['u.name as requested_by_name', 'uu.name as unlinked_by_name', 'dc.priority_map'])
    .select((eb) =>
      eb
        .exists(
          eb
            .selectFrom('destination_targets as t')
            .innerJoin('destination_connections as c', 'c.id', 't.connection_id')
            .select('t.remote_id')
            .whereRef('c.provider', '=', 'e.provider')
            .whereRef('t.kind', '=', 'e.target_kind')
            .whereRef('t.remote_id', '=', 'e.target_remote_id')
            .where('t.enabled', '=', true)
            .where('t.available', '=', true),
        )
        .as('target_usable'),
    );

export async function getEscalationView(q: Queryable, id: string): Promise<EscalationView | undefined> {
  const r = await viewQuery(q).where('e.id', '=', id).executeTakeFirst();
  return r && escalationView(r);
}

export async function listRequestEscalations(q: Queryable, requestId: string): Promise<EscalationView[]> {
  const rows = await viewQuery(q).where('e.request_id', '=', requestId).orderBy('e.created_at', 'desc').execute();
  return rows.map(escalationView);
}

export async function lockEscalation(q: Queryable, id: string): Promise<EscalationRow | undefined> {
  return q.selectFrom('escalations').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
}

export async function findEscalation(q: Queryable, id: string): Promise<EscalationRow | undefined> {
  return q.selectFrom('escalations').selectAll().where('id', '=', id).executeTakeFirst();
}

export type EscalationPatch = Partial<
  Pick<
    EscalationRow,
    | 'state'
    | 'contact_remote_id'
    | 'remote_id'
    | 'remote_url'
    | 'remote_status'
    | 'remote_updated_at'
    | 'remote_open_since'
    | 'message_posted'
    | 'attempts'
    | 'look_first'
    | 'last_error'
    | 'last_error_kind'
    | 'next_attempt_at'
    | 'linked_at'
    | 'target_kind'
    | 'target_remote_id'
    | 'target_name'
    | 'unlinked_at'
    | 'unlinked_by_id'
  >
> & { remote_details?: string | null };

/** A new escalation, to run as part of a larger statement: it starts where its lifecycle does, or linked to a conversation that exists. */
export function escalationInsert(q: Queryable, values: Insertable<EscalationsTable>) {
  if (values.state !== ESCALATION_LIFECYCLE.initial && !(values.origin === 'linked_existing' && values.state === 'created'))
    throw new Error(`An escalation cannot start ${values.state}`);
  return q.insertInto('escalations').values(values);
}

/**
 * The update of an escalation as it is now (`current`), to run as part of a larger statement (see `writeTogether`).
 * A new state must be a move the lifecycle table allows from the current one: else it is refused (409) before
 * anything is written.
 */
export function escalationUpdate(q: Queryable, current: { id: string; state: EscalationState }, patch: EscalationPatch, now: Date) {
  if (patch.state) assertMove(ESCALATION_LIFECYCLE, current.state, patch.state);
  const update = q
    .updateTable('escalations')
    .set({ ...patch, updated_at: now })
    .where('id', '=', current.id);
  // Unlinked is final, whoever read the row before the agent unlinked it (a delivery posting its back-link then): no
  // later move writes over it.
  return patch.state ? update.where('state', '!=', 'unlinked') : update;
}

export async function updateEscalation(q: Queryable, current: { id: string; state: EscalationState }, patch: EscalationPatch, now: Date) {
  await escalationUpdate(q, current, patch, now).execute();
}

/**
 * The conversation's state as the destination last told it (a sync event, or the reply to a push). `remote_open_since`
 * keeps the time it became open (the destination's own time of that change) while it stays open.
 */
export async function recordRemoteState(
  q: Queryable,
  id: string,
  remote: { status: RemoteStatus; updatedAt: string | Date; details?: TicketDetails | null; threadMark?: string | null },
  now: Date,
) {
  const at = new Date(remote.updatedAt);
  await q
    .updateTable('escalations')
    .set({
      remote_status: remote.status,
      remote_updated_at: at,
      ...(remote.details ? { remote_details: JSON.stringify(remote.details) } : {}),
      ...(remote.threadMark !== undefined ? { thread_mark: remote.threadMark } : {}),
      remote_open_since: remote.status === 'open' ? sql<Date>`case when remote_status = 'open' then coalesce(remote_open_since, ${at}) else ${at} end` : null,
      updated_at: now,
    })
    .where('id', '=', id)
    .execute();
}

/** A status Bridgedesk is about to push, kept so the destination's echo of it is known as one. */
export async function recordPushedStatus(q: Queryable, id: string, status: RemoteStatus, now: Date) {
  await q.updateTable('escalations').set({ last_pushed_status: status, last_pushed_at: now }).where('id', '=', id).execute();
}

/**
 * The escalation with what its delivery reads of the request, the connection and its settings, in one query that
 * also counts the attempt when there is one to make (`counted_attempts`; null when there is not) and marks that
 * this run calls the destination (`look_first`, whose value read here is the one from before: whether an earlier
 * run, or an agent's link, may have made something this run must look for before creating).
 */
export function loadDelivery(q: Queryable, escalationId: string, now: Date) {
  return q
    .with('counted', (w) =>
      w
        .updateTable('escalations as e')
        .set((eb) => ({ attempts: eb('e.attempts', '+', 1), look_first: true, updated_at: now }))
        .where('e.id', '=', escalationId)
        .where('e.state', 'not in', ['linked', 'failed', 'unlinked'])
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
