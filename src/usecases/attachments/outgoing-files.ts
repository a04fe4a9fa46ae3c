/** Bridgedesk's stored attachments as files a connector sends (core/destination.ts OutgoingFile), read when uploaded. */
import type { OutgoingFile } from '../../core/destination.ts';
import type { Queryable } from '../../db/database.ts';
import type { Db } from '../../db/database.ts';
import { loadFileCheckpoints } from '../../db/repositories/file-checkpoints.ts';
import type { FileStorages } from '../../storage/file-storage.ts';

/** The stored files among `ids`, in the order given; each opens a fresh stream from its storage per attempt. */
async function outgoingFiles(db: Queryable, storage: FileStorages | undefined, ids: readonly string[]): Promise<OutgoingFile[]> {
  if (!ids.length) return [];
  if (!storage) throw new Error('Attachment storage is not configured for this process');
  const rows = await db
    .selectFrom('attachments')
    .select(['id', 'name', 'size', 'content_type', 'storage_kind', 'storage_key'])
    .where('id', 'in', ids)
    .where('state', '=', 'stored')
    .execute();
  const byId = new Map(rows.map((r) => [r.id, r]));
  return ids.flatMap((id) => {
    const r = byId.get(id);
    if (!r) return [];
    const size = Number(r.size);
    return [{ localId: r.id, name: r.name, contentType: r.content_type, size, open: () => storage.of(r.storage_kind).read(r.storage_key, size) }];
  });
}

/** The stored files attached to one timeline entry, oldest first. */
export async function entryFileIds(db: Queryable, entryId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('attachments')
    .select('id')
    .where('timeline_entry_id', '=', entryId)
    .where('state', '=', 'stored')
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  return rows.map((r) => r.id);
}

/**
 * Stored files going to a destination (an escalation's first message, a note), in the order given, with their
 * checkpoints under `scope` (absent when there are none); `refused()` names those the destination would not take.
 */
export async function filesToSend(deps: { db: Db; storage?: FileStorages }, ids: readonly string[], scope: string) {
  const attachments = await outgoingFiles(deps.db, deps.storage, ids);
  const files = attachments.length ? await loadFileCheckpoints(deps.db, scope) : undefined;
  const refused = () => files?.refused().map((r) => ({ name: attachments.find((a) => a.localId === r.localId)?.name ?? r.localId, reason: r.reason })) ?? [];
  return { attachments, files, refused };
}
