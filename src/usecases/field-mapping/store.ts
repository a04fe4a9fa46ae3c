/** SQL for the field_mappings table (kept beside its use cases; it is their only reader and writer). */
import type { RemoteFieldType } from '../../core/destination.ts';
import type { CheckedMapping } from '../../core/field-mapping.ts';
import type { Queryable } from '../../db/database.ts';

export interface StoredMapping {
  requestField: string;
  remoteField: string;
  remoteType: RemoteFieldType;
}

export async function listMappings(q: Queryable, connectionId: string): Promise<StoredMapping[]> {
  const rows = await q
    .selectFrom('field_mappings')
    .select(['request_field', 'remote_field', 'remote_type'])
    .where('connection_id', '=', connectionId)
    .orderBy('request_field')
    .execute();
  return rows.map((r) => ({ requestField: r.request_field, remoteField: r.remote_field, remoteType: r.remote_type as RemoteFieldType }));
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
