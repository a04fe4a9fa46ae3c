/**
 * Attachments through the API (docs/kustomer.md §21, §36, §37): POST /v1/attachments (201, the record and its
 * presigned upload form), GET /v1/attachments/{id[,id…]} and GET /v1/messages/{id}/attachments/{id} (the record with
 * its download URL in links.related). Roles as S-OAS lists them: note.create or message.create to create,
 * attachment.read to read.
 */
import type { Hono } from 'hono';
import { CreateAttachmentBody } from '../../attachment-wire.ts';
import { actorOf, requireRole, type ApiContext, type ApiEnv } from '../api-env.ts';
import { createAttachment } from '../attachment-writes.ts';
import type { EmulatorDeps } from '../emulator-deps.ts';
import { kustomerError } from '../kustomer-error.ts';
import { renderAttachment, uploadMeta } from '../render-attachment.ts';
import { readJsonBody } from '../request-body.ts';
import { REQUIRED } from '../required-roles.ts';
import { findInOrg } from '../store.ts';

export function registerAttachmentRoutes(app: Hono<ApiEnv>, deps: EmulatorDeps): void {
  const { store, bucket } = deps;
  const origin = (c: ApiContext) => new URL(c.req.url).origin;
  const render = (c: ApiContext, id: string) => {
    const a = findInOrg(store.attachments, c.var.auth.org.id, id);
    if (!a) throw kustomerError(404, `attachment ${id} not found`, { parameter: 'id' });
    return a;
  };

  app.post('/v1/attachments', (c) => {
    requireRole(c, REQUIRED.attachmentCreate);
    const a = createAttachment(deps, actorOf(c), readJsonBody(c, CreateAttachmentBody));
    const now = deps.now();
    return c.json({ data: renderAttachment(a, bucket, origin(c), now), ...uploadMeta(a, bucket, origin(c), now) }, 201);
  });

  app.get('/v1/attachments/:ids', (c) => {
    requireRole(c, REQUIRED.attachmentRead);
    const ids = (c.req.param('ids') ?? '').split(',').filter(Boolean);
    const now = deps.now();
    const found = ids.map((id) => render(c, id));
    if (found.length === 1) return c.json({ data: renderAttachment(found[0]!, bucket, origin(c), now), ...uploadMeta(found[0]!, bucket, origin(c), now) });
    return c.json({ data: found.map((a) => renderAttachment(a, bucket, origin(c), now)) });
  });

  app.get('/v1/messages/:mid/attachments/:id', (c) => {
    requireRole(c, REQUIRED.attachmentRead);
    const mid = c.req.param('mid') ?? '';
    const a = render(c, c.req.param('id') ?? '');
    if (a.attachedTo?.type !== 'message' || a.attachedTo.id !== mid) throw kustomerError(404, `attachment ${a.id} not found on message ${mid}`);
    return c.json({ data: renderAttachment(a, bucket, origin(c), deps.now()) });
  });
}
