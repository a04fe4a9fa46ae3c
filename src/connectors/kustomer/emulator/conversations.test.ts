import { describe, expect, it } from 'vitest';
import { createTestEmulator, testEmulatorEachTest } from './test-emulator.ts';

const t = testEmulatorEachTest();

describe('creating conversations', () => {
  it('creates with 201, routed to the given queue and teams, linked to the customer', async () => {
    const customer = await t.createCustomer();
    const r = await t.api('POST', '/v1/conversations', {
      body: {
        customer,
        name: 'Where is my order?',
        externalId: 'req-1',
        priority: 3,
        queue: { id: t.demo.queues.tier2Support.id },
        assignedTeams: [t.demo.teams.escalations.id],
      },
    });
    expect(r.status).toBe(201);
    const conv = r.body.data;
    expect(conv.attributes).toMatchObject({
      name: 'Where is my order?',
      externalId: 'req-1',
      status: 'open',
      priority: 3,
      channels: [],
      assignedTeams: [t.demo.teams.escalations.id],
      rev: 1,
    });
    expect(conv.attributes.createdAt).toBe('2025-03-21T12:00:10.000Z');
    expect(conv.relationships.customer).toEqual({ data: { type: 'customer', id: customer }, links: { self: `/v1/customers/${customer}` } });
    expect(conv.relationships.queue.data.id).toBe(t.demo.queues.tier2Support.id);
    expect(conv.relationships.createdBy.data.id).toBe(t.demo.key.userId);
  });

  it('routes to the system queue when no queue is given', async () => {
    const conv = await t.createConversation();
    expect(conv.relationships.queue!.data.id).toBe(t.demo.queues.defaultQueue.id);
  });

  it('refuses a missing or unknown customer with 400', async () => {
    expect((await t.api('POST', '/v1/conversations', { body: { name: 'x' } })).status).toBe(400);
    const r = await t.api('POST', '/v1/conversations', { body: { customer: 'aaaaaaaaaaaaaaaaaaaaaaaa' } });
    expect(r.status).toBe(400);
    expect(r.body.errors[0].source).toEqual({ pointer: '/customer' });
  });

  it('refuses unknown or deleted queues and unknown teams with 400', async () => {
    const customer = await t.createCustomer();
    expect((await t.api('POST', '/v1/conversations', { body: { customer, queue: { id: 'bbbbbbbbbbbbbbbbbbbbbbbb' } } })).status).toBe(400);
    t.control.deleteQueue({ org: 'acme', id: t.demo.queues.billing.id });
    expect((await t.api('POST', '/v1/conversations', { body: { customer, queue: { id: t.demo.queues.billing.id } } })).status).toBe(400);
    const team = await t.api('POST', '/v1/conversations', { body: { customer, assignedTeams: ['cccccccccccccccccccccccc'] } });
    expect(team.status).toBe(400);
    expect(team.body.errors[0].source).toEqual({ pointer: '/assignedTeams/0' });
  });

  it("gives a conversation created without a priority priority 3, Kustomer's normal", async () => {
    const conv = await t.createConversation();
    expect(conv.attributes.priority).toBe(3);
  });

  it("refuses a custom attribute the org's metadata does not define with the recorded 400 badparam, and creates nothing", async () => {
    t.control.setMetadata({ org: 'acme', properties: { orderNumberStr: { type: 'string' } } });
    const customer = await t.createCustomer();
    const r = await t.api('POST', '/v1/conversations', { body: { customer, custom: { orderNumberStr: 'A-1', notAnActualAttributeStr: 'foobar' } } });
    expect(r.status).toBe(400);
    // the recorded reply (solidus_kustomer create_failure.yml), field by field; `status` is left to the error shape
    expect(r.body.errors).toHaveLength(1);
    expect(r.body.errors[0]).toMatchObject({
      code: 'badparam',
      title: 'Additional properties not allowed',
      detail: '/properties/custom/additionalProperties',
      source: { parameter: 'notAnActualAttributeStr' },
    });
    expect(t.control.conversations('acme')).toEqual([]);
    // an org that never defined custom attributes knows none
    const bare = createTestEmulator();
    const other = await bare.api('POST', '/v1/conversations', { body: { customer: await bare.createCustomer(), custom: { orderNumberStr: '1' } } });
    expect(other.status).toBe(400);
    expect(other.body.errors[0]).toMatchObject({ code: 'badparam', source: { parameter: 'orderNumberStr' } });
  });

  it('refuses on update an attribute deleted from the metadata, even to clear it, and keeps the conversation as it was', async () => {
    t.control.setMetadata({ org: 'acme', properties: { orderNumberStr: { type: 'string' }, refundNum: { type: 'number' } } });
    const conv = await t.createConversation({ custom: { orderNumberStr: 'A-1' } });
    t.control.setMetadata({ org: 'acme', properties: { refundNum: { type: 'number' } } });
    for (const value of ['A-2', null]) {
      const r = await t.api('PATCH', `/v1/conversations/${conv.id}`, { body: { custom: { refundNum: 3, orderNumberStr: value } } });
      expect(r.status).toBe(400);
      expect(r.body.errors[0]).toMatchObject({ code: 'badparam', title: 'Additional properties not allowed', source: { parameter: 'orderNumberStr' } });
    }
    const now = t.control.conversations('acme')[0]!.attributes;
    expect(now.custom).toEqual({ orderNumberStr: 'A-1' });
    expect(now.rev).toBe(1);
    expect((await t.api('PATCH', `/v1/conversations/${conv.id}`, { body: { custom: { refundNum: 3 } } })).status).toBe(200);
  });

  it('refuses a priority outside 1–5 and a custom attribute without a type suffix with 400', async () => {
    t.control.setMetadata({ org: 'acme', properties: { totalOrdersNum: { type: 'number' } } });
    const customer = await t.createCustomer();
    expect((await t.api('POST', '/v1/conversations', { body: { customer, priority: 6 } })).status).toBe(400);
    expect((await t.api('POST', '/v1/conversations', { body: { customer, custom: { orderNumber: '1' } } })).status).toBe(400);
    const wrongType = await t.api('POST', '/v1/conversations', { body: { customer, custom: { totalOrdersNum: 'many' } } });
    expect(wrongType.status).toBe(400);
    expect(wrongType.body.errors[0].source).toEqual({ pointer: '/custom/totalOrdersNum' });
  });

  it('refuses a second conversation with an externalId already used in the org with 409, and the lookup finds the first', async () => {
    const first = await t.createConversation({ externalId: 'bridgedesk-req-42' });
    const again = await t.api('POST', '/v1/conversations', { body: { customer: await t.createCustomer(), externalId: 'bridgedesk-req-42' } });
    expect(again.status).toBe(409);
    expect(again.body.errors[0]).toMatchObject({ status: 409, code: 'conflict', source: { pointer: '/externalId' } });
    const found = await t.api('GET', `/v1/conversations/externalId=${encodeURIComponent('bridgedesk-req-42')}`);
    expect(found.status).toBe(200);
    expect(found.body.data.id).toBe(first.id);
    expect(t.control.conversations('acme')).toHaveLength(1);
  });

  it('answers 404 for an unknown externalId or id', async () => {
    expect((await t.api('GET', '/v1/conversations/externalId=nope')).status).toBe(404);
    expect((await t.api('GET', '/v1/conversations/dddddddddddddddddddddddd')).status).toBe(404);
  });

  it('refuses non-JSON content types, invalid JSON and bodies over 100 KB', async () => {
    expect((await t.api('POST', '/v1/conversations', { rawBody: 'customer=x', contentType: 'text/plain' })).status).toBe(400);
    expect((await t.api('POST', '/v1/conversations', { rawBody: '{"customer":' })).status).toBe(400);
    expect((await t.api('POST', '/v1/customers', { body: { name: 'x'.repeat(101 * 1024) } })).status).toBe(413);
  });
});

