/**
 * The shipped "Close the loop" example, end to end against the Kustomer emulator over HTTP, with the worker on an
 * injected clock: when the linked conversation is done in Kustomer, the requester gets Kustomer's last reply to its
 * customer (never a Kustomer note), the request waits, and it is resolved when 3 days pass without an answer; an
 * answer ends the run instead and cancels the deadline.
 */
import { makeWorkerUtils } from 'graphile-worker';
import { sql } from 'kysely';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { escalateUntilLinked } from '../../../test/support/escalate-until-linked.ts';
import { syncStack } from '../../../test/support/sync-stack.ts';
import type { TestApp } from '../../../test/support/test-app.ts';

let app: TestApp | null = null;
let clockStart = 0;
const {
  emulator,
  demo,
  t,
  admin,
  agent,
  requester: riley,
  connect,
  drained,
  statusOf,
} = await syncStack({
  // When the test's clock jumps 3 days, Kustomer's does too (its events stay fresh for the webhook), and it still ticks.
  now: () => new Date(Date.now() + (app ? app.clock.now.getTime() - clockStart : 0)),
  onApp: (a) => {
    clockStart = a.clock.now.getTime();
    app = a;
  },
  users: { requester: { name: 'Riley Requester' } },
});
const DAY = 24 * 3_600_000;

beforeAll(async () => {
  // Both directions on, with the default mapping: Kustomer's done resolves the request, and a reopened request
  // would reopen the conversation. The workflow must not bounce the conversation back open.
  // The 3 days pass on the test's clock: the steps read it; the deadline job is brought forward when it is due.
  await connect({ inbound: true, outbound: true, pollMinutes: 0 }, 4, { now: () => t.clock.now });
  const example = (await t.api(admin, 'GET', '/api/v1/workflow-templates')).body.items.find((x: any) => x.key === 'close-the-loop');
  const created = await t.api(admin, 'POST', '/api/v1/workflows', {
    name: example.name,
    description: example.description,
    enabled: true,
    definition: example.definition,
  });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
});
afterEach(() => drained());

const runOf = async (requestId: string) => ((await t.api(agent, 'GET', `/api/v1/requests/${requestId}/workflow-runs`)).body.items as any[])[0];
const runUntil = (requestId: string, ok: (run: any) => boolean) =>
  t.waitFor(async () => {
    const run = await runOf(requestId);
    return run && ok(run) ? run : undefined;
  });
const kustomerStatus = (id: string) => (emulator.control.conversations('acme').find((c) => c.id === id)!.attributes as { status: string }).status;
const deadlineJob = async (runId: string) =>
  (await sql<{ id: string; run_at: Date }>`select id, run_at from graphile_worker.jobs where key = ${`run:${runId}`}`.execute(t.db)).rows[0];

const nextMillisecond = (from = Date.now()) => t.waitFor(async () => Date.now() > from || undefined);

/** Escalated; then, in Kustomer, an agent replies to the customer, writes an internal note, and marks it done at once. */
async function doneInKustomer(title: string) {
  const { request, conversationId } = await escalateUntilLinked(t, agent, { title, requesterId: riley.id, queueId: demo.queues.vip.id });
  await drained();
  const by = demo.users.alex.id;
  emulator.control.addMessage({ org: 'acme', id: conversationId, body: 'Your refund of $40 was issued today.', direction: 'out', by });
  emulator.control.addNote({ org: 'acme', id: conversationId, body: 'INTERNAL: finance approved as a one-off', by });
  // The emulator stamps changes with its clock's millisecond; Kustomer orders a conversation's changes by it.
  await nextMillisecond();
  emulator.control.changeConversation({ org: 'acme', id: conversationId, status: 'done', by });
  const run = await runUntil(request.id, (r) => r.state === 'waiting' && r.steps.some((s: any) => s.type === 'wait_for_reply'));
  return { requestId: request.id as string, conversationId, run };
}

