/**
 * GET /api/v1/stream: a change committed through any process reaches the open streams of every process, each
 * reader hears only what they may see, and a process holds one LISTEN connection for all its streams.
 */
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { createDb } from '../../db/database.ts';
import { createLogger } from '../../logger.ts';
import { readEventStream, type EventStreamReader } from '../../../test/support/event-stream.ts';
import { signIn } from '../../../test/support/sign-in.ts';
import { createTestApp, TEST_PASSWORD, type TestUser } from '../../../test/support/test-app.ts';
import { createApp } from '../app.ts';

const t = await createTestApp();
const admin = await t.createUser('admin');
const agent = await t.createUser('agent');
const riley = await t.createUser('requester');
const sam = await t.createUser('requester');

/** Another server process on the same database: its own pool and its own change feed. */
function otherProcess() {
  const { db } = createDb(t.url, 2);
  afterAll(() => db.destroy());
  return createApp({ db, config: t.config, log: createLogger('silent'), now: () => new Date(), secrets: t.secrets });
}
const processA = otherProcess();
const processB = otherProcess();

const streams: EventStreamReader[] = [];
afterAll(async () => {
  for (const s of streams) await s.close();
});

/** Opens a stream as `who` and waits until it listens (so every later commit is announced). */
async function openStream(app: { request: typeof t.app.request }, headers: Record<string, string>) {
  const res = await app.request('/api/v1/stream', { headers });
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
  const stream = readEventStream(res);
  streams.push(stream);
  await stream.next((e) => e.event === 'ready');
  return stream;
}
const bearer = (who: TestUser) => ({ authorization: `Bearer ${who.token}` });
const changes = (s: EventStreamReader) => s.events.filter((e) => e.event === 'change').map((e) => e.data);
/** The change that announces an entry: one per statement, carrying the newest entry id it wrote (a reply may also change the status). */
const announces = (requestId: string, entryId: string) => (e: { event: string; data: any }) =>
  e.event === 'change' && e.data.requestId === requestId && BigInt(e.data.entryId ?? 0) >= BigInt(entryId);

async function fileRequest(who: TestUser, title: string): Promise<string> {
  const r = await t.api(who, 'POST', '/api/v1/requests', { title });
  expect(r.status).toBe(201);
  return r.body.id;
}
async function comment(who: TestUser, requestId: string, body: string, visibility: 'public' | 'internal') {
  const r = await t.api(who, 'POST', `/api/v1/requests/${requestId}/comments`, { body, visibility });
  expect(r.status).toBe(201);
  return r.body.id as string;
}

describe('GET /api/v1/stream', () => {
  it('pushes a change committed through one process to the open streams of every other process', async () => {
    const onA = await openStream(processA, bearer(agent));
    const onB = await openStream(processB, bearer(admin));
    const requestId = await fileRequest(riley, 'Printer on fire');
    // Written through a third app (the test app), committed once: both processes hear it from Postgres.
    const entryId = await comment(riley, requestId, 'Still burning', 'public');
    for (const s of [onA, onB]) {
      const e = await s.next(announces(requestId, entryId));
      expect(e.data).toEqual({ kind: 'timeline', requestId, entryId });
    }
    // An escalation's remote state changing (as status sync writes it) is announced too, to staff.
    const escalation = await t.db
      .insertInto('escalations')
      .values({ request_id: requestId, provider: 'kustomer', state: 'linked', subject: 's', message: 'm' })
      .returning('id')
      .executeTakeFirstOrThrow();
    await t.db.updateTable('escalations').set({ remote_status: 'done', remote_updated_at: new Date() }).where('id', '=', escalation.id).execute();
    for (const s of [onA, onB]) {
      await s.next((x) => x.event === 'change' && x.data.kind === 'escalation' && x.data.escalationId === escalation.id);
      expect(changes(s).filter((c) => c.kind === 'escalation').length).toBeGreaterThanOrEqual(1);
    }
  });

  it('tells a requester only of public entries on requests they may see: never an internal note, an escalation, or another requester', async () => {
    const mine = await fileRequest(riley, 'My laptop');
    const rileys = await openStream(processA, bearer(riley));
    const agents = await openStream(processB, bearer(agent));

    const samsRequest = await fileRequest(sam, 'Sam is locked out');
    await comment(sam, samsRequest, 'Please hurry', 'public');
    const internal = await comment(agent, mine, 'Riley broke it again', 'internal');
    await t.db.insertInto('escalations').values({ request_id: mine, provider: 'kustomer', state: 'sending', subject: 's', message: 'm' }).execute();
    const reply = await comment(agent, mine, 'On it', 'public');

    // Events keep their commit order, so once the reply has arrived, everything before it was decided.
    // (The creation of `mine`, committed just before the stream opened, may still be on its way to this process's
    // feed: it may be heard too, and is public. Whatever was heard must be public entries of `mine`.)
    const heard = await rileys.next(announces(mine, reply));
    expect(heard.data).toEqual({ kind: 'timeline', requestId: mine, entryId: expect.any(String) });
    const told = changes(rileys);
    expect(told.every((c) => c.kind === 'timeline' && c.requestId === mine)).toBe(true);
    const entries = await t.db
      .selectFrom('timeline_entries')
      .select(['id', 'visibility'])
      .where(
        'id',
        'in',
        told.map((c) => c.entryId!),
      )
      .execute();
    expect(entries.map((e) => e.visibility)).toEqual(told.map(() => 'public'));
    expect(told.map((c) => c.entryId)).not.toContain(internal);

    // Staff hear all of it, the internal note included.
    await agents.next(announces(mine, reply));
    expect(changes(agents).map((c) => c.entryId ?? c.kind)).toEqual(expect.arrayContaining([internal, 'escalation']));
    expect(changes(agents).some((c) => c.requestId === samsRequest)).toBe(true);
  });

  it('tells a requester of a request they follow', async () => {
    const samsRequest = await fileRequest(sam, 'Shared printer');
    expect((await t.api(agent, 'PUT', `/api/v1/requests/${samsRequest}/followers/${riley.id}`)).status).toBeLessThan(300);
    const rileys = await openStream(t.app, bearer(riley));
    const reply = await comment(agent, samsRequest, 'Fixed the tray', 'public');
    await rileys.next(announces(samsRequest, reply));
  });

  it('opens with a session cookie as with an API token', async () => {
    const login = await signIn(t, agent.email, TEST_PASSWORD);
    expect(login.status).toBe(200);
    const stream = await openStream(t.app, { cookie: login.cookie });
    const requestId = await fileRequest(riley, 'Cookie check');
    await stream.next((e) => e.event === 'change' && e.data.requestId === requestId);
  });

  it('holds one LISTEN connection per process for all its streams, and closes it after the last stream ends', async () => {
    const count = sql<{ n: number }>`select count(*)::int as n from pg_stat_activity
      where datname = current_database() and application_name = 'bridgedesk change feed'`;
    const listeners = async () => (await count.execute(t.db)).rows[0]!.n;
    for (const s of streams.splice(0)) await s.close();
    await t.waitFor(async () => (await listeners()) === 0);
    const first = await openStream(processA, bearer(agent));
    const second = await openStream(processA, bearer(admin));
    expect(await listeners()).toBe(1);
    await first.close();
    expect(await listeners()).toBe(1);
    await second.close();
    await t.waitFor(async () => (await listeners()) === 0);
  });
});
