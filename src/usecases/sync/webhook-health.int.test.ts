/**
 * Webhooks Kustomer disabled: after repeated failed deliveries (an outage of Bridgedesk), Kustomer turns the webhook
 * off and sends nothing more. Bridgedesk's check finds it, turns it back on (or creates it again), backfills every
 * change since its cursor so no status change is lost (and none applies twice), shows it on the sync card and tells
 * the admins. Against the emulator, which disables a webhook after N failures in a row as Kustomer does.
 */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ALL_ROLES } from '../../connectors/kustomer/emulator/index.ts';
import { syncStack } from '../../../test/support/sync-stack.ts';
import { destinationDeps } from '../destination-access.ts';
import { checkWebhook } from './check-webhook.ts';
import { pollDestination } from './poll-destination.ts';
import { escalateUntilLinked } from '../../../test/support/escalate-until-linked.ts';

/** While on, every delivery reaches a Bridgedesk that answers 503, as during an outage. */
let outage = false;
const { emulator, demo, t, admin, agent, requester, connect, settled, statusOf } = await syncStack({ webhookFailuresBeforeDisable: 3, down: () => outage });
const deps = () => ({ ...destinationDeps(t.config, { db: t.db, now: () => t.clock.now, secrets: t.secrets }), publicUrl: 'https://desk.example.com' });

// Polling off: only the webhook, and the check's backfill, bring Kustomer's changes.
beforeAll(() => connect({ inbound: true, outbound: false, pollMinutes: 0 }, 3));
afterEach(async () => {
  outage = false;
  await emulator.control.webhooks.idle();
  await settled();
});

const until = (id: string, status: string) => t.waitFor(async () => ((await statusOf(id)) === status ? true : undefined));
const received = async (id: string) =>
  ((await t.api(agent, 'GET', `/api/v1/requests/${id}/timeline`)).body.items as { type: string; data: Record<string, unknown> }[]).filter(
    (e) => e.type === 'sync.status_received',
  );
const hooks = () =>
  emulator.control.webhooks
    .list('acme')
    .map((h) => ({ id: h.id, ...(h.attributes as { enabled: boolean; isError: boolean; headers: { name: string; value: string }[] }) }));
const view = async () => (await t.api(admin, 'GET', '/api/v1/integrations/kustomer/sync')).body;
const repairNotices = async () =>
  ((await t.api(admin, 'GET', '/api/v1/notifications')).body.items as { kind: string; title: string; body: string }[]).filter(
    (n) => n.kind === 'sync.webhook_repaired',
  );

async function linkedRequest() {
  const { request: r, conversationId } = await escalateUntilLinked(t, agent, {
    title: 'Webhook health',
    requesterId: requester.id,
    queueId: demo.queues.vip.id,
  });
  await emulator.control.webhooks.idle();
  await settled();
  return { requestId: r.id as string, conversationId };
}

/** Bridgedesk is down long enough for Kustomer to give up: three failed deliveries disable the webhook. */
async function outageUntilDisabled(conversationId: string) {
  outage = true;
  for (const priority of [3, 4, 5]) emulator.control.changeConversation({ org: 'acme', id: conversationId, priority });
  await emulator.control.webhooks.idle();
  expect(hooks()).toEqual([expect.objectContaining({ enabled: false, isError: true })]);
}

/** A linked request whose conversation is then marked done in Kustomer while an outage has its webhook disabled. */
async function doneWhileDisabled() {
  const linked = await linkedRequest();
  await outageUntilDisabled(linked.conversationId);
  outage = false;
  emulator.control.changeConversation({ org: 'acme', id: linked.conversationId, status: 'done' });
  return linked;
}

