/** Attachment rows: an upload's life (uploading → stored → attached to one timeline entry) and what reads them. */
import { sql } from 'kysely';
import { attachmentView, type AttachmentView } from '../../core/attachments.ts';
import type { Queryable } from '../database.ts';
import type { AttachmentsTable } from '../schema-attachments.ts';

type Row = { id: string; name: string; size: string; content_type: string; sha256: string | null; created_at: Date };
const VIEW_COLUMNS = ['a.id', 'a.name', 'a.size', 'a.content_type', 'a.sha256', 'a.created_at'] as const;
const toView = (r: Row): AttachmentView =>
  attachmentView({ id: r.id, name: r.name, size: Number(r.size), contentType: r.content_type, sha256: r.sha256 ?? '', createdAt: r.created_at });

/** The row an upload starts with: named, owned, not yet stored. */
export async function insertUpload(q: Queryable, a: { id: string; uploadedBy: string | null; name: string; storageKind: AttachmentsTable['storage_kind'] }) {
  await q.insertInto('attachments').values({ id: a.id, uploaded_by: a.uploadedBy, name: a.name, storage_kind: a.storageKind, storage_key: a.id }).execute();
}

/** Every byte is stored: the upload becomes visible to its uploader and attachable. */
export async function markStored(q: Queryable, id: string, f: { size: number; sha256: string; contentType: string }): Promise<AttachmentView> {
  const row = await q
    .updateTable('attachments as a')
    .set({ state: 'stored', size: f.size, sha256: f.sha256, content_type: f.contentType })
    .where('a.id', '=', id)
    .returning(VIEW_COLUMNS)
    .executeTakeFirstOrThrow();
  return toView(row);
}

export async function deleteAttachmentRow(q: Queryable, id: string): Promise<void> {
  await q.deleteFrom('attachments').where('id', '=', id).execute();
}

/** What a person has uploaded and not sent yet, in bytes (uploads in progress count with what they declared so far: 0). */
export async function unsentBytes(q: Queryable, userId: string): Promise<number> {
  const row = await q
    .selectFrom('attachments')
    .select((eb) => eb.fn.coalesce(eb.fn.sum<string>('size'), sql<string>`0`).as('total'))
    .where('uploaded_by', '=', userId)
    .where('timeline_entry_id', 'is', null)
    .executeTakeFirstOrThrow();
  return Number(row.total);
}

/** What a download needs to decide who may have it, and where its bytes are. */
export async function findAttachment(q: Queryable, id: string) {
  return q
    .selectFrom('attachments as a')
    .leftJoin('timeline_entries as t', 't.id', 'a.timeline_entry_id')
    .leftJoin('requests as r', 'r.id', 'a.request_id')
    .select([...VIEW_COLUMNS, 'a.state', 'a.uploaded_by', 'a.storage_kind', 'a.storage_key', 'a.request_id', 't.visibility', 'r.requester_id'])
    .where('a.id', '=', id)
    .executeTakeFirst()
    .then((r) =>
      r
        ? {
            view: toView(r),
            state: r.state,
            uploadedBy: r.uploaded_by,
            storageKind: r.storage_kind,
            storageKey: r.storage_key,
            requestId: r.request_id,
            /** null while unattached */
            visibility: r.visibility,
            requesterId: r.requester_id,
          }
        : undefined,
    );
}

/** The stored attachments of these timeline entries, by entry id, in upload order. */
export async function attachmentsOfEntries(q: Queryable, entryIds: string[]): Promise<Map<string, AttachmentView[]>> {
  const byEntry = new Map<string, AttachmentView[]>();
  if (!entryIds.length) return byEntry;
  const rows = await q
    .selectFrom('attachments as a')
    .select([...VIEW_COLUMNS, 'a.timeline_entry_id'])
    .where('a.timeline_entry_id', '=', sql<string>`any(${entryIds}::bigint[])`)
    .orderBy('a.timeline_entry_id')
    .orderBy('a.created_at')
    .orderBy('a.id')
    .execute();
  for (const r of rows) {
    const list = byEntry.get(r.timeline_entry_id!) ?? [];
    list.push(toView(r));
    byEntry.set(r.timeline_entry_id!, list);
  }
  return byEntry;
}

