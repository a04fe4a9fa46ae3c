/**
 * Richer escalation (issue 17 point 5), end to end over HTTP: the API, the real worker, and the Kustomer emulator
 * served on a port, its webhooks reaching the app. Tags filtered by the admin's allow-list, an assignee and a
 * sub-status at create, later priority changes, waiting ↔ snooze with the agent's wake-up time, and exactly one
 * conversation when the create's reply is lost.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { syncStack } from '../../../test/support/sync-stack.ts';

const { emulator, demo, t, admin, agent, requester, connect, settled } = await syncStack({ rateWindowMs: 60_000 });
const c = emulator.control;
const kustomerTags = demo.tags;
const { investigating, waitingOnWarehouse: onWarehouse } = demo.subStatuses;

beforeAll(async () => {
  await connect({ inbound: true, outbound: true, pollMinutes: 0 }, 5);
});

async function newRequest(fields: Record<string, unknown> = {}) {
  const r = await t.api(agent, 'POST', '/api/v1/requests', { title: 'VPN drops every hour', requesterId: requester.id, priority: 'medium', ...fields });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return r.body as { id: string };
}

const submit = (requestId: string, extra: Record<string, unknown>) =>
  t.api(agent, 'POST', `/api/v1/requests/${requestId}/escalations`, {
    destination: 'kustomer',
    queueId: demo.queues.vip.id,
    channel: 'email',
    priority: 3,
    subject: 'VPN drops every hour',
    message: 'Please look',
    ...extra,
  });

async function escalate(requestId: string, extra: Record<string, unknown> = {}) {
  const r = await submit(requestId, extra);
  expect(r.status, JSON.stringify(r.body)).toBe(202);
  return r.body as { id: string };
}

/** The request's timeline entries of one type, as the agent sees them. */
const ofType = async (requestId: string, type: string) =>
  ((await t.api(agent, 'GET', `/api/v1/requests/${requestId}/timeline`)).body.items as { type: string; data: any }[]).filter((x) => x.type === type);

const linked = (escalationId: string) =>
  t.waitFor(async () => {
    const e = (await t.api(agent, 'GET', `/api/v1/escalations/${escalationId}`)).body;
    return e.state === 'linked' ? (e as { conversationId: string }) : undefined;
  });

/** The conversation as Kustomer holds it (its attributes), found by our external id (the escalation id). */
const conversationOf = (escalationId: string) => {
  const all = c.conversations('acme').filter((x) => x.attributes.externalId === escalationId);
  expect(all).toHaveLength(1);
  return all[0]!.attributes as Record<string, any>;
};

describe('tags', () => {
  it('sends only the request tags on the allow-list that Kustomer has, as tag ids at create; the form says what happens to each', async () => {
    const saved = await t.api(admin, 'PUT', '/api/v1/integrations/kustomer/tag-allow-list', { tags: ['vpn', 'network', 'hardware'] });
    expect(saved.status, JSON.stringify(saved.body)).toBe(200);
    expect(saved.body.allowed).toEqual(['hardware', 'network', 'vpn']);
    expect(saved.body.unknownInDestination).toEqual(['hardware']);
    expect(saved.body.destinationTags).toEqual(expect.arrayContaining(['VPN', 'network', 'internal']));

    const r = await newRequest({ tags: ['vpn', 'internal', 'hardware'] });
    const options = (await t.api(agent, 'GET', `/api/v1/requests/${r.id}/escalation-options`)).body;
    const kustomer = options.destinations.find((d: { id: string }) => d.id === 'kustomer');
    expect(kustomer.tags).toEqual([
      { name: 'vpn', outcome: 'sent' },
      { name: 'internal', outcome: 'not_allowed' },
      { name: 'hardware', outcome: 'unknown_in_destination' },
    ]);
    const e = await escalate(r.id);
    await linked(e.id);
    expect(conversationOf(e.id).tags).toEqual([kustomerTags.vpn.id]);
  });

  it('sends no tag while the allow-list is empty', async () => {
    expect((await t.api(admin, 'PUT', '/api/v1/integrations/kustomer/tag-allow-list', { tags: [] })).status).toBe(200);
    const r = await newRequest({ tags: ['vpn', 'network'] });
    const options = (await t.api(agent, 'GET', `/api/v1/requests/${r.id}/escalation-options`)).body;
    expect(options.destinations[0].tagAllowListEmpty).toBe(true);
    const e = await escalate(r.id);
    await linked(e.id);
    expect(conversationOf(e.id).tags).toEqual([]);
  });

  it('is for admins only', async () => {
    expect((await t.api(agent, 'PUT', '/api/v1/integrations/kustomer/tag-allow-list', { tags: ['vpn'] })).status).toBe(403);
    expect((await t.api(admin, 'PUT', '/api/v1/integrations/kustomer/tag-allow-list', { tags: ['Not a tag!'] })).status).toBe(400);
  });
});

