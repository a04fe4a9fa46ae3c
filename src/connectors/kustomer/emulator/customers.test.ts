import { describe, expect, it } from 'vitest';
import { testEmulatorEachTest } from './test-emulator.ts';

const t = testEmulatorEachTest();

describe('customers', () => {
  it('creates a customer with 201 and reads it back by id', async () => {
    const created = await t.api('POST', '/v1/customers', {
      body: { name: 'Jane Doe', externalId: 'crm-42', emails: [{ type: 'home', email: 'jane@example.com' }] },
    });
    expect(created.status).toBe(201);
    expect(created.body.data.id).toMatch(/^[0-9a-f]{24}$/);
    expect(created.body.data.links.self).toBe(`/v1/customers/${created.body.data.id}`);
    const read = await t.api('GET', `/v1/customers/${created.body.data.id}`);
    expect(read.body.data.attributes).toMatchObject({ name: 'Jane Doe', externalId: 'crm-42', emails: [{ email: 'jane@example.com', type: 'home' }] });
  });

  it('finds a customer by URL-encoded email in the path, ignoring case', async () => {
    const id = await t.createCustomer('Jane+vip@Example.com');
    const r = await t.api('GET', `/v1/customers/email=${encodeURIComponent('jane+VIP@example.com')}`);
    expect(r.status).toBe(200);
    expect(r.body.data.id).toBe(id);
  });

  it('answers 404 in the JSON:API error shape when no customer has the email', async () => {
    const r = await t.api('GET', `/v1/customers/email=${encodeURIComponent('nobody@example.com')}`);
    expect(r.status).toBe(404);
    expect(r.body).toEqual({ errors: [{ status: 404, source: { parameter: 'email' }, code: 'notfound', title: 'Not Found' }] });
  });

  it('finds a customer by externalId, and 404s for an unknown one', async () => {
    const created = await t.api('POST', '/v1/customers', { body: { externalId: 'crm/7 x' } });
    expect((await t.api('GET', `/v1/customers/externalId=${encodeURIComponent('crm/7 x')}`)).body.data.id).toBe(created.body.data.id);
    expect((await t.api('GET', '/v1/customers/externalId=missing')).status).toBe(404);
  });

  it('refuses a second customer with the same email (any case) with 409', async () => {
    await t.createCustomer('jane@example.com');
    const r = await t.api('POST', '/v1/customers', { body: { emails: [{ type: 'work', email: 'JANE@example.com' }] } });
    expect(r.status).toBe(409);
    expect(r.body.errors[0]).toMatchObject({ status: 409, code: 'conflict', source: { pointer: '/emails/0/email' } });
  });

  it('refuses a second customer with the same externalId with 409', async () => {
    await t.api('POST', '/v1/customers', { body: { externalId: 'crm-1' } });
    expect((await t.api('POST', '/v1/customers', { body: { externalId: 'crm-1' } })).status).toBe(409);
  });

  it('refuses fields the wire schema does not allow with 400 pointing at the problem', async () => {
    const r = await t.api('POST', '/v1/customers', { body: { name: 'X', emails: [{ type: 'mobile', email: 'x@example.com' }] } });
    expect(r.status).toBe(400);
    expect(r.body.errors[0]).toMatchObject({ code: 'badparam', source: { pointer: '/emails/0/type' } });
  });

  it("counts the customer's conversations by status", async () => {
    const customer = await t.createCustomer();
    await t.createConversation({ customer });
    const second = await t.createConversation({ customer });
    await t.api('PATCH', `/v1/conversations/${second.id}`, { body: { status: 'done' } });
    const r = await t.api('GET', `/v1/customers/${customer}`);
    expect(r.body.data.attributes.conversationCounts).toEqual({ all: 2, snoozed: 0, open: 1, done: 1 });
    const list = await t.api('GET', `/v1/customers/${customer}/conversations`);
    expect(list.body.data).toHaveLength(2);
  });

  it('creates a conversation for the customer named in the path', async () => {
    const customer = await t.createCustomer();
    const r = await t.api('POST', `/v1/customers/${customer}/conversations`, { body: { name: 'Via path' } });
    expect(r.status).toBe(201);
    expect(r.body.data.relationships.customer.data.id).toBe(customer);
  });
});
