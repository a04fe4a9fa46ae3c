/**
 * Inbound sync at volume, against the emulator over HTTP: a webhook delivery costs one database statement (stored,
 * authenticated and de-duplicated at once; nothing queued per delivery); a burst is drained in batches, each
 * conversation ending at its newest event; a conversation's thread is read only when a note or message was added;
 * names of Kustomer users are looked up outside the apply's transaction, from one cache that the thread's authors
 * share.
 */
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { syncStack } from '../../../test/support/sync-stack.ts';
import { escalateUntilLinked } from '../../../test/support/escalate-until-linked.ts';
import type { Database } from '../../db/schema.ts';
import { createLogger } from '../../logger.ts';
import { createApp } from '../../server/app.ts';

/** Kustomer's clock, a millisecond further at each change a test makes: every change of a conversation has its own updatedAt. */
let skew = 0;
const { emulator, demo, t, admin, agent, requester, connectKustomer, settled } = await syncStack({ now: () => new Date(Date.now() + skew) });
let path = '';
let secretHeader = { name: '', value: '' };
/** graphile-worker's completed drain runs, counted from the worker's events. */
let drainRuns = 0;

beforeAll(async () => {
  await connectKustomer();
  const saved = await t.api(admin, 'PUT', '/api/v1/integrations/kustomer/sync', { inbound: true, outbound: false, pollMinutes: 0 });
  expect(saved.body.webhook.subscribed).toBe(true);
  path = new URL(saved.body.webhook.url).pathname;
  secretHeader = saved.body.webhook.secretHeader;
  const worker = await t.startWorker({ concurrency: 5 });
  worker.runner.events.on('job:complete', ({ job, error }) => {
    if (job.task_identifier === 'drain-sync-events' && !error) drainRuns += 1;
  });
});

afterEach(async () => {
  // A test that failed while holding Kustomer's deliveries leaves none held for the next.
  await emulator.control.webhooks.release();
  await settled();
});

async function linkedRequest(title: string) {
  const { request, conversationId } = await escalateUntilLinked(t, agent, { title, requesterId: requester.id, queueId: demo.queues.vip.id });
  await emulator.control.webhooks.idle();
  await settled();
  const esc = await t.db.selectFrom('escalations').select('id').where('remote_id', '=', conversationId).executeTakeFirstOrThrow();
  return { requestId: request.id as string, conversationId, escalationId: esc.id };
}
const change = (id: string, c: Record<string, unknown>) => {
  skew += 1;
  return emulator.control.changeConversation({ org: 'acme', id, ...c });
};
const conversation = (id: string) => emulator.control.conversations('acme').find((c) => c.id === id)!.attributes as { status: string; updatedAt: string };
/** The deliveries Kustomer made while held, taken from the emulator (which would otherwise send them itself later). */
function heldSince(seen: number) {
  return emulator.control.webhooks
    .deliveries()
    .slice(seen)
    .filter((d) => d.state === 'held');
}
const post = (rawBody: string, app: { request: (p: string, init: RequestInit) => Response | Promise<Response> } = t.app) =>
  Promise.resolve(
    app.request(path, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-kustomer-webhook-event': 'kustomer.conversation.update', [secretHeader.name]: secretHeader.value },
      body: rawBody,
    }),
  ).then(async (r) => ({ status: r.status, body: (await r.json()) as { status: string } }));
const timelineOf = async (requestId: string) =>
  (await t.api(agent, 'GET', `/api/v1/requests/${requestId}/timeline?limit=200`)).body.items as { type: string; data: any }[];
/** Until no job is due or running: whatever the worker would still do is done. */
const quiet = () =>
  t.waitFor(
    async () => (await sql`select 1 from graphile_worker.jobs where run_at <= now() or locked_at is not null`.execute(t.db)).rows.length === 0 || undefined,
  );

describe('names of Kustomer users', () => {
  // First in the file: the name cache of this process is still empty, so the directory is read exactly here.
  it("looks a new assignee's name up outside the apply's transaction, and names the author of their note from the same read", async () => {
    const { requestId, conversationId, escalationId } = await linkedRequest('Named');
    const morgan = emulator.control.createUser({ org: 'acme', name: 'Morgan Lee', email: 'morgan@acme.example' });
    emulator.control.clearCalls();
    emulator.control.injectFault({ kind: 'slow', count: 1, method: 'GET', pathPrefix: '/v1/users', delayMs: 1_500 });
    change(conversationId, { assignedUsers: [morgan.id] });
    await t.waitFor(async () => emulator.control.calls().some((c) => c.path === '/v1/users') || undefined);
    // While Kustomer takes its time to answer (1.5 s), the escalation's row is free: no transaction holds it for the
    // call. Another short write of the row (a job finishing) may hold it for a moment, so wait for it, but far less
    // than the call takes.
    await t.db.transaction().execute(async (tx) => {
      await sql`set local lock_timeout = '300ms'`.execute(tx);
      await sql`select id from escalations where id = ${escalationId} for update`.execute(tx);
    });
    await t.waitFor(async () => {
      const items = (await t.api(agent, 'GET', `/api/v1/requests/${requestId}/escalations`)).body.items as any[];
      return items[0].remote?.assignee?.userName === 'Morgan Lee' || undefined;
    });
    const res = await fetch(`${emulator.url}/__emulator/orgs/acme/conversations/${conversationId}/notes`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ body: 'Refund approved', by: morgan.id }),
    });
    expect(res.status).toBe(201);
    const note = await t.waitFor(async () => (await timelineOf(requestId)).find((e) => e.type === 'sync.note_received'));
    expect(note.data.author).toBe('Morgan Lee');
    expect(emulator.control.calls().filter((c) => c.path === '/v1/users')).toHaveLength(1);
  });
});