describe('assignee and sub-status at create', () => {
  it('offers the synced Kustomer people (no API-key users), teams and open sub-statuses', async () => {
    const r = await newRequest();
    const d = (await t.api(agent, 'GET', `/api/v1/requests/${r.id}/escalation-options`)).body.destinations[0];
    expect(d.assignees.users.map((u: { name: string }) => u.name).sort()).toEqual(['Alex Rivera', 'Sam Chen']);
    expect(d.assignees.teams.map((x: { name: string }) => x.name).sort()).toEqual(['Billing Team', 'Escalations']);
    expect(d.subStatuses).toEqual([{ id: investigating.id, name: 'Investigating' }]);
  });

  it('assigns the conversation to the picked Kustomer user as it is created', async () => {
    const r = await newRequest();
    const e = await escalate(r.id, { assigneeUserId: demo.users.alex.id });
    await linked(e.id);
    const conv = conversationOf(e.id);
    expect(conv.assignedUsers).toEqual([demo.users.alex.id]);
    expect(conv.assignedTeams).toEqual([]);
    const [requested] = await ofType(r.id, 'escalation.requested');
    expect(requested!.data.assignee).toEqual({ kind: 'user', name: 'Alex Rivera' });
  });

  it('assigns the picked team beside the queue', async () => {
    const r = await newRequest();
    const e = await escalate(r.id, { assigneeTeamId: demo.teams.billing.id });
    await linked(e.id);
    expect(conversationOf(e.id).assignedTeams).toEqual([demo.teams.billing.id]);
  });

  it('sets the picked sub-status on the new conversation (Kustomer takes it on update, not in the create body)', async () => {
    const r = await newRequest();
    const e = await escalate(r.id, { subStatusId: investigating.id });
    await linked(e.id);
    expect(conversationOf(e.id).subStatus).toBe(investigating.id);
    const create = c.calls().find((x) => x.method === 'POST' && x.path === '/v1/conversations' && (x.body as { externalId?: string }).externalId === e.id);
    expect(create?.body).not.toHaveProperty('subStatus');
  });

  it('refuses a sub-status of another status, an unknown person, and a person and a team together (422, nothing recorded)', async () => {
    const r = await newRequest();
    for (const extra of [
      { subStatusId: onWarehouse.id },
      { assigneeUserId: 'aaaaaaaaaaaaaaaaaaaaaaaa' },
      { assigneeUserId: demo.users.alex.id, assigneeTeamId: demo.teams.billing.id },
    ]) {
      const refused = await submit(r.id, extra);
      expect(refused.status, JSON.stringify(refused.body)).toBe(422);
      expect(refused.body.error.details.field).toBeTruthy();
    }
    expect(await t.db.selectFrom('escalations').select('id').where('request_id', '=', r.id).execute()).toHaveLength(0);
  });
});

