/**
 * The internal side of a request, visible in Kustomer (issue 17 point 6): mapped internal facts (assignee, pending
 * approval, last internal update, status, request key and link) reach the linked conversation's custom attributes
 * and follow every change, a burst of changes coalesced into few Kustomer calls; the default mapping is suggested
 * from the org's metadata. The whole app and its worker against the Kustomer emulator over HTTP.
 */
import { sql } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import { escalateUntilLinked } from '../../../test/support/escalate-until-linked.ts';
import { syncStack } from '../../../test/support/sync-stack.ts';
import { enqueueFieldPush } from './queue-field-pushes.ts';
import { donePending, readPending } from './store.ts';

const {
  emulator,
  demo,
  t,
  admin,
  agent: ada,
  requester: morgan,
  connectKustomer,
} = await syncStack({
  env: (url) => ({ KUSTOMER_WEB_URL: url }),
  users: { agent: { name: 'Ada Agent', email: 'ada@corp.example' }, requester: { name: 'Morgan Manager', email: 'morgan@corp.example' } },
});
/** A Kustomer org with attributes for Bridgedesk's facts, named as an admin there might name them, and others. */
emulator.control.setMetadata({
  org: 'acme',
  properties: {
    bridgedeskStatusStr: { type: 'string', displayName: 'Request status' },
    bridgedeskAssigneeStr: { type: 'string', displayName: 'Assignee' },
    bridgedeskAssigneeEmailStr: { type: 'string', displayName: 'Assignee email' },
    bridgedeskApprovalStr: { type: 'string', displayName: 'Pending approval' },
    bridgedeskNumberStr: { type: 'string', displayName: 'Request number' },
    bridgedeskLinkUrl: { type: 'url', displayName: 'Bridgedesk link' },
    lastInternalUpdateTxt: { type: 'string', displayName: 'Last internal update' },
    lastInternalUpdateAt: { type: 'date', displayName: 'Last internal update at' },
    deliveryStatusStr: { type: 'string', displayName: 'Delivery status' },
    orderNumberStr: { type: 'string' },
    vipBool: { type: 'boolean' },
  },
});

const PUBLIC_URL = 'https://desk.example.com';
const ben = await t.createUser('agent', { name: 'Ben Builder', email: 'ben@corp.example' });
const riley = await t.createUser('requester', { name: 'Riley Requester', email: 'riley@corp.example', managerId: morgan.id });

const custom = (conversationId: string) =>
  (emulator.control.conversations('acme').find((c) => c.id === conversationId)!.attributes.custom ?? {}) as Record<string, unknown>;
/** Waits until the conversation's attribute holds the value. */
const attributeIs = (conversationId: string, name: string, value: unknown) => t.waitFor(async () => custom(conversationId)[name] === value || undefined);
const customPatches = (conversationId: string) =>
  emulator.control.calls().filter((c) => c.method === 'PATCH' && c.path === `/v1/conversations/${conversationId}` && (c.body as any)?.custom);
/** Changes not pushed yet, and jobs that may still push or queue pushes. */
const pendingPushes = async () =>
  (
    await sql<{ n: number }>`select (select count(*) from field_push_pending)::int
      + (select count(*) from graphile_worker.jobs where task_identifier in ('push-mapped-fields', 'match-workflows', 'run-workflow'))::int as n`.execute(t.db)
  ).rows[0]!.n;

beforeAll(async () => {
  await connectKustomer();
  await t.startWorker({ concurrency: 3 });
});

