/**
 * Two-way status sync against the emulator: status by webhooks and polling, ordering, mapped fields, forgeries,
 * outbound pushes and their failures, no echo. The thread and Note to Kustomer: sync-thread.int.test.ts.
 */
import { createHmac } from 'node:crypto';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { syncSuite } from '../../../test/support/sync-suite.ts';
import { pushStatus } from './push-status.ts';

const { emulator, demo, t, admin, agent, requester, statusOf, settled, webhookUrl, linkedRequest, until, remoteStatus, timeline, ofType, deps } =
  await syncSuite();

describe('Kustomer → Bridgedesk', () => {
  it('resolves the request when the conversation is marked done in Kustomer, with a timeline entry, and sends nothing back', async () => {
    const { request, conversationId } = await linkedRequest();
    emulator.control.clearCalls();
    emulator.control.changeConversation({ org: 'acme', id: conversationId, status: 'done' });
    await until(request.id, 'resolved');
    const entries = await timeline(request.id);
    expect(entries.find((e) => e.type === 'sync.status_received')).toMatchObject({
      data: { remoteStatus: 'closed', appliedStatus: 'resolved', conversationId },
    });
    expect(entries.find((e) => e.type === 'request.status_changed').data.origin).toBe('kustomer');
    await t.waitFor(
      async () =>
        (
          (await t.db
            .selectFrom('graphile_worker.jobs' as never)
            .selectAll()
            .execute()) as unknown[]
        ).length === 0 || undefined,
    );
    expect(emulator.control.calls().filter((c) => c.method === 'PATCH')).toEqual([]);
  });

  it('follows snoozed → waiting and reopened → in progress', async () => {
    const { request, conversationId } = await linkedRequest();
    emulator.control.changeConversation({
      org: 'acme',
      id: conversationId,
      status: 'snoozed',
      snooze: { time: '2030-01-01T00:00:00.000Z', status: 'scheduled' },
    });
    await until(request.id, 'waiting');
    emulator.control.changeConversation({ org: 'acme', id: conversationId, status: 'open' });
    await until(request.id, 'in_progress');
  });

  it("applies events once and in Kustomer's order, whatever order and however often they arrive", async () => {
    const { request, conversationId } = await linkedRequest();
    emulator.control.webhooks.hold();
    emulator.control.webhooks.duplicateNext(3);
    emulator.control.changeConversation({ org: 'acme', id: conversationId, status: 'done' });
    emulator.control.changeConversation({
      org: 'acme',
      id: conversationId,
      status: 'snoozed',
      snooze: { time: '2030-01-01T00:00:00.000Z', status: 'scheduled' },
    });
    await emulator.control.webhooks.release('reverse');
    await emulator.control.webhooks.idle();
    await settled();
    await until(request.id, 'waiting');
    await settled();
    expect(await statusOf(request.id)).toBe('waiting');
    const received = await ofType(request.id, 'sync.status_received');
    expect(received).toHaveLength(1);
  });

  it('writes one status entry and one change when two escalations of the request point at the conversation', async () => {
    const { request, conversationId } = await linkedRequest();
    // A second escalation of the same request (escalated again: another conversation), then re-linked by hand to the first.
    const second = (
      await t.api(agent, 'POST', `/api/v1/requests/${request.id}/escalations`, {
        destination: 'kustomer',
        queueId: demo.queues.vip.id,
        channel: 'email',
        priority: 2,
        subject: 'Again',
        message: 'm',
        confirm: true,
      })
    ).body;
    await t.waitFor(async () => ((await t.api(agent, 'GET', `/api/v1/escalations/${second.id}`)).body.state === 'linked' ? true : undefined));
    const relinked = await t.api(agent, 'POST', `/api/v1/escalations/${second.id}/relink`, { conversationId });
    expect(relinked.status, JSON.stringify(relinked.body)).toBe(202);
    await t.waitFor(async () => ((await t.api(agent, 'GET', `/api/v1/escalations/${second.id}`)).body.state === 'linked' ? true : undefined));
    await emulator.control.webhooks.idle();
    emulator.control.changeConversation({ org: 'acme', id: conversationId, status: 'done' });
    await until(request.id, 'resolved');
    await emulator.control.webhooks.idle();
    await settled();
    const types = (await timeline(request.id)).map((e) => e.type);
    expect(types.filter((x) => x === 'sync.status_received')).toHaveLength(1);
    expect(types.filter((x) => x === 'request.status_changed')).toHaveLength(1);
  });
});