describe('updating conversations', () => {
  it('merges a PATCH and bumps rev, updatedAt and modifiedAt', async () => {
    t.control.setMetadata({ org: 'acme', properties: { orderNumberStr: { type: 'string' }, resolutionStr: { type: 'string' } } });
    const conv = await t.createConversation({ priority: 2, custom: { orderNumberStr: '4417' } });
    t.clock.advance(5_000);
    const r = await t.api('PATCH', `/v1/conversations/${conv.id}`, { body: { status: 'done', custom: { resolutionStr: 'refunded' } } });
    expect(r.status).toBe(200);
    expect(r.body.data.attributes).toMatchObject({
      status: 'done',
      priority: 2,
      custom: { orderNumberStr: '4417', resolutionStr: 'refunded' },
      rev: 2,
      updatedAt: '2025-03-21T12:00:15.000Z',
      modifiedAt: '2025-03-21T12:00:15.000Z',
      createdAt: '2025-03-21T12:00:10.000Z',
    });
    expect(r.body.data.attributes.modificationHistory.statusAt).toBe('2025-03-21T12:00:15.000Z');
  });

  it('accepts PATCH with the application/json-patch+json content type the spec names', async () => {
    const conv = await t.createConversation();
    const r = await t.api('PATCH', `/v1/conversations/${conv.id}`, { body: { priority: 4 }, contentType: 'application/json-patch+json' });
    expect(r.status).toBe(200);
    expect(r.body.data.attributes.priority).toBe(4);
  });

  it('refuses an RFC 6902 operations array with 400', async () => {
    const conv = await t.createConversation();
    const r = await t.api('PATCH', `/v1/conversations/${conv.id}`, {
      body: [{ op: 'replace', path: '/status', value: 'done' }],
      contentType: 'application/json-patch+json',
    });
    expect(r.status).toBe(400);
  });

  it('merges a PUT like PATCH, and replaces the writable fields with ?replace=true', async () => {
    const conv = await t.createConversation({ priority: 4, assignedTeams: [t.demo.teams.billing.id], queue: { id: t.demo.queues.vip.id } });
    const merged = await t.api('PUT', `/v1/conversations/${conv.id}`, { body: { name: 'Renamed' } });
    expect(merged.body.data.attributes).toMatchObject({ name: 'Renamed', priority: 4, assignedTeams: [t.demo.teams.billing.id] });
    const replaced = await t.api('PUT', `/v1/conversations/${conv.id}?replace=true`, { body: { status: 'open' } });
    expect(replaced.body.data.attributes).toMatchObject({ name: null, priority: 3, assignedTeams: [] });
    expect(replaced.body.data.relationships.queue.data.id).toBe(t.demo.queues.defaultQueue.id);
  });

  it('snoozes with a snooze time and cancels the snooze when reopened', async () => {
    const conv = await t.createConversation();
    const snoozed = await t.api('PATCH', `/v1/conversations/${conv.id}`, {
      body: { status: 'snoozed', snooze: { time: '2025-03-28T09:00:00.000Z', status: 'scheduled' } },
    });
    expect(snoozed.body.data.attributes).toMatchObject({ status: 'snoozed', snooze: { time: '2025-03-28T09:00:00.000Z', status: 'scheduled' } });
    const reopened = await t.api('PATCH', `/v1/conversations/${conv.id}`, { body: { status: 'open' } });
    expect(reopened.body.data.attributes.snooze.status).toBe('canceled');
  });

  it('refuses an update carrying a stale rev with 409', async () => {
    const conv = await t.createConversation();
    await t.api('PATCH', `/v1/conversations/${conv.id}`, { body: { priority: 2 } });
    expect((await t.api('PATCH', `/v1/conversations/${conv.id}`, { body: { priority: 3, rev: 1 } })).status).toBe(409);
    expect((await t.api('PATCH', `/v1/conversations/${conv.id}`, { body: { priority: 3, rev: 2 } })).status).toBe(200);
  });

  it('refuses an unknown status with 400 and answers 404 for an unknown conversation', async () => {
    const conv = await t.createConversation();
    expect((await t.api('PATCH', `/v1/conversations/${conv.id}`, { body: { status: 'closed' } })).status).toBe(400);
    expect((await t.api('PATCH', '/v1/conversations/eeeeeeeeeeeeeeeeeeeeeeee', { body: { status: 'done' } })).status).toBe(404);
  });
});

