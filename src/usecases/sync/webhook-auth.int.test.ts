/**
 * Status sync against the emulator in its realistic defaults: deliveries in the recorded envelope and NOT signed
 * (X-Kustomer-Webhook-Signature is unconfirmed). Bridgedesk authenticates them by the secret header it set on the
 * webhook; forged deliveries are refused; the secret rotates with old and new accepted during the grace; an update
 * that only touches Kustomer's bookkeeping fields changes nothing on the request.
 */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ALL_ROLES } from '../../connectors/kustomer/emulator/index.ts';
import type { TestApp } from '../../../test/support/test-app.ts';
import { syncStack } from '../../../test/support/sync-stack.ts';
import { escalateUntilLinked } from '../../../test/support/escalate-until-linked.ts';

let app: TestApp | null = null;
let appStart = 0;
/** How far a test moved the app's clock. */
const advanced = () => (app ? app.clock.now.getTime() - appStart : 0);
// Kustomer's clock runs in real time plus whatever a test advanced the app's clock by, so moving past the rotation's
// grace keeps its deliveries fresh, and its updatedAt still moves on every change.
const { emulator, demo, t, admin, agent, requester, connect, settled, statusOf } = await syncStack({
  now: () => new Date(Date.now() + advanced()),
  onApp: (created) => {
    app = created;
    appStart = created.clock.now.getTime();
  },
});
const SECRET_HEADER = 'x-bridgedesk-webhook-secret';
let path = '';

beforeAll(async () => {
  path = new URL((await connect({ inbound: true, outbound: false, pollMinutes: 0 }, 3)).webhook.url).pathname;
});
afterEach(async () => {
  await emulator.control.webhooks.idle();
  await settled();
});

const timeline = async (id: string) => (await t.api(agent, 'GET', `/api/v1/requests/${id}/timeline`)).body.items as { type: string }[];
const eventCount = async () => (await t.db.selectFrom('destination_events').select('id').execute()).length;
const resolved = (id: string) => t.waitFor(async () => (await statusOf(id)) === 'resolved' || undefined);
const view = async () => (await t.api(admin, 'GET', '/api/v1/integrations/kustomer/sync')).body;
const hookRecord = () => emulator.control.webhooks.list('acme')[0]!.attributes as { enabled: boolean; headers: { name: string; value: string }[] };

async function linkedRequest() {
  const { request: r, conversationId } = await escalateUntilLinked(t, agent, { title: 'Webhook auth', requesterId: requester.id, queueId: demo.queues.vip.id });
  await emulator.control.webhooks.idle();
  await settled();
  return { requestId: r.id as string, conversationId };
}

let seq = 0;
/** A conversation.update in the recorded envelope (partition = org id, no orgName), dated now on the shared clock. */
function update(conversationId: string) {
  const at = t.clock.now.toISOString();
  // Newer than anything Kustomer's clock stamped so far.
  const updatedAt = new Date(Date.now() + advanced() + 60_000 + ++seq).toISOString();
  return JSON.stringify({
    id: `evt-auth-${seq}-${Date.now()}`,
    name: 'kustomer.conversation.update',
    org: demo.org.id,
    partition: demo.org.id,
    data: { type: 'conversation', id: conversationId, attributes: { status: 'done', createdAt: at, updatedAt } },
    createdAt: at,
    persist: true,
    changes: { attributes: { status: { op: 'replace', before: 'open', after: 'done' }, rev: { op: 'replace', before: 1, after: 2 } }, relationships: {} },
  });
}
const post = async (body: string, headers: Record<string, string> = {}) => {
  const res = await t.raw(path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-kustomer-webhook-event': 'kustomer.conversation.update', ...headers },
    body,
  });
  return { status: res.status, body: await res.json() };
};

