/**
 * The request list as agents work it: sorting with exact keyset paging in every order, the total, the escalation
 * column and filters, bulk changes, and saved views.
 */
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { createTestApp, type TestUser } from '../../../test/support/test-app.ts';

const t = await createTestApp();
const agent = await t.createUser('agent', { name: 'Ada Agent' });
const agent2 = await t.createUser('agent', { name: 'Ben Agent' });
const alice = await t.createUser('requester');
const bob = await t.createUser('requester');

const file = async (who: TestUser, body: Record<string, unknown>) => {
  const r = await t.api(who, 'POST', '/api/v1/requests', { title: 'x', ...body });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return r.body as { id: string; key: string; number: number };
};
const list = async (who: TestUser, query: string) => {
  const r = await t.api(who, 'GET', `/api/v1/requests?${query}`);
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return r.body as { items: any[]; nextCursor: string | null; total: number | null };
};
/** Every page, following nextCursor; returns the numbers in order and the first page's total. */
async function allPages(who: TestUser, query: string, limit: number) {
  const numbers: number[] = [];
  let cursor: string | null = null;
  let total: number | null = null;
  let pages = 0;
  do {
    const page = await list(who, `${query}&limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`);
    if (pages === 0) total = page.total;
    else expect(page.total).toBeNull();
    numbers.push(...page.items.map((r) => r.number));
    cursor = page.nextCursor;
    pages += 1;
    expect(pages, 'paging ends').toBeLessThan(50);
  } while (cursor);
  return { numbers, total, pages };
}
const escalate = (requestId: string, state: string, at: Date, remoteStatus: string | null = null) =>
  t.db
    .insertInto('escalations')
    .values({ request_id: requestId, provider: 'kustomer', state: state as never, subject: 's', message: 'm', remote_status: remoteStatus, created_at: at })
    .execute();

// Twelve requests in one tag, with priorities, statuses and update times chosen to tie often, so ordering and
// paging must use the number to break ties.
const PRIORITIES = ['low', 'urgent', 'medium', 'high', 'urgent', 'low', 'medium', 'high', 'urgent', 'low', 'medium', 'high'] as const;
const STATUSES = ['new', 'waiting', 'in_progress', 'resolved', 'new', 'archived', 'waiting', 'new', 'in_progress', 'new', 'resolved', 'waiting'] as const;
const sorted: { number: number; priority: string; status: string; updated: number }[] = [];
const base = t.clock.now.getTime();
for (let i = 0; i < 12; i++) {
  const r = await file(agent, { title: `sortable ${i}`, requesterId: bob.id, priority: PRIORITIES[i], tags: ['sortable'] });
  // Three update times only (ties), and the newest number is not the latest update.
  t.clock.now = new Date(base + ((i * 7) % 3) * 60_000);
  if (STATUSES[i] !== 'new') expect((await t.api(agent, 'PATCH', `/api/v1/requests/${r.id}`, { status: STATUSES[i] })).status).toBe(200);
  else await t.db.updateTable('requests').set({ updated_at: t.clock.now }).where('id', '=', r.id).execute();
  sorted.push({ number: r.number, priority: PRIORITIES[i]!, status: STATUSES[i]!, updated: t.clock.now.getTime() });
}
// Microseconds a JS Date cannot hold: the cursor must keep them, or a page boundary inside the tie would skip rows.
await sql`update requests set updated_at = ${new Date(base)}::timestamptz + interval '3 microseconds' where number = ${sorted[0]!.number}`.execute(t.db);
sorted[0]!.updated = base + 0.003;

const RANK = {
  priority: ['low', 'medium', 'high', 'urgent'],
  status: ['new', 'in_progress', 'waiting', 'resolved', 'archived'],
};
function expected(sort: 'created' | 'updated' | 'priority' | 'status', order: 'asc' | 'desc'): number[] {
  const key = (r: (typeof sorted)[number]) =>
    sort === 'created' ? 0 : sort === 'updated' ? r.updated : sort === 'priority' ? RANK.priority.indexOf(r.priority) : RANK.status.indexOf(r.status);
  const dir = order === 'asc' ? 1 : -1;
  return [...sorted].sort((a, b) => dir * (key(a) - key(b) || a.number - b.number)).map((r) => r.number);
}