describe('listing conversations', () => {
  it('lists in creation order, reversed with sort=desc, paginated', async () => {
    const ids = [];
    for (let i = 0; i < 3; i++) ids.push((await t.createConversation()).id);
    const asc = await t.api('GET', '/v1/conversations?pageSize=2');
    expect(asc.body.data.map((c: { id: string }) => c.id)).toEqual(ids.slice(0, 2));
    expect(asc.body.links.next).toBe('/v1/conversations?pageSize=2&page=2');
    const desc = await t.api('GET', '/v1/conversations?sort=desc');
    expect(desc.body.data.map((c: { id: string }) => c.id)).toEqual([...ids].reverse());
  });
});

describe('notes and messages', () => {
  it('adds a note with 201 and counts it on the conversation', async () => {
    const conv = await t.createConversation();
    const r = await t.api('POST', `/v1/conversations/${conv.id}/notes`, { body: { body: 'Refund approved.', externalId: 'note-7' } });
    expect(r.status).toBe(201);
    expect(r.body.data.attributes).toMatchObject({ body: 'Refund approved.', externalId: 'note-7' });
    expect(r.body.data.relationships.conversation.data.id).toBe(conv.id);
    const after = await t.api('GET', `/v1/conversations/${conv.id}`);
    expect(after.body.data.attributes).toMatchObject({ noteCount: 1, rev: 2 });
    const notes = await t.api('GET', `/v1/conversations/${conv.id}/notes`);
    expect(notes.body.data.map((n: { id: string }) => n.id)).toEqual([r.body.data.id]);
  });

  it("derives the conversation's channels from its messages and counts them", async () => {
    const conv = await t.createConversation();
    const msg = await t.api('POST', `/v1/conversations/${conv.id}/messages`, {
      body: { channel: 'email', app: 'bridgedesk', direction: 'in', preview: 'Hi', subject: 'Order' },
    });
    expect(msg.status).toBe(201);
    expect(msg.body.data.relationships.customer.data.id).toBe(conv.relationships.customer!.data.id);
    await t.api('POST', `/v1/conversations/${conv.id}/messages`, { body: { channel: 'chat', app: 'bridgedesk', direction: 'out' } });
    await t.api('POST', `/v1/conversations/${conv.id}/messages`, { body: { channel: 'email', app: 'bridgedesk', direction: 'in' } });
    const after = (await t.api('GET', `/v1/conversations/${conv.id}`)).body.data.attributes;
    expect(after).toMatchObject({ channels: ['email', 'chat'], messageCount: 3, inboundMessageCount: 2, outboundMessageCount: 1 });
    expect((await t.api('GET', `/v1/conversations/${conv.id}/messages`)).body.data).toHaveLength(3);
  });

  it('reopens a done conversation when an inbound message arrives', async () => {
    const conv = await t.createConversation({ status: 'done' });
    await t.api('POST', `/v1/conversations/${conv.id}/messages`, { body: { channel: 'email', app: 'bridgedesk', direction: 'in' } });
    expect((await t.api('GET', `/v1/conversations/${conv.id}`)).body.data.attributes.status).toBe('open');
  });

  it('refuses a message without channel or app, and a note on an unknown conversation', async () => {
    const conv = await t.createConversation();
    expect((await t.api('POST', `/v1/conversations/${conv.id}/messages`, { body: { direction: 'in', preview: 'x' } })).status).toBe(400);
    expect((await t.api('POST', '/v1/conversations/ffffffffffffffffffffffff/notes', { body: { body: 'x' } })).status).toBe(404);
  });
});

describe('unknown paths', () => {
  it("answers 404 in Kustomer's error shape", async () => {
    const r = await t.api('GET', '/v1/satisfaction');
    expect(r.status).toBe(404);
    expect(r.body.errors[0]).toMatchObject({ status: 404, code: 'notfound' });
  });
});
