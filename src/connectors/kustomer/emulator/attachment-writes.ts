/**
 * Attachment records (docs/kustomer.md §21, §36, §37): created by POST /v1/attachments, filled by the upload to the
 * bucket (attachment-bucket.ts, bucket-calls.ts), then referenced by exactly one message or note.
 *
 * Refusals: a blocked extension (Kustomer documents the list for POST /v1/media, "can't be used as attachments":
 * developer.kustomer.com/kustomer-api-docs/reference/createmedia; that /v1/attachments applies it too is assumed),
 * a declared size over the org's `maxAttachmentBytes` (Kustomer publishes none: assumed), an externalUrl that is not
 * HTTPS or carries credentials (documented: developer.kustomer.com/api/core-resources/create-attachment). A reference
 * to an unknown id, another org's, one not uploaded yet, or one another message or note already references is a 400
 * (assumed: the docs say only that the record is referenced after the upload).
 */
import type { AttachmentRef, CreateNoteBody } from '../wire.ts';
import type { CreateAttachmentBody } from '../attachment-wire.ts';
import type { Actor, EmulatorDeps } from './emulator-deps.ts';
import { kustomerError } from './kustomer-error.ts';
import { newObjectId } from './object-id.ts';
import type { AttachmentRecord } from './records.ts';
import { findInOrg } from './store.ts';

/** Documented for POST /v1/media (createmedia); assumed for attachments. */
export const BLOCKED_EXTENSIONS = new Set(
  'bin bat chm com cpl crt exe hlp hta inf ins isp jse lnk mdb msc msi msp mst pcd pif ps1 reg scr sct shs vbe vba vbs wsf wsh wsl'.split(' '),
);

export function createAttachment(deps: EmulatorDeps, actor: Actor, body: CreateAttachmentBody, bytes: Buffer | null = null): AttachmentRecord {
  const ext = /\.([^./\\]+)$/.exec(body.name)?.[1]?.toLowerCase();
  if (ext && BLOCKED_EXTENSIONS.has(ext)) throw kustomerError(400, `files with the extension .${ext} can't be used as attachments`, { pointer: '/name' });
  const max = actor.org.settings.maxAttachmentBytes;
  if (body.contentLength > max)
    throw kustomerError(400, `contentLength ${body.contentLength} is over the limit of ${max} bytes`, { pointer: '/contentLength' });
  if (body.externalUrl && new URL(body.externalUrl).username) throw kustomerError(400, 'externalUrl must not carry credentials', { pointer: '/externalUrl' });
  const at = deps.now().toISOString();
  const id = newObjectId(deps.now());
  const record: AttachmentRecord = {
    id,
    orgId: actor.org.id,
    name: body.name,
    contentType: body.contentType,
    contentLength: body.contentLength,
    key: `attachments/${actor.org.id}/${id}-${body.name}`,
    uploaded: Boolean(body.externalUrl) || bytes !== null,
    bytes,
    externalUrl: body.externalUrl ?? null,
    attachedTo: null,
    createdBy: actor.userId,
    createdAt: at,
    updatedAt: at,
  };
  deps.store.attachments.set(id, record);
  return record;
}

/** The records a create references, checked before anything is written (a refused create leaves nothing behind). */
export function referencedAttachments(deps: EmulatorDeps, orgId: string, refs: AttachmentRef[] | undefined): AttachmentRecord[] {
  return (refs ?? []).map((ref, i) => {
    const pointer = { pointer: `/attachments/${i}/_id` };
    const a = findInOrg(deps.store.attachments, orgId, ref._id);
    if (!a) throw kustomerError(400, `attachment ${ref._id} not found`, pointer);
    if (!a.uploaded) throw kustomerError(400, `attachment ${ref._id} has not been uploaded`, pointer);
    if (a.attachedTo) throw kustomerError(400, `attachment ${ref._id} is already attached to ${a.attachedTo.type} ${a.attachedTo.id}`, pointer);
    if ((refs ?? []).findIndex((r) => r._id === ref._id) !== i) throw kustomerError(400, `attachment ${ref._id} is referenced twice`, pointer);
    return a;
  });
}

export function attach(records: AttachmentRecord[], to: { type: 'message' | 'note'; id: string }, at: string): string[] {
  for (const a of records) Object.assign(a, { attachedTo: to, updatedAt: at });
  return records.map((a) => a.id);
}

/** Files an agent or customer adds in Kustomer's app: records with their bytes, ready to reference. */
export function uploadedFiles(
  deps: EmulatorDeps,
  actor: Actor,
  files: { name: string; contentType: string; contentBase64: string }[],
): CreateNoteBody['attachments'] {
  return files.map((f) => {
    const bytes = Buffer.from(f.contentBase64, 'base64');
    const a = createAttachment(deps, actor, { name: f.name, contentType: f.contentType, contentLength: bytes.length }, bytes);
    return { _id: a.id, name: a.name, contentType: a.contentType, contentLength: a.contentLength };
  });
}
