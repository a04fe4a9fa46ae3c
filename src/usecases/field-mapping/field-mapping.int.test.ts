/**
 * Field mapping end to end: real Postgres, the app against the Kustomer emulator over HTTP, and a graphile-worker
 * running the push task.
 */
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { run, type Runner } from 'graphile-worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKustomerClient } from '../../connectors/kustomer/client.ts';
import { ALL_ROLES } from '../../connectors/kustomer/emulator/required-roles.ts';
import { findConnection } from '../../db/repositories/destinations.ts';
import { silentLogger } from '../../db/migrate.ts';
import { pushMappedFieldsTask, PUSH_MAPPED_FIELDS } from '../../jobs/push-mapped-fields.ts';
import { destinationDeps } from '../destination-access.ts';
import { MAX_PUSH_ATTEMPTS } from '../destination-failure.ts';
import { syncStack } from '../../../test/support/sync-stack.ts';
import { enqueueFieldPushesForRequest, mappedValues, pushMappedValues, queueFieldPushes } from './index.ts';

const { emulator, demo, t, admin, agent, requester } = await syncStack({
  env: (url) => ({ KUSTOMER_WEB_URL: url }),
  users: { requester: { name: 'Riley Requester', email: 'riley@corp.example' } },
});
emulator.control.setMetadata({
  org: 'acme',
  properties: {
    orderNumberStr: { type: 'string' },
    refundNum: { type: 'number' },
    vipBool: { type: 'boolean' },
    dueAt: { type: 'date' },
    summaryStr: { type: 'string', displayName: 'Summary' },
    deskLinkUrl: { type: 'url', displayName: 'Bridgedesk link' },
    regionTree: { type: 'tree', enumeration: ['emea', 'amer', 'apac'] },
    ownerStr: { type: 'string' },
    tagsStr: { type: 'string' },
  },
});

const PUBLIC_URL = 'https://desk.example.com';
const owner = await t.createUser('agent', { name: 'Olga Owner', email: 'olga@corp.example' });
const pushDeps = { ...destinationDeps(t.config, { db: t.db, now: () => new Date(), secrets: t.secrets }), publicUrl: PUBLIC_URL };
const connect = async (apiKey: string) => {
  const r = await t.api(admin, 'PUT', '/api/v1/integrations/kustomer', { orgName: 'acme', apiKey });
  expect(r.status, JSON.stringify(r.body)).toBe(200);
};

let worker: Runner | undefined;
afterAll(async () => {
  await worker?.stop();
});

