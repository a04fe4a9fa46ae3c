/** Attachments: upload a file (raw bytes, streamed), remove an upload not sent yet, download with safe headers. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Context } from 'hono';
import { contentDisposition, parseRange, servedContentType } from '../../core/attachments.ts';
import { AppError } from '../../core/errors.ts';
import { cutOff, storeUpload, type AttachmentDeps } from '../../usecases/attachments/store-upload.ts';
import { findReadableAttachment, readAttachment } from '../../usecases/attachments/open-attachment.ts';
import { removeUpload } from '../../usecases/attachments/remove-uploads.ts';
import { requireUser } from '../auth/guards.ts';
import type { AppEnv } from '../context.ts';
import { errorBody } from '../errors.ts';
import { cutOffOnError } from '../cut-off-on-error.ts';
import { errors, IdParam, json, router, securedRoute } from '../openapi.ts';
import { AttachmentSchema, UploadQuery } from '../schemas/attachments.ts';

export const attachmentRoutes = router();
const tags = ['Attachments'];
const binary = { 'application/octet-stream': { schema: { type: 'string', format: 'binary' } } } as const;
/** app.ts lets this path's body through unread: its limits are counted here as it streams. */
export const UPLOAD_PATH = '/api/v1/uploads';

const depsOf = (c: Context<AppEnv>): AttachmentDeps => {
  const { db, storage, config, now } = c.var.deps;
  return { db, storage, limits: config.attachments, now };
};

/**
 * The request body as it arrives. On the Node server straight from the socket (no web stream in between), and left
 * open when the reader stops early: a refusal (413, 415) must still be answered on it. A client that goes away
 * midway is a cut-off upload (400), not a server error.
 */
async function* requestBody(c: Context<AppEnv>): AsyncGenerator<Uint8Array> {
  const incoming = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming;
  const source = incoming ? incoming.iterator({ destroyOnReturn: false }) : ((c.req.raw.body ?? []) as AsyncIterable<Uint8Array>);
  try {
    yield* source;
  } catch {
    throw cutOff();
  }
}

attachmentRoutes.openapi(
  securedRoute('user', {
    method: 'post',
    path: '/uploads',
    tags,
    summary: 'Upload a file (the raw bytes as the body) to attach to a new request or a comment',
    description:
      'The body is the file itself, streamed (Content-Length, or chunked); its Content-Type header is ignored: the type is detected from the bytes. ' +
      'The upload is yours and unattached until a POST /requests or POST /requests/{id}/comments names it in `attachmentIds`; ' +
      'unsent uploads are deleted after ATTACHMENTS_UNATTACHED_GRACE_HOURS (24). Refused, with nothing stored: over ATTACHMENT_MAX_BYTES ' +
      '(413, the body is not read further), empty (422), a name whose extension the bytes contradict (415), a name empty once sanitised (400), ' +
      'a body cut off before its end (400).',
    request: {
      query: UploadQuery,
      body: { required: true, content: binary },
    },
    responses: { 201: json(AttachmentSchema, 'Stored, not attached yet'), ...errors(400, 401, 403, 413, 415, 422) },
  }),
  async (c) => {
    const actor = requireUser(c);
    const length = c.req.header('content-length');
    const declaredSize = length !== undefined && c.req.header('transfer-encoding') === undefined ? Number(length) : null;
    if (declaredSize !== null && !Number.isSafeInteger(declaredSize)) throw new AppError('bad_request', 'Content-Length is not a length');
    try {
      const view = await storeUpload(depsOf(c), { uploadedBy: actor.userId, name: c.req.valid('query').name, body: requestBody(c), declaredSize });
      return c.json(view, 201);
    } catch (err) {
      // What is left of a refused body is not read: the connection closes after the answer rather than carry it.
      c.header('connection', 'close');
      throw err;
    }
  },
);

attachmentRoutes.openapi(
  securedRoute('user', {
    method: 'delete',
    path: '/uploads/{id}',
    tags,
    summary: 'Remove an upload you have not sent yet (cancel before sending)',
    description: 'Only the uploader, only while unattached (409 once sent: attachments on the timeline stay). Anyone else gets 404.',
    request: { params: IdParam },
    responses: { 204: { description: 'Removed' }, ...errors(401, 404, 409) },
  }),
  async (c) => {
    const actor = requireUser(c);
    await removeUpload(depsOf(c), actor, c.req.valid('param').id);
    return c.body(null, 204);
  },
);

attachmentRoutes.openapi(
  securedRoute('user', {
    method: 'get',
    path: '/attachments/{id}',
    tags,
    summary: 'Download an attachment (streamed; Range requests answered with 206)',
    description:
      'Whoever may read the entry it belongs to (requesters never get those of internal notes, nor any of requests they cannot see: 404, ' +
      'as for a missing one); an upload not sent yet only its uploader. Shown in place only for PNG, JPEG, GIF, WebP and PDF, otherwise ' +
      'Content-Disposition: attachment; always X-Content-Type-Options: nosniff and a Content-Security-Policy that allows nothing. ' +
      'ETag is the SHA-256 (If-None-Match → 304; If-Range honoured).',
    request: { params: IdParam },
    responses: {
      200: { description: 'The file', content: binary },
      206: { description: 'The requested range', content: binary },
      304: { description: 'Not modified (If-None-Match)' },
      ...errors(401, 404, 416),
    },
  }),
  async (c) => {
    const actor = requireUser(c);
    const deps = depsOf(c);
    const a = await findReadableAttachment(deps, actor, c.req.valid('param').id);
    const { size, sha256, contentType, inline, name } = a.view;
    const etag = `"${sha256}"`;
    const headers: Record<string, string> = {
      'content-type': servedContentType(contentType),
      'content-disposition': contentDisposition(name, inline),
      'x-content-type-options': 'nosniff',
      // A file is data, never a page of ours: nothing it contains may load, run or reach the app's origin.
      'content-security-policy': "default-src 'none'; sandbox",
      'cross-origin-resource-policy': 'same-origin',
      'cache-control': 'private, no-cache',
      'accept-ranges': 'bytes',
      etag,
    };
    const ifNoneMatch = c.req.header('if-none-match');
    if (ifNoneMatch && (ifNoneMatch.trim() === '*' || ifNoneMatch.split(',').some((t) => t.trim().replace(/^W\//, '') === etag))) {
      return c.body(null, 304, { etag, 'cache-control': headers['cache-control']! });
    }
    const ifRange = c.req.header('if-range');
    const range = ifRange === undefined || ifRange.trim() === etag ? parseRange(c.req.header('range'), size) : null;
    if (range === 'unsatisfiable') {
      return c.json(errorBody('range_not_satisfiable', `The file has ${size} bytes: the range asked for starts past its end`), 416, {
        'content-range': `bytes */${size}`,
      });
    }
    const outgoing = (c.env as { outgoing?: ServerResponse } | undefined)?.outgoing;
    const stream = cutOffOnError(await readAttachment(deps, a, range ?? undefined), outgoing, (err) =>
      c.var.deps.log.error({ err, attachmentId: a.view.id }, 'download cut off: the stored file could not be read'),
    );
    if (!range) return c.body(stream, 200, { ...headers, 'content-length': String(size) });
    return c.body(stream, 206, {
      ...headers,
      'content-length': String(range.end - range.start + 1),
      'content-range': `bytes ${range.start}-${range.end}/${size}`,
    });
  },
);