describe('the suggested default mapping', () => {
  it("pairs each internal fact with the org's attribute that names it, by the metadata's names, labels and types", async () => {
    const r = await t.api(admin, 'GET', '/api/v1/integrations/kustomer/field-mappings/suggestions');
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(Object.fromEntries(r.body.items.map((s: any) => [s.requestField, s.remoteField]))).toEqual({
      status: 'bridgedeskStatusStr',
      request_key: 'bridgedeskNumberStr',
      request_link: 'bridgedeskLinkUrl',
      assignee_name: 'bridgedeskAssigneeStr',
      assignee_email: 'bridgedeskAssigneeEmailStr',
      pending_approval: 'bridgedeskApprovalStr',
      last_internal_update: 'lastInternalUpdateTxt',
      last_internal_update_at: 'lastInternalUpdateAt',
    });
    expect(r.body.items[0]).toEqual({ requestField: 'status', requestFieldLabel: 'Status', remoteField: 'bridgedeskStatusStr', remoteType: 'text', score: 1 });
    expect((await t.api(ada, 'GET', '/api/v1/integrations/kustomer/field-mappings/suggestions')).status).toBe(403);
  });

  it('saves as suggested, and then suggests nothing more for what is mapped', async () => {
    const suggested = (await t.api(admin, 'GET', '/api/v1/integrations/kustomer/field-mappings/suggestions')).body.items;
    const items = suggested.map((s: any) => ({ requestField: s.requestField, remoteField: s.remoteField }));
    const saved = await t.api(admin, 'PUT', '/api/v1/integrations/kustomer/field-mappings', { items });
    expect(saved.status, JSON.stringify(saved.body)).toBe(200);
    expect(saved.body.items).toContainEqual({
      requestField: 'last_internal_update_at',
      requestFieldLabel: 'Last internal update time',
      remoteField: 'lastInternalUpdateAt',
      remoteType: 'date',
    });
    expect((await t.api(admin, 'GET', '/api/v1/integrations/kustomer/field-mappings/suggestions')).body.items).toEqual([]);
  });
});

