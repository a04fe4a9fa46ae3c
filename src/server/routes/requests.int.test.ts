import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { createTestApp } from '../../../test/support/test-app.ts';
import { commentEntry } from '../../core/timeline.ts';
import { appendTimeline } from '../../db/repositories/timeline.ts';

const t = await createTestApp();
const agent = await t.createUser('agent');
const alice = await t.createUser('requester');
const bob = await t.createUser('requester');

const service = await t.db.insertInto('services').values({ name: 'Customer escalation' }).returningAll().executeTakeFirstOrThrow();
const inbox = await t.db.insertInto('inboxes').values({ name: 'Support' }).returningAll().executeTakeFirstOrThrow();
await t.db.updateTable('services').set({ default_inbox_id: inbox.id }).where('id', '=', service.id).execute();
await t.db
  .insertInto('custom_fields')
  .values([
    { key: 'customer_email', label: 'Customer email', type: 'text', required: true, service_ids: [service.id] },
    { key: 'order_total', label: 'Order total', type: 'number' },
    { key: 'region', label: 'Region', type: 'select', options: ['emea', 'amer'] },
  ])
  .execute();

const file = async (who = alice, body: Record<string, unknown> = {}) => {
  const r = await t.api(who, 'POST', '/api/v1/requests', { title: 'Laptop will not boot', ...body });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return r.body;
};
const timeline = async (who: typeof alice, id: string) => (await t.api(who, 'GET', `/api/v1/requests/${id}/timeline`)).body.items as any[];

describe('filing requests', () => {
  it('files a request for oneself with a human-readable number and a created entry on the timeline', async () => {
    const r = await file(alice, { description: 'Black screen' });
    expect(r.key).toBe(`REQ-${r.number}`);
    expect(r).toMatchObject({ status: 'new', priority: 'medium', requester: { id: alice.id }, createdBy: { id: alice.id }, channel: 'api' });
    const entries = await timeline(alice, r.id);
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ type: 'request.created', actor: { type: 'token', userId: alice.id } });
  });

  it("lets an agent file on a requester's behalf, with priority, tags and the service's inbox", async () => {
    const r = await file(agent, {
      requesterId: bob.id,
      priority: 'high',
      tags: ['vip-customer', 'VIP-customer'],
      serviceId: service.id,
      customFields: { customer_email: 'c@x.com' },
    });
    expect(r).toMatchObject({
      requester: { id: bob.id },
      createdBy: { id: agent.id },
      priority: 'high',
      tags: ['vip-customer'],
      inbox: { id: inbox.id, name: 'Support' },
    });
    const [created] = await timeline(agent, r.id);
    expect(created.data.onBehalf).toBe(true);
  });

  it('refuses priority, assignee or another requester from a requester', async () => {
    for (const body of [{ priority: 'urgent' }, { requesterId: bob.id }, { assigneeId: agent.id }, { tags: ['x'] }]) {
      const r = await t.api(alice, 'POST', '/api/v1/requests', { title: 'x', ...body });
      expect(r.status).toBe(403);
      expect(r.body.error.code).toBe('forbidden');
    }
  });

  it('checks custom fields against their definitions and the service', async () => {
    const missing = await t.api(alice, 'POST', '/api/v1/requests', { title: 'x', serviceId: service.id });
    expect(missing.status).toBe(422);
    expect(missing.body.error.details.fields).toEqual({ customer_email: 'is required' });
    const wrong = await t.api(alice, 'POST', '/api/v1/requests', { title: 'x', customFields: { order_total: 'ten', region: 'apac', nope: 1 } });
    expect(wrong.status).toBe(422);
    expect(Object.keys(wrong.body.error.details.fields).sort()).toEqual(['nope', 'order_total', 'region']);
    const ok = await file(alice, { customFields: { order_total: 10.5, region: 'emea' } });
    expect(ok.customFields).toEqual({ order_total: 10.5, region: 'emea' });
  });

  it('answers unknown references with 422 and malformed input with 400, never 500', async () => {
    expect((await t.api(agent, 'POST', '/api/v1/requests', { title: 'x', serviceId: '00000000-0000-4000-8000-000000000000' })).status).toBe(422);
    expect((await t.api(agent, 'POST', '/api/v1/requests', { title: 'x', assigneeId: alice.id })).status).toBe(422);
    expect((await t.api(agent, 'POST', '/api/v1/requests', { title: '' })).status).toBe(400);
    expect((await t.api(agent, 'POST', '/api/v1/requests', { title: 'x', priority: 'critical' })).status).toBe(400);
    expect((await t.api(agent, 'POST', '/api/v1/requests', { title: 'x', tags: ['has space'] })).status).toBe(400);
    expect((await t.api(agent, 'GET', '/api/v1/requests/not-a-ref')).status).toBe(404);
    expect((await t.api(agent, 'GET', '/api/v1/requests?limit=1000')).status).toBe(400);
    expect((await t.api(agent, 'GET', '/api/v1/requests?cursor=abc')).status).toBe(400);
  });
});

