/**
 * The priority map (request priority → Kustomer priority) end to end: the admin's route, and every place a request
 * priority becomes a Kustomer priority (the Escalate form's default, a workflow's "from the request", priority sync),
 * with real Postgres, the real worker and the in-process Kustomer emulator.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { createTestAppWithEmulator } from '../../test/support/test-app.ts';
import { queuePriorityPushes } from './sync/push-priority.ts';

const { emulator, demo, t } = await createTestAppWithEmulator({ BRIDGEDESK_PUBLIC_URL: 'https://desk.example.com' });
const admin = await t.createUser('admin');
const agent = await t.createUser('agent');
const requester = await t.createUser('requester');
const PATH = '/api/v1/integrations/kustomer/priority-map';
const PRIORITIES = ['low', 'medium', 'high', 'urgent'] as const;
type Priority = (typeof PRIORITIES)[number];

beforeAll(async () => {
  // refused while not connected: a map belongs to a connection
  const early = await t.api(admin, 'PUT', PATH, { low: 1, medium: 2, high: 3, urgent: 4 });
  expect(early.status).toBe(404);
  expect((await t.api(admin, 'PUT', '/api/v1/integrations/kustomer', { orgName: 'acme', apiKey: demo.apiKey })).status).toBe(200);
  await t.api(admin, 'PATCH', '/api/v1/integrations/kustomer', { queues: [{ remoteId: demo.queues.vip.id, enabled: true }] });
  // outbound sync on: a priority change of a linked request reaches its conversation
  const sync = await t.api(admin, 'PUT', '/api/v1/integrations/kustomer/sync', { inbound: false, outbound: true, pollMinutes: 0 });
  expect(sync.status, JSON.stringify(sync.body)).toBe(200);
  await t.startWorker({ concurrency: 4 });
});

const conversation = (id: string) => emulator.control.conversations('acme').find((c) => c.id === id)!;
const file = async (priority: Priority) => {
  const r = await t.api(agent, 'POST', '/api/v1/requests', { title: `A ${priority} request`, requesterId: requester.id, priority });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return r.body as { id: string; key: string };
};
const formDefault = async (requestId: string) => {
  const options = (await t.api(agent, 'GET', `/api/v1/requests/${requestId}/escalation-options`)).body;
  return options.destinations.find((d: any) => d.id === 'kustomer').defaultPriority as number;
};

/** Escalates with the form's default priority and waits for the linked conversation. */
async function escalateWithDefault(requestId: string) {
  const priority = await formDefault(requestId);
  const e = await t.api(agent, 'POST', `/api/v1/requests/${requestId}/escalations`, {
    destination: 'kustomer',
    queueId: demo.queues.vip.id,
    channel: 'email',
    priority,
    subject: 'S',
    message: 'm',
  });
  expect(e.status, JSON.stringify(e.body)).toBe(202);
  return t.waitFor(async () => {
    const x = (await t.api(agent, 'GET', `/api/v1/escalations/${e.body.id}`)).body;
    return x.state === 'linked' ? (x.conversationId as string) : undefined;
  });
}

/** A workflow whose create_conversation step takes the request's priority; returns the conversation it made. */
async function conversationFromWorkflow(priority: Priority) {
  const wf = await t.api(admin, 'POST', '/api/v1/workflows', {
    name: `From the request (${priority})`,
    enabled: true,
    definition: {
      trigger: { event: 'request.submitted', conditions: { match: 'all', rules: [{ subject: 'request', field: 'priority', op: 'equals', value: priority }] } },
      steps: [{ type: 'create_conversation', destination: 'kustomer', queueId: demo.queues.vip.id, channel: 'email', priority: 'from_request' }],
    },
  });
  expect(wf.status, JSON.stringify(wf.body)).toBe(201);
  try {
    const r = await file(priority);
    return await t.waitFor(async () => {
      const runs = (await t.api(agent, 'GET', `/api/v1/requests/${r.id}/workflow-runs`)).body.items as any[];
      const run = runs[0];
      if (run?.state === 'failed') throw new Error(JSON.stringify(run));
      return run?.state === 'succeeded' ? (run.steps[0].result.conversationId as string) : undefined;
    });
  } finally {
    await t.api(admin, 'PATCH', `/api/v1/workflows/${wf.body.id}`, { enabled: false });
  }
}

/** Changes a linked request's priority and waits for the conversation to take the mapped one. */
async function syncedPriority(requestId: string, conversationId: string, to: Priority, expected: number) {
  expect((await t.api(agent, 'PATCH', `/api/v1/requests/${requestId}`, { priority: to })).status).toBe(200);
  await t.waitFor(async () => conversation(conversationId).attributes.priority === expected || undefined);
  const entry = await t.waitFor(async () => {
    const items = (await t.api(agent, 'GET', `/api/v1/requests/${requestId}/timeline?limit=1000`)).body.items as any[];
    return items.filter((i) => i.type === 'sync.priority_sent').at(-1);
  });
  expect(entry.data).toMatchObject({ conversationId, priority: to, remotePriority: expected });
}

