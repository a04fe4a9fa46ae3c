/** Workflows end to end, the shipped examples and running once, in order and safely: the API, the real worker, the Kustomer emulator over HTTP, and a real SMTP server. */
import { describe, expect, it } from 'vitest';
import { workflowStack } from '../../../test/support/workflow-stack.ts';
import { matchWorkflows } from './match-workflows.ts';

const {
  emulator,
  demo,
  t,
  admin,
  agent,
  dana,
  morgan,
  riley,
  orphan,
  service,
  received,
  examples,
  createWorkflow,
  file,
  runsOf,
  runState,
  pendingFor,
  timeline,
} = await workflowStack();

describe('the shipped examples', () => {
  it('Customer escalation: a new request of the service is set High first, so its Kustomer conversation is created at High; the requester is told', async () => {
    await createWorkflow('Customer escalation', examples[0]!.definition);
    const r = await file(riley, { serviceId: service.id });
    const [run] = await runState(r.id, ['succeeded']);
    expect(run.steps.map((s: any) => [s.type, s.state])).toEqual([
      ['set_priority', 'succeeded'],
      ['create_conversation', 'succeeded'],
      ['notify', 'succeeded'],
    ]);
    const conv = emulator.control.conversations('acme').find((c) => c.id === run.steps[1].result.conversationId)!;
    expect((conv.relationships as any).queue.data.id).toBe(demo.queues.tier2Support.id);
    // The default priority map sends high as Kustomer's 4 (3 is Kustomer's normal).
    expect((conv.attributes as any).priority).toBe(4);
    expect((await t.api(agent, 'GET', `/api/v1/requests/${r.id}`)).body.priority).toBe('high');
    const notes = (await t.api(riley, 'GET', '/api/v1/notifications')).body;
    expect(notes.items[0].title).toBe(`${r.key} is with our support team`);
    await t.waitFor(async () => received.some((m) => m.to === riley.email && m.body.includes('handed to the support team')) || undefined);
    const types = (await timeline(r.id)).map((e) => e.type);
    expect(types).toContain('workflow.started');
    expect(types).toContain('workflow.finished');
  });

  it('does not start for a request of another service', async () => {
    await createWorkflow('Customer escalation', examples[0]!.definition);
    const r = await file(riley);
    await t.api(agent, 'POST', `/api/v1/requests/${r.id}/comments`, { body: 'settle', visibility: 'internal' });
    expect(await runsOf(r.id)).toEqual([]);
  });

  it('Specialist handoff, approve path: the manager approves in the inbox, then the VIP conversation is made and the requester told', async () => {
    await createWorkflow('Specialist handoff', examples[1]!.definition);
    const r = await file(riley);
    await t.api(agent, 'PATCH', `/api/v1/requests/${r.id}`, { tags: ['vip-customer'] });
    const [approval] = await t.waitFor(async () => {
      const p = await pendingFor(morgan);
      return p.length ? p : undefined;
    });
    expect(approval).toMatchObject({ workflowName: 'Specialist handoff', state: 'pending', request: { id: r.id, requester: { name: 'Riley Requester' } } });
    expect((await runsOf(r.id))[0].state).toBe('waiting');
    expect((await t.api(agent, 'POST', `/api/v1/approvals/${approval.id}/decision`, { decision: 'approve' })).status).toBe(403);
    const decided = await t.api(morgan, 'POST', `/api/v1/approvals/${approval.id}/decision`, { decision: 'approve', comment: 'Go' });
    expect(decided.body.state).toBe('approved');
    expect((await t.api(morgan, 'POST', `/api/v1/approvals/${approval.id}/decision`, { decision: 'reject' })).status).toBe(409);
    const [run] = await runState(r.id, ['succeeded']);
    const conv = emulator.control.conversations('acme').find((c) => c.id === run.steps[1].result.conversationId)!;
    expect((conv.relationships as any).queue.data.id).toBe(demo.queues.vip.id);
    const types = (await timeline(r.id)).map((e) => e.type);
    expect(types).toEqual(expect.arrayContaining(['workflow.waiting_approval', 'workflow.approval_decided', 'escalation.linked', 'workflow.finished']));
    await t.waitFor(async () => received.some((m) => m.to === morgan.email && m.body.includes('Approval needed')) || undefined);
  });

  it('Specialist handoff, reject path: no conversation, the run ends and the requester is told', async () => {
    await createWorkflow('Specialist handoff', examples[1]!.definition);
    const r = await file(riley);
    const before = emulator.control.conversations('acme').length;
    await t.api(agent, 'PATCH', `/api/v1/requests/${r.id}`, { tags: ['vip-customer'] });
    const [approval] = await t.waitFor(async () =>
      (await pendingFor(morgan))
        .filter((a) => a.request.id === r.id)
        .slice(0, 1)
        .filter(Boolean).length
        ? (await pendingFor(morgan)).filter((a) => a.request.id === r.id)
        : undefined,
    );
    await t.api(morgan, 'POST', `/api/v1/approvals/${approval.id}/decision`, { decision: 'reject', comment: 'Not VIP' });
    const [run] = await runState(r.id, ['cancelled']);
    expect(run.steps.map((s: any) => s.type)).toEqual(['approval']);
    expect(emulator.control.conversations('acme').length).toBe(before);
    expect((await t.api(riley, 'GET', '/api/v1/notifications')).body.items[0].title).toBe(`${r.key} was not approved`);
  });

  it("Specialist handoff, timeout path: past the due time it goes to the manager's manager, whose rejection ends it", async () => {
    const def = structuredClone(examples[1]!.definition) as any;
    def.steps[0].dueInHours = 0.0003;
    await createWorkflow('Quick handoff', def);
    const r = await file(riley);
    await t.api(agent, 'PATCH', `/api/v1/requests/${r.id}`, { tags: ['vip-customer'] });
    const [escalated] = await t.waitFor(async () => {
      const p = (await pendingFor(dana)).filter((a) => a.request.id === r.id);
      return p.length ? p : undefined;
    });
    const types = (await timeline(r.id)).map((e) => e.type);
    expect(types).toContain('workflow.approval_expired');
    await t.api(dana, 'POST', `/api/v1/approvals/${escalated.id}/decision`, { decision: 'reject' });
    await runState(r.id, ['cancelled']);
  });
});