/**
 * Attaches a person's stored, unattached uploads to a timeline entry; returns the rows it attached (fewer than asked
 * when some are not theirs, not stored, or attached already: the caller refuses that). The row lock each update
 * takes makes a concurrent second attach (or a delete) of the same upload wait, then find it attached (or gone).
 */
export async function attachUploads(q: Queryable, a: { ids: string[]; uploadedBy: string; requestId: string; entryId: string; at: Date }) {
  return q
    .updateTable('attachments')
    .set({ request_id: a.requestId, timeline_entry_id: a.entryId, attached_at: a.at })
    .where('id', '=', sql<string>`any(${a.ids}::uuid[])`)
    .where('uploaded_by', '=', a.uploadedBy)
    .where('state', '=', 'stored')
    .where('timeline_entry_id', 'is', null)
    .returning(['id', 'size', 'name'])
    .execute();
}

/** Bytes attached to a request so far. */
export async function requestBytes(q: Queryable, requestId: string): Promise<number> {
  const row = await q
    .selectFrom('attachments')
    .select((eb) => eb.fn.coalesce(eb.fn.sum<string>('size'), sql<string>`0`).as('total'))
    .where('request_id', '=', requestId)
    .executeTakeFirstOrThrow();
  return Number(row.total);
}

/** An unattached upload of this person, locked until the transaction ends (to remove it). */
export async function lockOwnUnattached(q: Queryable, id: string, uploadedBy: string) {
  return q
    .selectFrom('attachments')
    .select(['id', 'storage_kind', 'storage_key', 'timeline_entry_id'])
    .where('id', '=', id)
    .where('uploaded_by', '=', uploadedBy)
    .forUpdate()
    .executeTakeFirst();
}

/** Up to `limit` unattached uploads created before `before`, locked (skipping those another pruner holds). */
export async function lockUnattachedBefore(q: Queryable, before: Date, limit: number) {
  return q
    .selectFrom('attachments')
    .select(['id', 'storage_kind', 'storage_key'])
    .where('timeline_entry_id', 'is', null)
    .where('created_at', '<', before)
    .orderBy('created_at')
    .limit(limit)
    .forUpdate()
    .skipLocked()
    .execute();
}

/** Which of a timeline entry's files copied from a destination it has already (their remote ids). */
export async function remoteFilesOfEntry(q: Queryable, entryId: string): Promise<Set<string>> {
  const rows = await q
    .selectFrom('attachments')
    .select('remote_file_id')
    .where('timeline_entry_id', '=', entryId)
    .where('remote_file_id', 'is not', null)
    .execute();
  return new Set(rows.map((r) => r.remote_file_id!));
}

/**
 * Attaches a file Bridgedesk stored itself (uploadedBy null) to a timeline entry as the copy of a destination's file;
 * false when the entry has that file already (a retried fetch: the unique index of migration 024 decides).
 */
export async function attachRemoteCopy(q: Queryable, a: { id: string; requestId: string; entryId: string; remoteFileId: string; at: Date }) {
  const attach = sql<{ id: string }>`
    update attachments set request_id = ${a.requestId}, timeline_entry_id = ${a.entryId}, remote_file_id = ${a.remoteFileId}, attached_at = ${a.at}
    where id = ${a.id} and uploaded_by is null and state = 'stored' and timeline_entry_id is null
      and not exists (select 1 from attachments where timeline_entry_id = ${a.entryId} and remote_file_id = ${a.remoteFileId})
    returning id`;
  try {
    return (await attach.execute(q)).rows.length > 0;
  } catch (err) {
    // Two runs passing the check at once: the index lets one in.
    if ((err as { code?: string }).code === '23505') return false;
    throw err;
  }
}
