/**
 * The demo shows the product as meant: its Kustomer connection makes the request's "Customer email" the
 * conversation's customer, and the shipped "Customer escalation" example creates its conversation at High.
 * Real parts: the seed, the API, the worker and the Kustomer emulator over HTTP.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemoOrg, serveEmulator } from '../connectors/kustomer/emulator/index.ts';
import { createLogger } from '../logger.ts';
import { destinationDeps } from '../usecases/destination-access.ts';
import { createTestApp } from '../../test/support/test-app.ts';
import { seedDemo } from './demo-seed.ts';

const emulator = await serveEmulator({ port: 0 });
afterAll(async () => {
  await emulator.close();
});
const demo = seedDemoOrg(emulator.control, { name: 'acme' });
emulator.control.updateOrg('acme', { rateLimitPerMinute: 100_000 });
const t = await createTestApp({ KUSTOMER_BASE_URL: emulator.url, BRIDGEDESK_PUBLIC_URL: 'https://desk.example.com' });
const admin = await t.createUser('admin');

beforeAll(async () => {
  const deps = { ...destinationDeps(t.config, { db: t.db, now: () => new Date(), secrets: t.secrets }), log: createLogger('silent') };
  await seedDemo(deps, { org: 'acme', apiKey: demo.apiKey, enableQueues: ['Tier 2 Support', 'VIP'], enableTeams: ['Escalations'] });
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
});
