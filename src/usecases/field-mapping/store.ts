/** SQL for the field_mappings table (kept beside its use cases; it is their only reader and writer). */
import type { RemoteFieldType } from '../../core/destination.ts';
import type { CheckedMapping } from '../../core/field-mapping.ts';
import { sql } from 'kysely';
import type { Queryable } from '../../db/database.ts';

export interface StoredMapping {
  requestField: string;
  remoteField: string;
  remoteType: RemoteFieldType;
  /** Since when the destination refuses the attribute as unknown (pushes leave it out), with its words; null: in use. */
  refused: { since: Date; reason: string } | null;
}

export async function listMappings(q: Queryable, connectionId: string): Promise<StoredMapping[]> {
  const rows = await q
    .selectFrom('field_mappings')
    .select(['request_field', 'remote_field', 'remote_type', 'refused_at', 'refused_reason'])
    .where('connection_id', '=', connectionId)
    .orderBy('request_field')
    .execute();
  return rows.map((r) => ({
    requestField: r.request_field,
    remoteField: r.remote_field,
    remoteType: r.remote_type as RemoteFieldType,
    refused: r.refused_at ? { since: new Date(r.refused_at), reason: r.refused_reason ?? '' } : null,
  }));
}

/**
 * Marks attributes the destination no longer knows. The first date stays ("not sent since"); the reason is the
 * latest refusal's.
 */
export async function markRefused(q: Queryable, connectionId: string, remoteFields: readonly string[], reason: string, now: Date): Promise<void> {
  if (!remoteFields.length) return;
  await q
    .updateTable('field_mappings')
    .set((eb) => ({ refused_at: eb.fn.coalesce('refused_at', eb.val(now)), refused_reason: reason }))
    .where('connection_id', '=', connectionId)
    .where('remote_field', 'in', [...remoteFields])
    .execute();
}

/** The destination knows these attributes again: they are sent from now on. */
export async function clearRefused(q: Queryable, connectionId: string, remoteFields: readonly string[]): Promise<void> {
  if (!remoteFields.length) return;
  await q
    .updateTable('field_mappings')
    .set({ refused_at: null, refused_reason: null })
    .where('connection_id', '=', connectionId)
    .where('remote_field', 'in', [...remoteFields])
    .execute();
}

/** Replaces a connection's whole mapping set; call inside a transaction. */
export async function replaceMappings(q: Queryable, connectionId: string, mappings: CheckedMapping[], now: Date): Promise<void> {
  // Two admins saving at once: the second waits for the first, then replaces its set.
  await q.selectFrom('destination_connections').select('id').where('id', '=', connectionId).forUpdate().execute();
  await q.deleteFrom('field_mappings').where('connection_id', '=', connectionId).execute();
  if (!mappings.length) return;
  await q
    .insertInto('field_mappings')
    .values(
      mappings.map((m) => ({
        connection_id: connectionId,
        request_field: m.requestField,
        remote_field: m.remoteField,
        remote_type: m.remoteType,
        created_at: now,
      })),
    )
    .execute();
}

/** A mapped request field changed since the escalation's last push, and when (queue-field-pushes.ts). */
export interface PendingField {
  requestField: string;
  /** Postgres's text of the time, to the microsecond: a JS Date would drop the microseconds and never match again. */
  changedAt: string;
}

export async function readPending(q: Queryable, escalationId: string): Promise<PendingField[]> {
  const rows = await q
    .selectFrom('field_push_pending')
    .select(['request_field', sql<string>`changed_at::text`.as('changed_at')])
    .where('escalation_id', '=', escalationId)
    .execute();
  return rows.map((r) => ({ requestField: r.request_field, changedAt: r.changed_at }));
}

/** The push handled these changes: they leave the list, unless the field changed again since it read them. */
export async function donePending(q: Queryable, escalationId: string, pending: readonly PendingField[]): Promise<void> {
  for (const p of pending)
    await q
      .deleteFrom('field_push_pending')
      .where('escalation_id', '=', escalationId)
      .where('request_field', '=', p.requestField)
      .where('changed_at', '<=', sql<Date>`${p.changedAt}::timestamptz`)
      .execute();
}
