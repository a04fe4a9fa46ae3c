/**
 * Workflows on Kustomer events (issue 17, point 7), end to end: the Kustomer emulator over HTTP (its webhooks reach
 * the app), the real worker, real Postgres. Each change Kustomer tells of starts a workflow once, whether its webhook,
 * the poll, or both see it; conditions look at the linked conversation's status, queue and assignee; a failed
 * escalation is a trigger of its own.
 */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { findConnection } from '../../db/repositories/destinations.ts';
import { escalateUntilLinked } from '../../../test/support/escalate-until-linked.ts';
import { syncStack } from '../../../test/support/sync-stack.ts';
import { clientFor, destinationDeps } from '../destination-access.ts';
import { readChangesSince } from '../sync/poll-destination.ts';

const { emulator, demo, t, admin, agent, requester, connect, drained } = await syncStack({ users: { requester: { name: 'Riley Requester' } } });

beforeAll(async () => {
  const queueIds = [demo.queues.vip.id, demo.queues.tier2Support.id];
  await connect({ inbound: true, outbound: true, pollMinutes: 0 }, 4, { queueIds });
});
afterEach(async () => {
  await emulator.control.webhooks.release();
  await drained();
  await t.db.updateTable('workflows').set({ enabled: false }).execute();
});

const change = (id: string, c: Record<string, unknown>) => emulator.control.changeConversation({ org: 'acme', id, ...c });
async function workflow(name: string, trigger: Record<string, unknown>) {
  const steps = [{ type: 'add_comment', visibility: 'internal', body: `${name} ran` }];
  const r = await t.api(admin, 'POST', '/api/v1/workflows', {
    name,
    enabled: true,
    definition: { trigger: { conditions: { match: 'all', rules: [] }, ...trigger }, steps },
  });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return r.body.id as string;
}
const runsOf = async (requestId: string, workflowId: string) =>
  ((await t.api(agent, 'GET', `/api/v1/requests/${requestId}/workflow-runs`)).body.items as any[]).filter((r) => r.workflowId === workflowId);
const runCount = (requestId: string, workflowId: string, n: number) =>
  t.waitFor(async () => ((await runsOf(requestId, workflowId)).filter((r) => r.state === 'succeeded').length === n ? true : undefined));
/** One poll's read, as the worker's poll job makes it. */
async function poll() {
  const deps = destinationDeps(t.config, { db: t.db, now: () => new Date(), secrets: t.secrets });
  const connection = (await findConnection(t.db, 'kustomer'))!;
  const client = clientFor(deps, 'kustomer', connection.account!, t.secrets.open(connection.secretEncrypted!), false);
  return readChangesSince(deps, 'kustomer', connection.id, client);
}
async function linked(title: string, queueId = demo.queues.vip.id) {
  const { request, conversationId } = await escalateUntilLinked(t, agent, { title, requesterId: requester.id, queueId });
  await drained();
  return { requestId: request.id as string, conversationId };
}

describe('"Kustomer conversation status changed"', () => {
  it('starts a workflow once when the conversation is marked done, though the poll and then the webhook both see it; once more for the next change', async () => {
    const done = await workflow('On done', { event: 'conversation.status_changed', to: 'closed' });
    const any = await workflow('On any status', { event: 'conversation.status_changed' });
    const { requestId, conversationId } = await linked('Poll then webhook');
    emulator.control.webhooks.hold();
    change(conversationId, { status: 'done' });
    expect(await poll()).toBe(1);
    await runCount(requestId, done, 1);
    await emulator.control.webhooks.release();
    await drained();
    expect(await runsOf(requestId, done)).toHaveLength(1);

    change(conversationId, { status: 'open' });
    await runCount(requestId, any, 2);
    change(conversationId, { status: 'done' });
    await runCount(requestId, done, 2);
    expect(await poll()).toBe(0);
    await drained();
    expect(await runsOf(requestId, done)).toHaveLength(2);
    expect(await runsOf(requestId, any)).toHaveLength(3);
  });

  it('starts it once when the webhook sees the change first and a duplicate delivery and the poll follow', async () => {
    const done = await workflow('On done', { event: 'conversation.status_changed', to: 'closed' });
    const { requestId, conversationId } = await linked('Webhook then poll');
    emulator.control.webhooks.duplicateNext(1);
    change(conversationId, { status: 'done' });
    await runCount(requestId, done, 1);
    await poll();
    await drained();
    expect(await runsOf(requestId, done)).toHaveLength(1);
  });

  it('starts on a snooze only when narrowed to it', async () => {
    const snoozed = await workflow('On snooze', { event: 'conversation.status_changed', to: 'waiting' });
    const done = await workflow('On done', { event: 'conversation.status_changed', to: 'closed' });
    const { requestId, conversationId } = await linked('Snoozed');
    change(conversationId, { status: 'snoozed', snooze: { time: '2030-01-01T10:00:00.000Z', status: 'scheduled' } });
    await runCount(requestId, snoozed, 1);
    await drained();
    expect(await runsOf(requestId, done)).toHaveLength(0);
  });
});

