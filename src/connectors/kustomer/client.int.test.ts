/** The Kustomer client against the emulator over real HTTP: every call, pagination, each error class, rate limits. */
import { afterAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../../test/support/test-database.ts';
import { postgresBudget } from '../../db/rate-budget.ts';
import { ConnectorError } from '../kit/errors.ts';
import { createKustomerClient, type KustomerClientOptions } from './client.ts';
import { servedEmulatorEachTest } from './emulator/test-emulator.ts';
import { kustomerAttachments } from './attachments.ts';
import { listQueues, listTeams } from './directory.ts';
import { readThreadSince } from './read-thread.ts';
import { listTicketFields } from './ticket-fields.ts';

const { emulator, clock, demo } = await servedEmulatorEachTest(new Date('2026-03-02T10:00:30Z'));
const database = await createTestDatabase();
afterAll(() => database.drop());

const client = (o: Partial<KustomerClientOptions> = {}) =>
  createKustomerClient({
    orgName: 'acme',
    apiKey: demo.apiKey,
    baseUrlOverride: emulator.url,
    now: clock.now,
    // Waiting moves the shared fake clock, so a test "waits" a minute in no time.
    sleep: async (ms) => clock.advance(ms),
    ...o,
  });

async function failure(p: Promise<unknown>): Promise<ConnectorError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof ConnectorError) return e;
    throw e;
  }
  throw new Error('expected a ConnectorError');
}