describe('Close the loop', () => {
  it("replies with Kustomer's last reply (never its note), sets waiting, and resolves after 3 days without an answer, once", async () => {
    const { requestId, conversationId, run } = await doneInKustomer('Refund not received');
    const seen = (await t.api(riley, 'GET', `/api/v1/requests/${requestId}/timeline?limit=1000`)).body.items as any[];
    const replies = seen.filter((e) => e.type === 'comment.public_reply');
    expect(replies).toHaveLength(1);
    expect(replies[0].data.body).toContain('Hi Riley Requester');
    expect(replies[0].data.body).toContain('Your refund of $40 was issued today.');
    expect(JSON.stringify(seen)).not.toContain('finance approved');
    expect(await statusOf(requestId)).toBe('waiting');
    await drained();
    // Sync resolved the request as Kustomer closed it; the workflow's "waiting" did not reopen the conversation.
    expect(kustomerStatus(conversationId)).toBe('done');

    const job = (await deadlineJob(run.id))!;
    expect(Math.abs(new Date(job.run_at).getTime() - (t.clock.now.getTime() + 3 * DAY))).toBeLessThan(60_000);
    t.clock.advance(3 * DAY + 60_000);
    const utils = await makeWorkerUtils({ connectionString: t.url });
    await utils.rescheduleJobs([job.id], { runAt: new Date() });
    await utils.release();

    const finished = await runUntil(requestId, (r) => r.state === 'succeeded');
    expect(finished.steps.map((s: any) => [s.type, s.state])).toEqual([
      ['add_comment', 'succeeded'],
      ['set_status', 'succeeded'],
      ['wait_for_reply', 'succeeded'],
      ['set_status', 'succeeded'],
    ]);
    expect(finished.steps[2].result.reply).toBe('none');
    expect(await statusOf(requestId)).toBe('resolved');
    await drained();
    const entries = (await t.api(agent, 'GET', `/api/v1/requests/${requestId}/timeline?limit=1000`)).body.items as any[];
    const resolved = entries.filter((e) => e.type === 'request.status_changed' && e.data.after === 'resolved' && e.causedByRunId === run.id);
    expect(resolved).toHaveLength(1);
    expect(await deadlineJob(run.id)).toBeUndefined();
    expect(kustomerStatus(conversationId)).toBe('done');
  });

  it('ends the run when the requester answers: the request is not resolved, and no deadline is left to fire', async () => {
    const { requestId, run } = await doneInKustomer('Still broken');
    expect(await deadlineJob(run.id)).toBeDefined();
    expect((await t.api(riley, 'POST', `/api/v1/requests/${requestId}/comments`, { body: 'It is still broken', visibility: 'public' })).status).toBe(201);
    const finished = await runUntil(requestId, (r) => r.state === 'succeeded');
    expect(finished.steps.map((s: any) => s.type)).toEqual(['add_comment', 'set_status', 'wait_for_reply']);
    expect(finished.steps[2].result.reply).toBe('received');
    expect(await deadlineJob(run.id)).toBeUndefined();
    t.clock.advance(3 * DAY + 60_000);
    await drained();
    expect(await statusOf(requestId)).toBe('in_progress');
    const entries = (await t.api(agent, 'GET', `/api/v1/requests/${requestId}/timeline?limit=1000`)).body.items as any[];
    expect(entries.find((e) => e.type === 'workflow.finished' && e.data.runId === run.id)?.data.reason).toBe('the requester replied');
  });

  it("says nothing about a note when the conversation is closed without a reply: the quote is empty, never Kustomer's note", async () => {
    const { request, conversationId } = await escalateUntilLinked(t, agent, { title: 'Closed silently', requesterId: riley.id, queueId: demo.queues.vip.id });
    await drained();
    emulator.control.addNote({ org: 'acme', id: conversationId, body: 'INTERNAL: duplicate of another ticket', by: demo.users.sam.id });
    await nextMillisecond();
    emulator.control.changeConversation({ org: 'acme', id: conversationId, status: 'done', by: demo.users.sam.id });
    await runUntil(request.id, (r) => r.state === 'waiting');
    const seen = JSON.stringify((await t.api(riley, 'GET', `/api/v1/requests/${request.id}/timeline?limit=1000`)).body.items);
    expect(seen).not.toContain('duplicate of another ticket');
    expect(seen).not.toContain('{{conversation.last_public_message}}');
  });
});