describe('"Kustomer reply or note received"', () => {
  it('starts once per note or message, narrowed by kind and direction, also when the thread is read twice', async () => {
    const onNote = await workflow('On note', { event: 'conversation.reply_or_note', to: 'note' });
    const onReply = await workflow('On reply to customer', { event: 'conversation.reply_or_note', to: 'message_out' });
    const onAny = await workflow('On anything', { event: 'conversation.reply_or_note' });
    const { requestId, conversationId } = await linked('Thread');
    emulator.control.webhooks.hold();
    emulator.control.addNote({ org: 'acme', id: conversationId, body: 'Checked the logs', by: demo.users.alex.id });
    await poll();
    await runCount(requestId, onNote, 1);
    await emulator.control.webhooks.release();
    await drained();
    emulator.control.addMessage({ org: 'acme', id: conversationId, body: 'We refunded you', direction: 'out', by: demo.users.alex.id });
    await runCount(requestId, onReply, 1);
    emulator.control.addMessage({ org: 'acme', id: conversationId, body: 'Thanks!', direction: 'in' });
    await runCount(requestId, onAny, 3);
    await poll();
    await drained();
    expect((await runsOf(requestId, onNote)).length).toBe(1);
    expect((await runsOf(requestId, onReply)).length).toBe(1);
    expect((await runsOf(requestId, onAny)).length).toBe(3);
  });
});

describe('"Kustomer assignee changed"', () => {
  it('starts when Kustomer assigns the conversation, also together with a status change, and not for a priority change', async () => {
    const assigned = await workflow('On assignee', { event: 'conversation.assignee_changed' });
    const { requestId, conversationId } = await linked('Assignee');
    change(conversationId, { assignedUsers: [demo.users.alex.id] });
    await runCount(requestId, assigned, 1);
    change(conversationId, { priority: 5 });
    await drained();
    expect(await runsOf(requestId, assigned)).toHaveLength(1);
    // A Kustomer agent taking the conversation as they close it: one status entry, and the assignee trigger fires.
    change(conversationId, { status: 'done', assignedUsers: [demo.users.sam.id] });
    await runCount(requestId, assigned, 2);
    const entries = (await t.api(agent, 'GET', `/api/v1/requests/${requestId}/timeline?limit=1000`)).body.items as any[];
    expect(entries.find((e) => e.type === 'sync.status_received')?.data.changed).toEqual(['assignee']);
  });
});

describe('conditions on the linked conversation', () => {
  it('hold on its status, queue and assignee as Kustomer last told', async () => {
    const rules = [
      { subject: 'conversation', field: 'queue', op: 'equals', value: demo.queues.tier2Support.id },
      { subject: 'conversation', field: 'assignee', op: 'equals', value: 'Alex Rivera' },
      { subject: 'conversation', field: 'status', op: 'equals', value: 'open' },
    ];
    const r = await t.api(admin, 'POST', '/api/v1/workflows', {
      name: 'Tier 2, Alex, open',
      enabled: true,
      definition: {
        trigger: { event: 'conversation.reply_or_note', to: 'note', conditions: { match: 'all', rules } },
        steps: [{ type: 'add_tag', tag: 'alex-tier2' }],
      },
    });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    const wf = r.body.id as string;
    const match = await linked('Tier 2 by Alex', demo.queues.tier2Support.id);
    const otherQueue = await linked('VIP by Alex');
    const unassigned = await linked('Tier 2, nobody', demo.queues.tier2Support.id);
    for (const c of [match, otherQueue]) change(c.conversationId, { assignedUsers: [demo.users.alex.id] });
    await drained();
    for (const c of [match, otherQueue, unassigned]) emulator.control.addNote({ org: 'acme', id: c.conversationId, body: 'note', by: demo.users.alex.id });
    await runCount(match.requestId, wf, 1);
    await drained();
    expect(await runsOf(otherQueue.requestId, wf)).toHaveLength(0);
    expect(await runsOf(unassigned.requestId, wf)).toHaveLength(0);
    expect((await t.api(agent, 'GET', `/api/v1/requests/${match.requestId}`)).body.tags).toContain('alex-tier2');

    // The same note on the matching conversation once it is done: the status rule no longer holds.
    change(match.conversationId, { status: 'done' });
    await drained();
    emulator.control.addNote({ org: 'acme', id: match.conversationId, body: 'after', by: demo.users.alex.id });
    await drained();
    expect(await runsOf(match.requestId, wf)).toHaveLength(1);
  });
});

describe('"Escalation failed"', () => {
  it('starts once when an escalation fails for good, and not when one links', async () => {
    const failed = await workflow('On failure', { event: 'escalation.failed' });
    const ok = await linked('Links fine');
    const doomed = emulator.control.createQueue({ org: 'acme', name: 'Doomed' });
    await t.api(admin, 'POST', '/api/v1/integrations/kustomer/sync');
    await t.api(admin, 'PATCH', '/api/v1/integrations/kustomer', { queues: [{ remoteId: doomed.id, enabled: true }] });
    emulator.control.deleteQueue({ org: 'acme', id: doomed.id });
    const request = (await t.api(agent, 'POST', '/api/v1/requests', { title: 'Doomed', requesterId: requester.id })).body;
    const body = { destination: 'kustomer', queueId: doomed.id, channel: 'email', priority: 2, subject: 's', message: 'm' };
    expect((await t.api(agent, 'POST', `/api/v1/requests/${request.id}/escalations`, body)).status).toBe(202);
    await runCount(request.id, failed, 1);
    await drained();
    expect(await runsOf(request.id, failed)).toHaveLength(1);
    expect(await runsOf(ok.requestId, failed)).toHaveLength(0);
  });
});