describe('a webhook Kustomer disabled', () => {
  it('is re-enabled by the check, which backfills the status change made while it was off exactly once, shows it on the sync card and tells the admins', async () => {
    const { requestId, conversationId } = await linkedRequest();
    await outageUntilDisabled(conversationId);
    outage = false;
    // Made in Kustomer while the webhook is off: Kustomer sends nothing.
    const seen = emulator.control.webhooks.deliveries().length;
    emulator.control.changeConversation({ org: 'acme', id: conversationId, status: 'done' });
    await emulator.control.webhooks.idle();
    expect(emulator.control.webhooks.deliveries().slice(seen)).toEqual([]);
    expect(await statusOf(requestId)).toBe('new');

    expect(await checkWebhook(deps(), 'kustomer')).toBe('repaired');
    expect(hooks()).toEqual([
      expect.objectContaining({ enabled: true, isError: false, headers: [expect.objectContaining({ name: 'X-Bridgedesk-Webhook-Secret' })] }),
    ]);
    await until(requestId, 'resolved');
    await settled();
    expect((await received(requestId)).map((e) => e.data.remoteStatus)).toEqual(['closed']);

    const card = (await view()).webhook;
    expect(card).toMatchObject({ subscribed: true, repair: 're-enabled', backfilled: 1, repairedAt: t.clock.now.toISOString(), checkError: null });
    expect(card.disabledAt).not.toBeNull();
    const [notice, ...more] = await repairNotices();
    expect(more).toEqual([]);
    expect(notice).toMatchObject({ title: 'Kustomer disabled the status sync webhook' });
    expect(notice!.body).toMatch(/re-enabled it and read 1 change made meanwhile/);

    // Kustomer delivers again, and a second check finds nothing to do.
    emulator.control.changeConversation({
      org: 'acme',
      id: conversationId,
      status: 'snoozed',
      snooze: { time: '2030-01-01T00:00:00.000Z', status: 'scheduled' },
    });
    await until(requestId, 'waiting');
    expect(await checkWebhook(deps(), 'kustomer')).toBe('ok');
    await settled();
    expect((await received(requestId)).map((e) => e.data.remoteStatus).sort()).toEqual(['closed', 'waiting']);
    expect(await repairNotices()).toHaveLength(1);
  });

  it('is created again, with the secret header, when it was deleted in Kustomer; changes made meanwhile are backfilled', async () => {
    const { requestId, conversationId } = await linkedRequest();
    const [old] = hooks();
    const del = await fetch(`${emulator.url}/v1/outbound-webhooks/${old!.id}`, { method: 'DELETE', headers: { authorization: `Bearer ${demo.apiKey}` } });
    expect(del.status).toBe(204);
    emulator.control.changeConversation({ org: 'acme', id: conversationId, status: 'done' });
    await emulator.control.webhooks.idle();

    expect(await checkWebhook(deps(), 'kustomer')).toBe('repaired');
    const [created] = hooks();
    expect(created).toMatchObject({ enabled: true, headers: [{ name: 'X-Bridgedesk-Webhook-Secret', value: (await view()).webhook.secretHeader.value }] });
    expect(created!.id).not.toBe(old!.id);
    await until(requestId, 'resolved');
    expect((await view()).webhook).toMatchObject({ repair: 're-created', backfilled: 1 });
    expect((await repairNotices())[0]).toMatchObject({ title: 'The status sync webhook was deleted in Kustomer' });

    // The new webhook delivers.
    emulator.control.changeConversation({ org: 'acme', id: conversationId, status: 'open' });
    await until(requestId, 'in_progress');
  });

  it('is checked by the worker when it starts, after an outage of Bridgedesk itself', async () => {
    const { requestId } = await doneWhileDisabled();
    await t.startWorker({ concurrency: 1 });
    await t.waitFor(async () => hooks()[0]!.enabled || undefined);
    await until(requestId, 'resolved');
    await settled();
    expect(await received(requestId)).toHaveLength(1);
  });

  it('is checked when polling works again after failing (the outage is over)', async () => {
    const { requestId } = await doneWhileDisabled();
    await t.db
      .updateTable('destination_connections')
      .set({ sync_settings: JSON.stringify({ inbound: true, outbound: false, pollMinutes: 60 }) })
      .execute();
    const fault = emulator.control.injectFault({ kind: '503', pathPrefix: '/v1/customers/search' });
    expect(await pollDestination(deps(), 'kustomer')).toBe(0);
    expect((await view()).lastError).toMatch(/^Polling failed: /);
    expect(hooks()[0]!.enabled).toBe(false);
    emulator.control.clearFaults(fault.id);
    await pollDestination(deps(), 'kustomer');
    await t.waitFor(async () => hooks()[0]!.enabled || undefined);
    await until(requestId, 'resolved');
    await settled();
    expect(await received(requestId)).toHaveLength(1);
    await t.db
      .updateTable('destination_connections')
      .set({ sync_settings: JSON.stringify({ inbound: true, outbound: false, pollMinutes: 0 }) })
      .execute();
  });

  it('is created again when Kustomer refuses to update it (the key lacks the update role), and the connection stays connected', async () => {
    const limited = emulator.control.createApiKey({ org: 'acme', roles: ALL_ROLES.filter((r) => r !== 'org.permission.outbound_webhook.update') });
    expect((await t.api(admin, 'PUT', '/api/v1/integrations/kustomer', { orgName: 'acme', apiKey: limited.key })).status).toBe(200);
    const { requestId } = await doneWhileDisabled();
    expect(await checkWebhook(deps(), 'kustomer')).toBe('repaired');
    expect((await view()).webhook).toMatchObject({ repair: 're-created', backfilled: 1, checkError: null });
    expect(hooks()).toEqual([expect.objectContaining({ enabled: true, isError: false })]);
    expect((await t.api(admin, 'GET', '/api/v1/integrations/kustomer')).body.status).toBe('connected');
    await until(requestId, 'resolved');
    expect((await t.api(admin, 'PUT', '/api/v1/integrations/kustomer', { orgName: 'acme', apiKey: demo.apiKey })).status).toBe(200);
  });

  it('finishes a repair whose backfill failed at the next check, before it moves the cursor', async () => {
    const { requestId } = await doneWhileDisabled();
    const notices = (await repairNotices()).length;
    const fault = emulator.control.injectFault({ kind: '503', pathPrefix: '/v1/customers/search' });
    expect(await checkWebhook(deps(), 'kustomer')).toBe('failed');
    emulator.control.clearFaults(fault.id);
    expect(hooks()[0]!.enabled).toBe(true);
    expect((await view()).webhook).toMatchObject({ backfilled: null, checkError: expect.stringMatching(/^Checking the webhook failed: /) });
    expect(await statusOf(requestId)).toBe('new');
    expect(await checkWebhook(deps(), 'kustomer')).toBe('repaired');
    await until(requestId, 'resolved');
    expect((await view()).webhook).toMatchObject({ backfilled: 1, checkError: null });
    expect(await repairNotices()).toHaveLength(notices + 1);
    expect(await checkWebhook(deps(), 'kustomer')).toBe('ok');
  });

  it('while the webhook works and polling is off, keeps the backfill cursor within two hours (Kustomer retries for about one)', async () => {
    const longAgo = new Date(t.clock.now.getTime() - 3 * 86_400_000);
    await t.db.updateTable('destination_connections').set({ poll_cursor: longAgo }).execute();
    expect(await checkWebhook(deps(), 'kustomer')).toBe('ok');
    expect((await view()).lastPollCursor).toBe(new Date(t.clock.now.getTime() - 2 * 3_600_000).toISOString());
    const recent = new Date(t.clock.now.getTime() - 60_000);
    await t.db.updateTable('destination_connections').set({ poll_cursor: recent }).execute();
    expect(await checkWebhook(deps(), 'kustomer')).toBe('ok');
    expect((await view()).lastPollCursor).toBe(recent.toISOString());
  });

  it('records a failed check on the card and leaves the webhook as it was', async () => {
    const fault = emulator.control.injectFault({ kind: '503', pathPrefix: '/v1/outbound-webhooks' });
    expect(await checkWebhook(deps(), 'kustomer')).toBe('failed');
    emulator.control.clearFaults(fault.id);
    expect((await view()).webhook.checkError).toMatch(/^Checking the webhook failed: /);
    expect(await checkWebhook(deps(), 'kustomer')).toBe('ok');
    expect((await view()).webhook.checkError).toBeNull();
  });
});
