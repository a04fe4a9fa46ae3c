/** Destination connections (encrypted credentials, health) and the queues/teams they route to. */
import { sql } from 'kysely';
import type { DestinationTarget } from '../../core/destination.ts';
import type { Queryable } from '../database.ts';

export interface ConnectionRow {
  id: string;
  provider: string;
  account: string;
  secretEncrypted: string;
  secretLastFour: string;
  status: 'connected' | 'invalid_credentials';
  statusReason: string | null;
  statusChangedAt: string;
  missingPermissions: string[];
  lastSyncedAt: string | null;
  lastSyncError: string | null;
  /** The custom field holding the customer's email; null: the requester's email. */
  contactEmailField: string | null;
}

export interface TargetRow extends DestinationTarget {
  enabled: boolean;
  available: boolean;
}

const iso = (d: Date | string | null) => (d === null ? null : new Date(d).toISOString());

export async function findConnection(q: Queryable, provider: string): Promise<ConnectionRow | undefined> {
  const r = await q.selectFrom('destination_connections').selectAll().where('provider', '=', provider).executeTakeFirst();
  return (
    r && {
      id: r.id,
      provider: r.provider,
      account: r.account,
      secretEncrypted: r.secret_encrypted,
      secretLastFour: r.secret_last_four,
      status: r.status,
      statusReason: r.status_reason,
      statusChangedAt: iso(r.status_changed_at)!,
      missingPermissions: r.missing_permissions,
      lastSyncedAt: iso(r.last_synced_at),
      lastSyncError: r.last_sync_error,
      contactEmailField: r.contact_email_field,
    }
  );
}

