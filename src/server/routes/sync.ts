/** Status sync: its settings (admin), and the webhook endpoint a destination posts to (secret URL, no session). */
import { createRoute, z } from '@hono/zod-openapi';
import { receiveWebhook } from '../../usecases/sync/receive-event.ts';
import { rotateWebhookSecret, syncView, updateSyncSettings } from '../../usecases/sync/sync-settings.ts';
import { errors, json, jsonBody, ProviderParam, routeProvider, router, securedRoute } from '../openapi.ts';
import type { AppDeps } from '../context.ts';
import { type KustomerSync, SyncSchema } from '../schemas/sync.ts';

export const syncRoutes = router();

const deps = (c: { var: { deps: AppDeps } }) => ({ ...c.var.deps, publicUrl: c.var.deps.config.publicUrl });

syncRoutes.openapi(
  securedRoute('admin', {
    method: 'get',
    path: '/integrations/{provider}/sync',
    tags: ['Integrations'],
    summary: 'Status sync settings, webhook state, last event and last error',
    request: { params: ProviderParam },
    responses: { 200: json(SyncSchema), ...errors(401, 403, 404) },
  }),
  async (c) => c.json((await syncView(deps(c), routeProvider(c))) as KustomerSync, 200),
);

syncRoutes.openapi(
  securedRoute('admin', {
    method: 'put',
    path: '/integrations/{provider}/sync',
    tags: ['Integrations'],
    summary: 'Change status sync: directions, status mappings, polling interval, comment sync (turning inbound on subscribes the webhook)',
    request: { params: ProviderParam, body: jsonBody(z.record(z.string(), z.unknown())) },
    responses: { 200: json(SyncSchema), ...errors(400, 401, 403, 404, 422, 502) },
  }),
  async (c) => c.json((await updateSyncSettings(deps(c), routeProvider(c), c.req.valid('json'))) as KustomerSync, 200),
);

syncRoutes.openapi(
  securedRoute('admin', {
    method: 'post',
    path: '/integrations/{provider}/sync/rotate-webhook-secret',
    tags: ['Integrations'],
    summary: 'Rotate the webhook secret: the destination gets the new secret header; the previous one is accepted for 24 hours more',
    request: { params: ProviderParam },
    responses: { 200: json(SyncSchema), ...errors(401, 403, 404, 409, 422, 502) },
  }),
  async (c) => c.json((await rotateWebhookSecret(deps(c), routeProvider(c))) as KustomerSync, 200),
);

syncRoutes.openapi(
  createRoute({
    method: 'post',
    path: '/webhooks/{provider}/{token}',
    tags: ['Integrations'],
    summary: "A destination's outbound webhook (the secret URL shown in sync settings); answers before processing",
    description:
      'Verified by the secret URL and by the X-Bridgedesk-Webhook-Secret header Bridgedesk set on the webhook (current, or previous during a rotation) or, where the destination signs (Kustomer: X-Kustomer-Webhook-Signature), its signature. Events older than two hours are refused; a repeated event id is accepted once.',
    request: {
      params: ProviderParam.extend({
        token: z
          .string()
          .min(10)
          .max(200)
          .openapi({ param: { name: 'token', in: 'path' } }),
      }),
    },
    responses: { 202: json(z.object({ status: z.enum(['accepted', 'duplicate']) }), 'Stored for processing'), ...errors(400, 401, 404, 413) },
  }),
  async (c) => {
    const status = await receiveWebhook(c.var.deps, routeProvider(c), c.req.valid('param').token, await c.req.text(), c.req.raw.headers);
    return c.json({ status }, 202);
  },
);
