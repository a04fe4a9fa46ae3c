/**
 * Outbound webhook subscriptions (docs/kustomer.md §16, §18). The create reply carries `attributes.token`, the
 * signing secret. Create answers 201 (200 or 201 is unknown, [I]); delete answers 204. At most 5 webhooks per org
 * (H-OWH) and 12 events per webhook (A-OWH-LIST; the wire schema checks that). PUT changes the given fields
 * (assumed endpoint, see wire.ts UpdateWebhookBody); enabling a webhook Kustomer disabled clears `isError` and
 * its failure count.
 */
import { randomBytes } from 'node:crypto';
import type { Hono } from 'hono';
import { CreateWebhookBody, UpdateWebhookBody } from '../../wire.ts';
import { requireRole, type ApiContext, type ApiEnv } from '../api-env.ts';
import type { EmulatorDeps } from '../emulator-deps.ts';
import { kustomerError } from '../kustomer-error.ts';
import { created } from '../object-id.ts';
import type { WebhookRecord } from '../records.ts';
import { renderWebhook } from '../render-directory.ts';
import { readJsonBody } from '../request-body.ts';
import { REQUIRED } from '../required-roles.ts';
import { findInOrg, inOrg } from '../store.ts';

export const WEBHOOK_EVENTS: readonly string[] = ['conversation', 'customer', 'message', 'team', 'user'].flatMap((o) => [
  `kustomer.${o}.create`,
  `kustomer.${o}.update`,
]);
export const MAX_WEBHOOKS_PER_ORG = 5;

function checkEvents(events: readonly string[] | undefined): void {
  events?.forEach((e, i) => {
    if (!WEBHOOK_EVENTS.includes(e)) throw kustomerError(400, `unknown event "${e}"`, { pointer: `/events/${i}` });
  });
}

export function registerWebhookRoutes(app: Hono<ApiEnv>, deps: EmulatorDeps): void {
  const { store } = deps;
  const hookOf = (c: ApiContext) => {
    const hook = findInOrg(store.webhooks, c.var.auth.org.id, c.req.param('id') ?? '');
    if (!hook) throw kustomerError(404, `outbound webhook ${c.req.param('id')} not found`);
    return hook;
  };

  app.post('/v1/outbound-webhooks', async (c) => {
    requireRole(c, REQUIRED.webhookCreate);
    const body = readJsonBody(c, CreateWebhookBody);
    const org = c.var.auth.org;
    checkEvents(body.events);
    if (inOrg(store.webhooks, org.id).length >= MAX_WEBHOOKS_PER_ORG)
      throw kustomerError(400, `an org can have at most ${MAX_WEBHOOKS_PER_ORG} outbound webhooks`);
    const hook: WebhookRecord = {
      ...created(deps),
      orgId: org.id,
      name: body.name,
      url: body.url,
      events: [...body.events],
      headers: body.headers ?? [],
      token: randomBytes(32).toString('hex'),
      enabled: true,
      isError: false,
      consecutiveFailures: 0,
    };
    store.webhooks.set(hook.id, hook);
    return c.json({ data: renderWebhook(hook) }, 201);
  });

  app.get('/v1/outbound-webhooks', (c) => {
    requireRole(c, REQUIRED.webhookRead);
    const data = inOrg(store.webhooks, c.var.auth.org.id).map(renderWebhook);
    return c.json({
      data,
      meta: { page: 1, pageSize: data.length },
      links: { self: '/v1/outbound-webhooks', first: '/v1/outbound-webhooks', prev: null, next: null },
    });
  });

  app.get('/v1/outbound-webhooks/events', (c) => {
    requireRole(c, REQUIRED.webhookRead);
    return c.json({ data: WEBHOOK_EVENTS.map((name) => ({ type: 'outbound_webhook_event', id: name, attributes: { name } })) });
  });

  app.get('/v1/outbound-webhooks/:id', (c) => {
    requireRole(c, REQUIRED.webhookRead);
    return c.json({ data: renderWebhook(hookOf(c)) });
  });

  app.put('/v1/outbound-webhooks/:id', async (c) => {
    requireRole(c, REQUIRED.webhookUpdate);
    const body = readJsonBody(c, UpdateWebhookBody);
    const hook = hookOf(c);
    checkEvents(body.events);
    if (body.name !== undefined) hook.name = body.name;
    if (body.url !== undefined) hook.url = body.url;
    if (body.events !== undefined) hook.events = [...body.events];
    if (body.headers !== undefined) hook.headers = body.headers.map((h) => ({ ...h }));
    if (body.enabled !== undefined) {
      hook.enabled = body.enabled;
      if (body.enabled) {
        hook.isError = false;
        hook.consecutiveFailures = 0;
      }
    }
    hook.updatedAt = deps.now().toISOString();
    return c.json({ data: renderWebhook(hook) });
  });

  app.delete('/v1/outbound-webhooks/:id', (c) => {
    requireRole(c, REQUIRED.webhookDelete);
    store.webhooks.delete(hookOf(c).id);
    return c.body(null, 204);
  });
}
