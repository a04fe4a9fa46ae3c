/**
 * A mapped attribute Kustomer no longer knows (deleted from its metadata after the mapping was saved): real
 * Kustomer refuses the whole update (400 badparam "Additional properties not allowed"), and the emulator does too.
 * Escalations still get their conversation, the attribute is named on the timeline and in the mapping settings,
 * and it is sent again once Kustomer knows it again. Real Postgres, the real worker, the in-process emulator.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { createTestAppWithEmulator } from '../../../test/support/test-app.ts';

const { emulator, demo, t } = await createTestAppWithEmulator({ BRIDGEDESK_PUBLIC_URL: 'https://desk.example.com' });
const admin = await t.createUser('admin');
const agent = await t.createUser('agent');
const requester = await t.createUser('requester');

const ATTRIBUTES = { orderNumberStr: { type: 'string' }, refundNum: { type: 'number' } };
const setAttributes = (properties: Record<string, { type: string }>) => emulator.control.setMetadata({ org: 'acme', properties });
const MAPPING = [
  { requestField: 'field.order_number', remoteField: 'orderNumberStr' },
  { requestField: 'field.order_total', remoteField: 'refundNum' },
];
const saveMapping = (items = MAPPING) => t.api(admin, 'PUT', '/api/v1/integrations/kustomer/field-mappings', { items });

beforeAll(async () => {
  expect((await t.api(admin, 'PUT', '/api/v1/integrations/kustomer', { orgName: 'acme', apiKey: demo.apiKey })).status).toBe(200);
  await t.api(admin, 'PATCH', '/api/v1/integrations/kustomer', { queues: [{ remoteId: demo.queues.vip.id, enabled: true }] });
  await t.db
    .insertInto('custom_fields')
    .values([
      { key: 'order_number', label: 'Order number', type: 'text' },
      { key: 'order_total', label: 'Order total', type: 'number' },
    ])
    .execute();
  setAttributes(ATTRIBUTES);
  const saved = await saveMapping();
  expect(saved.status, JSON.stringify(saved.body)).toBe(200);
  await t.startWorker({ concurrency: 4 });
});

const custom = (conversationId: string) =>
  (emulator.control.conversations('acme').find((c) => c.id === conversationId)!.attributes.custom ?? {}) as Record<string, unknown>;
const timeline = async (requestId: string) => (await t.api(agent, 'GET', `/api/v1/requests/${requestId}/timeline?limit=1000`)).body.items as any[];
const mappings = async () => (await t.api(admin, 'GET', '/api/v1/integrations/kustomer/field-mappings')).body.items as any[];

async function escalatedRequest(customFields: Record<string, unknown>) {
  const r = (await t.api(agent, 'POST', '/api/v1/requests', { title: 'Refund never arrived', requesterId: requester.id, customFields })).body;
  const e = await t.api(agent, 'POST', `/api/v1/requests/${r.id}/escalations`, {
    destination: 'kustomer',
    queueId: demo.queues.vip.id,
    channel: 'email',
    priority: 3,
    subject: 'Refund',
    message: 'm',
  });
  expect(e.status, JSON.stringify(e.body)).toBe(202);
  const linked = await t.waitFor(async () => {
    const x = (await t.api(agent, 'GET', `/api/v1/escalations/${e.body.id}`)).body;
    return x.state === 'linked' ? x : undefined;
  });
  return { requestId: r.id as string, conversationId: linked.conversationId as string };
}

describe('an attribute deleted from Kustomer after the mapping was saved', () => {
  it('still gives the escalation its conversation, without that attribute, and names it on the timeline and in settings', async () => {
    setAttributes({ refundNum: { type: 'number' } });
    const { requestId, conversationId } = await escalatedRequest({ order_number: 'A-4417', order_total: 12 });
    const rejected = await t.waitFor(async () => (await timeline(requestId)).find((e) => e.type === 'sync.field_rejected'));
    expect(custom(conversationId)).toEqual({ refundNum: 12 });
    expect(rejected.data).toMatchObject({ field: 'orderNumberStr', label: 'Order number', unknown: true, conversationId });
    expect(rejected.data.message).toMatch(/^Kustomer no longer knows orderNumberStr: not sent since \d{4}-\d{2}-\d{2}$/);
    expect(rejected.data.reason).toContain('Additional properties not allowed');
    const sent = (await timeline(requestId)).find((e) => e.type === 'sync.fields_sent');
    expect(sent.data.fields).toEqual(['refundNum']);

    const flagged = (await mappings()).find((m) => m.remoteField === 'orderNumberStr');
    expect(flagged.refused).toEqual({ since: expect.any(String), reason: expect.stringContaining('Additional properties not allowed') });
    expect((await mappings()).find((m) => m.remoteField === 'refundNum').refused).toBeUndefined();
    // the Escalate form no longer lists it among the values sent
    expect((await t.api(agent, 'GET', `/api/v1/requests/${requestId}/mapped-values`)).body.items.map((v: any) => v.remoteField)).toEqual(['refundNum']);
  });

  it('leaves it out of later pushes without asking Kustomer to refuse it again, naming it each time', async () => {
    const flaggedSince = (await mappings()).find((m) => m.remoteField === 'orderNumberStr').refused.since;
    const { requestId, conversationId } = await escalatedRequest({ order_total: 5 });
    await t.waitFor(async () => (await timeline(requestId)).some((e) => e.type === 'sync.fields_sent') || undefined);
    emulator.control.clearCalls();
    expect((await t.api(agent, 'PATCH', `/api/v1/requests/${requestId}`, { customFields: { order_number: 'B-1', order_total: 6 } })).status).toBe(200);
    await t.waitFor(async () => custom(conversationId).refundNum === 6 || undefined);
    const rejected = await t.waitFor(async () => (await timeline(requestId)).find((e) => e.type === 'sync.field_rejected'));
    expect(rejected.data.message).toBe(`Kustomer no longer knows orderNumberStr: not sent since ${flaggedSince.slice(0, 10)}`);
    expect(custom(conversationId).orderNumberStr).toBeUndefined();
    // one metadata read to see whether it is back, one update without it, and no refused update
    const patches = emulator.control.calls().filter((c) => c.method === 'PATCH');
    expect(patches.map((c) => c.status)).toEqual([200]);
    expect((await mappings()).find((m) => m.remoteField === 'orderNumberStr').refused.since).toBe(flaggedSince);
  });

  it('refuses to save a set that still maps it, saying Kustomer does not have it', async () => {
    const r = await saveMapping();
    expect(r.status).toBe(422);
    expect(r.body.error.details.problems).toEqual([
      {
        requestField: 'field.order_number',
        remoteField: 'orderNumberStr',
        message: expect.stringContaining('orderNumberStr is not a conversation attribute in Kustomer (it may have been deleted or renamed there'),
      },
    ]);
    expect((await mappings()).map((m) => m.remoteField)).toEqual(['orderNumberStr', 'refundNum']);
  });

  it('sends it again once Kustomer knows it again, and clears the mark', async () => {
    setAttributes(ATTRIBUTES);
    const { requestId, conversationId } = await escalatedRequest({ order_number: 'C-3', order_total: 1 });
    await t.waitFor(async () => custom(conversationId).orderNumberStr === 'C-3' || undefined);
    expect(custom(conversationId).refundNum).toBe(1);
    expect((await timeline(requestId)).some((e) => e.type === 'sync.field_rejected')).toBe(false);
    expect((await mappings()).every((m) => m.refused === undefined)).toBe(true);
  });
});