describe('calls', () => {
  it('checks a key and names the permissions it lacks', async () => {
    expect(await client().checkKey()).toEqual({ missing: [], missingRequired: [], account: 'acme' });
    const narrow = emulator.control.createApiKey({ org: 'acme', roles: ['org.permission.customer.read', 'org.permission.queue.read'] });
    const check = await client({ apiKey: narrow.key }).checkKey();
    expect(check.missingRequired).toContain('org.permission.conversation.create');
    expect(check.missingRequired).not.toContain('org.permission.customer.read');
  });

  it("names the key's org from GET /v1/orgs/current", async () => {
    emulator.control.createOrg({ name: 'globex' });
    const other = emulator.control.createApiKey({ org: 'globex', roles: ['org.permission'] });
    // Typed as acme, but the key is globex's: the check says so.
    expect((await client({ apiKey: other.key }).checkKey()).account).toBe('globex');
    expect(emulator.control.calls().map((c) => c.path)).toEqual(['/v1/auth/tokens/current', '/v1/orgs/current']);
  });

  it('lists queues and teams across every page', async () => {
    for (let i = 0; i < 120; i++) emulator.control.createQueue({ org: 'acme', name: `Queue ${String(i).padStart(3, '0')}` });
    const queues = await listQueues(client());
    expect(queues).toHaveLength(124);
    expect(queues.map((q) => q.name)).toEqual(expect.arrayContaining(['Tier 2 Support', 'VIP', 'Queue 119']));
    const pages = emulator.control.calls().filter((c) => c.path === '/v1/routing/queues');
    expect(pages.length).toBe(2);
    const teams = await listTeams(client());
    expect(teams.map((t) => t.name).sort()).toEqual(['Billing Team', 'Escalations']);
  });

  it('leaves out deleted queues', async () => {
    emulator.control.deleteQueue({ org: 'acme', id: demo.queues.billing.id });
    expect((await listQueues(client())).map((q) => q.name)).not.toContain('Billing');
  });

  it('finds a customer by email, creates one when absent, and finds it again after a conflict', async () => {
    const c = client();
    expect(await c.findContactByEmail('jane+vip@example.com')).toBeNull();
    const jane = await c.createContact({ name: 'Jane', email: 'jane+vip@example.com' });
    expect(await c.findContactByEmail('jane+vip@example.com')).toEqual(jane);
    expect(await c.createContact({ name: 'Jane again', email: 'jane+vip@example.com' })).toEqual(jane);
    expect(emulator.control.customers('acme')).toHaveLength(1);
  });

  it('creates a conversation with queue, team, priority and external id, then finds, reads and updates it', async () => {
    const c = client();
    const jane = await c.createContact({ name: 'Jane', email: 'jane@example.com' });
    const t = await c.createTicket({
      contactId: jane.remoteId,
      subject: 'Refund stuck',
      externalId: 'esc-1',
      priority: 3,
      queueId: demo.queues.vip.id,
      teamId: demo.teams.escalations.id,
    });
    expect(t).toMatchObject({
      subject: 'Refund stuck',
      externalId: 'esc-1',
      priority: 3,
      status: 'open',
      queue: { id: demo.queues.vip.id, name: null },
      assignee: { userId: null, userName: null, teamId: demo.teams.escalations.id, teamName: null },
      contactId: jane.remoteId,
    });
    expect(t.url).toContain(t.remoteId);
    expect(await c.findTicketByExternalId('esc-1')).toMatchObject({ remoteId: t.remoteId });
    expect(await c.findTicketByExternalId('esc-2')).toBeNull();
    expect((await c.getTicket(t.remoteId))?.subject).toBe('Refund stuck');
    const done = await c.updateTicket(t.remoteId, { status: 'closed', priority: 4 });
    expect(done).toMatchObject({ status: 'closed', priority: 4 });
    const snoozed = await c.updateTicket(t.remoteId, { status: 'waiting', snoozeUntil: new Date('2026-03-09T00:00:00Z') });
    expect(snoozed.status).toBe('waiting');
  });

  it('refuses a second conversation with the same external id, permanently', async () => {
    const c = client();
    const jane = await c.createContact({ name: 'Jane', email: 'jane@example.com' });
    await c.createTicket({ contactId: jane.remoteId, subject: 'A', externalId: 'dup', priority: 2 });
    const err = await failure(c.createTicket({ contactId: jane.remoteId, subject: 'B', externalId: 'dup', priority: 2 }));
    expect(err).toMatchObject({ kind: 'permanent', status: 409 });
  });

  it('adds a note and a message (which sets the channel)', async () => {
    const c = client();
    const jane = await c.createContact({ name: 'Jane', email: 'jane@example.com' });
    const t = await c.createTicket({ contactId: jane.remoteId, subject: 'S', externalId: 'x1', priority: 2 });
    await c.addMessage(t.remoteId, { channel: 'email', body: 'Hello', subject: 'S' });
    await c.addNote(t.remoteId, { body: 'Escalated from Bridgedesk REQ-1' });
    expect((await c.getTicket(t.remoteId))?.channels).toEqual(['email']);
    expect(emulator.control.notes('acme').map((n) => n.attributes.body)).toEqual(['Escalated from Bridgedesk REQ-1']);
    await expect(c.addMessage(t.remoteId, { channel: 'pigeon', body: 'x' })).rejects.toThrow(/no channel/);
  });

  it("reads a conversation's thread since a cursor: notes and messages with their authors, ours marked, oldest first", async () => {
    const c = client();
    const jane = await c.createContact({ name: 'Jane Doe', email: 'jane@example.com' });
    const t = await c.createTicket({ contactId: jane.remoteId, subject: 'S', externalId: 'x2', priority: 2 });
    await c.addNote(t.remoteId, { body: 'Ours', externalId: 'note:42' });
    clock.advance(1_000);
    emulator.control.addMessage({ org: 'acme', id: t.remoteId, body: 'Help', direction: 'in' });
    clock.advance(1_000);
    emulator.control.addNote({ org: 'acme', id: t.remoteId, body: 'On it', by: demo.users.alex.id });
    const read = (cursor: string | null) =>
      readThreadSince(c, kustomerAttachments(c, { allowHttp: true }), 'acme-thread-test', t.remoteId, cursor, clock.now());
    const first = await read(null);
    expect(first.items.map((i) => [i.kind, i.body, i.author, i.direction, i.fromUs])).toEqual([
      // Ours never lands on the request: its author is not looked up.
      ['note', 'Ours', null, null, true],
      ['message', 'Help', { name: 'Jane Doe', kind: 'customer' }, 'in', false],
      ['note', 'On it', { name: 'Alex Rivera', kind: 'user' }, null, false],
    ]);
    expect(first.cursor).toBe(clock.now().toISOString());
    // Again from the cursor: only what was written within the overlap before it (2 s; the platform keeps one entry per
    // remote id), then what is new.
    clock.advance(60_000);
    expect((await read(first.cursor)).items.map((i) => i.body)).toEqual(['Help', 'On it']);
    emulator.control.addMessage({ org: 'acme', id: t.remoteId, body: 'Done', direction: 'out', channel: 'chat', by: demo.users.sam.id });
    const next = await read(first.cursor);
    expect(next.items.at(-1)).toEqual(expect.objectContaining({ kind: 'message', body: 'Done', channel: 'chat', author: { name: 'Sam Chen', kind: 'user' } }));
    expect(next.cursor).toBe(clock.now().toISOString());
  });

  it('reads the conversation custom attributes with their types, and each name without its type suffix', async () => {
    emulator.control.setMetadata({
      org: 'acme',
      properties: { orderNumberStr: { type: 'string', displayName: 'Order number' }, refundNum: { type: 'number' } } as never,
    });
    const fields = await listTicketFields(client());
    expect(fields).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ name: 'orderNumberStr', plainName: 'orderNumber', label: 'Order number', type: 'text' }),
        expect.objectContaining({ name: 'refundNum', plainName: 'refund', type: 'number' }),
      ]),
    );
  });
});