describe("a workflow's conversation step", () => {
  const step = { type: 'create_conversation', destination: 'kustomer', queueId: demo.queues.vip.id, channel: 'email', priority: 3 };
  const onUrgent = (steps: object[]) => ({
    name: 'Urgent to Billing',
    enabled: true,
    definition: {
      trigger: { event: 'request.submitted', conditions: { match: 'all', rules: [{ subject: 'request', field: 'priority', op: 'equals', value: 'urgent' }] } },
      steps,
    },
  });

  /** Runs `run` with a workflow of `steps` on urgent requests enabled, then disables it. */
  async function withWorkflow(steps: object[], run: () => Promise<void>) {
    const wf = await t.api(admin, 'POST', '/api/v1/workflows', onUrgent(steps));
    expect(wf.status, JSON.stringify(wf.body)).toBe(201);
    try {
      await run();
    } finally {
      await t.api(admin, 'PATCH', `/api/v1/workflows/${wf.body.id}`, { enabled: false });
    }
  }

  it('offers the admin the same people, teams and open sub-statuses as the Escalate form', async () => {
    const k = (await t.api(admin, 'GET', '/api/v1/integrations/kustomer')).body;
    expect(k.assignees.users.map((u: { name: string }) => u.name).sort()).toEqual(['Alex Rivera', 'Sam Chen']);
    expect(k.assignees.teams.map((x: { name: string }) => x.name).sort()).toEqual(['Billing Team', 'Escalations']);
    expect(k.subStatuses).toEqual([{ id: investigating.id, name: 'Investigating' }]);
  });

  it('creates the conversation assigned to the chosen team with the chosen sub-status', async () => {
    await withWorkflow([{ ...step, assigneeTeamId: demo.teams.billing.id, subStatusId: investigating.id }], async () => {
      const r = await newRequest({ priority: 'urgent' });
      const escalationId = await t.waitFor(async () => {
        const run = (await t.api(agent, 'GET', `/api/v1/requests/${r.id}/workflow-runs`)).body.items[0];
        if (run?.state === 'failed') throw new Error(JSON.stringify(run));
        return run?.state === 'succeeded' ? (run.steps[0].result.escalationId as string) : undefined;
      });
      const conv = conversationOf(escalationId);
      expect(conv.assignedTeams).toEqual([demo.teams.billing.id]);
      expect(conv.subStatus).toBe(investigating.id);
    });
  });

  it('refuses to save a step assigned to a person and a team together, naming the field', async () => {
    const refused = await t.api(
      admin,
      'POST',
      '/api/v1/workflows',
      onUrgent([{ ...step, assigneeUserId: demo.users.alex.id, assigneeTeamId: demo.teams.billing.id }]),
    );
    expect(refused.status, JSON.stringify(refused.body)).toBe(422);
    expect(refused.body.error.details.fields).toEqual({ 'steps.0.assigneeTeamId': 'Assign either a person or a team' });
  });

  it('fails the run with the reason when the chosen person is no longer one Kustomer has', async () => {
    await withWorkflow([{ ...step, assigneeUserId: 'aaaaaaaaaaaaaaaaaaaaaaaa' }], async () => {
      const r = await newRequest({ priority: 'urgent' });
      const run = await t.waitFor(async () => {
        const x = (await t.api(agent, 'GET', `/api/v1/requests/${r.id}/workflow-runs`)).body.items[0];
        return x?.state === 'failed' ? x : undefined;
      });
      expect(JSON.stringify(run)).toMatch(/not one of the destination users Bridgedesk knows/);
      expect(await t.db.selectFrom('escalations').select('id').where('request_id', '=', r.id).execute()).toHaveLength(0);
    });
  });
});

describe('exactly once', () => {
  it('makes one conversation with its tags, assignee and sub-status when the reply to the create is lost', async () => {
    expect((await t.api(admin, 'PUT', '/api/v1/integrations/kustomer/tag-allow-list', { tags: ['vpn'] })).status).toBe(200);
    const r = await newRequest({ tags: ['vpn'] });
    c.injectFault({ kind: 'lost_reply', count: 1, method: 'POST', pathPrefix: '/v1/conversations', reply: '502' });
    const e = await escalate(r.id, { assigneeUserId: demo.users.sam.id, subStatusId: investigating.id });
    await linked(e.id);
    const conv = conversationOf(e.id);
    expect(conv.tags).toEqual([kustomerTags.vpn.id]);
    expect(conv.assignedUsers).toEqual([demo.users.sam.id]);
    expect(conv.subStatus).toBe(investigating.id);
    const created = await ofType(r.id, 'escalation.created');
    expect(created).toHaveLength(1);
    expect(created[0]!.data.foundExisting).toBe(true);
  });
});