describe('sorting', () => {
  for (const sort of ['created', 'updated', 'priority', 'status'] as const) {
    for (const order of ['asc', 'desc'] as const) {
      it(`sorts by ${sort} ${order}, ties by number, and pages through it with no gap or repeat`, async () => {
        const want = expected(sort, order);
        const whole = await list(agent, `tag=sortable&sort=${sort}&order=${order}&limit=100`);
        expect(whole.items.map((r) => r.number)).toEqual(want);
        // Pages of 1, 2 and 5 rows put a boundary inside every tie.
        for (const limit of [1, 2, 5]) {
          const paged = await allPages(agent, `tag=sortable&sort=${sort}&order=${order}`, limit);
          expect(paged.numbers).toEqual(want);
          expect(paged.total).toBe(12);
        }
      });
    }
  }

  it('refuses a cursor from another sort or order, or one it did not make, with 400', async () => {
    const first = await list(agent, 'tag=sortable&sort=priority&limit=2');
    expect(first.nextCursor).toMatch(/^[A-Za-z0-9_-]+$/);
    for (const query of [
      `sort=updated&cursor=${first.nextCursor}`,
      `sort=priority&order=asc&cursor=${first.nextCursor}`,
      'cursor=abc',
      'cursor=12',
      'cursor=%2F%2F',
      'sort=name',
      'order=up',
    ]) {
      const r = await t.api(agent, 'GET', `/api/v1/requests?tag=sortable&${query}`);
      expect(r.status, query).toBe(400);
      expect(Object.keys(r.body)).toEqual(['error']);
    }
    expect((await list(agent, `tag=sortable&sort=priority&limit=2&cursor=${first.nextCursor}`)).items).toHaveLength(2);
  });
});

describe('the total', () => {
  it('counts every request matching the filters, not just the page', async () => {
    expect((await list(agent, 'tag=sortable&limit=3')).total).toBe(12);
    expect((await list(agent, 'tag=sortable&status=new&limit=1')).total).toBe(STATUSES.filter((s) => s === 'new').length);
    expect((await list(agent, 'tag=sortable&q=nothing-matches-this')).total).toBe(0);
    // A requester's total counts only what they may see.
    await file(bob, { title: 'bob own' });
    const bobs = await list(bob, 'limit=1');
    expect(bobs.total).toBe((await allPages(bob, 'x=1', 100)).numbers.length);
    expect((await list(alice, 'limit=1')).total).toBe(0);
  });
});

describe('escalations in the list', () => {
  it("shows each request's latest escalation with the destination's status, and filters escalated / not escalated / failed / waiting on and done in Kustomer", async () => {
    const never = await file(agent, { title: 'never escalated', requesterId: bob.id, tags: ['esc'] });
    const linked = await file(agent, { title: 'linked', requesterId: bob.id, tags: ['esc'] });
    const sending = await file(agent, { title: 'sending', requesterId: bob.id, tags: ['esc'] });
    const failed = await file(agent, { title: 'failed', requesterId: bob.id, tags: ['esc'] });
    const linkFailed = await file(agent, { title: 'link failed', requesterId: bob.id, tags: ['esc'] });
    const retried = await file(agent, { title: 'failed then linked', requesterId: bob.id, tags: ['esc'] });
    const now = Date.now();
    await escalate(linked.id, 'linked', new Date(now), 'closed');
    await escalate(sending.id, 'sending', new Date(now));
    await escalate(failed.id, 'failed', new Date(now));
    await escalate(linkFailed.id, 'link_failed', new Date(now), 'open');
    await escalate(retried.id, 'failed', new Date(now - 60_000));
    await escalate(retried.id, 'linked', new Date(now), 'open');

    const byTitle = Object.fromEntries((await list(agent, 'tag=esc&limit=100')).items.map((r) => [r.title, r.escalation]));
    expect(byTitle).toMatchObject({
      'never escalated': null,
      linked: { provider: 'kustomer', state: 'linked', remoteStatus: 'closed' },
      sending: { provider: 'kustomer', state: 'sending', remoteStatus: null },
      failed: { provider: 'kustomer', state: 'failed', remoteStatus: null },
      'link failed': { provider: 'kustomer', state: 'link_failed', remoteStatus: 'open' },
      'failed then linked': { provider: 'kustomer', state: 'linked', remoteStatus: 'open' },
    });

    const ids = async (escalation: string) => {
      const page = await list(agent, `tag=esc&escalation=${escalation}&limit=100`);
      expect(page.total).toBe(page.items.length);
      return page.items.map((r) => r.id).sort();
    };
    expect(await ids('not_escalated')).toEqual([never.id]);
    expect(await ids('escalated')).toEqual([linked.id, sending.id, retried.id].sort());
    expect(await ids('failed')).toEqual([failed.id, linkFailed.id].sort());
    // By the conversation's state in Kustomer: open there (a link that failed is not escalated), or done there.
    expect(await ids('waiting_on_destination')).toEqual([retried.id]);
    expect(await ids('done_in_destination')).toEqual([linked.id]);
    expect((await t.api(agent, 'GET', '/api/v1/requests?escalation=maybe')).status).toBe(400);
  });

  it('keeps escalations from requesters: no escalation in their rows, and the filter is refused', async () => {
    const own = await file(alice, { title: 'alice escalated' });
    await escalate(own.id, 'linked', new Date(), 'open');
    const rows = (await list(alice, 'limit=100')).items;
    expect(rows.find((r) => r.id === own.id)?.escalation).toBeNull();
    const refused = await t.api(alice, 'GET', '/api/v1/requests?escalation=escalated');
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('forbidden');
  });
});