describe('failures', () => {
  it('classifies an unknown or revoked key as auth', async () => {
    expect(await failure(listQueues(client({ apiKey: 'not-a-key' })))).toMatchObject({ kind: 'auth', status: 401, message: 'Invalid credentials' });
    emulator.control.revokeApiKey(demo.key.id);
    expect((await failure(client().checkKey())).kind).toBe('auth');
  });

  it('tells a key that lacks one role (401 from Kustomer) from a bad key, and names the role', async () => {
    const narrow = emulator.control.createApiKey({ org: 'acme', roles: ['org.permission.customer.read'] });
    const err = await failure(listTeams(client({ apiKey: narrow.key })));
    expect(err).toMatchObject({ kind: 'permanent', status: 401, detail: { reason: 'missing_permission', permission: 'org.permission.team.read' } });
    expect(err.message).toBe('The Kustomer API key lacks the role org.permission.team.read');
    // The key read its own token to find out: one extra call, answered 200.
    expect(emulator.control.calls().map((c) => `${c.path} ${c.status}`)).toEqual(['/v1/teams 401', '/v1/auth/tokens/current 200']);
  });

  it('names the role the same way when an org answers a missing role with 403', async () => {
    emulator.control.updateOrg('acme', { missingRoleStatus: 403 });
    const narrow = emulator.control.createApiKey({ org: 'acme', roles: ['org.user.customer.read'] });
    const err = await failure(client({ apiKey: narrow.key }).addNote('aaaaaaaaaaaaaaaaaaaaaaaa', { body: 'x' }));
    expect(err).toMatchObject({ kind: 'permanent', status: 403, detail: { reason: 'missing_permission', permission: 'org.permission.note.create' } });
  });

  it('still calls a revoked key invalid credentials when its own token is refused too', async () => {
    emulator.control.revokeApiKey(demo.key.id);
    expect(await failure(listTeams(client()))).toMatchObject({ kind: 'auth', status: 401, message: 'Invalid credentials' });
  });

  it("keeps Kustomer's message on a permanent error, in both error shapes", async () => {
    const c = client();
    const bad = await failure(c.createTicket({ contactId: 'aaaaaaaaaaaaaaaaaaaaaaaa', subject: 'x', externalId: 'e', priority: 2 }));
    expect(bad.kind).toBe('permanent');
    expect(bad.detail.vendorMessage).toBe('customer aaaaaaaaaaaaaaaaaaaaaaaa does not exist');
    expect(bad.message).toBe(bad.detail.vendorMessage);
    expect(bad.detail.vendorCode).toBe('badparam');
    emulator.control.updateOrg('acme', { errorShape: 'simple' });
    const simple = await failure(c.createTicket({ contactId: 'aaaaaaaaaaaaaaaaaaaaaaaa', subject: 'x', externalId: 'e', priority: 2 }));
    expect(simple.detail.vendorMessage).toBe('customer aaaaaaaaaaaaaaaaaaaaaaaa does not exist');
  });

  it('retries 5xx inside an interactive call and gives up as retryable after the attempts', async () => {
    emulator.control.injectFault({ kind: '503', count: 2 });
    expect(await listTeams(client({ attempts: 3, maxWaitMs: 5000 }))).toHaveLength(2);
    emulator.control.injectFault({ kind: '500', count: 5 });
    expect(await failure(listTeams(client({ attempts: 2, maxWaitMs: 5000 })))).toMatchObject({ kind: 'retryable', status: 500 });
  });

  it('waits for the rate-limit reset after a 429, then succeeds', async () => {
    const resetAt = new Date(clock.now().getTime() + 20_000);
    emulator.control.injectFault({ kind: '429', count: 1, resetAt });
    const before = clock.now().getTime();
    expect(await listTeams(client({ attempts: 2, maxWaitMs: 60_000 }))).toHaveLength(2);
    expect(clock.now().getTime() - before).toBeGreaterThanOrEqual(20_000);
  });

  it('reports a 429 as retryable with the wait when the caller cannot wait', async () => {
    emulator.control.updateOrg('acme', { rateLimitPerMinute: 2 });
    const c = client();
    await listTeams(c);
    await listTeams(c);
    const err = await failure(listTeams(c));
    expect(err).toMatchObject({ kind: 'retryable', status: 429, detail: { reason: 'rate_limited' } });
    expect(err.detail.retryAfterMs).toBe(30_000);
  });

  it('times out a slow reply as retryable', async () => {
    emulator.control.injectFault({ kind: 'slow', delayMs: 2000, count: 1 });
    expect(await failure(listTeams(client({ timeoutMs: 100 })))).toMatchObject({ kind: 'retryable', detail: { reason: 'timeout' } });
  });

  it('classifies a reply lost after commit as retryable, and the external id finds what was created', async () => {
    const c = client();
    const jane = await c.createContact({ name: 'Jane', email: 'jane@example.com' });
    emulator.control.injectFault({ kind: 'lost_reply', count: 1, method: 'POST', pathPrefix: '/v1/conversations' });
    const err = await failure(c.createTicket({ contactId: jane.remoteId, subject: 'S', externalId: 'lost-1', priority: 2 }));
    expect(err.kind).toBe('retryable');
    expect(await c.findTicketByExternalId('lost-1')).not.toBeNull();
  });
});

