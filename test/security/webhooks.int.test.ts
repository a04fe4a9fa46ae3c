/**
 * Kustomer webhooks (docs/features/status-sync.md): a delivery must come to the connection's secret URL and, when
 * Kustomer gave a signing token, carry X-Kustomer-Webhook-Signature (hex HMAC-SHA256 of the raw body). Forged or
 * unsigned deliveries and unknown URLs get the same 401 and store nothing; an event older than two hours is refused
 * (400); a repeated event id is accepted once and applied once. A connection's URL writes only for that connection:
 * after reconnecting to another Kustomer org, the old org's webhook URL and signing key open nothing.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { seedDemoOrg, serveEmulator, signWebhookBody } from '../../src/connectors/kustomer/emulator/index.ts';
import { createTestApp } from '../support/test-app.ts';
import { escalateUntilLinked } from '../support/escalate-until-linked.ts';

let app: Awaited<ReturnType<typeof createTestApp>> | null = null;
const emulator = await serveEmulator({
  port: 0,
  // Kustomer's webhook deliveries reach the in-process app: the URL's path is what routes them.
  deliver: async (url, init) => (app ? app.raw(new URL(url).pathname, init) : new Response(null, { status: 503 })),
});
afterAll(() => emulator.close());
const acme = seedDemoOrg(emulator.control, { name: 'acme' });
const globex = seedDemoOrg(emulator.control, { name: 'globex' });
for (const org of ['acme', 'globex']) emulator.control.updateOrg(org, { rateLimitPerMinute: 100_000 });
const t = await createTestApp({ KUSTOMER_BASE_URL: emulator.url, BRIDGEDESK_PUBLIC_URL: 'https://desk.example.com' });
app = t;
const admin = await t.createUser('admin');
const agent = await t.createUser('agent');
const requester = await t.createUser('requester');
const integration = '/api/v1/integrations/kustomer';

/** The connection's webhook URL (path only) and signing key, as Kustomer knows them. */
async function webhook() {
  const view = (await t.api(admin, 'GET', `${integration}/sync`)).body;
  const row = await t.db.selectFrom('destination_connections').select('webhook_signing_key_encrypted').executeTakeFirstOrThrow();
  return {
    path: new URL(view.webhook.url).pathname,
    signingKey: t.secrets.open(row.webhook_signing_key_encrypted!),
    subscribed: view.webhook.subscribed as boolean,
  };
}

async function connect(org: 'acme' | 'globex') {
  const demo = org === 'acme' ? acme : globex;
  expect((await t.api(admin, 'PUT', integration, { orgName: org, apiKey: demo.apiKey })).status).toBe(200);
  expect((await t.api(admin, 'PATCH', integration, { queues: [{ remoteId: demo.queues.vip.id, enabled: true }] })).status).toBe(200);
  // Inbound only: nothing Bridgedesk pushes back can muddy what the webhook alone did.
  const sync = await t.api(admin, 'PUT', `${integration}/sync`, { inbound: true, outbound: false, pollMinutes: 0 });
  expect(sync.status, JSON.stringify(sync.body)).toBe(200);
  return webhook();
}

async function linkedRequest(org: 'acme' | 'globex') {
  const demo = org === 'acme' ? acme : globex;
  const { request: r, conversationId } = await escalateUntilLinked(t, agent, {
    title: `Webhook target in ${org}`,
    requesterId: requester.id,
    queueId: demo.queues.vip.id,
  });
  await emulator.control.webhooks.idle();
  await settled();
  return { requestId: r.id as string, conversationId };
}

let seq = 0;
/** A conversation.update event as Kustomer sends it, by default "marked done just now" (on the app's clock). */
function event(conversationId: string, o: { id?: string; status?: string; createdAt?: Date; org?: string } = {}) {
  const at = (o.createdAt ?? t.clock.now).toISOString();
  const updatedAt = new Date(Date.now() + 3_600_000 + ++seq * 1000).toISOString();
  return JSON.stringify({
    id: o.id ?? `evt-${Date.now()}-${seq}`,
    name: 'kustomer.conversation.update',
    org: o.org ?? acme.org.id,
    orgName: 'acme',
    createdAt: at,
    data: { type: 'conversation', id: conversationId, attributes: { status: o.status ?? 'done', createdAt: at, updatedAt } },
  });
}