describe('bulk changes', () => {
  it('changes every selected request in one call, one timeline entry per changed request, and reports the unchanged', async () => {
    const rs = [];
    for (let i = 0; i < 3; i++) rs.push(await file(agent, { title: `bulk ${i}`, requesterId: bob.id, tags: ['bulk'] }));
    await t.api(agent, 'PATCH', `/api/v1/requests/${rs[2]!.id}`, { status: 'resolved' });
    const r = await t.api(agent, 'POST', '/api/v1/bulk/requests', { ids: rs.map((x) => x.id), changes: { status: 'resolved' } });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body).toEqual({
      changed: [
        { id: rs[0]!.id, key: rs[0]!.key },
        { id: rs[1]!.id, key: rs[1]!.key },
      ],
      unchanged: [{ id: rs[2]!.id, key: rs[2]!.key }],
      skipped: [],
    });
    for (const x of rs.slice(0, 2)) {
      const entries = (await t.api(agent, 'GET', `/api/v1/requests/${x.id}/timeline`)).body.items as any[];
      expect(entries.filter((e) => e.type === 'request.status_changed')).toEqual([
        expect.objectContaining({ actor: expect.objectContaining({ userId: agent.id }), data: expect.objectContaining({ before: 'new', after: 'resolved' }) }),
      ]);
    }
    const third = (await t.api(agent, 'GET', `/api/v1/requests/${rs[2]!.id}/timeline`)).body.items as any[];
    expect(third.filter((e) => e.type === 'request.status_changed')).toHaveLength(1);
  });

  it('assigns, sets priority and adds and removes tags, each as the single change would', async () => {
    const a = await file(agent, { title: 'bulk tags a', requesterId: bob.id, tags: ['old', 'keep'] });
    const b = await file(agent, { title: 'bulk tags b', requesterId: bob.id, tags: ['keep'] });
    const r = await t.api(agent, 'POST', '/api/v1/bulk/requests', {
      ids: [a.id, b.id, a.id],
      changes: { assigneeId: agent2.id, priority: 'high', addTags: ['VIP'], removeTags: ['old'] },
    });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.changed.map((x: any) => x.id)).toEqual([a.id, b.id]);
    const [ra, rb] = await Promise.all([a, b].map(async (x) => (await t.api(agent, 'GET', `/api/v1/requests/${x.id}`)).body));
    expect(ra).toMatchObject({ priority: 'high', assignee: { id: agent2.id }, tags: ['keep', 'vip'] });
    expect(rb).toMatchObject({ priority: 'high', assignee: { id: agent2.id }, tags: ['keep', 'vip'] });
    const types = ((await t.api(agent, 'GET', `/api/v1/requests/${a.id}/timeline`)).body.items as any[]).map((e) => e.type);
    expect(types).toEqual(['request.created', 'request.priority_changed', 'request.assignee_changed', 'request.tags_changed']);
  });

  it('authorizes each request as PATCH does: skips what the caller may not change or cannot see, changes the rest', async () => {
    const own = await file(alice, { title: 'alice own' });
    const followed = await file(agent, { title: 'followed by alice', requesterId: bob.id });
    expect((await t.api(agent, 'PUT', `/api/v1/requests/${followed.id}/followers/${alice.id}`)).status).toBe(204);
    const hidden = await file(bob, { title: 'bob only' });
    const missing = '00000000-0000-4000-8000-000000000000';
    const r = await t.api(alice, 'POST', '/api/v1/bulk/requests', { ids: [own.id, followed.id, hidden.id, missing], changes: { status: 'resolved' } });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.changed).toEqual([{ id: own.id, key: own.key }]);
    expect(r.body.skipped).toEqual([
      { id: followed.id, key: followed.key, code: 'forbidden', reason: expect.any(String) },
      { id: hidden.id, key: null, code: 'not_found', reason: 'Request not found' },
      { id: missing, key: null, code: 'not_found', reason: 'Request not found' },
    ]);
    expect((await t.api(agent, 'GET', `/api/v1/requests/${followed.id}`)).body.status).toBe('new');
    expect((await t.api(agent, 'GET', `/api/v1/requests/${hidden.id}`)).body.status).toBe('new');
    // A requester may resolve in bulk, but not assign.
    const assign = await t.api(alice, 'POST', '/api/v1/bulk/requests', { ids: [own.id], changes: { priority: 'low' } });
    expect(assign.body.skipped).toEqual([{ id: own.id, key: own.key, code: 'forbidden', reason: expect.any(String) }]);
  });

  it('refuses malformed input with 400 and a bad assignee with 422, changing nothing', async () => {
    const x = await file(agent, { title: 'bulk refused', requesterId: bob.id });
    for (const body of [
      {},
      { ids: [], changes: { status: 'resolved' } },
      { ids: [x.id], changes: {} },
      { ids: [x.id], changes: { addTags: [] } },
      { ids: [x.id], changes: { status: 'closed' } },
      { ids: ['nope'], changes: { status: 'resolved' } },
      { ids: Array.from({ length: 101 }, () => x.id), changes: { status: 'resolved' } },
      { ids: [x.id], changes: { status: 'resolved', title: 'sneaky' } },
    ]) {
      const r = await t.api(agent, 'POST', '/api/v1/bulk/requests', body);
      expect(r.status, JSON.stringify(body)).toBe(400);
    }
    const bad = await t.api(agent, 'POST', '/api/v1/bulk/requests', { ids: [x.id], changes: { assigneeId: bob.id } });
    expect(bad.status).toBe(422);
    expect((await t.api(agent, 'GET', `/api/v1/requests/${x.id}/timeline`)).body.items).toHaveLength(1);
  });
});