describe('internal facts on the linked conversation', () => {
  let requestId = '';
  let requestKey = '';
  let conversationId = '';

  beforeAll(async () => {
    const linked = await escalateUntilLinked(t, ada, { title: 'Laptop for the new hire', requesterId: riley.id, queueId: demo.queues.vip.id });
    requestId = linked.request.id;
    requestKey = linked.request.key;
    conversationId = linked.conversationId;
    // the first push after the conversation is created
    await attributeIs(conversationId, 'bridgedeskNumberStr', requestKey);
  });

  it('sends the status, the request number and its link when the conversation is created', () => {
    expect(custom(conversationId)).toMatchObject({
      bridgedeskStatusStr: 'new',
      bridgedeskNumberStr: requestKey,
      bridgedeskLinkUrl: `${PUBLIC_URL}/requests/${requestKey}`,
    });
  });

  it('follows the assignee, name and email, and clears them when nobody is assigned', async () => {
    expect((await t.api(ada, 'PATCH', `/api/v1/requests/${requestId}`, { assigneeId: ben.id })).status).toBe(200);
    await attributeIs(conversationId, 'bridgedeskAssigneeStr', 'Ben Builder');
    expect(custom(conversationId).bridgedeskAssigneeEmailStr).toBe('ben@corp.example');
    await t.api(ada, 'PATCH', `/api/v1/requests/${requestId}`, { assigneeId: null });
    await attributeIs(conversationId, 'bridgedeskAssigneeStr', null);
    expect(custom(conversationId).bridgedeskAssigneeEmailStr).toBeNull();
  });

  it('follows a status change', async () => {
    await t.api(ada, 'PATCH', `/api/v1/requests/${requestId}`, { status: 'in_progress' });
    await attributeIs(conversationId, 'bridgedeskStatusStr', 'in_progress');
  });

  it('says whose approval the request awaits while it does, and clears it once decided', async () => {
    const wf = await t.api(admin, 'POST', '/api/v1/workflows', {
      name: 'Manager approves hardware',
      enabled: true,
      definition: {
        trigger: { event: 'request.tag_added', tag: 'hardware' },
        steps: [
          { type: 'approval', approver: { type: 'manager' }, onReject: 'stop' },
          { type: 'add_tag', tag: 'approved' },
        ],
      },
    });
    expect(wf.status, JSON.stringify(wf.body)).toBe(201);
    await t.api(ada, 'PATCH', `/api/v1/requests/${requestId}`, { tags: ['hardware'] });
    await attributeIs(conversationId, 'bridgedeskApprovalStr', 'Awaiting approval by Morgan Manager');

    const approval = await t.waitFor(async () => (await t.api(morgan, 'GET', '/api/v1/approvals')).body.items[0]);
    expect((await t.api(morgan, 'POST', `/api/v1/approvals/${approval.id}/decision`, { decision: 'approve' })).status).toBe(200);
    await attributeIs(conversationId, 'bridgedeskApprovalStr', null);
  });

  it('shows the last internal note, its author and time, and never a public reply', async () => {
    const note = await t.api(ada, 'POST', `/api/v1/requests/${requestId}/comments`, {
      body: 'Ordered from the vendor;\nETA Friday',
      visibility: 'internal',
    });
    expect(note.status, JSON.stringify(note.body)).toBe(201);
    await attributeIs(conversationId, 'lastInternalUpdateTxt', 'Ada Agent: Ordered from the vendor; ETA Friday');
    expect(custom(conversationId).lastInternalUpdateAt).toBe(new Date(note.body.createdAt).toISOString());

    await t.api(ada, 'POST', `/api/v1/requests/${requestId}/comments`, { body: 'We are on it', visibility: 'public' });
    await t.waitFor(async () => (await pendingPushes()) === 0 || undefined);
    expect(custom(conversationId).lastInternalUpdateTxt).toBe('Ada Agent: Ordered from the vendor; ETA Friday');

    // the requester sees neither the note nor what was sent to Kustomer
    const seen = (await t.api(riley, 'GET', `/api/v1/requests/${requestId}/timeline`)).body.items as { type: string; data: unknown }[];
    expect(seen.some((e) => e.type.startsWith('sync.') || JSON.stringify(e.data).includes('Ordered from the vendor'))).toBe(false);
  });

  const fieldsSent = async () =>
    (await t.db.selectFrom('timeline_entries').select('id').where('request_id', '=', requestId).where('type', '=', 'sync.fields_sent').execute()).length;

  it('coalesces a burst of changes into few Kustomer calls, the newest values winning, each push recorded once', async () => {
    await t.waitFor(async () => (await pendingPushes()) === 0 || undefined);
    emulator.control.clearCalls();
    const sentBefore = await fieldsSent();
    const changes = 10;
    for (let i = 1; i <= changes; i++) {
      if (i % 2) await t.api(ada, 'POST', `/api/v1/requests/${requestId}/comments`, { body: `Step ${i} done`, visibility: 'internal' });
      else await t.api(ada, 'PATCH', `/api/v1/requests/${requestId}`, { assigneeId: i % 4 ? ada.id : ben.id });
    }
    await attributeIs(conversationId, 'lastInternalUpdateTxt', 'Ada Agent: Step 9 done');
    await t.waitFor(async () => (await pendingPushes()) === 0 || undefined);
    expect(custom(conversationId)).toMatchObject({ bridgedeskAssigneeStr: 'Ada Agent', lastInternalUpdateTxt: 'Ada Agent: Step 9 done' });

    const calls = customPatches(conversationId).length;
    console.log(`burst of ${changes} changes → ${calls} Kustomer calls`);
    expect(calls).toBeGreaterThanOrEqual(1);
    expect(calls).toBeLessThanOrEqual(3);
    const sentAfter = await fieldsSent();
    expect(sentAfter - sentBefore).toBe(calls);
  });
});

describe('pending changes', () => {
  it('keeps a change made while a push was sending for the next push, and drops the ones it sent', async () => {
    const { request } = await escalateUntilLinked(t, ada, { title: 'Pending changes', requesterId: riley.id, queueId: demo.queues.vip.id });
    const esc = await t.db.selectFrom('escalations').select('id').where('request_id', '=', request.id).executeTakeFirstOrThrow();
    // the first push done, the push these changes queue runs FIELD_PUSH_COALESCE_MS later: after the checks below
    await t.waitFor(async () => (await pendingPushes()) === 0 || undefined);
    await enqueueFieldPush(t.db, esc.id, ['assignee_name', 'pending_approval']);
    const read = await readPending(t.db, esc.id);
    // the assignee changes again after the push read the list
    await enqueueFieldPush(t.db, esc.id, ['assignee_name']);
    await donePending(t.db, esc.id, read);
    const left = await t.db.selectFrom('field_push_pending').select('request_field').where('escalation_id', '=', esc.id).execute();
    expect(left.map((r) => r.request_field)).toEqual(['assignee_name']);
  });
});