describe('after the escalation', () => {
  it("follows a later change of the request's priority to the conversation through the priority map", async () => {
    const r = await newRequest({ priority: 'medium' });
    const e = await escalate(r.id);
    const { conversationId } = await linked(e.id);
    expect((await t.api(agent, 'PATCH', `/api/v1/requests/${r.id}`, { priority: 'urgent' })).status).toBe(200);
    await t.waitFor(async () => conversationOf(e.id).priority === 5 || undefined);
    expect((await t.api(agent, 'PATCH', `/api/v1/requests/${r.id}`, { priority: 'low' })).status).toBe(200);
    await t.waitFor(async () => conversationOf(e.id).priority === 2 || undefined);
    const sent = await t.waitFor(async () => {
      const items = await ofType(r.id, 'sync.priority_sent');
      return items.length === 2 ? items : undefined;
    });
    expect(sent.map((x) => x.data.remotePriority)).toEqual([5, 2]);
    expect(conversationId).toBeTruthy();
  });

  it('snoozes the conversation until the wake-up time the agent picks; when it wakes in Kustomer the request is back in progress', async () => {
    const r = await newRequest();
    const e = await escalate(r.id);
    await linked(e.id);
    await settled();
    const wakeAt = new Date(Date.now() + 3 * 86_400_000);
    wakeAt.setUTCHours(9, 0, 0, 0);
    const waiting = await t.api(agent, 'PATCH', `/api/v1/requests/${r.id}`, { status: 'waiting', wakeAt: wakeAt.toISOString() });
    expect(waiting.status, JSON.stringify(waiting.body)).toBe(200);
    await t.waitFor(async () => conversationOf(e.id).status === 'snoozed' || undefined);
    expect(conversationOf(e.id).snooze).toEqual({ time: wakeAt.toISOString(), status: 'scheduled' });
    await settled();
    expect((await t.api(agent, 'GET', `/api/v1/requests/${r.id}`)).body.status).toBe('waiting');
    // The push records what it sent once Kustomer answered: the conversation may show snoozed a moment before.
    const sent = await t.waitFor(async () => {
      const items = await ofType(r.id, 'sync.status_sent');
      return items.length ? items : undefined;
    });
    expect(sent).toHaveLength(1);
    expect(sent[0]!.data).toMatchObject({ status: 'waiting', wakeAt: wakeAt.toISOString() });

    // Kustomer wakes it at that time (its own clock): the request goes back per the inbound map (open → in progress).
    expect(c.wakeSnoozes(wakeAt)).toBeGreaterThanOrEqual(1);
    expect(conversationOf(e.id)).toMatchObject({ status: 'open', snooze: { status: 'elapsed' } });
    await t.waitFor(async () => (await t.api(agent, 'GET', `/api/v1/requests/${r.id}`)).body.status === 'in_progress' || undefined);
    await settled();
    // Its own change is not pushed back: the conversation stays open, with no second status push.
    expect(await ofType(r.id, 'sync.status_sent')).toHaveLength(1);
  });

  it('refuses a wake-up time in the past or without waiting (422)', async () => {
    const r = await newRequest();
    const past = await t.api(agent, 'PATCH', `/api/v1/requests/${r.id}`, { status: 'waiting', wakeAt: new Date(Date.now() - 60_000).toISOString() });
    expect(past.status).toBe(422);
    const alone = await t.api(agent, 'PATCH', `/api/v1/requests/${r.id}`, { wakeAt: new Date(Date.now() + 60_000).toISOString() });
    expect(alone.status).toBe(422);
    expect(alone.body.error.details.field).toBe('wakeAt');
  });
});
