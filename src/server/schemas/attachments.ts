/** Attachments as the API shows and accepts them. */
import { z } from '@hono/zod-openapi';

export const AttachmentSchema = z
  .object({
    id: z.uuid(),
    name: z.string().openapi({ description: 'The file name as stored: no path, control or direction characters', example: 'screenshot.png' }),
    size: z.int().openapi({ description: 'Bytes' }),
    contentType: z.string().openapi({
      description:
        'Detected from the bytes, never taken from the name: a signature, else text/plain (UTF-8 text without NUL bytes), else application/octet-stream',
      example: 'image/png',
    }),
    sha256: z.string().openapi({ description: 'Hex SHA-256 of the bytes (also the download ETag)' }),
    createdAt: z.string(),
    url: z.string().openapi({ description: 'Download (GET): same role checks as the entry it belongs to', example: '/api/v1/attachments/0b6a…' }),
    inline: z.boolean().openapi({ description: 'Whether the download is shown in place (PNG, JPEG, GIF, WebP, PDF) rather than saved' }),
  })
  .openapi('Attachment');
export type Attachment = z.infer<typeof AttachmentSchema>;

/** What a new request or a comment may carry: ids of the caller's own uploads not sent yet. */
export const AttachmentIdsSchema = z.array(z.uuid()).max(100).openapi({
  description:
    'Ids from POST /uploads (yours, not sent yet), attached in the same transaction as what they come with; at most ATTACHMENTS_PER_COMMENT (10) and within the per-request total, else 422 and nothing is written',
});

export const UploadQuery = z.object({
  name: z
    .string()
    .min(1)
    .max(1024)
    .openapi({
      param: { name: 'name', in: 'query' },
      description: 'The file name; path separators, control and direction characters are removed',
      example: 'screenshot.png',
    }),
});
