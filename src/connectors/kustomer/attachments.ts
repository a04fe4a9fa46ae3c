/**
 * Files to and from Kustomer (docs/kustomer.md §21, §36, §37).
 *
 * Sending one file, exactly once over the platform's per-file checkpoint:
 *   1. POST /v1/attachments {name, contentType, contentLength} → the record's id and a presigned upload form. The id
 *      is committed before any byte goes, so a retry finds this record rather than making another.
 *   2. The bytes go to the form's URL (presigned-transfer.ts). Success is deferred: a retry learns it by reading.
 *   3. The caller references the ids on the message or note it creates; that create is itself found again by its
 *      external id, so a file is never attached twice.
 * A retry of a file with a record but no known upload reads the record (GET /v1/attachments/{id}): `uploaded: true`
 * means the earlier upload landed (its reply was lost) and nothing is sent; otherwise the bytes go again to the same
 * record, with the form that read returns (S-OAS shows `meta.upload` on it; the same key, so at most an overwrite),
 * or, without one, a new record. A create whose reply was lost leaves a record with no bytes that nothing references:
 * nobody sees it, and no file goes twice. A file Kustomer refuses at create (a blocked extension, over its size: a
 * 400) is checkpointed as refused and the others go on: the platform shows which one stayed behind.
 *
 * Reading: the ids a note or message references (relationships.attachments) are read with GET /v1/attachments/{ids}
 * (notes, up to 50 a call) and GET /v1/messages/{id}/attachments/{id} (messages: Kustomer's docs call the first
 * "[Outbound Only]" and the second "inbound or outbound"). The download URL (`links.related`) is presigned and
 * expires (assumed: the object is private, acl "private" in a real upload form), so it is never kept: a download reads
 * the record again (one unit of the rate budget) and streams from the fresh URL (none: it is not Kustomer's API).
 */
import type { FileCheckpoints, OutgoingFile, RemoteFile, RemoteFileStream } from '../../core/destination.ts';
import { ConnectorError } from '../kit/errors.ts';
import { AttachmentResponse, AttachmentsResponse, attachmentIdsOf, type AttachmentResource, type UploadForm } from './attachment-wire.ts';
import type { KustomerClient } from './client.ts';
import { getObject, postForm, type TransferOptions } from './presigned-transfer.ts';
import type { AttachmentRef, CreateNoteBody } from './wire.ts';

const CREATE_ROLE = 'org.permission.note.create';
const READ_ROLE = 'org.permission.attachment.read';
const IDS_PER_READ = 50;

type Rels = Record<string, { data?: unknown } | undefined> | undefined;
export interface ThreadRecord {
  id: string;
  kind: 'note' | 'message';
  relationships?: Rels;
}
export type FilesOf = Map<string, { files: RemoteFile[] } | { error: string }>;

const refOf = (remoteId: string, f: OutgoingFile): AttachmentRef => ({ _id: remoteId, name: f.name, contentType: f.contentType, contentLength: f.size });
const toRemote = (remoteId: string, a: AttachmentResource): RemoteFile => ({
  remoteId,
  name: a.attributes.name,
  contentType: a.attributes.contentType || null,
  size: Number.isFinite(a.attributes.contentLength) ? a.attributes.contentLength : null,
});
const isPermanent = (err: unknown): err is ConnectorError => err instanceof ConnectorError && err.kind === 'permanent';

export type KustomerAttachments = ReturnType<typeof kustomerAttachments>;

