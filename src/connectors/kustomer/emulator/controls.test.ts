import { describe, expect, it } from 'vitest';
import { createKustomerEmulator } from './create-emulator.ts';
import { controlCaller, testEmulatorEachTest } from './test-emulator.ts';

const t = testEmulatorEachTest();

describe('/__emulator/ controls over HTTP', () => {
  it('sets up an org, a key, a queue, a team, a user and a customer that the API then serves', async () => {
    const emulator = createKustomerEmulator();
    const ctl = controlCaller(emulator);
    expect((await ctl('POST', '/orgs', { name: 'initech', errorShape: 'simple' })).status).toBe(201);
    const key = await ctl('POST', '/orgs/initech/keys', { roles: ['org.permission.queue.read', 'org.permission.customer.read', 'org.permission.team.read'] });
    expect(key.status).toBe(201);
    const queue = await ctl('POST', '/orgs/initech/queues', { name: 'Escalations' });
    await ctl('POST', '/orgs/initech/teams', { name: 'Tier 2' });
    await ctl('POST', '/orgs/initech/users', { name: 'Pat', email: 'pat@initech.example' });
    await ctl('POST', '/orgs/initech/customers', { name: 'Bill', email: 'bill@initech.example' });

    const api = (path: string) =>
      emulator.fetch(new Request(`http://initech.api.kustomerapp.com${path}`, { headers: { authorization: `Bearer ${key.body.key}` } }));
    const queues = await (await api('/v1/routing/queues')).json();
    expect(queues.data.map((q: { id: string }) => q.id)).toContain(queue.body.id);
    expect((await api(`/v1/customers/email=${encodeURIComponent('bill@initech.example')}`)).status).toBe(200);
    expect((await (await api('/v1/teams')).json()).data).toHaveLength(1);
    const users = await ctl('GET', '/orgs/initech/users');
    expect(users.body.map((u: { attributes: { name: string } }) => u.attributes.name)).toContain('Pat');
  });

  it('uses the simple error shape for an org created with errorShape simple', async () => {
    const emulator = createKustomerEmulator();
    const ctl = controlCaller(emulator);
    await ctl('POST', '/orgs', { name: 'initech', errorShape: 'simple' });
    const key = await ctl('POST', '/orgs/initech/keys', { roles: [] });
    const res = await emulator.fetch(new Request('http://localhost/v1/teams', { headers: { authorization: `Bearer ${key.body.key}` } }));
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ errors: [{ code: 'unauthorized', message: expect.stringContaining('org.permission.team.read'), meta: {} }] });
  });

  it('revokes a key, injects a fault, reads calls and resets', async () => {
    const ctl = t.controlApi;
    expect((await ctl('POST', '/faults', { kind: '503', count: 1 })).status).toBe(201);
    expect((await t.api('GET', '/v1/teams')).status).toBe(503);
    expect((await ctl('POST', '/keys/revoke', { key: t.demo.apiKey })).status).toBe(200);
    expect((await t.api('GET', '/v1/teams')).status).toBe(401);
    const calls = await ctl('GET', '/calls');
    expect(calls.body.map((c: { status: number }) => c.status)).toEqual([503, 401]);
    expect((await ctl('POST', '/reset')).status).toBe(200);
    expect((await ctl('GET', '/calls')).body).toEqual([]);
    expect((await ctl('GET', '/orgs/acme/conversations')).status).toBe(404);
  });

  it('changes a conversation as an agent and exposes webhook delivery controls', async () => {
    const ctl = t.controlApi;
    const conv = await t.createConversation();
    expect((await ctl('POST', '/webhooks/hold')).status).toBe(200);
    const changed = await ctl('PATCH', `/orgs/acme/conversations/${conv.id}`, { status: 'done', priority: 5 });
    expect(changed.status).toBe(200);
    expect(changed.body.attributes).toMatchObject({ status: 'done', priority: 5 });
    expect((await ctl('POST', '/webhooks/release', { order: 'original' })).status).toBe(200);
    expect((await ctl('GET', '/webhooks/deliveries')).body).toEqual([]);
  });

  it('seeds the demo org', async () => {
    const emulator = createKustomerEmulator();
    const seeded = await controlCaller(emulator)('POST', '/seed-demo', { name: 'demo' });
    expect(seeded.status).toBe(201);
    expect(seeded.body.apiKey.split('.')).toHaveLength(3);
    expect(Object.keys(seeded.body.queues)).toEqual(['defaultQueue', 'tier2Support', 'vip', 'billing']);
  });

  it('answers 400 for invalid control input and 404 for an unknown org or control', async () => {
    const emulator = createKustomerEmulator();
    const ctl = controlCaller(emulator);
    expect((await ctl('POST', '/orgs', { name: 'Not A Label' })).status).toBe(400);
    expect((await ctl('POST', '/orgs/nope/queues', { name: 'Q' })).status).toBe(404);
    expect((await ctl('GET', '/nothing')).status).toBe(404);
  });

  it('needs no auth and is neither counted nor logged as an API call', async () => {
    await t.controlApi('GET', '/orgs/acme/queues');
    expect(t.control.calls()).toEqual([]);
    expect((await t.api('GET', '/v1/teams')).headers.get('x-ratelimit-remaining')).toBe('999');
  });
});

