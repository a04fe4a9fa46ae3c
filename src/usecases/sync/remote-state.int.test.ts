/**
 * The linked conversation's live state (issue 17): what Kustomer's agents do to it (assign, snooze, sub-status,
 * priority) lands on the escalation, named, from webhooks and from the poll alike; only newer states are kept; each
 * change is one timeline entry even when the webhook and the poll both see it; the poll searches by updatedAt and
 * reads no conversation that did not change. Against the emulator over HTTP.
 */
import { sql } from 'kysely';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { findConnection } from '../../db/repositories/destinations.ts';
import { syncStack } from '../../../test/support/sync-stack.ts';
import { escalateUntilLinked } from '../../../test/support/escalate-until-linked.ts';
import { clientFor, destinationDeps } from '../destination-access.ts';
import { readChangesSince } from './poll-destination.ts';

const { emulator, demo, t, agent, requester, connect, settled } = await syncStack();
const deps = () => destinationDeps(t.config, { db: t.db, now: () => new Date(), secrets: t.secrets });

beforeAll(async () => {
  await connect({ inbound: true, outbound: false, pollMinutes: 0 }, 3);
});
afterEach(async () => {
  await emulator.control.webhooks.release();
  await emulator.control.webhooks.idle();
  await settled();
});

const change = (id: string, c: Record<string, unknown>) => emulator.control.changeConversation({ org: 'acme', id, ...c });
const remoteOf = async (requestId: string) => (await t.api(agent, 'GET', `/api/v1/requests/${requestId}/escalations`)).body.items[0].remote;
const remoteUntil = (requestId: string, ok: (r: any) => boolean) =>
  t.waitFor(async () => {
    const r = await remoteOf(requestId);
    return r && ok(r) ? r : undefined;
  });
const changedEntries = async (requestId: string) =>
  ((await t.api(agent, 'GET', `/api/v1/requests/${requestId}/timeline`)).body.items as { type: string; data: any }[]).filter(
    (e) => e.type === 'sync.ticket_changed',
  );
/** One poll's read, as the worker's poll job makes it. */
async function poll() {
  const connection = (await findConnection(t.db, 'kustomer'))!;
  const client = clientFor(deps(), 'kustomer', connection.account!, t.secrets.open(connection.secretEncrypted!), false);
  return readChangesSince(deps(), 'kustomer', connection.id, client);
}

async function linkedRequest(title = 'Live state') {
  const { request, conversationId } = await escalateUntilLinked(t, agent, { title, requesterId: requester.id, queueId: demo.queues.vip.id });
  await emulator.control.webhooks.idle();
  await settled();
  return { requestId: request.id as string, conversationId };
}