describe('webhook authenticity with Kustomer signing off', () => {
  it('subscribes the webhook with a secret header, and status changes made in Kustomer reach the request though no delivery is signed', async () => {
    const secret = (await view()).webhook.secretHeader;
    expect(secret).toMatchObject({ name: 'X-Bridgedesk-Webhook-Secret', value: expect.stringMatching(/^[\w-]{40,}$/) });
    expect(hookRecord().headers).toEqual([{ name: 'X-Bridgedesk-Webhook-Secret', value: secret.value }]);
    const { requestId, conversationId } = await linkedRequest();
    const seen = emulator.control.webhooks.deliveries().length;
    emulator.control.changeConversation({ org: 'acme', id: conversationId, status: 'done' });
    await resolved(requestId);
    const sent = emulator.control.webhooks.deliveries().slice(seen);
    expect(sent.length).toBeGreaterThan(0);
    expect(sent.map((d) => [d.signature, d.httpStatus])).toEqual(sent.map(() => [null, 202]));
  });

  it('refuses forged deliveries with 401 and stores nothing: no secret header, a wrong one, an empty one, or a bad signature', async () => {
    const { requestId, conversationId } = await linkedRequest();
    const before = await eventCount();
    const { value } = (await view()).webhook.secretHeader;
    const forged: Record<string, string>[] = [
      {},
      { [SECRET_HEADER]: 'not-the-secret' },
      { [SECRET_HEADER]: '' },
      { [SECRET_HEADER]: value.slice(0, -1) },
      { 'x-kustomer-webhook-signature': 'f'.repeat(64) },
    ];
    for (const headers of forged) {
      const r = await post(update(conversationId), headers);
      expect(r.status, JSON.stringify(headers)).toBe(401);
      expect(r.body).toEqual({ error: { code: 'unauthenticated', message: 'Webhook not accepted' } });
    }
    expect(await eventCount()).toBe(before);
    expect(await statusOf(requestId)).not.toBe('resolved');
    expect((await post(update(conversationId), { [SECRET_HEADER]: value })).status).toBe(202);
    await resolved(requestId);
  });

  it('rotates the secret without downtime: Kustomer gets the new header, the old one is accepted for 24 hours, then refused', async () => {
    const old = (await view()).webhook.secretHeader.value as string;
    const rotated = await t.api(admin, 'POST', '/api/v1/integrations/kustomer/sync/rotate-webhook-secret');
    expect(rotated.status, JSON.stringify(rotated.body)).toBe(200);
    const fresh = rotated.body.webhook.secretHeader.value as string;
    expect(fresh).not.toBe(old);
    expect(rotated.body.webhook.secretRotatedAt).toBe(t.clock.now.toISOString());
    expect(rotated.body.webhook.previousSecretValidUntil).toBe(new Date(t.clock.now.getTime() + 24 * 3_600_000).toISOString());
    expect(hookRecord().headers).toEqual([{ name: 'X-Bridgedesk-Webhook-Secret', value: fresh }]);

    // Kustomer's own deliveries now carry the new secret and are taken.
    const a = await linkedRequest();
    emulator.control.changeConversation({ org: 'acme', id: a.conversationId, status: 'done' });
    await resolved(a.requestId);
    // A delivery sent before the change reached Kustomer still carries the old secret: accepted during the grace.
    const b = await linkedRequest();
    expect((await post(update(b.conversationId), { [SECRET_HEADER]: old })).status).toBe(202);
    await resolved(b.requestId);

    t.clock.advance(24 * 3_600_000 + 60_000);
    const c = await linkedRequest();
    const before = await eventCount();
    expect((await post(update(c.conversationId), { [SECRET_HEADER]: old })).status).toBe(401);
    expect(await eventCount()).toBe(before);
    expect((await view()).webhook.previousSecretValidUntil).toBeNull();
    expect((await post(update(c.conversationId), { [SECRET_HEADER]: fresh })).status).toBe(202);
    await resolved(c.requestId);
  });

  it('rotates by subscribing the URL anew when Kustomer refuses to update the webhook (the key lacks the update role)', async () => {
    const limited = emulator.control.createApiKey({ org: 'acme', roles: ALL_ROLES.filter((r) => r !== 'org.permission.outbound_webhook.update') });
    expect((await t.api(admin, 'PUT', '/api/v1/integrations/kustomer', { orgName: 'acme', apiKey: limited.key })).status).toBe(200);
    const before = emulator.control.webhooks.list('acme');
    const rotated = await t.api(admin, 'POST', '/api/v1/integrations/kustomer/sync/rotate-webhook-secret');
    expect(rotated.status, JSON.stringify(rotated.body)).toBe(200);
    const after = emulator.control.webhooks.list('acme');
    expect(after).toHaveLength(1);
    expect(after[0]!.id).not.toBe(before[0]!.id);
    expect(hookRecord().headers).toEqual([{ name: 'X-Bridgedesk-Webhook-Secret', value: rotated.body.webhook.secretHeader.value }]);
    const { requestId, conversationId } = await linkedRequest();
    emulator.control.changeConversation({ org: 'acme', id: conversationId, status: 'done' });
    await resolved(requestId);
    expect((await t.api(admin, 'PUT', '/api/v1/integrations/kustomer', { orgName: 'acme', apiKey: demo.apiKey })).status).toBe(200);
  });

  it('is for admins to rotate', async () => {
    expect((await t.api(agent, 'POST', '/api/v1/integrations/kustomer/sync/rotate-webhook-secret')).status).toBe(403);
  });
});

describe('the recorded webhook envelope', () => {
  it('an update in Kustomer that touches only bookkeeping fields changes nothing on the request: no timeline entry, no status change', async () => {
    const { requestId, conversationId } = await linkedRequest();
    // The status change's own delivery is lost, so the request is still "new" while Kustomer says done.
    emulator.control.webhooks.dropNext(1);
    emulator.control.changeConversation({ org: 'acme', id: conversationId, status: 'done' });
    await emulator.control.webhooks.idle();
    const seen = emulator.control.webhooks.deliveries().length;
    t.clock.advance(1_000);
    emulator.control.changeConversation({ org: 'acme', id: conversationId });
    await emulator.control.webhooks.idle();
    const [touch] = emulator.control.webhooks.deliveries().slice(seen);
    const body = touch!.body as {
      partition: string;
      orgName?: string;
      changes: { attributes: Record<string, unknown> };
      data: { attributes: { status: string } };
    };
    expect(body.partition).toBe(demo.org.id);
    expect(body.orgName).toBeUndefined();
    expect(Object.keys(body.changes.attributes).sort()).toEqual(['modifiedAt', 'rev', 'updatedAt']);
    expect(body.data.attributes.status).toBe('done');
    expect(touch!.httpStatus).toBe(202);
    await settled();
    expect(await statusOf(requestId)).toBe('new');
    expect((await timeline(requestId)).filter((e) => e.type.startsWith('sync.status'))).toEqual([]);
  });
});
