/** Escalation rows and their API view. */
import type { EscalationState } from '../../core/escalation.ts';
import type { Queryable } from '../database.ts';
import type { EscalationRow } from '../schema.ts';

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
}

const iso = (d: Date | string | null) => (d === null ? null : new Date(d).toISOString());

export function escalationView(r: EscalationRow & { requested_by_name: string | null; target_usable: boolean | number | null }): EscalationView {
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
  };
}

const viewQuery = (q: Queryable) =>
  q
    .selectFrom('escalations as e')
    .leftJoin('users as u', 'u.id', 'e.requested_by_id')
    .selectAll('e')
    .select('u.name as requested_by_name')
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
    | 'message_posted'
    | 'attempts'
    | 'last_error'
    | 'last_error_kind'
    | 'next_attempt_at'
    | 'linked_at'
    | 'target_kind'
    | 'target_remote_id'
    | 'target_name'
  >
>;

/** The update, to run as part of a larger statement (see `writeTogether`). */
export const escalationUpdate = (q: Queryable, id: string, patch: EscalationPatch, now: Date) =>
  q
    .updateTable('escalations')
    .set({ ...patch, updated_at: now })
    .where('id', '=', id);

export async function updateEscalation(q: Queryable, id: string, patch: EscalationPatch, now: Date) {
  await escalationUpdate(q, id, patch, now).execute();
}
