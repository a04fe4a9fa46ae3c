/**
 * Kustomer's attachment shapes (zod), shared by the client and the emulator (docs/kustomer.md §21, §36, §37).
 *
 * POST /v1/attachments {name, contentType, contentLength} answers 201 with the attachment record and a presigned S3
 * POST form in `meta.upload` ({url, fields}); the bytes go to that URL as multipart/form-data, every field first and
 * the file last under the name "file"; a message or note then references the record's id. A real reply (2020,
 * quoted on Stack Overflow question 61813032 by an answerer showing Kustomer's output) carries `meta.provider: "s3"`,
 * fields key/acl/Content-Type/X-Amz-Meta-Attachment-Id/bucket/X-Amz-Algorithm/X-Amz-Credential/X-Amz-Date/Policy/
 * X-Amz-Signature, and attributes name/contentType/contentLength/redacted/uploaded (false)/createdAt/updatedAt/context.
 * Reads (GET /v1/attachments/{id}, GET /v1/messages/{id}/attachments/{id}) add `links.related`, the download URL
 * (S-OAS GetAttachmentsByIdResponses; documented only).
 */
import { z } from 'zod';
import { KustomerId, resource, single } from './wire.ts';

export const CreateAttachmentBody = z.strictObject({
  name: z.string().min(1).max(1024),
  contentType: z.string().min(1).max(255),
  contentLength: z.number().int().nonnegative(),
  /** Registers a file hosted elsewhere instead of uploading (newest docs only); Bridgedesk never sends it. */
  externalUrl: z.url({ protocol: /^https$/ }).optional(),
});
export type CreateAttachmentBody = z.infer<typeof CreateAttachmentBody>;

export const AttachmentAttributes = z.looseObject({
  name: z.string(),
  contentType: z.string(),
  contentLength: z.number(),
  redacted: z.boolean().optional(),
  /** false until the bytes reached the upload URL (recorded false on a fresh record). */
  uploaded: z.boolean().optional(),
  createdAt: z.string().optional(),
});

/** The presigned S3 POST form: every field goes into the form as is, before the file. */
export const UploadForm = z.looseObject({ url: z.url(), fields: z.record(z.string(), z.string()) });
export type UploadForm = z.infer<typeof UploadForm>;

export const AttachmentResource = resource('attachment', AttachmentAttributes).extend({
  links: z.looseObject({ self: z.string().optional(), related: z.string().optional() }).optional(),
});
export type AttachmentResource = z.infer<typeof AttachmentResource>;

const AttachmentMeta = z.looseObject({ upload: UploadForm.optional() }).optional();

/** POST /v1/attachments (201) and GET /v1/attachments/{id} (200): one record, with a form while it is not uploaded. */
export const AttachmentResponse = single(AttachmentResource).extend({ meta: AttachmentMeta });

/** GET /v1/attachments/{id1},{id2}: "a comma-delimited list of IDs to receive an array" (S-OAS); one id gives one. */
export const AttachmentsResponse = z.looseObject({ data: z.union([AttachmentResource, z.array(AttachmentResource)]) });

/** The ids a message or note references: relationships.attachments.data (S-OAS message shape; assumed for notes). */
export function attachmentIdsOf(relationships: Record<string, { data?: unknown } | undefined> | undefined): string[] {
  const data = relationships?.attachments?.data;
  if (!Array.isArray(data)) return [];
  return data.flatMap((d) => (d && typeof d === 'object' && 'id' in d && typeof d.id === 'string' && KustomerId.safeParse(d.id).success ? [d.id] : []));
}
