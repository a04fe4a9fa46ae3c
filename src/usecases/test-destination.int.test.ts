/**
 * The use cases that need no Kustomer in particular (delivery, its failures, status sync, a workflow's conversation
 * step), run against the test destination (src/connectors/test-desk): the API, the real worker, an in-memory desk.
 */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createTestDesk } from '../connectors/test-desk/desk.ts';
import { createTestApp } from '../../test/support/test-app.ts';
import { destinationDeps } from './destination-access.ts';
import { pollDestination } from './sync/poll-destination.ts';

const t = await createTestApp({ BRIDGEDESK_TEST_DESTINATIONS: '1', BRIDGEDESK_PUBLIC_URL: 'https://desk.example.com' });
const desk = createTestDesk();
const admin = await t.createUser('admin');
const agent = await t.createUser('agent', { name: 'Ada Agent' });
const requester = await t.createUser('requester', { name: 'Riley Requester' });
const PATH = '/api/v1/integrations/test-desk';

beforeAll(async () => {
  const connected = await t.api(admin, 'PUT', PATH, { orgName: desk.account, apiKey: desk.secret });
  expect(connected.status, JSON.stringify(connected.body)).toBe(200);
  await t.api(admin, 'PATCH', PATH, { queues: [{ remoteId: 'q-support', enabled: true }] });
  await t.startWorker({ concurrency: 5 });
});
// Each test starts from quiet: no delivery still in flight from the one before.
afterEach(async () => {
  await t.waitFor(
    async () => (await t.db.selectFrom('escalations').select('id').where('state', 'in', ['sending', 'created']).executeTakeFirst()) === undefined || undefined,
  );
});

async function escalate(fields: Record<string, unknown> = {}) {
  const request = (await t.api(agent, 'POST', '/api/v1/requests', { title: 'Refund never arrived', requesterId: requester.id, priority: 'high' })).body;
  const body = { destination: 'test-desk', queueId: 'q-support', channel: 'email', priority: 3, subject: 'Refund', message: 'Please help', ...fields };
  const r = await t.api(agent, 'POST', `/api/v1/requests/${request.id}/escalations`, body);
  expect(r.status, JSON.stringify(r.body)).toBe(202);
  return { request, escalation: r.body };
}
const until = (id: string, states: string[]) =>
  t.waitFor(async () => {
    const e = (await t.api(agent, 'GET', `/api/v1/escalations/${id}`)).body;
    return states.includes(e.state) ? e : undefined;
  });
const timeline = async (requestId: string) => (await t.api(agent, 'GET', `/api/v1/requests/${requestId}/timeline?limit=1000`)).body.items as any[];

describe('the test destination', () => {
  it('is offered where test destinations are turned on, beside Kustomer', async () => {
    const items = (await t.api(admin, 'GET', '/api/v1/integrations')).body.items;
    expect(items.map((i: any) => [i.id, i.status, i.account])).toEqual([
      ['kustomer', 'not_connected', null],
      ['test-desk', 'connected', desk.account],
    ]);
  });
});

describe('delivery', () => {
  it('finds the ticket a lost reply created instead of making a second one', async () => {
    desk.failNext({ kind: 'retryable', lostReply: true, call: 'createTicket' });
    const { request, escalation } = await escalate();
    const e = await until(escalation.id, ['linked']);
    expect(desk.tickets.filter((x) => x.externalId === e.id)).toHaveLength(1);
    const entries = await timeline(request.id);
    expect(entries.find((x) => x.type === 'escalation.retry_scheduled')).toBeDefined();
    expect(entries.find((x) => x.type === 'escalation.created').data.foundExisting).toBe(true);
  });

  it('fails at once with "Invalid credentials" when the key is refused, and marks the connection', async () => {
    desk.failNext({ kind: 'auth' });
    const { escalation } = await escalate();
    expect(await until(escalation.id, ['failed'])).toMatchObject({ lastError: 'Invalid credentials', attempts: 1 });
    expect((await t.api(admin, 'GET', PATH)).body.status).toBe('invalid_credentials');
    expect((await t.api(admin, 'PUT', PATH, { orgName: desk.account, apiKey: desk.secret })).body.status).toBe('connected');
  });
});

describe('status sync', () => {
  it('applies a status change read by polling', async () => {
    const { request, escalation } = await escalate();
    const e = await until(escalation.id, ['linked']);
    await t.db
      .updateTable('destination_connections')
      .set({ sync_settings: JSON.stringify({ inbound: true, outbound: true, pollMinutes: 5 }) })
      .where('provider', '=', 'test-desk')
      .execute();
    desk.setStatus(e.conversationId, 'closed');
    const deps = destinationDeps(t.config, { db: t.db, now: () => new Date(), secrets: t.secrets });
    expect(await pollDestination(deps, 'test-desk')).toBeGreaterThan(0);
    await t.waitFor(async () => (await t.api(agent, 'GET', `/api/v1/requests/${request.id}`)).body.status === 'resolved' || undefined);
    expect((await timeline(request.id)).find((x) => x.type === 'sync.status_received').data).toMatchObject({
      remoteStatus: 'closed',
      appliedStatus: 'resolved',
    });
  });
});

describe("a workflow's conversation step", () => {
  it('opens a ticket in the test desk at the priority its map gives the request, and the run succeeds', async () => {
    const wf = await t.api(admin, 'POST', '/api/v1/workflows', {
      name: 'To the desk',
      enabled: true,
      definition: { trigger: { event: 'request.submitted' }, steps: [{ type: 'create_conversation', destination: 'test-desk', queueId: 'q-support' }] },
    });
    expect(wf.status, JSON.stringify(wf.body)).toBe(201);
    const request = (await t.api(agent, 'POST', '/api/v1/requests', { title: 'Printer on fire', requesterId: requester.id, priority: 'high' })).body;
    const run = await t.waitFor(async () => {
      const [r] = (await t.api(agent, 'GET', `/api/v1/requests/${request.id}/workflow-runs`)).body.items as any[];
      return r?.state === 'succeeded' ? r : undefined;
    });
    const ticket = desk.tickets.find((x) => x.remoteId === run.steps[0].result.conversationId)!;
    // The test desk's own default map sends high as 4 (src/connectors/test-desk/manifest.ts).
    expect(ticket).toMatchObject({ subject: 'Printer on fire', priority: 4, queue: { id: 'q-support', name: null } });
    await t.api(admin, 'PATCH', `/api/v1/workflows/${wf.body.id}`, { enabled: false });
  });

  it('refuses a conversation step to a destination this deployment does not offer', async () => {
    const r = await t.api(admin, 'POST', '/api/v1/workflows', {
      name: 'Nowhere',
      definition: { trigger: { event: 'request.submitted' }, steps: [{ type: 'create_conversation', destination: 'zendesk', queueId: 'q' }] },
    });
    expect(r.status).toBe(400);
    expect(r.body.error.details.issues).toEqual([
      { path: 'definition.steps.0.destination', message: 'Unknown destination: expected one of kustomer, test-desk' },
    ]);
  });
});