describe('custom field mapping', () => {
  it('sends mapped values when the conversation is created and when the field changes, and refuses a type mismatch', async () => {
    emulator.control.setMetadata({
      org: 'acme',
      properties: { orderNumberStr: { type: 'string', displayName: 'Order number' }, refundNum: { type: 'number' } } as never,
    });
    await t.db
      .insertInto('custom_fields')
      .values([
        { key: 'order_number', label: 'Order number', type: 'text' },
        { key: 'order_note', label: 'Order note', type: 'text' },
      ])
      .execute();
    const mismatch = await t.api(admin, 'PUT', '/api/v1/integrations/kustomer/field-mappings', {
      items: [{ requestField: 'field.order_note', remoteField: 'refundNum' }],
    });
    expect(mismatch.status).toBe(422);
    const saved = await t.api(admin, 'PUT', '/api/v1/integrations/kustomer/field-mappings', {
      items: [
        { requestField: 'field.order_number', remoteField: 'orderNumberStr' },
        { requestField: 'priority', remoteField: 'orderNumberStr' },
      ].slice(0, 1),
    });
    expect(saved.status, JSON.stringify(saved.body)).toBe(200);
    const r = (await t.api(agent, 'POST', '/api/v1/requests', { title: 'Mapped', requesterId: requester.id, customFields: { order_number: '4417' } })).body;
    expect((await t.api(agent, 'GET', `/api/v1/requests/${r.id}/mapped-values`)).body.items).toEqual([
      expect.objectContaining({ remoteField: 'orderNumberStr', value: '4417' }),
    ]);
    const e = (
      await t.api(agent, 'POST', `/api/v1/requests/${r.id}/escalations`, {
        destination: 'kustomer',
        queueId: demo.queues.vip.id,
        channel: 'email',
        priority: 2,
        subject: 'Mapped',
        message: 'm',
      })
    ).body;
    const linked = await t.waitFor(async () => {
      const x = (await t.api(agent, 'GET', `/api/v1/escalations/${e.id}`)).body;
      return x.state === 'linked' ? x : undefined;
    });
    const custom = () =>
      (emulator.control.conversations('acme').find((c) => c.id === linked.conversationId)!.attributes.custom ?? {}) as Record<string, unknown>;
    await t.waitFor(async () => custom().orderNumberStr === '4417' || undefined);
    await t.api(agent, 'PATCH', `/api/v1/requests/${r.id}`, { customFields: { order_number: '9999' } });
    await t.waitFor(async () => custom().orderNumberStr === '9999' || undefined);
    // The timeline can name the field by its label, not by Kustomer's key.
    const sent = await t.waitFor(async () => (await ofType(r.id, 'sync.fields_sent'))[0]);
    expect(sent.data).toMatchObject({ fields: ['orderNumberStr'], labels: ['Order number'] });
    await t.api(admin, 'PUT', '/api/v1/integrations/kustomer/field-mappings', { items: [] });
  });
});

