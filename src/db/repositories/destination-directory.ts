/**
 * A destination's users, tags and sub-statuses as the last connect or re-sync read them (migration 018), and the
 * admin's tag allow-list. The directory is replaced as a whole on every read: a user or tag gone from the destination
 * is gone from the pickers.
 */
import type { DirectoryEntry } from '../../core/destination.ts';
import { normaliseAllowList } from '../../core/escalation-extras.ts';
import type { Queryable } from '../database.ts';

export async function replaceDirectory(q: Queryable, connectionId: string, entries: DirectoryEntry[], now: Date): Promise<void> {
  await q.deleteFrom('destination_directory').where('connection_id', '=', connectionId).execute();
  const unique = new Map(entries.map((e) => [`${e.kind}:${e.remoteId}`, e]));
  if (!unique.size) return;
  await q
    .insertInto('destination_directory')
    .values(
      [...unique.values()].map((e) => ({
        connection_id: connectionId,
        kind: e.kind,
        remote_id: e.remoteId,
        name: e.name,
        detail: JSON.stringify({ ...(e.machine ? { machine: true } : {}), ...(e.parentStatus ? { parentStatus: e.parentStatus } : {}) }),
        last_seen_at: now,
      })),
    )
    .execute();
}

export async function listDirectory(q: Queryable, connectionId: string): Promise<DirectoryEntry[]> {
  const rows = await q
    .selectFrom('destination_directory')
    .select(['kind', 'remote_id', 'name', 'detail'])
    .where('connection_id', '=', connectionId)
    .orderBy('kind')
    .orderBy('name')
    .execute();
  return rows.map((r) => {
    const d = r.detail as { machine?: boolean; parentStatus?: DirectoryEntry['parentStatus'] };
    return {
      kind: r.kind,
      remoteId: r.remote_id,
      name: r.name,
      ...(d.machine ? { machine: true } : {}),
      ...(d.parentStatus ? { parentStatus: d.parentStatus } : {}),
    };
  });
}

export async function readTagAllowList(q: Queryable, connectionId: string): Promise<string[]> {
  const r = await q.selectFrom('destination_connections').select('tag_allow_list').where('id', '=', connectionId).executeTakeFirst();
  return r?.tag_allow_list ?? [];
}

export async function writeTagAllowList(q: Queryable, connectionId: string, names: readonly string[], now: Date): Promise<string[]> {
  const list = normaliseAllowList(names);
  await q.updateTable('destination_connections').set({ tag_allow_list: list, updated_at: now }).where('id', '=', connectionId).execute();
  return list;
}