describe('saved views', () => {
  it("saves a person's named list (filters, sort, order), lists it by name, and deletes it", async () => {
    const saved = await t.api(agent, 'POST', '/api/v1/saved-views', {
      name: 'My urgent',
      query: { priority: 'urgent', assigneeId: 'me', sort: 'updated', order: 'desc' },
    });
    expect(saved.status, JSON.stringify(saved.body)).toBe(201);
    expect(saved.body).toMatchObject({ name: 'My urgent', query: { priority: 'urgent', assigneeId: 'me', sort: 'updated', order: 'desc' } });
    await t.api(agent, 'POST', '/api/v1/saved-views', { name: 'escalation trouble', query: { escalation: 'failed' } });
    expect((await t.api(agent, 'GET', '/api/v1/saved-views')).body.items.map((v: any) => v.name)).toEqual(['escalation trouble', 'My urgent']);
    // Views are personal.
    expect((await t.api(agent2, 'GET', '/api/v1/saved-views')).body.items).toEqual([]);
    expect((await t.api(agent2, 'DELETE', `/api/v1/saved-views/${saved.body.id}`)).status).toBe(404);
    // The query opens the same list as the URL would.
    const viaView = await list(agent, new URLSearchParams(saved.body.query).toString());
    expect(viaView.items.every((r) => r.priority === 'urgent')).toBe(true);
    expect((await t.api(agent, 'DELETE', `/api/v1/saved-views/${saved.body.id}`)).status).toBe(204);
    expect((await t.api(agent, 'GET', '/api/v1/saved-views')).body.items.map((v: any) => v.name)).toEqual(['escalation trouble']);
  });

  it('refuses a duplicate name with 409 and a query that is not a valid list with 400', async () => {
    expect((await t.api(agent2, 'POST', '/api/v1/saved-views', { name: 'Triage', query: {} })).status).toBe(201);
    const dup = await t.api(agent2, 'POST', '/api/v1/saved-views', { name: 'triage', query: { status: 'new' } });
    expect(dup.status).toBe(409);
    for (const query of [{ status: 'bogus' }, { cursor: 'abc' }, { limit: '5' }, { sort: 'name' }, { unknown: 'x' }, { q: 'x'.repeat(201) }, { status: 1 }]) {
      const r = await t.api(agent2, 'POST', '/api/v1/saved-views', { name: 'bad', query });
      expect(r.status, JSON.stringify(query)).toBe(400);
    }
    expect((await t.api(agent2, 'POST', '/api/v1/saved-views', { name: ' ', query: {} })).status).toBe(400);
  });
});