describe('in-process controls', () => {
  it('serves conversation metadata set by the controls, with default display names', async () => {
    t.control.setMetadata({
      org: 'acme',
      properties: { orderNumberStr: { type: 'string' }, tierStr: { type: 'string', displayName: 'Tier', enumeration: ['gold', 'silver'] } },
    });
    const r = await t.api('GET', '/v1/metadata/conversation');
    expect(r.status).toBe(200);
    expect(r.body.data.attributes.properties).toMatchObject({
      orderNumberStr: { type: 'string', displayName: 'Order Number' },
      tierStr: { displayName: 'Tier', enumeration: ['gold', 'silver'] },
    });
    expect((await t.api('GET', '/v1/metadata/customer')).body.data.attributes.properties).toEqual({});
    expect((await t.api('GET', '/v1/metadata/tickets')).status).toBe(404);
  });

  it('accepts array values only for attributes the metadata marks multi', async () => {
    t.control.setMetadata({ org: 'acme', properties: { labelsStr: { type: 'string', multi: true }, otherStr: { type: 'string' } } });
    const customer = await t.createCustomer();
    expect((await t.api('POST', '/v1/conversations', { body: { customer, custom: { labelsStr: ['a', 'b'] } } })).status).toBe(201);
    expect((await t.api('POST', '/v1/conversations', { body: { customer, custom: { otherStr: ['a'] } } })).status).toBe(400);
  });

  it('reads back stored conversations, customers, notes and messages', async () => {
    const conv = await t.createConversation();
    await t.api('POST', `/v1/conversations/${conv.id}/notes`, { body: { body: 'n' } });
    await t.api('POST', `/v1/conversations/${conv.id}/messages`, { body: { channel: 'email', app: 'bridgedesk', direction: 'in' } });
    expect(t.control.conversations('acme').map((c) => c.id)).toEqual([conv.id]);
    expect(t.control.customers('acme')).toHaveLength(1);
    expect(t.control.notes('acme')[0]!.attributes.body).toBe('n');
    expect(t.control.messages('acme')[0]!.attributes.channel).toBe('email');
  });

  it('creates customers that the API then finds, and refuses a duplicate email', () => {
    t.control.createCustomer({ org: 'acme', name: 'Jane', email: 'jane@example.com' });
    expect(() => t.control.createCustomer({ org: 'acme', email: 'jane@example.com' })).toThrow(/already belongs/);
  });

  it('resets everything: orgs, keys, data, faults, calls, deliveries and rate windows', async () => {
    t.control.updateOrg('acme', { rateLimitPerMinute: 1 });
    await t.createConversation().catch(() => undefined);
    t.control.injectFault({ kind: '500', share: 1 });
    t.control.reset();
    expect(t.control.faults()).toEqual([]);
    expect(t.control.calls()).toEqual([]);
    expect(t.control.webhooks.deliveries()).toEqual([]);
    expect(() => t.control.conversations('acme')).toThrow(/no org/);
    expect((await t.api('GET', '/v1/teams')).status).toBe(401);
    t.control.createOrg({ name: 'acme' });
    const key = t.control.createApiKey({ org: 'acme', roles: ['org.permission.team.read'] });
    const r = await t.api('GET', '/v1/teams', { key: key.key });
    expect(r.status).toBe(200);
    expect(r.headers.get('x-ratelimit-remaining')).toBe('999');
  });
});
