/**
 * Kustomer's outbound webhook that status sync subscribes (docs/kustomer.md §16): create it with Bridgedesk's secret
 * header, read its state, re-enable it or change its secret, delete it.
 */
import { ConnectorError } from '../kit/errors.ts';
import type { KustomerClient } from './client.ts';
import { PERM } from './roles.ts';
import { SECRET_HEADER, WEBHOOK_EVENTS } from './webhook.ts';
import * as W from './wire.ts';

const path = (remoteId: string) => `/v1/outbound-webhooks/${encodeURIComponent(remoteId)}`;

/**
 * POST /v1/outbound-webhooks with Bridgedesk's secret as a custom header (documented: `headers` on the create
 * body, developer.kustomer.com docs/events/outbound-webhooks). The reply's token is the key of the (unconfirmed)
 * signature, kept as a second way to authenticate deliveries.
 */
export async function subscribe(client: KustomerClient, url: string, secret: string): Promise<{ remoteId: string; signingKey: string | null }> {
  const body: W.CreateWebhookBody = { name: 'Bridgedesk status sync', url, events: WEBHOOK_EVENTS, headers: [{ name: SECRET_HEADER, value: secret }] };
  const r = await client.request(W.WebhookResponse, { method: 'POST', path: '/v1/outbound-webhooks', body, permission: PERM.webhookCreate });
  return { remoteId: r.data.id, signingKey: r.data.attributes.token ?? null };
}

/**
 * GET /v1/outbound-webhooks/{id} (documented); null when it is gone (404). `enabled: false` with `isError: true`
 * is how Kustomer shows a webhook it disabled after failed deliveries (docs.digitalgenius.com; field names:
 * MeltanoLabs/tap-kustomer outbound_webhooks.json). Documented, not recorded.
 */
export async function getSubscription(client: KustomerClient, remoteId: string) {
  const r = await client.lookup(W.WebhookResponse, path(remoteId));
  if (!r) return null;
  const a = r.data.attributes;
  return { remoteId: r.data.id, enabled: a.enabled !== false, failing: a.isError === true, changedAt: a.updatedAt ?? null };
}

/** PUT /v1/outbound-webhooks/{id} (ASSUMED endpoint, see wire.ts UpdateWebhookBody): re-enable it and/or set the secret header. */
export async function updateSubscription(client: KustomerClient, remoteId: string, change: { enabled?: true; secret?: string }): Promise<void> {
  const body: W.UpdateWebhookBody = {
    ...(change.enabled ? { enabled: true } : {}),
    ...(change.secret !== undefined ? { headers: [{ name: SECRET_HEADER, value: change.secret }] } : {}),
  };
  await client.request(W.WebhookResponse, { method: 'PUT', path: path(remoteId), body });
}

/** DELETE /v1/outbound-webhooks/{id}; one already gone is fine. */
export async function unsubscribe(client: KustomerClient, remoteId: string): Promise<void> {
  try {
    await client.send({ method: 'DELETE', path: path(remoteId), permission: PERM.webhookDelete });
  } catch (err) {
    if (!(err instanceof ConnectorError && err.status === 404)) throw err;
  }
}