describe('who sees what', () => {
  it('shows requesters only their own requests, and hides others as not found', async () => {
    const mine = await file(alice);
    const theirs = await file(bob);
    const list = (await t.api(alice, 'GET', '/api/v1/requests?limit=100')).body.items as any[];
    expect(list.every((r) => r.requester.id === alice.id)).toBe(true);
    expect((await t.api(alice, 'GET', `/api/v1/requests/${theirs.id}`)).status).toBe(404);
    expect((await t.api(alice, 'GET', `/api/v1/requests/${theirs.id}/timeline`)).status).toBe(404);
    expect((await t.api(alice, 'POST', `/api/v1/requests/${theirs.id}/comments`, { body: 'hi' })).status).toBe(404);
    expect((await t.api(alice, 'PATCH', `/api/v1/requests/${theirs.id}`, { status: 'resolved' })).status).toBe(404);
    expect((await t.api(alice, 'GET', `/api/v1/requests/${mine.key}`)).status).toBe(200);
    expect((await t.api(agent, 'GET', `/api/v1/requests/${theirs.key}`)).body.id).toBe(theirs.id);
  });

  it('shows a request to a requester whom staff added as a follower, and refuses requesters adding others', async () => {
    const r = await file(bob);
    expect((await t.api(alice, 'PUT', `/api/v1/requests/${r.id}/followers/${alice.id}`)).status).toBe(404);
    expect((await t.api(agent, 'PUT', `/api/v1/requests/${r.id}/followers/${alice.id}`)).status).toBe(204);
    expect((await t.api(alice, 'GET', `/api/v1/requests/${r.id}`)).body.followers.map((f: any) => f.id)).toEqual([alice.id]);
    expect((await t.api(alice, 'PUT', `/api/v1/requests/${r.id}/followers/${bob.id}`)).status).toBe(403);
    expect((await t.api(alice, 'DELETE', `/api/v1/requests/${r.id}/followers/${alice.id}`)).status).toBe(204);
    expect((await t.api(alice, 'GET', `/api/v1/requests/${r.id}`)).status).toBe(404);
    const types = (await timeline(agent, r.id)).map((e) => e.type);
    expect(types).toEqual(['request.created', 'request.follower_added', 'request.follower_removed']);
  });

  it('never shows internal notes to requesters, and refuses notes from them', async () => {
    const r = await file(alice);
    expect((await t.api(agent, 'POST', `/api/v1/requests/${r.id}/comments`, { body: 'Looks like a disk failure', visibility: 'internal' })).status).toBe(201);
    expect((await t.api(agent, 'POST', `/api/v1/requests/${r.id}/comments`, { body: 'We are on it' })).status).toBe(201);
    expect((await t.api(alice, 'POST', `/api/v1/requests/${r.id}/comments`, { body: 'secret', visibility: 'internal' })).status).toBe(403);
    const seenByAlice = await timeline(alice, r.id);
    expect(JSON.stringify(seenByAlice)).not.toContain('disk failure');
    expect(seenByAlice.map((e) => e.type)).toContain('comment.public_reply');
    const seenByAgent = await timeline(agent, r.id);
    expect(seenByAgent.find((e) => e.type === 'comment.internal_note')).toMatchObject({ visibility: 'internal', data: { body: 'Looks like a disk failure' } });
  });
});