describe('a webhook delivery', () => {
  it('costs one database statement: a burst of deliveries runs one statement each, and a few wake-ups shared by all', async () => {
    const { conversationId } = await linkedRequest('Counted');
    const seen = emulator.control.webhooks.deliveries().length;
    emulator.control.webhooks.hold();
    for (let i = 0; i < 40; i++) change(conversationId, { priority: (i % 5) + 1 });
    const bodies = heldSince(seen).map((d) => d.rawBody);
    expect(bodies).toHaveLength(40);
    // The app as the server runs it, on a database handle that counts every statement sent.
    const statements: string[] = [];
    const pool = new pg.Pool({ connectionString: t.url, max: 10 });
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }), log: (e) => void (e.level === 'query' && statements.push(e.query.sql)) });
    try {
      const app = createApp({ db, config: t.config, log: createLogger('silent'), now: () => new Date(), secrets: t.secrets });
      const answers = await Promise.all(bodies.map((b) => post(b, app)));
      expect(answers.map((a) => [a.status, a.body.status])).toEqual(bodies.map(() => [202, 'accepted']));
      const stores = statements.filter((s) => /insert into "?destination_events"?/i.test(s));
      const wakes = statements.filter((s) => /graphile_worker\.add_job/i.test(s));
      // One statement per delivery stores it; the first also read the connection's credentials (then cached).
      expect(stores).toHaveLength(40);
      expect(statements.filter((s) => !stores.includes(s) && !wakes.includes(s))).toHaveLength(1);
      expect(wakes.length).toBeLessThanOrEqual(10);
      expect(statements.some((s) => /^(begin|commit)/i.test(s))).toBe(false);
    } finally {
      await db.destroy();
    }
    // Kustomer's own sends of the same events are repeats now.
    await emulator.control.webhooks.release('original');
    expect(
      emulator.control.webhooks
        .deliveries()
        .slice(seen)
        .map((d) => d.httpStatus),
    ).toEqual(bodies.map(() => 202));
    await settled();
  });

  it('after a rotation in another process, a cached secret stops working and the new one works', async () => {
    const { conversationId } = await linkedRequest('Rotated elsewhere');
    const seen = emulator.control.webhooks.deliveries().length;
    emulator.control.webhooks.hold();
    change(conversationId, { priority: 4 });
    change(conversationId, { priority: 5 });
    const [first, second] = heldSince(seen).map((d) => d.rawBody);
    expect((await post(first!)).status).toBe(202); // the credentials are now cached by this process
    // Another process rotates: its write is all this process sees (no call here to forget the cache).
    await t.db
      .updateTable('destination_connections')
      .set({ webhook_secret_encrypted: t.secrets.seal('rotated-elsewhere-secret-value-0123456789') })
      .where('provider', '=', 'kustomer')
      .execute();
    expect((await post(second!)).status).toBe(401);
    const fresh = await t.app.request(path, {
      method: 'POST',
      headers: { 'content-type': 'application/json', [secretHeader.name]: 'rotated-elsewhere-secret-value-0123456789' },
      body: second!,
    });
    expect(fresh.status).toBe(202);
    await t.db
      .updateTable('destination_connections')
      .set({ webhook_secret_encrypted: t.secrets.seal(secretHeader.value) })
      .where('provider', '=', 'kustomer')
      .execute();
    await emulator.control.webhooks.release('original');
    await settled();
  });
});

