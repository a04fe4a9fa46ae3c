import { describe, expect, it } from 'vitest';
import { testEmulatorEachTest } from './test-emulator.ts';

const t = testEmulatorEachTest();

const search = (body: Record<string, unknown>) => ({ body: { queryContext: 'conversation', ...body } });

describe('conversation search', () => {
  it('finds conversations updated at or after a time, oldest update first', async () => {
    const a = await t.createConversation();
    t.clock.advance(60_000);
    const b = await t.createConversation();
    t.clock.advance(60_000);
    await t.api('PATCH', `/v1/conversations/${a.id}`, { body: { priority: 3 } }); // a now updated last
    const r = await t.api(
      'POST',
      '/v1/customers/search',
      search({ and: [{ conversation_updated_at: { gte: '2025-03-21T12:01:00.000Z' } }], sort: [{ conversation_updated_at: 'asc' }] }),
    );
    expect(r.status).toBe(200);
    expect(r.body.data.map((c: { id: string }) => c.id)).toEqual([b.id, a.id]);
  });

  it('serves as a polling cursor: a change after the cursor shows up on the next poll', async () => {
    const conv = await t.createConversation();
    const poll = async (since: string) =>
      (await t.api('POST', '/v1/customers/search', search({ and: [{ conversation_updated_at: { gte: since } }], sort: [{ conversation_updated_at: 'asc' }] })))
        .body.data as {
        id: string;
        attributes: { updatedAt: string; status: string };
      }[];
    const first = await poll('2025-03-21T00:00:00.000Z');
    const cursor = first.at(-1)!.attributes.updatedAt;
    t.clock.advance(30_000);
    t.control.changeConversation({ org: 'acme', id: conv.id, status: 'done' });
    const next = (await poll(cursor)).filter((c) => c.attributes.updatedAt > cursor);
    expect(next.map((c) => [c.id, c.attributes.status])).toEqual([[conv.id, 'done']]);
  });

  it('filters by status and pages with relative links', async () => {
    for (let i = 0; i < 3; i++) await t.createConversation({ status: 'done' });
    await t.createConversation();
    const page1 = await t.api('POST', '/v1/customers/search?pageSize=2', search({ and: [{ conversation_status: { equals: 'done' } }] }));
    expect(page1.body.data).toHaveLength(2);
    expect(page1.body.links.next).toBe('/v1/customers/search?pageSize=2&page=2');
    const page2 = await t.api('POST', page1.body.links.next, search({ and: [{ conversation_status: { equals: 'done' } }] }));
    expect(page2.body.data).toHaveLength(1);
    expect(page2.body.links.next).toBeNull();
  });

  it('sorts newest first on request', async () => {
    const a = await t.createConversation();
    t.clock.advance(1_000);
    const b = await t.createConversation();
    const r = await t.api('POST', '/v1/customers/search', search({ sort: [{ conversation_created_at: 'desc' }] }));
    expect(r.body.data.map((c: { id: string }) => c.id)).toEqual([b.id, a.id]);
  });

  it('refuses other query contexts, unknown criteria and pages past 100 with 400', async () => {
    expect((await t.api('POST', '/v1/customers/search', { body: { queryContext: 'customer' } })).status).toBe(400);
    expect((await t.api('POST', '/v1/customers/search', search({ and: [{ conversation_name: { equals: 'x' } }] }))).status).toBe(400);
    expect((await t.api('POST', '/v1/customers/search?page=101', search({}))).status).toBe(400);
  });

  it('needs the search role', async () => {
    const key = t.control.createApiKey({ org: 'acme', roles: ['org.permission.conversation.read'] });
    expect((await t.api('POST', '/v1/customers/search', { ...search({}), key: key.key })).status).toBe(401);
  });

  it("finds a customer's conversations by any of their emails, and conversations by words of their name, ignoring case", async () => {
    const pat = await t.api('POST', '/v1/customers', {
      body: {
        name: 'Pat',
        emails: [
          { type: 'work', email: 'pat@x.example' },
          { type: 'home', email: 'Pat@Home.example' },
        ],
      },
    });
    const printer = await t.createConversation({ customer: pat.body.data.id, name: 'Printer jams on floor 3' });
    await t.createConversation({ name: 'Printer toner' });
    const ids = async (and: unknown[]) => ((await t.api('POST', '/v1/customers/search', search({ and }))).body.data as { id: string }[]).map((c) => c.id);
    expect(await ids([{ customer_email: { equals: 'pat@home.example' } }])).toEqual([printer.id]);
    expect(await ids([{ conversation_name: { contains: 'JAMS' } }, { conversation_name: { contains: 'printer' } }])).toEqual([printer.id]);
    expect(await ids([{ conversation_name: { contains: 'scanner' } }])).toEqual([]);
  });

  it('limits each API key to its own 100 searches a minute (machine users, docs/kustomer.md §26)', async () => {
    t.control.updateOrg('acme', { searchRateLimitPerMinute: 1 });
    const other = t.control.createApiKey({ org: 'acme', roles: ['org.permission.search.create'], name: 'Other tool' });
    const run = (key?: string) => t.api('POST', '/v1/customers/search', { ...search({}), ...(key ? { key } : {}) });
    expect((await run()).status).toBe(200);
    expect((await run()).status).toBe(429);
    expect((await run(other.key)).status).toBe(200);
    t.clock.advance(60_000);
    expect((await run()).status).toBe(200);
  });
});