describe('changing requests', () => {
  it('records each change with actor and before/after values', async () => {
    const r = await file(alice);
    const changed = await t.api(agent, 'PATCH', `/api/v1/requests/${r.id}`, {
      status: 'in_progress',
      priority: 'urgent',
      assigneeId: agent.id,
      inboxId: inbox.id,
      serviceId: service.id,
      tags: ['hardware'],
      customFields: { region: 'amer' },
    });
    expect(changed.status, JSON.stringify(changed.body)).toBe(200);
    expect(changed.body).toMatchObject({
      status: 'in_progress',
      priority: 'urgent',
      assignee: { id: agent.id },
      tags: ['hardware'],
      customFields: { region: 'amer' },
    });
    const entries = (await timeline(agent, r.id)).slice(1);
    const byType = Object.fromEntries(entries.map((e) => [e.type, e]));
    expect(byType['request.status_changed'].data).toEqual({ before: 'new', after: 'in_progress' });
    expect(byType['request.priority_changed'].data).toEqual({ before: 'medium', after: 'urgent' });
    expect(byType['request.assignee_changed'].data).toMatchObject({ before: null, after: agent.id, afterLabel: agent.name });
    expect(byType['request.service_changed'].data).toMatchObject({ afterLabel: 'Customer escalation' });
    expect(byType['request.tags_changed'].data).toMatchObject({ added: ['hardware'], removed: [] });
    expect(byType['request.field_changed'].data).toEqual({ field: 'region', before: null, after: 'amer' });
    for (const e of entries) expect(e.actor).toMatchObject({ type: 'token', userId: agent.id, name: agent.name });
  });

  it('writes nothing when a change changes nothing', async () => {
    const r = await file(alice);
    await t.api(agent, 'PATCH', `/api/v1/requests/${r.id}`, { priority: 'medium', status: 'new' });
    expect(await timeline(agent, r.id)).toHaveLength(1);
  });

  it('lets a requester resolve and reopen their own request but not change its priority', async () => {
    const r = await file(alice);
    const prio = await t.api(alice, 'PATCH', `/api/v1/requests/${r.id}`, { priority: 'urgent' });
    expect(prio.status).toBe(403);
    const resolved = await t.api(alice, 'PATCH', `/api/v1/requests/${r.id}`, { status: 'resolved' });
    expect(resolved.body.resolvedAt).not.toBeNull();
    const reopened = await t.api(alice, 'PATCH', `/api/v1/requests/${r.id}`, { status: 'new' });
    expect(reopened.body).toMatchObject({ status: 'new', resolvedAt: null });
    expect((await t.api(alice, 'PATCH', `/api/v1/requests/${r.id}`, { status: 'archived' })).status).toBe(403);
  });

  it('moves a new request to in progress on the first public reply from the desk', async () => {
    const r = await file(alice);
    await t.api(agent, 'POST', `/api/v1/requests/${r.id}/comments`, { body: 'Looking', visibility: 'internal' });
    expect((await t.api(agent, 'GET', `/api/v1/requests/${r.id}`)).body.status).toBe('new');
    await t.api(agent, 'POST', `/api/v1/requests/${r.id}/comments`, { body: 'On it' });
    expect((await t.api(agent, 'GET', `/api/v1/requests/${r.id}`)).body.status).toBe('in_progress');
    await t.api(agent, 'PATCH', `/api/v1/requests/${r.id}`, { status: 'waiting' });
    await t.api(alice, 'POST', `/api/v1/requests/${r.id}/comments`, { body: 'Here is the info' });
    const last = (await timeline(agent, r.id)).at(-1);
    expect(last).toMatchObject({ type: 'request.status_changed', data: { before: 'waiting', after: 'in_progress', reason: 'requester_replied' } });
  });

  it("keeps concurrent changes from losing each other's timeline entries", async () => {
    const r = await file(alice);
    const priorities = ['low', 'high', 'urgent', 'medium', 'high', 'low'];
    await Promise.all(priorities.map((p) => t.api(agent, 'PATCH', `/api/v1/requests/${r.id}`, { priority: p })));
    const changes = (await timeline(agent, r.id)).filter((e) => e.type === 'request.priority_changed');
    // Each entry's "before" is the previous entry's "after": the row lock serialises the changes.
    for (let i = 1; i < changes.length; i++) expect(changes[i].data.before).toBe(changes[i - 1].data.after);
    const final = (await t.api(agent, 'GET', `/api/v1/requests/${r.id}`)).body.priority;
    expect(changes.at(-1)?.data.after ?? 'medium').toBe(final);
  });
});

