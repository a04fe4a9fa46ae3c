/**
 * The demo shows the product as meant: its Kustomer connection makes the request's "Customer email" the
 * conversation's customer, the shipped "Customer escalation" example creates its conversation at High, and one
 * request opens already escalated and worked in Kustomer, the loop closed (sync on both ways, the Kustomer agent's
 * assignment, sub-status, note and reply on the request). Real parts: the seed, the API, the worker and the Kustomer
 * emulator over HTTP, its webhooks delivered to the app.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemoOrg, serveEmulator } from '../connectors/kustomer/emulator/index.ts';
import { listApprovalViews } from '../db/repositories/workflows.ts';
import { decideApproval } from '../usecases/workflows/decide-approval.ts';
import { createLogger } from '../logger.ts';
import { destinationDeps } from '../usecases/destination-access.ts';
import { createTestApp } from '../../test/support/test-app.ts';
import { actInKustomerOnceLinked, DEMO_KUSTOMER_NOTE, DEMO_KUSTOMER_REPLY } from './demo-escalation.ts';
import { seedDemo } from './demo-seed.ts';
import { addDemoAttributes } from './demo-kustomer.ts';

const receiver: { app?: { request(path: string, init: RequestInit): Response | Promise<Response> } } = {};
// The emulator's webhooks reach the app (the path carries the webhook's secret; the host is the app's public URL).
const emulator = await serveEmulator({
  port: 0,
  deliver: async (url, init) => (receiver.app ? receiver.app.request(new URL(url).pathname, init) : new Response(null, { status: 503 })),
});
afterAll(async () => {
  await emulator.close();
});
const demo = seedDemoOrg(emulator.control, { name: 'acme' });
addDemoAttributes(emulator.control, 'acme');
emulator.control.updateOrg('acme', { rateLimitPerMinute: 100_000 });
const t = await createTestApp({ KUSTOMER_BASE_URL: emulator.url, BRIDGEDESK_PUBLIC_URL: 'https://desk.example.com' });
receiver.app = t.app;
const admin = await t.createUser('admin');
const deps = {
  ...destinationDeps(t.config, { db: t.db, now: () => new Date(), secrets: t.secrets }),
  log: createLogger('silent'),
  publicUrl: t.config.publicUrl,
};
const SEED = { org: 'acme', apiKey: demo.apiKey, enableQueues: ['Tier 2 Support', 'VIP'], enableTeams: ['Escalations'] };
let seeded: Awaited<ReturnType<typeof seedDemo>>;

beforeAll(async () => {
  seeded = await seedDemo(deps, SEED);
  await t.startWorker();
});

const conversationOf = (escalationId: string) =>
  emulator.control.conversations('acme').find((c) => (c.attributes as { externalId?: string }).externalId === escalationId);
const customerOf = (conversation: { relationships?: unknown }) =>
  emulator.control.customers('acme').find((c) => c.id === (conversation.relationships as { customer: { data: { id: string } } }).customer.data.id)!;

describe('the demo seed', () => {
  it('uses the "Customer email" field as the conversation\'s customer, not the internal requester', async () => {
    const integration = (await t.api(admin, 'GET', '/api/v1/integrations/kustomer')).body;
    expect(integration.contactEmailField).toBe('customer_email');
    const list = (await t.api(admin, 'GET', '/api/v1/requests?q=4417')).body.items as { id: string; title: string }[];
    const refund = list.find((r) => r.title.startsWith('Refund for order 4417'))!;
    const options = (await t.api(admin, 'GET', `/api/v1/requests/${refund.id}/escalation-options`)).body;
    const queue = options.destinations[0].queues.find((q: { name: string }) => q.name === 'Tier 2 Support');
    const sent = await t.api(admin, 'POST', `/api/v1/requests/${refund.id}/escalations`, {
      destination: 'kustomer',
      queueId: queue.id,
      channel: 'email',
      priority: 4,
      ...options.draft,
    });
    expect(sent.status, JSON.stringify(sent.body)).toBe(202);
    await t.waitFor(async () => ((await t.api(admin, 'GET', `/api/v1/escalations/${sent.body.id}`)).body.state === 'linked' ? true : undefined));
    const customer = customerOf(conversationOf(sent.body.id)!);
    expect((customer.attributes as { emails: { email: string }[] }).emails.map((e) => e.email)).toEqual(['jane.doe@example.com']);
  });

  it('ships "Customer escalation" enabled with the priority set before the conversation is created, so Kustomer receives High', async () => {
    const workflows = (await t.api(admin, 'GET', '/api/v1/workflows')).body.items as {
      name: string;
      enabled: boolean;
      definition: { steps: { type: string }[] };
    }[];
    const example = workflows.find((w) => w.name === 'Customer escalation')!;
    expect(example.enabled).toBe(true);
    expect(example.definition.steps.map((s) => s.type)).toEqual(['set_priority', 'create_conversation', 'notify']);

    const service = await t.db.selectFrom('services').select('id').where('name', '=', 'Customer escalation').executeTakeFirstOrThrow();
    const filed = await t.api(admin, 'POST', '/api/v1/requests', {
      title: 'Charged twice',
      description: 'Order 5120',
      serviceId: service.id,
      priority: 'low',
      customFields: { customer_email: 'sam@example.com' },
    });
    expect(filed.status, JSON.stringify(filed.body)).toBe(201);
    const escalation = await t.waitFor(async () => {
      const items = (await t.api(admin, 'GET', `/api/v1/requests/${filed.body.id}/escalations`)).body.items as { id: string; state: string }[];
      return items.find((e) => e.state === 'linked');
    });
    const conversation = conversationOf(escalation.id)!;
    // The default priority map sends high as Kustomer's 4 (3 is Kustomer's normal).
    expect((conversation.attributes as { priority: number }).priority).toBe(4);
    expect((customerOf(conversation).attributes as { emails: { email: string }[] }).emails.map((e) => e.email)).toEqual(['sam@example.com']);
  });

  it('opens with one request escalated and worked in Kustomer: its assignee, sub-status, note and reply are on the request', async () => {
    expect(seeded).not.toBeNull();
    const sync = (await t.api(admin, 'GET', '/api/v1/integrations/kustomer/sync')).body;
    expect(sync.settings).toMatchObject({ inbound: true, outbound: true, commentSync: true });
    expect(sync.webhook.subscribed).toBe(true);

    const conversationId = await actInKustomerOnceLinked({ db: t.db, log: deps.log }, { control: emulator.control, org: demo }, seeded!.escalationId, {
      pollMs: 25,
    });
    const escalation = await t.waitFor(async () => {
      const e = (await t.api(admin, 'GET', `/api/v1/escalations/${seeded!.escalationId}`)).body;
      return e.remote?.assignee?.userName === 'Alex Rivera' && e.remote.subStatus === 'Investigating' ? e : undefined;
    });
    expect(escalation).toMatchObject({ state: 'linked', conversationId, target: { name: 'Tier 2 Support' }, requestedBy: { name: 'Ada Agent' } });
    expect(escalation.remote).toMatchObject({
      status: 'open',
      assignee: { teamName: 'Escalations' },
      queue: { name: 'Tier 2 Support' },
      priorityName: 'urgent',
    });
    const request = (await t.api(admin, 'GET', `/api/v1/requests/${escalation.requestId}`)).body;
    expect(request.title).toBe('Customer cannot log in after password reset');
    // Kustomer's note (internal) and the reply to the customer reach the request's timeline, once each.
    const thread = await t.waitFor(async () => {
      const items = (await t.api(admin, 'GET', `/api/v1/requests/${escalation.requestId}/timeline`)).body.items as {
        type: string;
        data: Record<string, unknown>;
      }[];
      const of = (type: string) => items.filter((i) => i.type === type);
      return of('sync.note_received').length && of('sync.message_received').length
        ? { notes: of('sync.note_received'), messages: of('sync.message_received') }
        : undefined;
    });
    expect(JSON.stringify(thread.notes)).toContain(DEMO_KUSTOMER_NOTE);
    expect(JSON.stringify(thread.messages)).toContain(DEMO_KUSTOMER_REPLY);
    expect([thread.notes.length, thread.messages.length]).toEqual([1, 1]);
    const conversation = emulator.control.conversations('acme').find((c) => c.id === conversationId)!;
    const customer = customerOf(conversation);
    expect((customer.attributes as { emails: { email: string }[] }).emails.map((e) => e.email)).toEqual(['it@acme.example']);
    // The demo's field mapping fills the conversation's attributes with the request's facts.
    expect(conversation.attributes.custom).toMatchObject({
      bridgedeskStatusStr: 'new',
      bridgedeskLinkUrl: `https://desk.example.com/requests/${request.key}`,
    });
  });

  it("leaves Morgan Manager a decision: the VIP handoff of Riley's refund request awaits her approval", async () => {
    const morgan = await t.db.selectFrom('users').select('id').where('email', '=', 'morgan@demo.test').executeTakeFirstOrThrow();
    const [approval] = await t.waitFor(async () => {
      const pending = await listApprovalViews(t.db, { approverId: morgan.id, state: 'pending' });
      return pending.length ? pending : undefined;
    });
    expect(approval).toMatchObject({ workflowName: 'Specialist handoff', request: { title: 'Refund for order 4417 never arrived' } });
    // Approved, the handoff opens the request's conversation in Kustomer's VIP queue.
    const asMorgan = { kind: 'user' as const, userId: morgan.id, role: 'agent' as const, name: 'Morgan Manager' };
    await decideApproval({ db: t.db, now: () => new Date(), publicUrl: t.config.publicUrl, smtpConfigured: false }, asMorgan, approval!.id, 'approve', null);
    // (The first test escalated this request to Tier 2 Support by hand: the handoff's is a second conversation.)
    await t.waitFor(async () => {
      const vip = await t.db
        .selectFrom('escalations')
        .select('state')
        .where('request_id', '=', approval!.request.id)
        .where('target_name', '=', 'VIP')
        .executeTakeFirst();
      return vip?.state === 'linked' || undefined;
    });
  });

  it('seeds once per data folder: a second run changes nothing and escalates nothing', async () => {
    const before = await t.db.selectFrom('escalations').select('id').execute();
    expect(await seedDemo(deps, SEED)).toBeNull();
    expect(await t.db.selectFrom('escalations').select('id').execute()).toEqual(before);
    expect((await t.db.selectFrom('services').select('id').where('name', '=', 'Customer escalation').execute()).length).toBe(1);
  });
});