beforeAll(async () => {
  await connect(demo.apiKey);
  await t.db
    .insertInto('custom_fields')
    .values([
      { key: 'order_number', label: 'Order number', type: 'text' },
      { key: 'order_total', label: 'Order total', type: 'number' },
      { key: 'vip', label: 'VIP', type: 'checkbox' },
      { key: 'due', label: 'Due date', type: 'date' },
      { key: 'region', label: 'Region', type: 'select', options: ['emea', 'amer'] },
      { key: 'account_owner', label: 'Account owner', type: 'person' },
    ])
    .execute();
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
  return r.body as { id: string; key: string };
}

/** A conversation made through the client, and a linked escalation pointing at it (as delivery leaves it). */
async function linkedEscalation(requestId: string) {
  const client = createKustomerClient({ orgName: 'acme', apiKey: demo.apiKey, baseUrlOverride: emulator.url, webUrlOverride: emulator.url });
  const contact =
    (await client.findContactByEmail('riley@corp.example')) ?? (await client.createContact({ name: 'Riley Requester', email: 'riley@corp.example' }));
  const id = randomUUID();
  const ticket = await client.createTicket({ contactId: contact.remoteId, subject: 'Refund never arrived', externalId: id, priority: 3 });
  await t.db
    .insertInto('escalations')
    .values({
      id,
      request_id: requestId,
      provider: 'kustomer',
      state: 'linked',
      remote_id: ticket.remoteId,
      remote_url: ticket.url,
      subject: 'Refund never arrived',
      message: 'm',
      message_posted: true,
    })
    .execute();
  return { id, conversationId: ticket.remoteId };
}

const custom = (conversationId: string) =>
  (emulator.control.conversations('acme').find((c) => c.id === conversationId)!.attributes.custom ?? {}) as Record<string, unknown>;
const syncEntries = async (requestId: string) =>
  (await t.db.selectFrom('timeline_entries').selectAll().where('request_id', '=', requestId).where('type', 'like', 'sync.%').orderBy('id').execute()).map(
    (e) => ({
      type: e.type,
      visibility: e.visibility,
      actor: e.actor_type,
      data: e.data as Record<string, any>,
    }),
  );

const put = (items: { requestField: string; remoteField: string }[]) => t.api(admin, 'PUT', '/api/v1/integrations/kustomer/field-mappings', { items });

const MAPPING = [
  { requestField: 'field.order_number', remoteField: 'orderNumberStr' },
  { requestField: 'field.order_total', remoteField: 'refundNum' },
  { requestField: 'field.vip', remoteField: 'vipBool' },
  { requestField: 'field.due', remoteField: 'dueAt' },
  { requestField: 'field.region', remoteField: 'regionTree' },
  { requestField: 'field.account_owner', remoteField: 'ownerStr' },
  { requestField: 'description', remoteField: 'summaryStr' },
  { requestField: 'request_link', remoteField: 'deskLinkUrl' },
  { requestField: 'tags', remoteField: 'tagsStr' },
];

describe('remote fields', () => {
  it('lists the conversation custom attributes from Kustomer with their types', async () => {
    const r = await t.api(admin, 'GET', '/api/v1/integrations/kustomer/fields');
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    const byName = Object.fromEntries((r.body.items as any[]).map((f) => [f.name, f]));
    expect(byName.orderNumberStr).toEqual({ name: 'orderNumberStr', plainName: 'orderNumber', label: 'Order Number', type: 'text', options: [] });
    expect(byName.refundNum).toMatchObject({ type: 'number' });
    expect(byName.vipBool).toMatchObject({ type: 'boolean' });
    expect(byName.regionTree).toMatchObject({ type: 'list', options: ['emea', 'amer', 'apac'] });
    expect(byName.deskLinkUrl).toMatchObject({ type: 'url', label: 'Bridgedesk link' });
  });

  it('is for admins only', async () => {
    expect((await t.api(agent, 'GET', '/api/v1/integrations/kustomer/fields')).status).toBe(403);
    expect((await t.api(agent, 'GET', '/api/v1/integrations/kustomer/field-mappings')).status).toBe(403);
    expect((await t.api(agent, 'PUT', '/api/v1/integrations/kustomer/field-mappings', { items: [] })).status).toBe(403);
    expect((await t.api(requester, 'GET', `/api/v1/requests/${randomUUID()}/mapped-values`)).status).toBe(403);
  });

  it('reports a key that may not read metadata without marking the connection invalid', async () => {
    const limited = emulator.control.createApiKey({ org: 'acme', roles: ALL_ROLES.filter((r) => !r.includes('metadata')) });
    await connect(limited.key);
    try {
      const r = await t.api(admin, 'GET', '/api/v1/integrations/kustomer/fields');
      expect(r.status).toBe(422);
      expect(r.body.error.message).toContain('metadata');
      expect((await findConnection(t.db, 'kustomer'))!.status).toBe('connected');
    } finally {
      await connect(demo.apiKey);
    }
  });
});

describe('the mapping set', () => {
  it('saves compatible pairs and lists them with labels, in form order', async () => {
    const r = await put(MAPPING);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    const listed = (await t.api(admin, 'GET', '/api/v1/integrations/kustomer/field-mappings')).body.items;
    expect(listed).toEqual(r.body.items);
    expect(listed[0]).toEqual({ requestField: 'description', requestFieldLabel: 'Description', remoteField: 'summaryStr', remoteType: 'text' });
    expect(listed).toContainEqual({ requestField: 'field.order_total', requestFieldLabel: 'Order total', remoteField: 'refundNum', remoteType: 'number' });
    expect(listed).toHaveLength(MAPPING.length);
  });

  it('refuses a type mismatch with a message for each bad pair, and keeps the saved set', async () => {
    const r = await put([
      { requestField: 'field.order_total', remoteField: 'orderNumberStr' },
      { requestField: 'field.vip', remoteField: 'refundNum' },
      { requestField: 'field.order_number', remoteField: 'orderNumberStr' },
    ]);
    expect(r.status).toBe(422);
    expect(r.body.error.message).toContain('Order total is a number; orderNumberStr holds text');
    expect(r.body.error.details.problems).toEqual([
      { requestField: 'field.order_total', remoteField: 'orderNumberStr', message: 'Order total is a number; orderNumberStr holds text' },
      { requestField: 'field.vip', remoteField: 'refundNum', message: 'VIP is a checkbox (yes/no); refundNum holds a number' },
      { requestField: 'field.order_number', remoteField: 'orderNumberStr', message: 'orderNumberStr is filled by more than one request field' },
    ]);
    expect((await t.api(admin, 'GET', '/api/v1/integrations/kustomer/field-mappings')).body.items).toHaveLength(MAPPING.length);
  });

  it('refuses fields that exist on neither side', async () => {
    const r = await put([
      { requestField: 'field.nope', remoteField: 'refundNum' },
      { requestField: 'title', remoteField: 'ghostStr' },
    ]);
    expect(r.status).toBe(422);
    expect(r.body.error.details.problems.map((p: any) => p.message)).toEqual([
      'field.nope is not a request field',
      expect.stringContaining('ghostStr is not a conversation attribute'),
    ]);
  });
});

describe('values sent', () => {
  it('computes each mapped value for a request', async () => {
    const r = await newRequest({
      description: 'The refund for order 4417 never arrived.',
      tags: ['refund', 'vip'],
      customFields: { order_number: 'A-4417', order_total: 129.5, vip: true, due: '2026-12-24', region: 'emea', account_owner: owner.id },
    });
    const connection = (await findConnection(t.db, 'kustomer'))!;
    const values = await mappedValues(t.db, connection.id, r.id, PUBLIC_URL);
    expect(Object.fromEntries(values.map((v) => [v.remoteField, v.value]))).toEqual({
      summaryStr: 'The refund for order 4417 never arrived.',
      tagsStr: 'refund, vip',
      deskLinkUrl: `${PUBLIC_URL}/requests/${r.key}`,
      orderNumberStr: 'A-4417',
      refundNum: 129.5,
      vipBool: true,
      dueAt: '2026-12-24T00:00:00.000Z',
      regionTree: 'emea',
      ownerStr: 'olga@corp.example',
    });
    expect(values.find((v) => v.remoteField === 'refundNum')!.label).toBe('Order total');

    const shown = await t.api(agent, 'GET', `/api/v1/requests/${r.id}/mapped-values`);
    expect(shown.status).toBe(200);
    expect(shown.body.items).toContainEqual({ requestField: 'field.order_total', label: 'Order total', remoteField: 'refundNum', value: 129.5 });
    expect((await t.api(agent, 'GET', `/api/v1/requests/${randomUUID()}/mapped-values`)).status).toBe(404);
  });

  it('leaves out fields the request has no value for', async () => {
    const r = await newRequest({ description: '', customFields: { order_total: 5 } });
    const connection = (await findConnection(t.db, 'kustomer'))!;
    expect((await mappedValues(t.db, connection.id, r.id, PUBLIC_URL)).map((v) => v.remoteField)).toEqual(['deskLinkUrl', 'refundNum']);
  });
});

describe('pushing values to the conversation', () => {
  it("sets the conversation's custom attributes and records sync.fields_sent", async () => {
    const r = await newRequest({ customFields: { order_number: 'A-1', order_total: 12, vip: false } });
    const esc = await linkedEscalation(r.id);
    const outcome = await pushMappedValues(pushDeps, esc.id, null);
    expect(outcome.rejected).toEqual([]);
    expect(custom(esc.conversationId)).toMatchObject({
      orderNumberStr: 'A-1',
      refundNum: 12,
      vipBool: false,
      summaryStr: 'Order 4417',
      deskLinkUrl: `${PUBLIC_URL}/requests/${r.key}`,
    });
    const entries = await syncEntries(r.id);
    expect(entries).toEqual([
      {
        type: 'sync.fields_sent',
        visibility: 'internal',
        actor: 'system',
        data: expect.objectContaining({ escalationId: esc.id, conversationId: esc.conversationId }),
      },
    ]);
    expect(entries[0]!.data.fields.sort()).toEqual(['deskLinkUrl', 'orderNumberStr', 'refundNum', 'summaryStr', 'vipBool']);
  });

  it('records a value Kustomer refuses as sync.field_rejected with its message, sends the rest, and leaves the escalation alone', async () => {
    const r = await newRequest({ description: 'x'.repeat(1500), customFields: { order_total: 7 } });
    const esc = await linkedEscalation(r.id);
    const outcome = await pushMappedValues(pushDeps, esc.id, null);
    expect(outcome.rejected.map((x) => x.field)).toEqual(['summaryStr']);
    expect(custom(esc.conversationId)).toMatchObject({ refundNum: 7, deskLinkUrl: `${PUBLIC_URL}/requests/${r.key}` });
    expect(custom(esc.conversationId).summaryStr).toBeUndefined();
    const entries = await syncEntries(r.id);
    expect(entries.map((e) => e.type)).toEqual(['sync.fields_sent', 'sync.field_rejected']);
    expect(entries[1]).toMatchObject({ visibility: 'internal', actor: 'system', data: { field: 'summaryStr', label: 'Description', escalationId: esc.id } });
    expect(entries[1]!.data.message).toContain('summaryStr');
    expect(entries[1]!.data.message).toContain('not a valid Str');
    const row = await t.db.selectFrom('escalations').select(['state', 'last_error']).where('id', '=', esc.id).executeTakeFirstOrThrow();
    expect(row).toEqual({ state: 'linked', last_error: null });
  });

  it('pushes changed fields from the job, clearing a value that was removed', async () => {
    worker = await run({
      connectionString: t.url,
      concurrency: 2,
      pollInterval: 100,
      noHandleSignals: true,
      logger: silentLogger,
      taskList: { [PUSH_MAPPED_FIELDS]: pushMappedFieldsTask(pushDeps) },
    });
    const r = await newRequest({ customFields: { order_number: 'A-2', order_total: 20 } });
    const esc = await linkedEscalation(r.id);
    await pushMappedValues(pushDeps, esc.id, null);
    expect(custom(esc.conversationId)).toMatchObject({ orderNumberStr: 'A-2', refundNum: 20 });

    const changed = await t.api(agent, 'PATCH', `/api/v1/requests/${r.id}`, { customFields: { order_total: 25, order_number: null } });
    expect(changed.status, JSON.stringify(changed.body)).toBe(200);
    // what the job handling new timeline entries does with the change's entries
    const entryIds = (
      await t.db.selectFrom('timeline_entries').select('id').where('request_id', '=', r.id).where('type', '=', 'request.field_changed').execute()
    ).map((e) => e.id);
    expect(entryIds).toHaveLength(2);
    expect(await queueFieldPushes(t.db, entryIds)).toBe(1);
    // a change to a field nothing maps queues nothing
    expect(await enqueueFieldPushesForRequest(t.db, r.id, ['priority'])).toBe(0);
    // the job records its entry once the conversation has the values
    const [, last] = await t.waitFor(async () => {
      const entries = await syncEntries(r.id);
      return entries.length === 2 && entries;
    });
    expect(custom(esc.conversationId).refundNum).toBe(25);
    expect(custom(esc.conversationId).orderNumberStr).toBeNull();
    expect(custom(esc.conversationId).summaryStr).toBe('Order 4417');
    expect(last!.type).toBe('sync.fields_sent');
    expect(last!.data.fields.sort()).toEqual(['orderNumberStr', 'refundNum']);
  });

  it('queues a retry of itself for a Kustomer outage, and records it on the last attempt', async () => {
    const r = await newRequest({ customFields: { order_total: 3 } });
    const esc = await linkedEscalation(r.id);
    emulator.control.injectFault({ kind: '503', count: 1, method: 'PATCH' });
    const before = Date.now();
    // Its retry is an hour away here, so the worker of this file leaves it alone.
    const retrying = await pushMappedValues({ ...pushDeps, retryBaseMs: 3_600_000 }, esc.id, null);
    expect(retrying.retryAt!.getTime()).toBeGreaterThan(before);
    const { rows } = await sql<{ payload: any; run_at: Date }>`select j.payload, j.run_at from graphile_worker._private_jobs j
      join graphile_worker._private_tasks k on k.id = j.task_id where k.identifier = 'push-mapped-fields' and j.payload->>'escalationId' = ${esc.id}`.execute(
      t.db,
    );
    expect(rows).toMatchObject([{ payload: { escalationId: esc.id, changedFields: null, attempt: 2 } }]);
    expect(new Date(rows[0]!.run_at).getTime()).toBe(retrying.retryAt!.getTime());
    expect(await syncEntries(r.id)).toEqual([]);
    await sql`delete from graphile_worker._private_jobs where payload->>'escalationId' = ${esc.id}`.execute(t.db);
    emulator.control.injectFault({ kind: '503', count: 1, method: 'PATCH' });
    const outcome = await pushMappedValues(pushDeps, esc.id, null, { attempt: MAX_PUSH_ATTEMPTS });
    expect(outcome.failed).toContain('503');
    const entries = await syncEntries(r.id);
    expect(entries).toMatchObject([{ type: 'sync.fields_failed', visibility: 'internal', data: { escalationId: esc.id } }]);
    expect(entries[0]!.data.fields.sort()).toEqual(['deskLinkUrl', 'refundNum', 'summaryStr']);
    expect((await t.db.selectFrom('escalations').select('state').where('id', '=', esc.id).executeTakeFirstOrThrow()).state).toBe('linked');
  });

  it('does nothing for an escalation without a conversation', async () => {
    const r = await newRequest();
    const id = randomUUID();
    await t.db.insertInto('escalations').values({ id, request_id: r.id, provider: 'kustomer', state: 'failed', subject: 's', message: 'm' }).execute();
    expect(await pushMappedValues(pushDeps, id, null)).toMatchObject({ sent: [], skipped: 'no_conversation' });
    expect(await syncEntries(r.id)).toEqual([]);
  });
});