describe('the timeline', () => {
  it('cannot be edited or deleted, even with direct SQL', async () => {
    const r = await file(alice);
    await expect(sql`update timeline_entries set type = 'x' where request_id = ${r.id}`.execute(t.db)).rejects.toThrow(/append-only/);
    await expect(sql`delete from timeline_entries where request_id = ${r.id}`.execute(t.db)).rejects.toThrow(/append-only/);
  });

  /** Every page back from the newest, following nextCursor; returns the pages as the API gave them. */
  async function allPages(who: typeof alice, id: string, limit?: number) {
    const pages: { items: any[]; nextCursor: string | null }[] = [];
    let cursor: string | null = null;
    do {
      const qs: URLSearchParams = new URLSearchParams({ ...(limit ? { limit: String(limit) } : {}), ...(cursor ? { cursor } : {}) });
      const res: { status: number; body: any } = await t.api(who, 'GET', `/api/v1/requests/${id}/timeline?${qs}`);
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      pages.push(res.body);
      cursor = res.body.nextCursor;
    } while (cursor && pages.length < 50);
    return pages;
  }

  it('gives the newest entries first page by page, each page oldest first, with an opaque cursor back to the start', async () => {
    const r = await file(alice);
    for (let i = 0; i < 5; i++) await t.api(agent, 'POST', `/api/v1/requests/${r.id}/comments`, { body: `c${i}`, visibility: 'internal' });
    const pages = await allPages(agent, r.id, 4);
    expect(pages.map((p) => p.items.map((e) => e.data.body ?? e.type))).toEqual([
      ['c1', 'c2', 'c3', 'c4'],
      ['request.created', 'c0'],
    ]);
    expect(pages[0]!.nextCursor).not.toMatch(/^\d+$/); // opaque, not the bare id
    expect(pages[1]!.nextCursor).toBeNull();
  });

  it('pages 100 entries by default and shows older ones on request', async () => {
    const r = await file(alice);
    await appendTimeline(
      t.db,
      r.id,
      { kind: 'user', userId: agent.id, role: 'agent', name: 'Agent' },
      Array.from({ length: 120 }, (_, i) => commentEntry(`n${i}`, 'public')),
    );
    const first = await t.api(agent, 'GET', `/api/v1/requests/${r.id}/timeline`);
    expect(first.body.items).toHaveLength(100);
    expect(first.body.items.at(-1).data.body).toBe('n119');
    const older = await t.api(agent, 'GET', `/api/v1/requests/${r.id}/timeline?cursor=${encodeURIComponent(first.body.nextCursor)}`);
    expect(older.body.items.map((e: any) => e.data.body ?? e.type)).toEqual(['request.created', ...Array.from({ length: 20 }, (_, i) => `n${i}`)]);
    expect(older.body.nextCursor).toBeNull();
  });

  it('never shows a requester an internal entry on any page, and their pages are full of what they may see', async () => {
    const r = await file(alice);
    for (let i = 0; i < 6; i++) {
      await t.api(agent, 'POST', `/api/v1/requests/${r.id}/comments`, { body: `public ${i}`, visibility: 'public' });
      await t.api(agent, 'POST', `/api/v1/requests/${r.id}/comments`, { body: `secret ${i}`, visibility: 'internal' });
      await t.api(agent, 'POST', `/api/v1/requests/${r.id}/comments`, { body: `secret ${i}b`, visibility: 'internal' });
    }
    const pages = await allPages(alice, r.id, 2);
    const seen = pages.flatMap((p) => p.items);
    expect(seen.every((e) => e.visibility === 'public')).toBe(true);
    expect(JSON.stringify(pages)).not.toContain('secret');
    // Newest page first: read back to front, the pages give the whole public history in order, 2 at a time.
    // (The first reply moved the request to In progress: a public change.)
    const history = ['request.created', 'public 0', 'request.status_changed', 'public 1', 'public 2', 'public 3', 'public 4', 'public 5'];
    expect(
      pages
        .slice()
        .reverse()
        .flatMap((p) => p.items.map((e) => e.data.body ?? e.type)),
    ).toEqual(history);
    expect(pages.slice(0, -1).every((p) => p.items.length === 2)).toBe(true);
    // Staff see all 20 entries.
    expect((await allPages(agent, r.id, 2)).flatMap((p) => p.items)).toHaveLength(20);
  });

  it('refuses a cursor it did not give out with 400 and the usual error shape', async () => {
    const r = await file(alice);
    for (const cursor of ['123', 't1.!!', 't1.YWJj']) {
      const res = await t.api(agent, 'GET', `/api/v1/requests/${r.id}/timeline?cursor=${encodeURIComponent(cursor)}`);
      expect(res.status).toBe(400);
      expect(res.body.error).toMatchObject({ code: expect.any(String), message: expect.any(String) });
    }
  });
});