describe('webhook security', () => {
  const event = (createdAt = new Date().toISOString()) =>
    JSON.stringify({
      id: `evt-${Math.random()}`,
      name: 'kustomer.conversation.update',
      org: 'x',
      createdAt,
      data: { type: 'conversation', id: 'aaaaaaaaaaaaaaaaaaaaaaaa', attributes: { status: 'done', createdAt, updatedAt: createdAt } },
    });
  const post = (url: string, body: string, headers: Record<string, string> = {}) =>
    t.raw(new URL(url).pathname, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });

  it('refuses a forged signature, an unknown URL and a stale (replayed) event', async () => {
    expect((await post(webhookUrl(), event(), { 'x-kustomer-webhook-signature': 'deadbeef' })).status).toBe(401);
    expect((await post(webhookUrl(), event())).status).toBe(401);
    expect((await post(webhookUrl().replace(/[^/]+$/, 'not-the-token-at-all'), event())).status).toBe(401);
    const webhook = await t.db.selectFrom('destination_connections').select('webhook_signing_key_encrypted').executeTakeFirstOrThrow();
    expect(webhook.webhook_signing_key_encrypted).not.toBeNull();
  });

  it('accepts a correctly signed event once, and refuses the same event when it is old', async () => {
    const row = await t.db.selectFrom('destination_connections').select('webhook_signing_key_encrypted').executeTakeFirstOrThrow();
    const signingKey = t.secrets.open(row.webhook_signing_key_encrypted!);
    const body = event();
    const sig = createHmac('sha256', signingKey).update(body).digest('hex');
    expect((await post(webhookUrl(), body, { 'x-kustomer-webhook-signature': sig })).status).toBe(202);
    expect(await (await post(webhookUrl(), body, { 'x-kustomer-webhook-signature': sig })).json()).toEqual({ status: 'duplicate' });
    const old = event(new Date(Date.now() - 3 * 3_600_000).toISOString());
    expect((await post(webhookUrl(), old, { 'x-kustomer-webhook-signature': createHmac('sha256', signingKey).update(old).digest('hex') })).status).toBe(400);
  });
});