export function kustomerAttachments(client: KustomerClient, transfer: TransferOptions) {
  async function createRecord(file: OutgoingFile): Promise<{ id: string; form: UploadForm }> {
    const body = { name: file.name, contentType: file.contentType, contentLength: file.size };
    const r = await client.request(AttachmentResponse, { method: 'POST', path: '/v1/attachments', body, permission: CREATE_ROLE });
    if (!r.meta?.upload) throw new ConnectorError('permanent', `Kustomer gave no upload form for ${file.name}`);
    return { id: r.data.id, form: r.meta.upload };
  }

  /** One file, once: its reference, or null when Kustomer refuses it (checkpointed as refused). */
  async function sendFile(file: OutgoingFile, cp: FileCheckpoints): Promise<AttachmentRef | null> {
    const prior = cp.get(file.localId);
    if (prior && 'refused' in prior) return null;
    if (prior?.uploaded) return refOf(prior.remoteId, file);
    let remoteId = prior?.remoteId ?? null;
    let form: UploadForm | null = null;
    if (remoteId) {
      // GET /v1/attachments/{id}; null when it is gone.
      const record = await client.lookup(AttachmentResponse, `/v1/attachments/${encodeURIComponent(remoteId)}`, READ_ROLE);
      if (record?.data.attributes.uploaded) {
        cp.defer(file.localId, { remoteId, uploaded: true });
        return refOf(remoteId, file);
      }
      form = record?.meta?.upload ?? null;
    }
    if (!remoteId || !form) {
      let created;
      try {
        created = await createRecord(file);
      } catch (err) {
        // A refusal of this file (400: its type or size), not of our key or role: the others still go.
        if (!isPermanent(err) || err.detail.reason === 'missing_permission' || err.status !== 400) throw err;
        await cp.commit(file.localId, { refused: err.detail.vendorMessage ?? err.message });
        return null;
      }
      remoteId = created.id;
      form = created.form;
      await cp.commit(file.localId, { remoteId, uploaded: false });
    }
    await postForm(form, file, transfer);
    cp.defer(file.localId, { remoteId, uploaded: true });
    return refOf(remoteId, file);
  }

  /** Every file in order; the references of those that went. */
  async function sendFiles(files: readonly OutgoingFile[] | undefined, cp: FileCheckpoints | undefined): Promise<AttachmentRef[]> {
    if (!files?.length) return [];
    if (!cp) throw new Error('Sending attachments needs the platform to keep per-file checkpoints (FileCheckpoints)');
    const refs: AttachmentRef[] = [];
    for (const f of files) {
      const ref = await sendFile(f, cp);
      if (ref) refs.push(ref);
    }
    return refs;
  }

  /** The files on each note and message (by its id); a permanent failure (a missing role) names itself per item. */
  async function filesOf(records: readonly ThreadRecord[]): Promise<FilesOf> {
    const out: FilesOf = new Map();
    const noteIds = records.filter((r) => r.kind === 'note').flatMap((r) => attachmentIdsOf(r.relationships));
    const byId = new Map<string, AttachmentResource>();
    let notesError: string | null = null;
    for (let i = 0; i < noteIds.length && !notesError; i += IDS_PER_READ) {
      const ids = noteIds.slice(i, i + IDS_PER_READ);
      try {
        const r = await client.request(AttachmentsResponse, {
          method: 'GET',
          path: `/v1/attachments/${ids.map(encodeURIComponent).join(',')}`,
          permission: READ_ROLE,
        });
        for (const a of Array.isArray(r.data) ? r.data : [r.data]) byId.set(a.id, a);
      } catch (err) {
        if (!isPermanent(err)) throw err;
        notesError = err.message;
      }
    }
    for (const r of records) {
      const ids = attachmentIdsOf(r.relationships);
      if (!ids.length) continue;
      if (r.kind === 'note') {
        out.set(r.id, notesError ? { error: notesError } : { files: ids.flatMap((id) => (byId.has(id) ? [toRemote(id, byId.get(id)!)] : [])) });
        continue;
      }
      try {
        const files: RemoteFile[] = [];
        for (const id of ids) {
          const a = await client.request(AttachmentResponse, {
            method: 'GET',
            path: `/v1/messages/${encodeURIComponent(r.id)}/attachments/${encodeURIComponent(id)}`,
            permission: READ_ROLE,
          });
          files.push(toRemote(`${r.id}.${id}`, a.data));
        }
        out.set(r.id, { files });
      } catch (err) {
        if (!isPermanent(err)) throw err;
        out.set(r.id, { error: err.message });
      }
    }
    return out;
  }

  /** A file's bytes: its record read again for a fresh download URL, then streamed. */
  async function openAttachment(remoteId: string, opts: { maxBytes?: number } = {}): Promise<RemoteFileStream> {
    const [messageId, attachmentId] = remoteId.includes('.') ? remoteId.split('.', 2) : [null, remoteId];
    const path = messageId
      ? `/v1/messages/${encodeURIComponent(messageId)}/attachments/${encodeURIComponent(attachmentId!)}`
      : `/v1/attachments/${encodeURIComponent(attachmentId!)}`;
    const r = await client.request(AttachmentResponse, { method: 'GET', path, permission: READ_ROLE });
    const a = r.data;
    const url = a.links?.related;
    if (!url || a.attributes.uploaded === false)
      throw new ConnectorError('permanent', `${a.attributes.name} has no file to download in Kustomer (not uploaded)`);
    if (opts.maxBytes !== undefined && a.attributes.contentLength > opts.maxBytes) {
      throw new ConnectorError('permanent', `${a.attributes.name} is larger than ${opts.maxBytes} bytes`);
    }
    const got = await getObject(url, a.attributes.name, { ...transfer, maxBytes: opts.maxBytes });
    return { stream: got.stream, size: got.size ?? a.attributes.contentLength, contentType: a.attributes.contentType || got.contentType };
  }

  return { sendFiles, filesOf, openAttachment };
}

/** A note create's body with its files' references (none: no `attachments` key at all). */
export const withRefs = (note: { body: string; externalId?: string }, refs: AttachmentRef[]): CreateNoteBody => ({
  ...note,
  ...(refs.length ? { attachments: refs } : {}),
});