describe('listing', () => {
  it('filters by status, priority, service, tag, assignee, inbox, requester and text', async () => {
    const a = await file(agent, { title: 'Printer jammed on floor 3', requesterId: bob.id, priority: 'low', tags: ['printer'] });
    const b = await file(agent, {
      title: 'VPN drops every hour',
      requesterId: alice.id,
      priority: 'urgent',
      serviceId: service.id,
      customFields: { customer_email: 'x@y.z' },
      assigneeId: agent.id,
    });
    await t.api(agent, 'PATCH', `/api/v1/requests/${a.id}`, { status: 'waiting' });
    const ids = async (query: string) => ((await t.api(agent, 'GET', `/api/v1/requests?limit=100&${query}`)).body.items as any[]).map((r) => r.id);
    expect(await ids('status=waiting')).toEqual([a.id]);
    expect(await ids('priority=urgent,low')).toEqual(expect.arrayContaining([a.id, b.id]));
    expect(await ids(`serviceId=${service.id}`)).toContain(b.id);
    expect(await ids(`serviceId=${service.id}`)).not.toContain(a.id);
    expect(await ids('tag=printer')).toEqual([a.id]);
    expect(await ids('assigneeId=me')).toContain(b.id);
    expect(await ids('assigneeId=none')).toContain(a.id);
    expect(await ids('assigneeId=none')).not.toContain(b.id);
    expect(await ids(`inboxId=${inbox.id}`)).toContain(b.id);
    expect(await ids(`requesterId=${bob.id}`)).toContain(a.id);
    expect(await ids(`requesterId=${bob.id}`)).not.toContain(b.id);
    expect(await ids('q=printer')).toEqual([a.id]);
    expect(await ids(`q=${b.key}`)).toEqual([b.id]);
  });

  it('pages newest first with a keyset cursor, without gaps or repeats', async () => {
    for (let i = 0; i < 7; i++) await file(agent, { title: `paged ${i}`, requesterId: bob.id, tags: ['paged'] });
    const seen: number[] = [];
    let cursor: string | null = null;
    do {
      const page: any = (await t.api(agent, 'GET', `/api/v1/requests?tag=paged&limit=3${cursor ? `&cursor=${cursor}` : ''}`)).body;
      seen.push(...page.items.map((r: any) => r.number));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toHaveLength(7);
    expect([...seen].sort((x, y) => y - x)).toEqual(seen);
  });
});

// Who may call each route, anonymous callers included: test/authorization.int.test.ts.
