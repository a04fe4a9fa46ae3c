/** Workflow steps, triggers, approvals and dry runs end to end: the API, the real worker, the Kustomer emulator over HTTP, and a real SMTP server. */
import { describe, expect, it } from 'vitest';
import type { TestUser } from '../../../test/support/test-app.ts';
import { workflowStack } from '../../../test/support/workflow-stack.ts';

const { emulator, demo, t, admin, agent, dana, morgan, riley, service, received, examples, createWorkflow, file, runsOf, runState, pendingFor, timeline } =
  await workflowStack();
const mine = async (who: TestUser, requestId: string) => (await pendingFor(who)).filter((a) => a.request.id === requestId);
/** The approvals of the request `who` is asked for, once there are some. */
const askedOf = (who: TestUser, requestId: string) => t.waitFor(async () => ((await mine(who, requestId)).length ? mine(who, requestId) : undefined));

describe('steps and triggers', () => {
  it('runs status, tags, assignment, comments, email notification, branches and waits', async () => {
    await createWorkflow('Everything', {
      trigger: {
        event: 'request.status_changed',
        to: 'in_progress',
        conditions: { match: 'all', rules: [{ subject: 'requester', field: 'department', op: 'equals', value: 'sales' }] },
      },
      steps: [
        { type: 'assign', assigneeId: agent.id },
        { type: 'add_tag', tag: 'sales' },
        {
          type: 'branch',
          condition: { match: 'any', rules: [{ subject: 'request', field: 'priority', op: 'at_least', value: 'high' }] },
          then: [{ type: 'add_tag', tag: 'hot' }],
          else: [{ type: 'add_tag', tag: 'cold' }],
        },
        { type: 'wait', minutes: 0.01 },
        { type: 'add_comment', body: 'Hello {{requester.name}} about {{request.key}}', visibility: 'public' },
        { type: 'notify', to: 'email', email: 'ops@corp.example', subject: 'New {{request.key}}', body: '{{request.title}}' },
        { type: 'set_status', status: 'waiting' },
      ],
    });
    const r = await file(riley, {});
    await t.api(agent, 'PATCH', `/api/v1/requests/${r.id}`, { status: 'in_progress', priority: 'urgent' });
    await runState(r.id, ['succeeded']);
    const after = (await t.api(agent, 'GET', `/api/v1/requests/${r.id}`)).body;
    expect(after).toMatchObject({ status: 'waiting', assignee: { id: agent.id } });
    expect(after.tags.sort()).toEqual(['hot', 'sales']);
    const reply = (await timeline(r.id)).find((e) => e.type === 'comment.public_reply');
    expect(reply.data.body).toBe(`Hello Riley Requester about ${r.key}`);
    await t.waitFor(async () => received.some((m) => m.to === 'ops@corp.example' && m.body.includes('Customer refund')) || undefined);
  });

  it('triggers on requester replies, agent replies and custom field changes', async () => {
    await t.db.insertInto('custom_fields').values({ key: 'order_total', label: 'Order total', type: 'number' }).execute();
    await createWorkflow('Requester replied', { trigger: { event: 'request.requester_replied' }, steps: [{ type: 'add_tag', tag: 'requester-replied' }] });
    await createWorkflow('Agent replied', { trigger: { event: 'request.agent_replied' }, steps: [{ type: 'add_tag', tag: 'agent-replied' }] });
    await createWorkflow('Big order', {
      trigger: {
        event: 'request.field_changed',
        field: 'order_total',
        conditions: { match: 'all', rules: [{ subject: 'request', field: 'field.order_total', op: 'greater_than', value: 1000 }] },
      },
      steps: [{ type: 'add_tag', tag: 'big-order' }],
    });
    const r = await file(riley);
    await t.api(riley, 'POST', `/api/v1/requests/${r.id}/comments`, { body: 'any news?' });
    await t.api(agent, 'POST', `/api/v1/requests/${r.id}/comments`, { body: 'working on it' });
    await t.api(agent, 'PATCH', `/api/v1/requests/${r.id}`, { customFields: { order_total: 5000 } });
    await t.waitFor(async () => (await runsOf(r.id)).filter((x) => x.state === 'succeeded').length === 3 || undefined);
    expect((await t.api(agent, 'GET', `/api/v1/requests/${r.id}`)).body.tags.sort()).toEqual(['agent-replied', 'big-order', 'requester-replied']);
  });

  it('triggers on service, assignee and escalation state changes', async () => {
    await createWorkflow('Service moved', { trigger: { event: 'request.service_changed' }, steps: [{ type: 'add_tag', tag: 'service-moved' }] });
    await createWorkflow('Assigned', { trigger: { event: 'request.assignee_changed' }, steps: [{ type: 'add_tag', tag: 'assigned' }] });
    await createWorkflow('Linked', { trigger: { event: 'escalation.state_changed', to: 'linked' }, steps: [{ type: 'set_status', status: 'waiting' }] });
    const r = await file(riley);
    await t.api(agent, 'PATCH', `/api/v1/requests/${r.id}`, { serviceId: service.id, assigneeId: agent.id });
    await t.api(agent, 'POST', `/api/v1/requests/${r.id}/escalations`, {
      destination: 'kustomer',
      queueId: demo.queues.vip.id,
      channel: 'email',
      priority: 2,
      subject: 's',
      message: 'm',
    });
    await t.waitFor(async () => (await runsOf(r.id)).filter((x) => x.state === 'succeeded').length === 3 || undefined);
    const after = (await t.api(agent, 'GET', `/api/v1/requests/${r.id}`)).body;
    expect(after.tags.sort()).toEqual(['assigned', 'service-moved']);
    expect(after.status).toBe('waiting');
  });

  it('asks a group in sequence, each approver after the previous one approved', async () => {
    await createWorkflow('Two keys', {
      trigger: { event: 'request.submitted' },
      steps: [
        { type: 'approval', approver: { type: 'group', userIds: [morgan.id, dana.id], mode: 'all_in_sequence' } },
        { type: 'add_tag', tag: 'both-approved' },
      ],
    });
    const r = await file(riley);
    const [first] = await askedOf(morgan, r.id);
    expect(await mine(dana, r.id)).toEqual([]);
    await t.api(morgan, 'POST', `/api/v1/approvals/${first.id}/decision`, { decision: 'approve' });
    const [second] = await askedOf(dana, r.id);
    expect((await runsOf(r.id))[0].state).toBe('waiting');
    await t.api(dana, 'POST', `/api/v1/approvals/${second.id}/decision`, { decision: 'approve' });
    await runState(r.id, ['succeeded']);
    expect((await t.api(agent, 'GET', `/api/v1/requests/${r.id}`)).body.tags).toEqual(['both-approved']);
  });

  it('tells staff which approvals a request waits for: who is asked now and who next, and nothing once decided', async () => {
    await createWorkflow('Two keys', {
      trigger: { event: 'request.submitted' },
      steps: [{ type: 'approval', approver: { type: 'group', userIds: [morgan.id, dana.id], mode: 'all_in_sequence' } }],
    });
    const r = await file(riley);
    const waiting = async () => (await t.api(agent, 'GET', `/api/v1/requests/${r.id}/approvals`)).body.items as any[];
    const asked = await t.waitFor(async () => ((await waiting()).length ? waiting() : undefined));
    expect(asked.map((a) => [a.approver.name, a.state, a.workflowName])).toEqual([
      ['Morgan Manager', 'pending', 'Two keys'],
      ['Dana Director', 'queued', 'Two keys'],
    ]);
    expect(asked[0].askedAt).toBe(asked[0].createdAt);
    expect(asked[1].askedAt).toBeNull(); // not asked yet
    expect((await t.api(riley, 'GET', `/api/v1/requests/${r.id}/approvals`)).status).toBe(403);
    expect((await t.api(agent, 'GET', '/api/v1/requests/00000000-0000-4000-8000-000000000000/approvals')).status).toBe(404);
    await t.api(morgan, 'POST', `/api/v1/approvals/${asked[0].id}/decision`, { decision: 'approve' });
    const [next] = await waiting();
    expect([next.approver.name, next.state]).toEqual(['Dana Director', 'pending']);
    // Dana was asked when Morgan decided.
    const decided = ((await t.api(morgan, 'GET', '/api/v1/approvals?state=decided')).body.items as any[]).find((a) => a.id === asked[0].id);
    expect(next.askedAt).toBe(decided.decidedAt);
    await t.api(dana, 'POST', `/api/v1/approvals/${asked[1].id}/decision`, { decision: 'reject' });
    expect(await waiting()).toEqual([]);
    await runState(r.id, ['cancelled', 'succeeded']);
  });

  it('lets any one of a group decide, cancels the others, and a branch follows the outcome', async () => {
    await createWorkflow('Any key', {
      trigger: { event: 'request.submitted' },
      steps: [
        { type: 'approval', approver: { type: 'group', userIds: [morgan.id, dana.id], mode: 'any' }, onReject: 'continue' },
        {
          type: 'branch',
          condition: { match: 'all', rules: [{ subject: 'run', field: 'approval', op: 'equals', value: 'approved' }] },
          then: [{ type: 'add_tag', tag: 'yes' }],
          else: [{ type: 'add_tag', tag: 'no' }],
        },
        { type: 'notify', to: 'assignee', subject: 'x', body: 'y' },
      ],
    });
    const r = await file(riley);
    const [forDana] = await askedOf(dana, r.id);
    expect(await mine(morgan, r.id)).toHaveLength(1);
    await t.api(dana, 'POST', `/api/v1/approvals/${forDana.id}/decision`, { decision: 'reject' });
    await runState(r.id, ['succeeded']);
    expect(await mine(morgan, r.id)).toEqual([]);
    expect((await t.api(agent, 'GET', `/api/v1/requests/${r.id}`)).body.tags).toEqual(['no']);
  });

  it('refuses a conversation step with no queue or team, and an unknown approver', async () => {
    const noQueue = await t.api(admin, 'POST', '/api/v1/workflows', {
      name: 'x',
      definition: { trigger: { event: 'request.submitted' }, steps: [{ type: 'create_conversation', destination: 'kustomer' }] },
    });
    expect(noQueue.status).toBe(422);
    const ghost = await t.api(admin, 'POST', '/api/v1/workflows', {
      name: 'x',
      definition: {
        trigger: { event: 'request.submitted' },
        steps: [{ type: 'approval', approver: { type: 'user', userId: '00000000-0000-4000-8000-000000000000' } }],
      },
    });
    expect(ghost.status).toBe(422);
    const badShape = await t.api(admin, 'POST', '/api/v1/workflows', { name: 'x', definition: { trigger: { event: 'nope' }, steps: [] } });
    expect(badShape.status).toBe(400);
    expect((await t.api(agent, 'GET', '/api/v1/workflows')).status).toBe(403);
  });

  it('lets an approver who is not staff open the request they are asked to approve, as a follower', async () => {
    const peer = await t.createUser('requester', { name: 'Pat Peer' });
    await createWorkflow('Peer check', { trigger: { event: 'request.submitted' }, steps: [{ type: 'approval', approver: { type: 'user', userId: peer.id } }] });
    const r = await file(riley);
    const [approval] = await askedOf(peer, r.id);
    const opened = await t.api(peer, 'GET', `/api/v1/requests/${approval.request.key}`);
    expect(opened.status).toBe(200);
    expect(opened.body.followers.map((f: { id: string }) => f.id)).toContain(peer.id);
    expect((await timeline(r.id)).filter((e) => e.type === 'request.follower_added').map((e) => e.data.user.name)).toEqual(['Pat Peer']);
    await t.api(peer, 'POST', `/api/v1/approvals/${approval.id}/decision`, { decision: 'approve' });
    await runState(r.id, ['succeeded']);
  });

  it('answers 404 for the run history of a workflow that does not exist, and the runs of one that does', async () => {
    const missing = await t.api(admin, 'GET', '/api/v1/workflows/00000000-0000-4000-8000-000000000000/runs');
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe('not_found');
    const wf = await createWorkflow('Quiet', examples[1]!.definition, false);
    expect((await t.api(admin, 'GET', `/api/v1/workflows/${wf.id}/runs`)).body).toEqual({ items: [] });
  });

  it('dry run names the approver it would ask and renders the messages it would send', async () => {
    const wf = await createWorkflow('Dry approver', examples[1]!.definition, false);
    const r = await file(riley, { title: 'VIP refund' });
    const dry = (await t.api(admin, 'POST', `/api/v1/workflows/${wf.id}/dry-run`, { requestId: r.id })).body;
    const [approval, conversation, notify] = dry.steps;
    expect(approval.approvers).toEqual(['Morgan Manager']);
    expect(approval.note).toBe('Asks Morgan Manager; the run waits here for the decision (due in 24 h)');
    expect(approval.message).toEqual({
      to: 'Morgan Manager',
      subject: `Approval needed: ${r.key} VIP refund`,
      body: `Hand ${r.key} "VIP refund" to the VIP specialists in Kustomer?`,
    });
    expect(conversation.message.subject).toBe('[VIP] VIP refund');
    expect(conversation.message.body).toContain(`Requested by Riley Requester <${riley.email}>`);
    expect(notify.message).toMatchObject({ to: `Riley Requester <${riley.email}>`, subject: `${r.key} is with our VIP specialists` });
    expect(notify.message.body).not.toContain('{{');
    expect(await runsOf(r.id)).toEqual([]);
  });

  it("flags in the list a workflow whose conversation step points at a queue deleted in Kustomer, by the queue's name", async () => {
    const gone = emulator.control.createQueue({ org: 'acme', name: 'Returns desk' });
    await t.api(admin, 'POST', '/api/v1/integrations/kustomer/sync');
    await t.api(admin, 'PATCH', '/api/v1/integrations/kustomer', { queues: [{ remoteId: gone.id, enabled: true }] });
    const def = structuredClone(examples[0]!.definition) as any;
    def.steps[1].queueId = gone.id;
    const wf = await createWorkflow('Returns', def, false);
    const listed = async () => ((await t.api(admin, 'GET', '/api/v1/workflows')).body.items as any[]).find((w) => w.id === wf.id);
    expect((await listed()).problems).toEqual([]);
    emulator.control.deleteQueue({ org: 'acme', id: gone.id });
    await t.api(admin, 'POST', '/api/v1/integrations/kustomer/sync');
    expect((await listed()).problems).toEqual([
      {
        path: '1',
        kind: 'target_missing',
        target: { kind: 'queue', id: gone.id, name: 'Returns desk' },
        message: 'The queue “Returns desk” no longer exists in Kustomer',
      },
    ]);
    expect((await t.api(admin, 'GET', `/api/v1/workflows/${wf.id}`)).body.problems).toHaveLength(1);
  });

  it('dry-runs a workflow on a request without changing it', async () => {
    const wf = await createWorkflow('Dry', examples[1]!.definition, false);
    const loner = await t.createUser('requester', { name: 'Loner' });
    const r = await file(loner);
    const dry = (await t.api(admin, 'POST', `/api/v1/workflows/${wf.id}/dry-run`, { requestId: r.id })).body;
    expect(dry.triggerMatches).toBe(true);
    expect(dry.steps.map((s: any) => s.type)).toEqual(['approval', 'create_conversation', 'notify']);
    expect(dry.steps[0].note).toMatch(/no manager/);
    expect(await runsOf(r.id)).toEqual([]);
  });
});