async function post(path: string, body: string, signature?: string) {
  const headers: Record<string, string> = { 'content-type': 'application/json', 'x-kustomer-webhook-event': 'kustomer.conversation.update' };
  if (signature !== undefined) headers['x-kustomer-webhook-signature'] = signature;
  const res = await t.raw(path, { method: 'POST', headers, body });
  return { status: res.status, body: await res.json() };
}

const eventCount = async () =>
  Number(
    (
      await t.db
        .selectFrom('destination_events')
        .select((eb) => eb.fn.countAll().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );
const statusOf = async (id: string) => (await t.api(agent, 'GET', `/api/v1/requests/${id}`)).body.status as string;
const received = async (id: string) =>
  ((await t.api(agent, 'GET', `/api/v1/requests/${id}/timeline`)).body.items as { type: string }[]).filter((e) => e.type === 'sync.status_received');
/** Every stored event processed: what will be applied has been. */
const settled = () =>
  t.waitFor(
    async () => (await t.db.selectFrom('destination_events').select('id').where('processed_at', 'is', null).executeTakeFirst()) === undefined || undefined,
  );

let hook: Awaited<ReturnType<typeof webhook>>;
beforeAll(async () => {
  await t.startWorker({ concurrency: 3 });
  hook = await connect('acme');
  expect(hook.subscribed).toBe(true);
});
afterEach(async () => {
  await emulator.control.webhooks.idle();
  await settled();
});

describe('webhook deliveries', () => {
  it('refuses a forged signature with 401 and stores nothing', async () => {
    const { requestId, conversationId } = await linkedRequest('acme');
    const before = await eventCount();
    const body = event(conversationId);
    for (const signature of ['deadbeef', signWebhookBody(body, 'not-the-signing-key'), signWebhookBody(`${body} `, hook.signingKey), 'x'.repeat(64)]) {
      const r = await post(hook.path, body, signature);
      expect(r.status, signature).toBe(401);
      expect(r.body).toEqual({ error: { code: 'unauthenticated', message: 'Webhook not accepted' } });
    }
    expect(await eventCount()).toBe(before);
    expect(await statusOf(requestId)).not.toBe('resolved');
  });

  it('refuses a delivery without a signature (or an empty one) with 401 and stores nothing', async () => {
    const { requestId, conversationId } = await linkedRequest('acme');
    const before = await eventCount();
    expect((await post(hook.path, event(conversationId))).status).toBe(401);
    expect((await post(hook.path, event(conversationId), '')).status).toBe(401);
    expect(await eventCount()).toBe(before);
    expect(await statusOf(requestId)).not.toBe('resolved');
  });

  it('answers a wrong secret URL with the same 401 as a bad signature, even with a valid signature, and stores nothing', async () => {
    const { conversationId } = await linkedRequest('acme');
    const before = await eventCount();
    const body = event(conversationId);
    const good = signWebhookBody(body, hook.signingKey);
    const token = hook.path.split('/').pop()!;
    const base = hook.path.slice(0, -token.length);
    for (const wrong of [`${base}not-the-token-at-all`, `${base}${token.slice(0, -1)}`, `${base}${token}x`, `${base}${token.toUpperCase()}`]) {
      const r = await post(wrong, body, good);
      expect(r.status, wrong).toBe(401);
      expect(r.body).toEqual({ error: { code: 'unauthenticated', message: 'Webhook not accepted' } });
    }
    expect(await eventCount()).toBe(before);
  });

  it('applies a replayed event once: the same event id twice is accepted, then answered "duplicate", and changes the request once', async () => {
    const { requestId, conversationId } = await linkedRequest('acme');
    const body = event(conversationId, { status: 'done' });
    const signature = signWebhookBody(body, hook.signingKey);
    expect(await post(hook.path, body, signature)).toEqual({ status: 202, body: { status: 'accepted' } });
    expect(await post(hook.path, body, signature)).toEqual({ status: 202, body: { status: 'duplicate' } });
    await settled();
    expect(await post(hook.path, body, signature)).toEqual({ status: 202, body: { status: 'duplicate' } });
    await settled();
    expect(await statusOf(requestId)).toBe('resolved');
    expect(await received(requestId)).toHaveLength(1);
  });

  it('refuses a stale event (created more than two hours ago) with 400, even correctly signed, and stores nothing', async () => {
    const { requestId, conversationId } = await linkedRequest('acme');
    const before = await eventCount();
    for (const age of [2 * 3_600_000 + 1000, 3 * 3_600_000, 30 * 86_400_000]) {
      const body = event(conversationId, { createdAt: new Date(t.clock.now.getTime() - age) });
      const r = await post(hook.path, body, signWebhookBody(body, hook.signingKey));
      expect(r.status, `${age} ms old`).toBe(400);
      expect(r.body.error.message).toMatch(/too old/);
    }
    expect(await eventCount()).toBe(before);
    expect(await statusOf(requestId)).not.toBe('resolved');
  });

  it('refuses an event dated more than 5 minutes ahead with 400, even correctly signed, and takes one a minute ahead', async () => {
    const { requestId, conversationId } = await linkedRequest('acme');
    const before = await eventCount();
    for (const ahead of [5 * 60_000 + 1000, 86_400_000]) {
      const body = event(conversationId, { createdAt: new Date(t.clock.now.getTime() + ahead) });
      const r = await post(hook.path, body, signWebhookBody(body, hook.signingKey));
      expect(r.status, `${ahead} ms ahead`).toBe(400);
      expect(r.body.error.message).toMatch(/dated in the future/);
    }
    expect(await eventCount()).toBe(before);
    expect(await statusOf(requestId)).not.toBe('resolved');
    const skewed = event(conversationId, { createdAt: new Date(t.clock.now.getTime() + 60_000) });
    expect(await post(hook.path, skewed, signWebhookBody(skewed, hook.signingKey))).toEqual({ status: 202, body: { status: 'accepted' } });
  });

  it('refuses a body that is not a Kustomer event, signed or not, with 401', async () => {
    for (const body of ['not json', '{}', JSON.stringify({ id: 'x', name: 'kustomer.conversation.update' })]) {
      expect((await post(hook.path, body, signWebhookBody(body, hook.signingKey))).status).toBe(401);
    }
  });
});

describe("one connection's webhook URL", () => {
  it("cannot write to another connection's requests: after reconnecting to another org, the old URL and signing key open nothing", async () => {
    const old = hook;
    const inAcme = await linkedRequest('acme');
    const switched = await connect('globex');
    expect(switched.subscribed, 'the webhook is set up in the new org').toBe(true);
    expect(switched.path).not.toBe(old.path);
    const inGlobex = await linkedRequest('globex');
    const before = await eventCount();

    // The old org's webhook, still registered in Kustomer, fires on a change there: refused.
    const seen = emulator.control.webhooks.deliveries().length;
    emulator.control.changeConversation({ org: 'acme', id: inAcme.conversationId, status: 'done' });
    await emulator.control.webhooks.idle();
    const acmeDeliveries = emulator.control.webhooks
      .deliveries()
      .slice(seen)
      .filter((d) => d.url.endsWith(old.path) && (d.body as { data?: { id?: string } }).data?.id === inAcme.conversationId);
    expect(acmeDeliveries.length).toBeGreaterThan(0);
    expect(acmeDeliveries.map((d) => d.httpStatus)).toEqual(acmeDeliveries.map(() => 401));
    // Whoever holds the old URL and signing key cannot name the new connection's conversations either.
    const forged = event(inGlobex.conversationId, { org: acme.org.id });
    expect((await post(old.path, forged, signWebhookBody(forged, old.signingKey))).status).toBe(401);
    expect(await eventCount()).toBe(before);
    expect(await statusOf(inAcme.requestId)).not.toBe('resolved');
    expect(await statusOf(inGlobex.requestId)).not.toBe('resolved');

    // The new connection's own URL works.
    emulator.control.changeConversation({ org: 'globex', id: inGlobex.conversationId, status: 'done' });
    await emulator.control.webhooks.idle();
    await t.waitFor(async () => (await statusOf(inGlobex.requestId)) === 'resolved' || undefined);
    hook = switched;
  });
});
