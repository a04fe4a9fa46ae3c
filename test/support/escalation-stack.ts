/**
 * Escalations end to end (the API, the real worker, the Kustomer emulator over HTTP), as the escalation suites share
 * them: Kustomer connected with its Tier 2 Support, VIP and Billing queues and its Escalations team enabled, a worker
 * of 10; after each test, nothing still in flight and no fault left behind. The emulator's rate window is 2 s and its
 * replies (as Kustomer's) do not name its end: Bridgedesk is told the length.
 */
import { afterEach, beforeAll, expect } from 'vitest';
import { syncStack } from './sync-stack.ts';

export async function escalationStack() {
  const stack = await syncStack({
    rateWindowMs: 2000,
    env: (url) => ({ KUSTOMER_WEB_URL: url, KUSTOMER_RATE_WINDOW_MS: '2000' }),
    users: { agent: { name: 'Ada Agent' }, requester: { name: 'Riley Requester', email: 'riley@corp.example' } },
  });
  const { emulator, demo, t, admin, agent, requester } = stack;
  const q = demo.queues;

  beforeAll(async () => {
    await stack.connectKustomer({ queueIds: [q.tier2Support.id, q.vip.id, q.billing.id], teamIds: [demo.teams.escalations.id] });
    await t.startWorker({ concurrency: 10 });
  });
  // Each test starts from quiet: no delivery still in flight from the one before, no fault left behind.
  afterEach(async () => {
    await t.waitFor(async () => {
      const busy = await t.db.selectFrom('escalations').select('id').where('state', 'in', ['sending', 'created']).executeTakeFirst();
      return busy === undefined || undefined;
    }, 30_000);
    emulator.control.clearFaults();
  });

  async function newRequest(fields: Record<string, unknown> = {}) {
    const r = await t.api(agent, 'POST', '/api/v1/requests', {
      title: 'Refund never arrived',
      description: 'Order 4417',
      requesterId: requester.id,
      priority: 'high',
      ...fields,
    });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    return r.body;
  }

  /** Runs `run` with one role taken off the key in Kustomer, then gives it back and reconnects. */
  async function withoutRole(role: string, run: () => Promise<void>) {
    emulator.control.setApiKeyRoles(
      demo.apiKey,
      demo.key.roles.filter((x) => x !== role),
    );
    try {
      await run();
    } finally {
      emulator.control.setApiKeyRoles(demo.apiKey, demo.key.roles);
      await t.api(admin, 'PUT', '/api/v1/integrations/kustomer', { orgName: 'acme', apiKey: demo.apiKey });
    }
  }

  async function escalate(requestId: string, body: Record<string, unknown> = {}) {
    const r = await t.api(agent, 'POST', `/api/v1/requests/${requestId}/escalations`, {
      destination: 'kustomer',
      queueId: q.tier2Support.id,
      channel: 'email',
      priority: 3,
      subject: 'Refund never arrived',
      message: 'Please help this customer',
      ...body,
    });
    expect(r.status, JSON.stringify(r.body)).toBe(202);
    return r.body;
  }

  const escalationState = async (id: string) => (await t.api(agent, 'GET', `/api/v1/escalations/${id}`)).body;
  const until = (id: string, states: string[], timeoutMs = 20_000) =>
    t.waitFor(async () => {
      const e = await escalationState(id);
      return states.includes(e.state) ? e : undefined;
    }, timeoutMs);
  const timelineTypes = async (requestId: string) =>
    ((await t.api(agent, 'GET', `/api/v1/requests/${requestId}/timeline`)).body.items as any[])
      .map((e) => e.type)
      .filter((x: string) => x.startsWith('escalation.'));
  const conversationsFor = (escalationId: string) => emulator.control.conversations('acme').filter((c) => c.attributes.externalId === escalationId);

  return { emulator, demo, t, admin, agent, requester, q, newRequest, withoutRole, escalate, escalationState, until, timelineTypes, conversationsFor };
}