describe('a shared rate budget', () => {
  it("keeps two workers together under the org's limit without a single 429", async () => {
    emulator.control.updateOrg('acme', { rateLimitPerMinute: 10 });
    const budgetKey = 'kustomer:acme';
    const workers = [0, 1].map(() => client({ budget: postgresBudget(database.db, budgetKey), attempts: 1 }));
    // Learn the window first (the probe), then both workers draw on it together.
    await listTeams(workers[0]!);
    const results = await Promise.allSettled(Array.from({ length: 20 }, (_, i) => listTeams(workers[i % 2]!)));
    const waited = results.filter((r) => r.status === 'rejected').map((r) => (r as PromiseRejectedResult).reason as ConnectorError);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(9);
    expect(waited.every((e) => e.kind === 'retryable' && e.detail.reason === 'rate_limited' && e.status === undefined)).toBe(true);
    expect(emulator.control.calls().filter((c) => c.status === 429)).toHaveLength(0);
  });

  it('works without a reset header on normal replies: stops at the limit until the minute ends on its own clock, with no 429', async () => {
    emulator.control.updateOrg('acme', { rateLimitPerMinute: 3 });
    const c = client({ budget: postgresBudget(database.db, 'kustomer:acme-noreset') });
    for (let i = 0; i < 3; i++) await listTeams(c);
    expect(emulator.control.calls().every((x) => x.status === 200)).toBe(true);
    const held = await failure(listTeams(c));
    // 10:00:30 now: the minute ends in 30 s (Kustomer's limits are per minute; no reply said when it ends).
    expect(held).toMatchObject({ kind: 'retryable', detail: { reason: 'rate_limited', retryAfterMs: 30_000 } });
    expect(held.status).toBeUndefined();
    clock.advance(30_000);
    expect(await listTeams(c)).toHaveLength(2);
    expect(emulator.control.calls().filter((x) => x.status === 429)).toHaveLength(0);
  });

  it('respects the per-object limit of notes on one conversation, while other calls go on', async () => {
    emulator.control.updateOrg('acme', { noteCreatesPerConversationPerMinute: 4 });
    const c = client({ budget: postgresBudget(database.db, 'kustomer:acme-objects') });
    const jane = await c.createContact({ name: 'Jane', email: 'jane@example.com' });
    const [a, b] = [
      await c.createTicket({ contactId: jane.remoteId, subject: 'A', externalId: 'obj-a', priority: 3 }),
      await c.createTicket({ contactId: jane.remoteId, subject: 'B', externalId: 'obj-b', priority: 3 }),
    ];
    for (let i = 0; i < 4; i++) await c.addNote(a.remoteId, { body: `n${i}` });
    const held = await failure(c.addNote(a.remoteId, { body: 'one too many' }));
    expect(held).toMatchObject({ kind: 'retryable', detail: { reason: 'rate_limited', retryAfterMs: 30_000 } });
    expect(held.status).toBeUndefined();
    await c.addNote(b.remoteId, { body: 'another conversation' });
    await listTeams(c);
    expect(emulator.control.calls().filter((x) => x.status === 429)).toHaveLength(0);
    clock.advance(30_000);
    await c.addNote(a.remoteId, { body: 'next minute' });
  });

  it('after a 429 on one object (no reset named) waits a bounded, jittered time, and only that object waits', async () => {
    emulator.control.updateOrg('acme', { noteCreatesPerConversationPerMinute: 2 });
    const elsewhere = client(); // another process, spending the object's budget unseen
    const jane = await elsewhere.createContact({ name: 'Jane', email: 'jane@example.com' });
    const a = await elsewhere.createTicket({ contactId: jane.remoteId, subject: 'A', externalId: 'obj-429', priority: 3 });
    await elsewhere.addNote(a.remoteId, { body: '1' });
    await elsewhere.addNote(a.remoteId, { body: '2' });
    const c = client({ budget: postgresBudget(database.db, 'kustomer:acme-object-429'), random: () => 0.5 });
    const refused = await failure(c.addNote(a.remoteId, { body: '3' }));
    // To the end of the minute (30 s) plus half of the jitter's 6 s.
    expect(refused).toMatchObject({ kind: 'retryable', status: 429, detail: { reason: 'rate_limited', retryAfterMs: 33_000 } });
    expect(await listTeams(c)).toHaveLength(2);
    const held = await failure(c.addNote(a.remoteId, { body: '3 again' }));
    expect(held.status).toBeUndefined();
    expect(emulator.control.calls().filter((x) => x.status === 429)).toHaveLength(1);
  });
});