describe("the linked conversation's state, from Kustomer", () => {
  it('shows who works it, where, how urgent and since when it is open, as the escalation is created', async () => {
    const { requestId } = await linkedRequest();
    expect(await remoteOf(requestId)).toMatchObject({
      status: 'open',
      queue: { id: demo.queues.vip.id, name: 'VIP' },
      priority: 2,
      priorityName: 'low',
      assignee: null,
      openSince: expect.any(String),
      lastActivityAt: expect.any(String),
    });
  });

  it('follows assignment, priority, sub-status and snooze made in Kustomer, names included, one timeline entry per change', async () => {
    const { requestId, conversationId } = await linkedRequest();
    emulator.control.clearCalls();
    change(conversationId, { assignedUsers: [demo.users.alex.id], assignedTeams: [demo.teams.escalations.id] });
    await remoteUntil(requestId, (r) => r.assignee?.userId === demo.users.alex.id);
    expect((await remoteOf(requestId)).assignee).toEqual({
      userId: demo.users.alex.id,
      userName: 'Alex Rivera',
      teamId: demo.teams.escalations.id,
      teamName: 'Escalations',
    });
    change(conversationId, { priority: 5 });
    expect(await remoteUntil(requestId, (r) => r.priority === 5)).toMatchObject({ priorityName: 'urgent' });
    change(conversationId, { subStatus: 'Awaiting engineering' });
    await remoteUntil(requestId, (r) => r.subStatus === 'Awaiting engineering');
    change(conversationId, { status: 'snoozed', snooze: { time: '2030-01-01T10:00:00.000Z', status: 'scheduled' } });
    expect(await remoteUntil(requestId, (r) => r.status === 'waiting')).toMatchObject({ snoozedUntil: '2030-01-01T10:00:00.000Z', openSince: null });
    await settled();
    // The snooze is a status change: its own sync.status_received entry, not a second one here.
    expect((await changedEntries(requestId)).map((e) => e.data.changed)).toEqual([['assignee'], ['priority'], ['subStatus']]);
    // Names come from a cached read of Kustomer's users, never one call per event.
    expect(emulator.control.calls().filter((c) => c.path === '/v1/users').length).toBeLessThanOrEqual(1);
  });

  it('keeps only newer states: a delivery that arrives late changes nothing', async () => {
    const { requestId, conversationId } = await linkedRequest();
    emulator.control.webhooks.hold();
    change(conversationId, { priority: 4 });
    change(conversationId, { priority: 5 });
    await emulator.control.webhooks.release('reverse');
    await emulator.control.webhooks.idle();
    await settled();
    expect((await remoteOf(requestId)).priority).toBe(5);
    expect((await changedEntries(requestId)).map((e) => e.data.details.priority)).toEqual([5]);
  });

  it('writes one entry for a change the poll and then the webhook both see', async () => {
    const { requestId, conversationId } = await linkedRequest();
    emulator.control.webhooks.hold();
    change(conversationId, { assignedUsers: [demo.users.sam.id] });
    expect(await poll()).toBe(1);
    await remoteUntil(requestId, (r) => r.assignee?.userName === 'Sam Chen');
    await emulator.control.webhooks.release();
    await emulator.control.webhooks.idle();
    await settled();
    expect(await changedEntries(requestId)).toHaveLength(1);
  });

  it('writes one entry for a change the webhook and then the poll both see', async () => {
    const { requestId, conversationId } = await linkedRequest();
    change(conversationId, { assignedTeams: [demo.teams.billing.id] });
    await remoteUntil(requestId, (r) => r.assignee?.teamName === 'Billing Team');
    expect(await poll()).toBe(0);
    await settled();
    expect(await changedEntries(requestId)).toHaveLength(1);
  });

  it('polls by a search on updatedAt and reads no conversation that did not change', async () => {
    const quiet = await linkedRequest('Quiet');
    const busy = await linkedRequest('Busy');
    await poll(); // moves the cursor past both escalations
    // The thread reads their linking asked for (our message and back-link note) are done: they are not the poll's.
    await t.waitFor(
      async () => (await sql`select 1 from graphile_worker.jobs where run_at <= now() or locked_at is not null`.execute(t.db)).rows.length === 0 || undefined,
    );
    emulator.control.clearCalls();
    change(busy.conversationId, { priority: 4 });
    await poll();
    const calls = emulator.control.calls();
    expect(calls.filter((c) => c.path.startsWith('/v1/conversations'))).toEqual([]);
    const searches = calls.filter((c) => c.path === '/v1/customers/search');
    expect(searches.length).toBeGreaterThan(0);
    expect(searches[0]!.body).toMatchObject({ and: [{ conversation_updated_at: { gte: expect.any(String) } }], sort: [{ conversation_updated_at: 'asc' }] });
    await remoteUntil(busy.requestId, (r) => r.priority === 4);
    expect((await remoteOf(quiet.requestId)).priority).toBe(2);
  });
});

describe('the request list by the state in Kustomer', () => {
  it('filters requests waiting on Kustomer and done in Kustomer, and shows that state in the escalation column', async () => {
    const waiting = await linkedRequest('Waits on Kustomer');
    const done = await linkedRequest('Done in Kustomer');
    change(done.conversationId, { status: 'done' });
    await remoteUntil(done.requestId, (r) => r.status === 'closed');
    await settled();
    const list = async (escalation: string) =>
      ((await t.api(agent, 'GET', `/api/v1/requests?escalation=${escalation}&limit=100`)).body.items as any[]).map((r) => r.id);
    const waitingIds = await list('waiting_on_destination');
    expect(waitingIds).toContain(waiting.requestId);
    expect(waitingIds).not.toContain(done.requestId);
    const doneIds = await list('done_in_destination');
    expect(doneIds).toContain(done.requestId);
    expect(doneIds).not.toContain(waiting.requestId);
    const items = (await t.api(agent, 'GET', `/api/v1/requests?escalation=escalated&limit=100`)).body.items as any[];
    expect(items.find((r) => r.id === waiting.requestId).escalation).toMatchObject({ remoteStatus: 'open', remoteOpenSince: expect.any(String) });
    expect(items.find((r) => r.id === done.requestId).escalation).toMatchObject({ remoteStatus: 'closed', remoteOpenSince: null });
  });
});
