/**
 * What the workflow suites share (the API, the real worker, the Kustomer emulator over HTTP, a real SMTP server):
 * Kustomer connected with its Tier 2 Support and VIP queues enabled, a worker of 10, a "Customer escalation" service
 * and the shipped examples for it; people: an admin, Ada Agent, Dana Director who manages Morgan Manager, who manages
 * Riley Requester (Sales), and a requester with no manager. After each test, no run still running and no workflow
 * enabled.
 */
import { afterEach, beforeAll, expect } from 'vitest';
import { workflowExamples } from '../../src/core/workflow-examples.ts';
import { startSmtpInbox } from './smtp-inbox.ts';
import { syncStack } from './sync-stack.ts';
import type { TestUser } from './test-app.ts';

export async function workflowStack() {
  const { url: smtpUrl, received } = await startSmtpInbox();
  const stack = await syncStack({ env: () => ({ SMTP_URL: smtpUrl }), users: { agent: { name: 'Ada Agent' }, requester: { name: 'No Manager' } } });
  const { emulator, demo, t, admin, agent, requester: orphan } = stack;
  const dana = await t.createUser('agent', { name: 'Dana Director' });
  const morgan = await t.createUser('agent', { name: 'Morgan Manager', managerId: dana.id });
  const riley = await t.createUser('requester', { name: 'Riley Requester', managerId: morgan.id, department: 'Sales' });
  const service = await t.db.insertInto('services').values({ name: 'Customer escalation' }).returning('id').executeTakeFirstOrThrow();

  beforeAll(async () => {
    await stack.connectKustomer({ queueIds: [demo.queues.tier2Support.id, demo.queues.vip.id] });
    await t.startWorker({ concurrency: 10 });
  });
  // Each test leaves nothing in flight and no workflow enabled for the next.
  afterEach(async () => {
    await t.waitFor(async () => {
      const busy = await t.db.selectFrom('workflow_runs').select('id').where('state', '=', 'running').executeTakeFirst();
      return busy === undefined || undefined;
    });
    await t.db.updateTable('workflows').set({ enabled: false }).execute();
  });

  const examples = workflowExamples({ customerEscalationServiceId: service.id, supportQueueId: demo.queues.tier2Support.id, vipQueueId: demo.queues.vip.id });

  async function createWorkflow(name: string, definition: unknown, enabled = true) {
    const r = await t.api(admin, 'POST', '/api/v1/workflows', { name, enabled, definition });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    return r.body;
  }
  async function file(who: TestUser, body: Record<string, unknown> = {}) {
    const r = await t.api(who, 'POST', '/api/v1/requests', { title: 'Customer refund', description: 'Order 4417', ...body });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    return r.body;
  }
  const runsOf = async (requestId: string) => (await t.api(agent, 'GET', `/api/v1/requests/${requestId}/workflow-runs`)).body.items as any[];
  const runState = (requestId: string, states: string[]) =>
    t.waitFor(async () => {
      const runs = await runsOf(requestId);
      return runs.length && runs.every((r) => states.includes(r.state)) ? runs : undefined;
    });
  const pendingFor = async (who: TestUser) => (await t.api(who, 'GET', '/api/v1/approvals')).body.items as any[];
  const timeline = async (requestId: string) => (await t.api(agent, 'GET', `/api/v1/requests/${requestId}/timeline?limit=1000`)).body.items as any[];

  return {
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
  };
}