describe('a burst of deliveries', () => {
  it('is drained in batches, each conversation ending at its newest event, each change applied once', async () => {
    const linked = [await linkedRequest('Burst A'), await linkedRequest('Burst B'), await linkedRequest('Burst C')];
    // In progress, as Kustomer's open maps to: whichever events apply, each request ends at its conversation's last status.
    for (const l of linked) expect((await t.api(agent, 'PATCH', `/api/v1/requests/${l.requestId}`, { status: 'in_progress' })).status).toBe(200);
    await quiet();
    const seen = emulator.control.webhooks.deliveries().length;
    emulator.control.webhooks.hold();
    const walk = ['done', 'open', 'snoozed', 'open', 'done', 'snoozed', 'done', 'open'];
    for (const status of walk)
      for (const l of linked)
        change(l.conversationId, { status, ...(status === 'snoozed' ? { snooze: { time: '2031-01-01T00:00:00.000Z', status: 'scheduled' } } : {}) });
    const bodies = heldSince(seen).map((d) => d.rawBody);
    expect(bodies).toHaveLength(24);
    const runsBefore = drainRuns;
    // All at once, each two rounds of changes in reverse: half the events arrive after a newer one of their conversation.
    const order = bodies.flatMap((_, i) => (i % 6 === 0 ? bodies.slice(i, i + 6).reverse() : []));
    expect(new Set(order).size).toBe(24);
    const answers = await Promise.all(order.map((b) => post(b)));
    expect(new Set(answers.map((a) => a.status))).toEqual(new Set([202]));
    await settled();
    await quiet();
    // Applied in batches: a few drain runs, a few transactions (the events one applies share its processed_at).
    expect(drainRuns - runsBefore).toBeLessThan(12);
    const applied = await t.db
      .selectFrom('destination_events')
      .select(sql<string>`count(distinct processed_at)`.as('n'))
      .where(
        'event_id',
        'in',
        bodies.map((b) => (JSON.parse(b) as { id: string }).id),
      )
      .executeTakeFirstOrThrow();
    expect(Number(applied.n)).toBeLessThan(12);
    const expected: Record<string, string> = { open: 'in_progress', snoozed: 'waiting', done: 'resolved' };
    for (const l of linked) {
      const last = conversation(l.conversationId);
      expect(last.status).toBe('open');
      const esc = await t.db
        .selectFrom('escalations')
        .select(['remote_status', 'remote_updated_at'])
        .where('id', '=', l.escalationId)
        .executeTakeFirstOrThrow();
      expect([esc.remote_status, new Date(esc.remote_updated_at!).toISOString()]).toEqual(['open', last.updatedAt]);
      expect((await t.api(agent, 'GET', `/api/v1/requests/${l.requestId}`)).body.status).toBe(expected[last.status]);
    }
    const received = async () => Promise.all(linked.map(async (l) => (await timelineOf(l.requestId)).filter((e) => e.type === 'sync.status_received').length));
    const counts = await received();
    for (const n of counts) expect(n).toBeGreaterThan(0);
    for (const n of counts) expect(n).toBeLessThanOrEqual(walk.length);
    // Kustomer sends them all again (at least once): each is a repeat, and nothing changes.
    await emulator.control.webhooks.release('original');
    await settled();
    await quiet();
    expect(await received()).toEqual(counts);
  });
});

describe("the conversation's thread", () => {
  it('is read only when a note or message was added: a change of status, assignee or priority reads nothing', async () => {
    const { requestId, conversationId } = await linkedRequest('Thread reads');
    await quiet();
    emulator.control.clearCalls();
    change(conversationId, { priority: 4 });
    change(conversationId, { assignedTeams: [demo.teams.billing.id] });
    change(conversationId, { status: 'snoozed', snooze: { time: '2031-01-01T00:00:00.000Z', status: 'scheduled' } });
    await emulator.control.webhooks.idle();
    await settled();
    await quiet();
    const threadCalls = () => emulator.control.calls().filter((c) => /\/v1\/conversations\/[^/]+\/(notes|messages)$/.test(c.path) && c.method === 'GET');
    expect(threadCalls()).toEqual([]);
    await fetch(`${emulator.url}/__emulator/orgs/acme/conversations/${conversationId}/notes`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ body: 'Waiting on the warehouse' }),
    });
    await t.waitFor(async () => (await timelineOf(requestId)).some((e) => e.type === 'sync.note_received') || undefined);
    expect(threadCalls().length).toBeGreaterThan(0);
  });

  it('is read again on a change an hour after its last read, whatever the mark says', async () => {
    const { conversationId, escalationId } = await linkedRequest('Thread hourly');
    await quiet();
    await t.db
      .updateTable('escalations')
      .set({ thread_read_at: new Date(Date.now() - 2 * 3_600_000), linked_at: new Date(Date.now() - 2 * 3_600_000) })
      .where('id', '=', escalationId)
      .execute();
    emulator.control.clearCalls();
    change(conversationId, { priority: 5 });
    await t.waitFor(async () => emulator.control.calls().some((c) => c.path === `/v1/conversations/${conversationId}/notes`) || undefined);
    await quiet();
    // Once: the next change within the hour reads nothing.
    emulator.control.clearCalls();
    change(conversationId, { priority: 4 });
    await emulator.control.webhooks.idle();
    await settled();
    await quiet();
    expect(emulator.control.calls().filter((c) => c.path.startsWith(`/v1/conversations/${conversationId}/`))).toEqual([]);
  });
});