/** Saves a freshly checked connection: a new key clears any "invalid credentials" mark. */
export async function upsertConnection(
  q: Queryable,
  c: { provider: string; account: string; secretEncrypted: string; secretLastFour: string; missingPermissions: string[]; userId: string; now: Date },
): Promise<string> {
  const row = await q
    .insertInto('destination_connections')
    .values({
      provider: c.provider,
      account: c.account,
      secret_encrypted: c.secretEncrypted,
      secret_last_four: c.secretLastFour,
      status: 'connected',
      status_changed_at: c.now,
      missing_permissions: c.missingPermissions,
      connected_by_id: c.userId,
      created_at: c.now,
      updated_at: c.now,
    })
    .onConflict((oc) =>
      oc.column('provider').doUpdateSet((eb) => ({
        account: eb.ref('excluded.account'),
        secret_encrypted: eb.ref('excluded.secret_encrypted'),
        secret_last_four: eb.ref('excluded.secret_last_four'),
        status: 'connected',
        status_reason: null,
        status_changed_at: eb.ref('excluded.status_changed_at'),
        missing_permissions: eb.ref('excluded.missing_permissions'),
        connected_by_id: eb.ref('excluded.connected_by_id'),
        updated_at: eb.ref('excluded.updated_at'),
      })),
    )
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/** The account changed: queues and teams of the old one mean nothing now. */
export async function clearTargets(q: Queryable, connectionId: string) {
  await q.deleteFrom('destination_targets').where('connection_id', '=', connectionId).execute();
}

/** Records a refused credential once (the first refusal's time is kept). */
export async function markInvalidCredentials(q: Queryable, provider: string, reason: string, now: Date) {
  await q
    .updateTable('destination_connections')
    .set({ status: 'invalid_credentials', status_reason: reason, status_changed_at: now, updated_at: now })
    .where('provider', '=', provider)
    .where('status', '=', 'connected')
    .execute();
}

/**
 * A call was refused because the key lacks a permission (the key itself is valid): the permission joins the
 * connection's missing list, so settings name it. The connection stays "connected": the key is valid, and
 * everything that does not need that permission (other steps, status sync) keeps working until a key with it is saved.
 */
export async function addMissingPermission(q: Queryable, provider: string, permission: string, now: Date) {
  await q
    .updateTable('destination_connections')
    .set((eb) => ({ missing_permissions: sql<string[]>`array_append(${eb.ref('missing_permissions')}, ${permission}::text)`, updated_at: now }))
    .where('provider', '=', provider)
    .where((eb) => eb.not(sql<boolean>`${permission}::text = any(${eb.ref('missing_permissions')})`))
    .execute();
}

export async function deleteConnection(q: Queryable, provider: string): Promise<boolean> {
  const r = await q.deleteFrom('destination_connections').where('provider', '=', provider).executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}

export async function listTargets(q: Queryable, connectionId: string): Promise<TargetRow[]> {
  const rows = await q.selectFrom('destination_targets').selectAll().where('connection_id', '=', connectionId).orderBy('kind').orderBy('name').execute();
  return rows.map((r) => ({ kind: r.kind, remoteId: r.remote_id, name: r.name, enabled: r.enabled, available: r.available }));
}

/**
 * Applies a fresh list from the provider: new targets arrive disabled, known ones keep their enabled flag and
 * take the new name, and ones no longer listed are kept as unavailable (requests that used them still name them).
 */
export async function syncTargets(q: Queryable, connectionId: string, fresh: DestinationTarget[], now: Date) {
  if (fresh.length) {
    await q
      .insertInto('destination_targets')
      .values(fresh.map((t) => ({ connection_id: connectionId, kind: t.kind, remote_id: t.remoteId, name: t.name, last_seen_at: now })))
      .onConflict((oc) =>
        oc
          .columns(['connection_id', 'kind', 'remote_id'])
          .doUpdateSet((eb) => ({ name: eb.ref('excluded.name'), available: true, last_seen_at: eb.ref('excluded.last_seen_at') })),
      )
      .execute();
  }
  const seen = new Set(fresh.map((t) => `${t.kind}:${t.remoteId}`));
  const gone = (await listTargets(q, connectionId)).filter((t) => t.available && !seen.has(`${t.kind}:${t.remoteId}`));
  for (const t of gone) {
    await q
      .updateTable('destination_targets')
      .set({ available: false })
      .where('connection_id', '=', connectionId)
      .where('kind', '=', t.kind)
      .where('remote_id', '=', t.remoteId)
      .execute();
  }
  await q.updateTable('destination_connections').set({ last_synced_at: now, last_sync_error: null, updated_at: now }).where('id', '=', connectionId).execute();
}

export async function recordSyncError(q: Queryable, connectionId: string, message: string, now: Date) {
  await q.updateTable('destination_connections').set({ last_sync_error: message, updated_at: now }).where('id', '=', connectionId).execute();
}

/** Returns the targets that do not exist (or are gone and would be switched on), so the caller can refuse the change. */
export async function setTargetsEnabled(q: Queryable, connectionId: string, changes: { kind: 'queue' | 'team'; remoteId: string; enabled: boolean }[]) {
  const unknown: string[] = [];
  for (const c of changes) {
    const r = await q
      .updateTable('destination_targets')
      .set({ enabled: c.enabled })
      .where('connection_id', '=', connectionId)
      .where('kind', '=', c.kind)
      .where('remote_id', '=', c.remoteId)
      .where((eb) => (c.enabled ? eb('available', '=', true) : eb.lit(true)))
      .executeTakeFirst();
    if (Number(r.numUpdatedRows) === 0) unknown.push(`${c.kind}:${c.remoteId}`);
  }
  return unknown;
}

/** A target the destination no longer has: agents cannot pick it until a re-sync finds it again. */
export async function markTargetUnavailable(q: Queryable, provider: string, target: { kind: 'queue' | 'team'; remoteId: string }) {
  await q
    .updateTable('destination_targets as t')
    .set({ available: false })
    .from('destination_connections as c')
    .whereRef('c.id', '=', 't.connection_id')
    .where('c.provider', '=', provider)
    .where('t.kind', '=', target.kind)
    .where('t.remote_id', '=', target.remoteId)
    .execute();
}
