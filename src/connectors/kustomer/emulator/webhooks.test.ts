import { createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { WebhookEvent } from '../wire.ts';
import { createTestEmulator } from './test-emulator.ts';
import { defaultDeliver } from './webhook-dispatcher.ts';

interface Received {
  url: string;
  headers: Record<string, string>;
  body: string;
}

/** An emulator whose deliveries land in `received`; `status` is what the receiver answers. */
function withReceiver(status = 200, opts: { webhookSigning?: boolean; webhookFailuresBeforeDisable?: number } = {}) {
  const received: Received[] = [];
  const receiver = { status };
  const t = createTestEmulator({
    ...opts,
    deliver: async (url, init) => {
      received.push({ url, headers: init.headers as Record<string, string>, body: init.body as string });
      return new Response(null, { status: receiver.status });
    },
  });
  async function subscribe(events = ['kustomer.conversation.create', 'kustomer.conversation.update']) {
    const r = await t.api('POST', '/v1/outbound-webhooks', {
      body: { name: 'Bridgedesk', url: 'https://bridgedesk.example/hooks/kustomer', events, headers: [{ name: 'X-Source', value: 'kustomer' }] },
    });
    expect(r.status).toBe(201);
    return r.body.data as { id: string; attributes: { token: string } };
  }
  const events = () => received.map((r) => JSON.parse(r.body) as WebhookEvent);
  return { ...t, received, receiver, subscribe, events };
}

const sign = (body: string, token: string) => createHmac('sha256', token).update(body).digest('hex');

describe('outbound webhook subscriptions', () => {
  it('creates a webhook whose reply carries the signing token, and lists, gets and deletes it', async () => {
    const t = withReceiver();
    const hook = await t.subscribe();
    expect(hook.attributes.token).toMatch(/^[0-9a-f]{64}$/);
    expect((await t.api('GET', '/v1/outbound-webhooks')).body.data.map((h: { id: string }) => h.id)).toEqual([hook.id]);
    expect((await t.api('GET', `/v1/outbound-webhooks/${hook.id}`)).body.data.attributes.token).toBe(hook.attributes.token);
    const deleted = await t.emulator.fetch(t.request('DELETE', `/v1/outbound-webhooks/${hook.id}`));
    expect(deleted.status).toBe(204);
    expect((await t.api('GET', `/v1/outbound-webhooks/${hook.id}`)).status).toBe(404);
  });

  it('refuses unknown event names and a sixth webhook with 400', async () => {
    const t = withReceiver();
    expect((await t.api('POST', '/v1/outbound-webhooks', { body: { name: 'x', url: 'https://a.example/h', events: ['kustomer.ticket.create'] } })).status).toBe(
      400,
    );
    for (let i = 0; i < 5; i++) await t.subscribe();
    expect(
      (await t.api('POST', '/v1/outbound-webhooks', { body: { name: 'x', url: 'https://a.example/h', events: ['kustomer.conversation.create'] } })).status,
    ).toBe(400);
  });
});

describe('webhook deliveries', () => {
  it('sends kustomer.conversation.create in the recorded envelope: partition is the org id, no orgName, unsigned, with the custom headers', async () => {
    const t = withReceiver();
    await t.subscribe();
    const conv = await t.createConversation({ externalId: 'req-9' });
    await t.control.webhooks.idle();
    expect(t.received).toHaveLength(1);
    const [delivery] = t.received;
    expect(delivery!.url).toBe('https://bridgedesk.example/hooks/kustomer');
    expect(delivery!.headers).toMatchObject({
      'content-type': 'application/json',
      'x-kustomer-webhook-event': 'kustomer.conversation.create',
      'X-Source': 'kustomer',
    });
    expect(delivery!.headers).not.toHaveProperty('x-kustomer-webhook-signature');
    const raw = JSON.parse(delivery!.body) as Record<string, unknown>;
    expect(raw).not.toHaveProperty('orgName');
    const event = WebhookEvent.parse(raw);
    expect(event).toMatchObject({
      name: 'kustomer.conversation.create',
      org: t.demo.org.id,
      partition: t.demo.org.id,
      dataId: conv.id,
      createdAt: '2025-03-21T12:00:10.000Z',
      persist: true,
    });
    expect(event.data.attributes).toMatchObject({ externalId: 'req-9', status: 'open' });
    expect(event.changes).toBeUndefined();
  });

  it('signs deliveries with X-Kustomer-Webhook-Signature when signing is on', async () => {
    const t = withReceiver(200, { webhookSigning: true });
    const hook = await t.subscribe();
    await t.createConversation();
    t.control.webhooks.setSigning(false);
    await t.createConversation();
    await t.control.webhooks.idle();
    expect(t.received[0]!.headers['x-kustomer-webhook-signature']).toBe(sign(t.received[0]!.body, hook.attributes.token));
    expect(t.received[1]!.headers).not.toHaveProperty('x-kustomer-webhook-signature');
  });

  it('sends kustomer.conversation.update with before/after changes for an API update, bookkeeping fields included as recorded', async () => {
    const t = withReceiver();
    await t.subscribe();
    const conv = await t.createConversation({ priority: 2 });
    t.clock.advance(1_000);
    await t.api('PATCH', `/v1/conversations/${conv.id}`, { body: { status: 'done', priority: 4 } });
    await t.control.webhooks.idle();
    const update = t.events()[1]!;
    expect(update.name).toBe('kustomer.conversation.update');
    expect(update.changes?.attributes).toEqual({
      status: { op: 'replace', before: 'open', after: 'done' },
      priority: { op: 'replace', before: 2, after: 4 },
      rev: { op: 'replace', before: 1, after: 2 },
      updatedAt: { op: 'replace', before: '2025-03-21T12:00:10.000Z', after: '2025-03-21T12:00:11.000Z' },
      modifiedAt: { op: 'replace', before: '2025-03-21T12:00:10.000Z', after: '2025-03-21T12:00:11.000Z' },
      modificationHistory: { op: 'replace', before: {}, after: { statusAt: '2025-03-21T12:00:11.000Z', priorityAt: '2025-03-21T12:00:11.000Z' } },
    });
    expect(update.data.attributes).toMatchObject({ status: 'done', rev: 2 });
  });

  it('sends an update listing only bookkeeping fields for a write that changes nothing else', async () => {
    const t = withReceiver();
    await t.subscribe(['kustomer.conversation.update']);
    const conv = await t.createConversation({ priority: 2 });
    t.clock.advance(1_000);
    await t.api('PATCH', `/v1/conversations/${conv.id}`, { body: { priority: 2 } });
    await t.control.webhooks.idle();
    expect(Object.keys(t.events()[0]!.changes!.attributes!).sort()).toEqual(['modifiedAt', 'rev', 'updatedAt']);
  });

  it('sends an update when an agent changes the conversation in Kustomer (the control)', async () => {
    const t = withReceiver();
    await t.subscribe(['kustomer.conversation.update']);
    const conv = await t.createConversation();
    const changed = t.control.changeConversation({
      org: 'acme',
      id: conv.id,
      status: 'snoozed',
      snooze: { time: '2025-03-22T09:00:00.000Z', status: 'scheduled' },
    });
    expect(changed.attributes.status).toBe('snoozed');
    expect(changed.relationships?.modifiedBy?.data).toEqual({ type: 'user', id: t.demo.users.alex.id });
    await t.control.webhooks.idle();
    const [event] = t.events();
    expect(event).toMatchObject({
      name: 'kustomer.conversation.update',
      client: 'web',
      changes: { attributes: { status: { op: 'replace', before: 'open', after: 'snoozed' } } },
    });
    expect(event!.changes!.attributes!.snooze).toEqual({ op: 'add', after: { time: '2025-03-22T09:00:00.000Z', status: 'scheduled' } });
  });

  it("sends an agent's assignment, sub-status and priority change as updates listing what changed, over the HTTP control", async () => {
    const t = withReceiver();
    await t.subscribe(['kustomer.conversation.update']);
    const conv = await t.createConversation();
    const control = (body: unknown) => t.controlApi('PATCH', `/orgs/acme/conversations/${conv.id}`, body);
    const { alex } = t.demo.users;
    expect((await control({ assignedUsers: [alex.id], assignedTeams: [t.demo.teams.escalations.id] })).status).toBe(200);
    const reply = await control({ subStatus: 'Awaiting engineering', priority: 5 });
    expect(reply.body.attributes).toMatchObject({ subStatus: 'Awaiting engineering', priority: 5 });
    await t.control.webhooks.idle();
    const [assigned, changed] = t.events();
    expect(assigned!.changes!.attributes).toMatchObject({
      assignedUsers: { op: 'replace', before: [], after: [alex.id] },
      assignedTeams: { op: 'replace', before: [], after: [t.demo.teams.escalations.id] },
    });
    expect(changed!.changes!.attributes).toMatchObject({
      subStatus: { op: 'add', after: 'Awaiting engineering' },
      priority: { op: 'replace', before: 3, after: 5 },
    });
    // Not an API field: an integration cannot set it (docs/kustomer.md §24).
    expect((await t.api('PATCH', `/v1/conversations/${conv.id}`, { body: { subStatus: 'x' } })).status).toBe(400);
  });

  it('does not hold up the API reply while a delivery is pending', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const { api, control } = createTestEmulator({ deliver: async () => (await gate, new Response(null, { status: 200 })) });
    await api('POST', '/v1/outbound-webhooks', { body: { name: 'h', url: 'https://h.example/x', events: ['kustomer.customer.create'] } });
    expect((await api('POST', '/v1/customers', { body: { name: 'Jane' } })).status).toBe(201);
    expect(control.webhooks.deliveries()[0]!.state).toBe('pending');
    release();
    await control.webhooks.idle();
    expect(control.webhooks.deliveries()[0]!.state).toBe('delivered');
  });

  it('drops the next N deliveries on request', async () => {
    const t = withReceiver();
    await t.subscribe();
    t.control.webhooks.dropNext(1);
    const conv = await t.createConversation();
    await t.api('PATCH', `/v1/conversations/${conv.id}`, { body: { status: 'done' } });
    await t.control.webhooks.idle();
    expect(t.events().map((e) => e.name)).toEqual(['kustomer.conversation.update']);
    expect(t.control.webhooks.deliveries().map((d) => d.state)).toEqual(['dropped', 'delivered']);
  });

  it('delivers duplicates with the same event id on request', async () => {
    const t = withReceiver();
    await t.subscribe();
    t.control.webhooks.duplicateNext(1);
    await t.createConversation();
    await t.control.webhooks.idle();
    const [a, b] = t.events();
    expect(t.received).toHaveLength(2);
    expect(a!.id).toBe(b!.id);
    expect(t.received[0]!.body).toBe(t.received[1]!.body);
  });

  it('holds deliveries and releases them newest first, for out-of-order tests', async () => {
    const t = withReceiver();
    await t.subscribe(['kustomer.conversation.update']);
    const conv = await t.createConversation();
    t.control.webhooks.hold();
    for (const status of ['snoozed', 'done', 'open'] as const) {
      t.clock.advance(1_000);
      await t.api('PATCH', `/v1/conversations/${conv.id}`, { body: { status } });
    }
    await t.control.webhooks.idle();
    expect(t.received).toHaveLength(0);
    await t.control.webhooks.release();
    expect(t.events().map((e) => e.data.attributes.status)).toEqual(['open', 'done', 'snoozed']);
    expect(t.events().map((e) => e.data.attributes.rev)).toEqual([4, 3, 2]);
  });

  it('records failed deliveries and sends them again on retryFailed', async () => {
    const t = withReceiver(500);
    await t.subscribe();
    await t.createConversation();
    await t.control.webhooks.idle();
    expect(t.control.webhooks.deliveries()).toEqual([expect.objectContaining({ state: 'failed', httpStatus: 500, attempt: 1 })]);
    t.receiver.status = 200;
    await t.control.webhooks.retryFailed();
    const [first, retry] = t.control.webhooks.deliveries();
    expect(retry).toMatchObject({ state: 'delivered', httpStatus: 200, attempt: 2, eventId: first!.eventId });
  });

  it('sends nothing for events the webhook did not subscribe to', async () => {
    const t = withReceiver();
    await t.subscribe(['kustomer.customer.create']);
    await t.createConversation();
    await t.control.webhooks.idle();
    expect(t.events().map((e) => e.name)).toEqual(['kustomer.customer.create']);
  });

  it('delivers over real HTTP to a local receiver with a verifiable signature (signing on)', async () => {
    const got: { headers: IncomingHttpHeaders; body: string }[] = [];
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        got.push({ headers: req.headers, body });
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const { api, control } = createTestEmulator({ webhookSigning: true, deliver: defaultDeliver });
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`;
      const hook = (await api('POST', '/v1/outbound-webhooks', { body: { name: 'h', url, events: ['kustomer.customer.create'] } })).body;
      await api('POST', '/v1/customers', { body: { name: 'Jane' } });
      await control.webhooks.idle();
      expect(got).toHaveLength(1);
      expect(got[0]!.headers['x-kustomer-webhook-event']).toBe('kustomer.customer.create');
      expect(got[0]!.headers['x-kustomer-webhook-signature']).toBe(sign(got[0]!.body, hook.data.attributes.token));
      expect(control.webhooks.deliveries()[0]).toMatchObject({ state: 'delivered', httpStatus: 204 });
    } finally {
      await new Promise((r) => server.close(r));
    }
  });
});

describe('webhooks Kustomer disables', () => {
  it('disables a webhook after N failed deliveries in a row and then sends it nothing; GET shows enabled false and isError true', async () => {
    const t = withReceiver(503, { webhookFailuresBeforeDisable: 3 });
    const hook = await t.subscribe();
    for (let i = 0; i < 3; i++) await t.createConversation();
    await t.control.webhooks.idle();
    expect(t.received).toHaveLength(3);
    const record = (await t.api('GET', `/v1/outbound-webhooks/${hook.id}`)).body.data.attributes;
    expect(record).toMatchObject({ enabled: false, isError: true });
    await t.createConversation();
    await t.control.webhooks.retryFailed();
    expect(t.received).toHaveLength(3);
    expect((await t.api('GET', '/v1/outbound-webhooks')).body.data[0].attributes).toMatchObject({ enabled: false, isError: true });
  });

  it('counts failures in a row only: a delivery that succeeds starts the count again', async () => {
    const t = withReceiver(503, { webhookFailuresBeforeDisable: 2 });
    const hook = await t.subscribe();
    await t.createConversation();
    await t.control.webhooks.idle();
    t.receiver.status = 200;
    await t.createConversation();
    await t.control.webhooks.idle();
    t.receiver.status = 503;
    await t.createConversation();
    await t.control.webhooks.idle();
    expect((await t.api('GET', `/v1/outbound-webhooks/${hook.id}`)).body.data.attributes).toMatchObject({ enabled: true, isError: false });
  });

  it('PUT enabled:true turns a disabled webhook back on (isError cleared) and deliveries resume; PUT headers changes what is sent', async () => {
    const t = withReceiver(503, { webhookFailuresBeforeDisable: 1 });
    const hook = await t.subscribe();
    await t.createConversation();
    await t.control.webhooks.idle();
    expect(t.control.webhooks.list('acme')[0]!.attributes).toMatchObject({ enabled: false, isError: true });
    t.receiver.status = 200;
    const put = await t.api('PUT', `/v1/outbound-webhooks/${hook.id}`, { body: { enabled: true, headers: [{ name: 'X-Source', value: 'rotated' }] } });
    expect(put.status).toBe(200);
    expect(put.body.data.attributes).toMatchObject({ enabled: true, isError: false, headers: [{ name: 'X-Source', value: 'rotated' }] });
    await t.createConversation();
    await t.control.webhooks.idle();
    expect(t.received).toHaveLength(2);
    expect(t.received[1]!.headers).toMatchObject({ 'X-Source': 'rotated' });
    expect((await t.api('PUT', '/v1/outbound-webhooks/0123456789abcdef01234567', { body: { enabled: true } })).status).toBe(404);
    expect((await t.api('PUT', `/v1/outbound-webhooks/${hook.id}`, { body: { events: ['kustomer.ticket.create'] } })).status).toBe(400);
  });
});

describe('webhook controls over HTTP', () => {
  it("turn signing on and list the org's webhook records", async () => {
    const t = withReceiver();
    const hook = await t.subscribe();
    expect((await t.controlApi('POST', '/webhooks/signing', { on: true })).status).toBe(200);
    await t.createConversation();
    await t.control.webhooks.idle();
    expect(t.received[0]!.headers['x-kustomer-webhook-signature']).toBe(sign(t.received[0]!.body, hook.attributes.token));
    expect((await t.controlApi('POST', '/webhooks/failures-before-disable', { count: 2 })).status).toBe(200);
    const listed = (await t.controlApi('GET', '/orgs/acme/webhooks')).body;
    expect(listed).toEqual([expect.objectContaining({ id: hook.id, attributes: expect.objectContaining({ enabled: true, isError: false }) })]);
  });
});