describe('running once, in order, and safely', () => {
  it('starts one run per workflow for an event delivered twice', async () => {
    const wf = await createWorkflow('Tagger', { trigger: { event: 'request.submitted' }, steps: [{ type: 'add_tag', tag: 'seen' }] });
    const r = await file(riley);
    await runState(r.id, ['succeeded']);
    const created = (await timeline(r.id)).find((e) => e.type === 'request.created');
    expect(await matchWorkflows({ db: t.db, publicUrl: '' }, [created.id])).toBe(0);
    await Promise.all([matchWorkflows({ db: t.db, publicUrl: '' }, [created.id]), matchWorkflows({ db: t.db, publicUrl: '' }, [created.id])]);
    expect((await runsOf(r.id)).filter((x) => x.workflowId === wf.id)).toHaveLength(1);
  });

  it('stops a workflow loop with a clear message on the timeline', async () => {
    await createWorkflow('Ping', { trigger: { event: 'request.priority_changed' }, steps: [{ type: 'add_tag', tag: 'ping' }] });
    await createWorkflow('Pong', {
      trigger: { event: 'request.tag_added', tag: 'ping' },
      steps: [
        { type: 'set_priority', priority: 'urgent' },
        { type: 'remove_tag', tag: 'ping' },
      ],
    });
    const r = await file(riley);
    await t.api(agent, 'PATCH', `/api/v1/requests/${r.id}`, { priority: 'low' });
    const loop = await t.waitFor(async () => (await timeline(r.id)).find((e) => e.type === 'workflow.loop_prevented'));
    expect(loop.data.workflowName).toBe('Ping');
    await runState(r.id, ['succeeded']);
    expect(await runsOf(r.id)).toHaveLength(2);
  });

  it('retries a failed run from the failed step without repeating the steps before it', async () => {
    const inbox = await t.db.insertInto('inboxes').values({ name: 'Temporary' }).returning('id').executeTakeFirstOrThrow();
    await createWorkflow('Fragile', {
      trigger: { event: 'request.submitted' },
      steps: [
        { type: 'add_comment', body: 'Step one ran', visibility: 'internal' },
        { type: 'approval', approver: { type: 'manager' } },
      ],
    });
    const r = await file(orphan);
    const [failed] = await runState(r.id, ['failed']);
    expect(failed).toMatchObject({ failedStep: '1', error: 'No Manager has no manager to approve' });
    await t.db.updateTable('users').set({ manager_id: morgan.id }).where('id', '=', orphan.id).execute();
    expect((await t.api(agent, 'POST', `/api/v1/workflow-runs/${failed.id}/retry`)).status).toBe(202);
    await runState(r.id, ['waiting']);
    const notes = (await timeline(r.id)).filter((e) => e.type === 'comment.internal_note');
    expect(notes).toHaveLength(1);
    expect(inbox.id).toBeTruthy();
  });

  it('keeps the version a run started with when the workflow is edited meanwhile', async () => {
    const wf = await createWorkflow('Versioned', {
      trigger: { event: 'request.submitted' },
      steps: [
        { type: 'approval', approver: { type: 'user', userId: dana.id } },
        { type: 'add_tag', tag: 'version-one' },
      ],
    });
    const r = await file(riley);
    const [approval] = await t.waitFor(async () => {
      const p = (await pendingFor(dana)).filter((a) => a.request.id === r.id);
      return p.length ? p : undefined;
    });
    const edited = await t.api(admin, 'PUT', `/api/v1/workflows/${wf.id}`, {
      name: 'Versioned',
      definition: { trigger: { event: 'request.submitted' }, steps: [{ type: 'add_tag', tag: 'version-two' }] },
    });
    expect(edited.body.version).toBe(2);
    await t.api(dana, 'POST', `/api/v1/approvals/${approval.id}/decision`, { decision: 'approve' });
    await runState(r.id, ['succeeded']);
    expect((await t.api(agent, 'GET', `/api/v1/requests/${r.id}`)).body.tags).toEqual(['version-one']);
  });
});
