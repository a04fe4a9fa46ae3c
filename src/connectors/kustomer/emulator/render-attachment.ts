/**
 * An attachment record as Kustomer renders it (docs/kustomer.md §36): attributes as in a real create reply
 * (Stack Overflow 61813032: name, contentType, contentLength, redacted, uploaded, createdAt, updatedAt, context),
 * `links.self`, and `links.related` (the download URL: S-OAS GetAttachmentsByIdResponses; for a registered
 * externalUrl the URL itself, newest docs) once there is something to download.
 */
import type { AttachmentBucket } from './attachment-bucket.ts';
import { rel, type ResourceObject } from './json-api.ts';
import type { AttachmentRecord } from './records.ts';

export function renderAttachment(a: AttachmentRecord, bucket: AttachmentBucket, origin: string, now: Date): ResourceObject & { links: Record<string, string> } {
  const related = a.externalUrl ?? (a.uploaded ? bucket.downloadUrl(origin, a, now) : null);
  return {
    type: 'attachment',
    id: a.id,
    attributes: {
      name: a.name,
      contentType: a.contentType,
      contentLength: a.contentLength,
      redacted: false,
      uploaded: a.uploaded,
      createdAt: a.createdAt,
      updatedAt: a.updatedAt,
      context: 'attachment',
    },
    relationships: {
      org: rel('org', a.orgId, `/v1/orgs/${a.orgId}`),
      ...(a.attachedTo ? { [a.attachedTo.type]: rel(a.attachedTo.type, a.attachedTo.id, `/v1/${a.attachedTo.type}s/${a.attachedTo.id}`) } : {}),
    },
    links: { self: `/v1/attachments/${a.id}`, ...(related ? { related } : {}) },
  };
}

/** `meta` of a record still waiting for its bytes: a fresh upload form (GET repeats it, as S-OAS shows `meta.upload` there too). */
export function uploadMeta(a: AttachmentRecord, bucket: AttachmentBucket, origin: string, now: Date) {
  return a.uploaded ? {} : { meta: { provider: 's3', upload: bucket.uploadForm(origin, a, now) } };
}