describe('Bridgedesk → Kustomer', () => {
  it('marks the conversation done when the request is resolved, reopens it on reopen, and the echo changes nothing', async () => {
    const { request, conversationId } = await linkedRequest();
    await t.api(agent, 'PATCH', `/api/v1/requests/${request.id}`, { status: 'resolved' });
    await t.waitFor(async () => remoteStatus(conversationId) === 'done' || undefined);
    await emulator.control.webhooks.idle();
    await settled();
    expect(await statusOf(request.id)).toBe('resolved');
    await t.api(agent, 'PATCH', `/api/v1/requests/${request.id}`, { status: 'new' });
    await t.waitFor(async () => remoteStatus(conversationId) === 'open' || undefined);
    await emulator.control.webhooks.idle();
    await settled();
    expect(await statusOf(request.id)).toBe('new');
    const types = (await timeline(request.id)).map((e) => e.type);
    expect(types.filter((x) => x === 'sync.status_sent')).toHaveLength(2);
    expect(types.filter((x) => x === 'sync.status_received')).toHaveLength(0);
  });

  it('syncs comments both ways when comment sync is on, each marked with its origin', async () => {
    await t.api(admin, 'PUT', '/api/v1/integrations/kustomer/sync', { inbound: true, outbound: true, pollMinutes: 0, commentSync: true });
    const { request, conversationId } = await linkedRequest();
    await t.api(agent, 'POST', `/api/v1/requests/${request.id}/comments`, { body: 'We refunded the order' });
    await t.waitFor(
      async () =>
        emulator.control
          .notes('acme')
          .some((n) => (n.relationships as any).conversation.data.id === conversationId && String(n.attributes.body).includes('We refunded the order')) ||
        undefined,
    );
    const fresh = emulator.control.createApiKey({ org: 'acme', roles: demo.key.roles });
    await fetch(`${emulator.url}/v1/conversations/${conversationId}/messages`, {
      method: 'POST',
      headers: { authorization: `Bearer ${fresh.key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ channel: 'email', app: 'postmark', direction: 'in', preview: 'Thanks, received it' }),
    });
    const msg = await t.waitFor(async () => (await ofType(request.id, 'sync.message_received'))[0]);
    expect(msg.data).toMatchObject({ origin: 'kustomer', body: 'Thanks, received it', direction: 'in', writtenAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) });
    await t.api(admin, 'PUT', '/api/v1/integrations/kustomer/sync', { inbound: true, outbound: true, pollMinutes: 0, commentSync: false });
  });

  it('is for admins to configure', async () => {
    expect((await t.api(agent, 'GET', '/api/v1/integrations/kustomer/sync')).status).toBe(403);
    expect((await t.api(admin, 'PUT', '/api/v1/integrations/kustomer/sync', { inbound: 'yes' })).status).toBe(400);
  });
});

describe('a status push that fails, under the one failure policy', () => {
  const pushDeps = () => ({ ...deps(), retryBaseMs: 3_600_000 });
  const linkedEscalation = async () => {
    const { request, conversationId } = await linkedRequest();
    const esc = await t.db.selectFrom('escalations').select('id').where('remote_id', '=', conversationId).executeTakeFirstOrThrow();
    // Quiet first: no push of this escalation (mapped fields, say) still queued to meet the faults below.
    await t.waitFor(
      async () =>
        (await sql`select 1 from graphile_worker._private_jobs where payload->>'escalationId' = ${esc.id}`.execute(t.db)).rows.length === 0 || undefined,
    );
    return { request, conversationId, escalationId: esc.id };
  };
  const statusEntries = async (requestId: string) => (await timeline(requestId)).filter((e) => e.type.startsWith('sync.status_'));
  const queuedPushes = async (escalationId: string) =>
    (
      await sql<{ payload: any; run_at: Date }>`select j.payload, j.run_at from graphile_worker._private_jobs j
        join graphile_worker._private_tasks k on k.id = j.task_id where k.identifier = 'push-status' and j.payload->>'escalationId' = ${escalationId}`.execute(
        t.db,
      )
    ).rows;

  it('permanent: records the failure with the destination’s words, and does not retry', async () => {
    const { request, escalationId } = await linkedEscalation();
    // The conversation is gone in Kustomer: its PATCH answers 404.
    await t.db.updateTable('escalations').set({ remote_id: 'aaaaaaaaaaaaaaaaaaaaaaaa' }).where('id', '=', escalationId).execute();
    await pushStatus(pushDeps(), escalationId, 'closed');
    const [failed] = await statusEntries(request.id);
    expect(failed).toMatchObject({ type: 'sync.status_failed', data: { status: 'closed' } });
    expect(failed.data.reason).toBe('Not Found'); // Kustomer's own words (its 404 reply's title)
    expect(await queuedPushes(escalationId)).toEqual([]);
    expect((await t.api(admin, 'GET', '/api/v1/integrations/kustomer')).body.status).toBe('connected');
  });

  it('auth: marks the connection invalid and records "Invalid credentials", without retrying', async () => {
    const { request, escalationId } = await linkedEscalation();
    emulator.control.revokeApiKey(demo.apiKey);
    try {
      await pushStatus(pushDeps(), escalationId, 'closed');
      expect((await statusEntries(request.id)).map((e) => [e.type, e.data.reason])).toEqual([['sync.status_failed', 'Invalid credentials']]);
      expect(await queuedPushes(escalationId)).toEqual([]);
      expect((await t.api(admin, 'GET', '/api/v1/integrations/kustomer')).body.status).toBe('invalid_credentials');
    } finally {
      const fresh = emulator.control.createApiKey({ org: 'acme', roles: demo.key.roles });
      await t.api(admin, 'PUT', '/api/v1/integrations/kustomer', { orgName: 'acme', apiKey: fresh.key });
      demo.apiKey = fresh.key;
    }
  });

  it('retryable: queues the push again for the time the rate limit names, the same attempt, and records nothing yet', async () => {
    const { request, escalationId } = await linkedEscalation();
    const resetAt = new Date(Date.now() + 30_000);
    emulator.control.injectFault({ kind: '429', count: 1, method: 'PATCH', resetAt });
    await pushStatus(pushDeps(), escalationId, 'closed', 3);
    const [retry, ...more] = await queuedPushes(escalationId);
    expect(more).toEqual([]);
    expect(retry!.payload).toEqual({ escalationId, status: 'closed', attempt: 3 });
    expect(Math.abs(new Date(retry!.run_at).getTime() - resetAt.getTime())).toBeLessThan(2_000);
    expect(await statusEntries(request.id)).toEqual([]);
    await sql`delete from graphile_worker._private_jobs where payload->>'escalationId' = ${escalationId}`.execute(t.db);
  });
});