describe('the default map', () => {
  it("makes medium Kustomer's normal 3, one step per level either side", async () => {
    const r = await t.api(admin, 'GET', PATH);
    expect(r.status).toBe(200);
    expect(r.body).toEqual({
      map: { low: 2, medium: 3, high: 4, urgent: 5 },
      defaultMap: { low: 2, medium: 3, high: 4, urgent: 5 },
      range: { min: 1, max: 5 },
      customised: false,
    });
  });

  it("is the Escalate form's default, and the conversation gets it", async () => {
    const expected = { low: 2, medium: 3, high: 4, urgent: 5 };
    for (const p of PRIORITIES) expect(await formDefault((await file(p)).id), p).toBe(expected[p]);
    const conversationId = await escalateWithDefault((await file('medium')).id);
    expect(conversation(conversationId).attributes.priority).toBe(3);
  });

  it('gives a workflow\'s "from the request" conversation the mapped priority', async () => {
    expect(conversation(await conversationFromWorkflow('urgent')).attributes.priority).toBe(5);
  });

  it("sets a linked conversation's priority when the request's priority changes", async () => {
    const r = await file('medium');
    const conversationId = await escalateWithDefault(r.id);
    await syncedPriority(r.id, conversationId, 'high', 4);
  });
});

describe("the admin's map", () => {
  it('refuses a value that is not a Kustomer priority with 422 naming each priority, and keeps the saved map', async () => {
    const r = await t.api(admin, 'PUT', PATH, { low: 0, medium: 3, high: 2.5, urgent: 6 });
    expect(r.status).toBe(422);
    expect(r.body.error.code).toBe('unprocessable');
    expect(r.body.error.details.problems).toEqual([
      { priority: 'low', message: 'Low must be a whole number from 1 to 5 (got 0)' },
      { priority: 'high', message: 'High must be a whole number from 1 to 5 (got 2.5)' },
      { priority: 'urgent', message: 'Urgent must be a whole number from 1 to 5 (got 6)' },
    ]);
    for (const bad of [
      { low: 1, medium: 2, high: 3 },
      { low: 1, medium: 2, high: 3, urgent: 4, extra: 1 },
      { low: '1', medium: 2, high: 3, urgent: 4 },
    ]) {
      expect((await t.api(admin, 'PUT', PATH, bad)).status, JSON.stringify(bad)).toBe(400);
    }
    expect((await t.api(agent, 'PUT', PATH, { low: 1, medium: 1, high: 1, urgent: 1 })).status).toBe(403);
    expect((await t.api(agent, 'GET', PATH)).status).toBe(403);
    expect((await t.api(admin, 'GET', PATH)).body.map).toEqual({ low: 2, medium: 3, high: 4, urgent: 5 });
  });

  it('is used by the Escalate form, workflows and sync once saved, and resets to the default', async () => {
    const saved = await t.api(admin, 'PUT', PATH, { low: 1, medium: 2, high: 3, urgent: 3 });
    expect(saved.status, JSON.stringify(saved.body)).toBe(200);
    expect(saved.body).toMatchObject({ map: { low: 1, medium: 2, high: 3, urgent: 3 }, customised: true });
    expect((await t.api(admin, 'GET', PATH)).body.map).toEqual({ low: 1, medium: 2, high: 3, urgent: 3 });

    const r = await file('low');
    expect(await formDefault(r.id)).toBe(1);
    const conversationId = await escalateWithDefault(r.id);
    expect(conversation(conversationId).attributes.priority).toBe(1);
    expect(conversation(await conversationFromWorkflow('urgent')).attributes.priority).toBe(3);
    await syncedPriority(r.id, conversationId, 'medium', 2);

    const reset = await t.api(admin, 'PUT', PATH, { low: 2, medium: 3, high: 4, urgent: 5 });
    expect(reset.body.customised).toBe(false);
    expect(await formDefault(r.id)).toBe(3);
  });

  it('leaves conversations alone when outbound sync is off', async () => {
    const r = await file('low');
    const conversationId = await escalateWithDefault(r.id);
    expect((await t.api(admin, 'PUT', '/api/v1/integrations/kustomer/sync', { inbound: false, outbound: false, pollMinutes: 0 })).status).toBe(200);
    try {
      expect((await t.api(agent, 'PATCH', `/api/v1/requests/${r.id}`, { priority: 'urgent' })).status).toBe(200);
      const entry = await t.db
        .selectFrom('timeline_entries')
        .select('id')
        .where('request_id', '=', r.id)
        .where('type', '=', 'request.priority_changed')
        .executeTakeFirstOrThrow();
      // what the job handling new timeline entries does with the change: nothing to push
      expect(await queuePriorityPushes(t.db, [entry.id])).toBe(0);
      expect(conversation(conversationId).attributes.priority).toBe(2);
    } finally {
      await t.api(admin, 'PUT', '/api/v1/integrations/kustomer/sync', { inbound: false, outbound: true, pollMinutes: 0 });
    }
  });
});
