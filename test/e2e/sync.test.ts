/**
 * A browser journey through the real app (built web UI + API + Postgres + the worker) against the Kustomer emulator
 * over real HTTP, with Kustomer's webhook deliveries routed to the app on loopback: an admin turns on
 * Kustomer → Bridgedesk status sync (done → Resolved) in Settings → Integrations → Kustomer, which subscribes the
 * webhook; a request escalated from its page is marked done in Kustomer, and the open page turns Resolved within
 * 2 s, without a reload, with the sync line on its timeline. Then an agent writes a Note to Kustomer from the composer
 * and it shows on the emulator's conversation, posted; a note and messages written in Kustomer show on the open page
 * within 2 s, without a reload (screenshots of the composer's three modes and of the timeline, laptop and phone, go
 * to test/support/shots.ts's folder). Needs dist/web (npm test builds it; otherwise run `npm run build:web`) and Chromium
 * at /usr/bin/chromium.
 */
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DemoOrg, ServedEmulator } from '../../src/connectors/kustomer/emulator/index.ts';
import type { UserActor } from '../../src/core/actor.ts';
import { createRequest } from '../../src/usecases/create-request.ts';
import { destinationDeps } from '../../src/usecases/destination-access.ts';
import { checkWebhook } from '../../src/usecases/sync/check-webhook.ts';
import { submitEscalation } from '../../src/usecases/submit-escalation.ts';
import { linkExistingConversation } from '../../src/usecases/escalation-actions.ts';
import { startBrowserStack, type BrowserStack } from '../support/browser-stack.ts';
import { actorOf, type TestApp, type TestUser } from '../support/test-app.ts';
import { SHOTS } from '../support/shots.ts';

const ORG = 'acme';

/** Polls the page through Playwright's auto-waiting locators and assertions, and the database for states: no sleeps. */
const TIMEOUT = 20_000;
// Kustomer's webhook deliveries go to the app on loopback.
const STACK = {
  kustomer: { webhooksToApp: true },
  worker: true,
  realClock: true,
  env: { BRIDGEDESK_PUBLIC_URL: 'http://desk.example.test' },
  timeout: TIMEOUT,
} as const;

describe('status sync with Kustomer in the browser', () => {
  let stack: BrowserStack<typeof STACK>;
  let t: TestApp;
  let emulator: ServedEmulator;
  let demo: DemoOrg;
  let page: Page;
  let baseUrl: string;
  let adminUser: TestUser;
  let admin: UserActor;
  let requesterId: string;
  let checkDeps: Parameters<typeof checkWebhook>[0];

  beforeAll(async () => {
    stack = await startBrowserStack(STACK);
    ({ t, emulator, demo, baseUrl } = stack);
    adminUser = await t.createUser('admin', { email: 'root@example.com', name: 'Rita Root' });
    admin = actorOf(adminUser);
    requesterId = (await t.createUser('requester', { email: 'riley@corp.example', name: 'Riley Requester' })).id;
    checkDeps = { ...destinationDeps(t.config, { db: t.db, now: () => new Date(), secrets: t.secrets }), publicUrl: t.config.publicUrl };
    // Kustomer connected with one queue agents may escalate to (connecting has its own journey).
    await stack.connectKustomer(adminUser, { queues: [demo.queues.tier2Support.id] });
    page = await stack.newPage();
  });

  afterAll(() => stack?.stop());

  /** The request's status as stored: the journey waits on it with expect.poll, never for a fixed time. */
  const statusOf = async (requestId: string) =>
    (await t.db.selectFrom('requests').select('status').where('id', '=', requestId).executeTakeFirstOrThrow()).status;

  it('turns on Kustomer → Bridgedesk sync, and a conversation marked done in Kustomer resolves its request', async () => {
    // 1. Sign in as the admin and open Settings → Integrations → Kustomer.
    await stack.signInOn(page, adminUser);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Integrations' }).click();
    await page.getByRole('heading', { name: 'Integrations', level: 1 }).waitFor();
    await page.getByTestId('integration-kustomer').getByRole('link', { name: 'Kustomer', exact: true }).click();
    await page.getByRole('heading', { name: 'Kustomer', level: 1 }).waitFor();

    // 2. The Status sync card: off to start with, its mappings locked until their direction is on.
    const card = page.getByRole('region', { name: 'Status sync' });
    const inbound = card.getByRole('checkbox', { name: 'Kustomer → Bridgedesk' });
    await inbound.waitFor();
    expect(await inbound.isChecked()).toBe(false);
    expect(await card.getByRole('checkbox', { name: 'Bridgedesk → Kustomer' }).isChecked()).toBe(false);
    const whenDone = card.getByLabel('When done in Kustomer');
    expect(await whenDone.isDisabled()).toBe(true);
    expect(await card.getByTestId('sync-webhook').textContent()).toContain('Off');
    expect(await card.getByTestId('sync-last-event').textContent()).toBe('None yet');

    // 3. Turn on Kustomer → Bridgedesk with done → Resolved, and save: Bridgedesk subscribes its webhook in Kustomer.
    await inbound.check();
    await whenDone.selectOption({ label: 'Resolved' });
    expect(await whenDone.locator('option:checked').textContent()).toBe('Resolved');
    const isPut = (r: { url(): string; method(): string }) => r.url().endsWith('/api/v1/integrations/kustomer/sync') && r.method() === 'PUT';
    const [saved] = await Promise.all([page.waitForResponse((r) => isPut(r.request())), card.getByRole('button', { name: 'Save' }).click()]);
    expect(saved.status()).toBe(200);
    await card.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
    await expect.poll(() => card.getByTestId('sync-webhook').textContent(), { timeout: TIMEOUT }).toContain('Subscribed');
    expect(await inbound.isChecked()).toBe(true);
    const row = await t.db.selectFrom('destination_connections').select(['sync_settings', 'webhook_remote_id']).executeTakeFirstOrThrow();
    expect(row.sync_settings).toMatchObject({ inbound: true, outbound: false, inboundMap: { closed: 'resolved' } });
    expect(row.webhook_remote_id).not.toBeNull();

    // 4. Escalate a request from its page, and wait until it is linked to a conversation.
    const request = await createRequest(
      t.db,
      admin,
      { title: 'Printer on fire', description: 'Third floor, again.', requesterId, priority: 'high' },
      new Date(),
    );
    await page.goto(`${baseUrl}/requests/${request.key}`);
    await page.getByRole('heading', { name: /Printer on fire/ }).waitFor();
    const panel = page.getByTestId('side-panel');
    await panel.getByRole('button', { name: 'Escalate ticket' }).click();
    const dialog = page.getByRole('dialog', { name: 'Escalate ticket' });
    expect(await dialog.getByLabel('Queue or team').locator('option:checked').textContent()).toBe('Tier 2 Support');
    await dialog.getByRole('button', { name: 'Escalate to Tier 2 Support', exact: true }).click();
    await dialog.waitFor({ state: 'hidden' });
    const item = panel.getByTestId('escalations').getByTestId('escalation');
    await expect.poll(() => item.getByTestId('escalation-state').textContent(), { timeout: TIMEOUT }).toBe('Linked');
    const conversationId = (await item.getByTestId('conversation-id').getAttribute('data-id'))!;
    expect(conversationId).toMatch(/^[0-9a-f]{24}$/);
    expect(await statusOf(request.id)).not.toBe('resolved');

    // 5. An agent marks the conversation done in Kustomer; its webhook reaches Bridgedesk and the worker applies it.
    // The open page shows it within 2 s of the webhook's delivery, pushed (GET /api/v1/stream), without a reload:
    // a marker set on the window now would be gone after any navigation.
    await page.evaluate(() => ((window as unknown as { notReloaded: boolean }).notReloaded = true));
    emulator.control.changeConversation({ org: ORG, id: conversationId, status: 'done' });
    await emulator.control.webhooks.idle();
    const delivered = Date.now();
    await page.locator('.request-meta .badge').filter({ hasText: 'Resolved' }).waitFor({ timeout: TIMEOUT });
    expect(Date.now() - delivered).toBeLessThanOrEqual(2_000);
    expect(await page.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded)).toBe(true);
    expect(await statusOf(request.id)).toBe('resolved');

    // 6. The request's page shows it Resolved, and the timeline says why.
    expect(await panel.getByLabel('Status').locator('option:checked').textContent()).toBe('Resolved');
    const timeline = page.getByRole('region', { name: 'Timeline' });
    const line = timeline.locator('[data-type="sync.status_received"]').filter({ hasText: 'done' });
    await line.waitFor();
    expect((await line.locator('.tl-text').textContent())?.replace(/\s+/g, ' ').trim()).toBe(
      `Kustomer marked conversation ${conversationId.slice(0, 8)}… done: request moved to Resolved`,
    );
    // One line for it, not the sync entry plus the status change it caused.
    expect(await timeline.locator('[data-type="request.status_changed"]').filter({ hasText: 'to Resolved' }).count()).toBe(0);

    // 7. Back in settings, the card shows the event Kustomer sent.
    await page.goto(`${baseUrl}/settings/integrations/kustomer`);
    await expect.poll(() => card.getByTestId('sync-last-event').textContent(), { timeout: TIMEOUT }).not.toBe('None yet');
    expect(await card.getByTestId('sync-webhook').textContent()).toContain('Subscribed');
    expect(await card.getByTestId('sync-last-error').textContent()).toBe('None');

    // 8. The webhook is deleted in Kustomer; Bridgedesk's check creates it again, and the card says so.
    const [hook] = emulator.control.webhooks.list(ORG);
    expect(
      (await fetch(`${emulator.url}/v1/outbound-webhooks/${hook!.id}`, { method: 'DELETE', headers: { authorization: `Bearer ${demo.apiKey}` } })).status,
    ).toBe(204);
    expect(await checkWebhook(checkDeps, 'kustomer')).toBe('repaired');
    await page.reload();
    const repair = card.getByTestId('sync-webhook-repair');
    await expect
      .poll(() => repair.textContent(), { timeout: TIMEOUT })
      .toMatch(/^The webhook was gone from Kustomer at .+; created again .+, 0 changes backfilled\.$/);

    // 9. The admin rotates the webhook secret: the card says when, and until when the previous one is accepted.
    const secretRow = card.getByTestId('sync-webhook-secret');
    expect(await secretRow.textContent()).toContain('Set when the webhook was created');
    await secretRow.getByRole('button', { name: 'Rotate webhook secret' }).click();
    await expect.poll(() => secretRow.textContent(), { timeout: TIMEOUT }).toMatch(/Rotated .+ — the previous one is accepted until /);
    expect(emulator.control.webhooks.list(ORG)[0]!.attributes).toMatchObject({ enabled: true });
  }, 90_000);

  const shoot = async (name: string, show: Locator) => {
    for (const [device, viewport] of [
      ['laptop', { width: 1440, height: 900 }],
      ['phone', { width: 390, height: 844 }],
    ] as const) {
      await page.setViewportSize(viewport);
      await show.scrollIntoViewIfNeeded();
      await page.screenshot({ path: `${SHOTS}/kustomer-${name}-${device}.png` });
    }
    await page.setViewportSize({ width: 1440, height: 900 });
  };

  // After the journey above: Kustomer connected, the webhook subscribed, the admin signed in.
  it('posts a Note to Kustomer from the composer, and shows what is written in Kustomer live on the open page', async () => {
    // 1. A request escalated to Kustomer and linked to its conversation.
    const request = await createRequest(t.db, admin, { title: 'Refund stuck', description: 'Order 1182 was never refunded.', requesterId }, new Date());
    const escalation = await submitEscalation(
      t.db,
      admin,
      request.id,
      {
        destination: 'kustomer',
        queueId: demo.queues.tier2Support.id,
        channel: 'email',
        priority: 3,
        subject: 'Refund stuck',
        message: 'Please refund order 1182.',
      },
      new Date(),
    );
    await expect
      .poll(async () => (await t.db.selectFrom('escalations').select('state').where('id', '=', escalation.id).executeTakeFirstOrThrow()).state, {
        timeout: TIMEOUT,
      })
      .toBe('linked');
    const { remote_id: conversationId } = await t.db.selectFrom('escalations').select('remote_id').where('id', '=', escalation.id).executeTakeFirstOrThrow();

    // 2. Open the request (signed in as the admin above): the composer offers Reply, Internal note and Note to Kustomer.
    await page.setViewportSize({ width: 1440, height: 900 });
    await page.goto(`${baseUrl}/requests/${request.key}`);
    await page.getByRole('heading', { name: /Refund stuck/ }).waitFor();
    const composer = page.getByRole('form', { name: 'Comment' });
    const modes = composer.getByRole('radiogroup', { name: 'Comment type' });
    await modes.getByRole('radio', { name: 'Note to Kustomer' }).waitFor();
    expect(await modes.getByRole('radio').allTextContents()).toEqual(['Reply to Riley', 'Internal note', 'Note to Kustomer']);
    await shoot('composer-reply', composer);
    await modes.getByRole('radio', { name: 'Internal note' }).click();
    await shoot('composer-internal', composer);
    await modes.getByRole('radio', { name: 'Note to Kustomer' }).click();
    expect(await composer.getByTestId('composer-audience').textContent()).toBe(
      `Note to Kustomer: Kustomer's agents see it on conversation ${conversationId!.slice(0, 8)}… (Tier 2 Support). Riley is not told, and Kustomer's customer never sees it.`,
    );
    expect(await modes.getByRole('radio', { checked: true }).allTextContents()).toEqual(['Note to Kustomer']);
    await composer.getByRole('textbox', { name: 'Note to Kustomer' }).fill('Finance approved the refund; please confirm with the customer.');
    await shoot('composer-kustomer', composer);
    // Text written for Kustomer's agents never goes to Riley by the keyboard alone.
    await modes.getByRole('radio', { name: 'Reply to Riley' }).click();
    await composer.getByRole('textbox', { name: 'Reply to Riley Requester' }).press('Control+Enter');
    expect(await composer.getByTestId('composer-guard').textContent()).toContain(
      'written as a note to Kustomer, so Ctrl+Enter will not send it as a reply to Riley',
    );
    await modes.getByRole('radio', { name: 'Note to Kustomer' }).click();

    // 3. Post it: recorded on the request (internal) and posted on the conversation, once.
    await composer.getByRole('button', { name: 'Post note to Kustomer' }).click();
    const timeline = page.getByRole('region', { name: 'Timeline' });
    const ours = timeline.locator('[data-type="sync.note_to_remote"]');
    await ours.getByTestId('note-delivery').and(page.locator('[data-state="sent"]')).waitFor();
    expect(await ours.locator('.internal-label').textContent()).toBe('Note to Kustomer');
    const notes = () =>
      emulator.control.notes(ORG).filter((n) => String(n.attributes.body) === 'Finance approved the refund; please confirm with the customer.');
    expect(notes()).toHaveLength(1);
    expect((notes()[0]!.relationships as any).conversation.data.id).toBe(conversationId);

    // 4. Written in Kustomer: a note, the customer's message and an agent's reply reach the open page, without a reload.
    await page.evaluate(() => ((window as unknown as { notReloaded: boolean }).notReloaded = true));
    emulator.control.addNote({ org: ORG, id: conversationId!, body: 'Customer called, refund confirmed on their side.', by: demo.users.alex.id });
    await emulator.control.webhooks.idle();
    const delivered = Date.now();
    const theirs = timeline.locator('[data-type="sync.note_received"]').filter({ hasText: 'refund confirmed on their side' });
    await theirs.waitFor({ timeout: TIMEOUT });
    expect(Date.now() - delivered).toBeLessThanOrEqual(2_000);
    expect(await page.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded)).toBe(true);
    expect(await theirs.locator('header strong').textContent()).toBe('Alex Rivera');
    expect(await theirs.locator('.internal-label').textContent()).toBe('Note in Kustomer');

    emulator.control.addMessage({ org: ORG, id: conversationId!, body: 'Thanks, I see the refund now.', direction: 'in' });
    emulator.control.addMessage({ org: ORG, id: conversationId!, body: 'Glad to help!', direction: 'out', channel: 'chat', by: demo.users.sam.id });
    const messages = timeline.locator('[data-type="sync.message_received"]');
    await expect.poll(() => messages.count(), { timeout: TIMEOUT }).toBe(2);
    expect(await messages.nth(0).locator('header').textContent()).toContain('Customer wrote in Kustomer · Email');
    expect(await messages.nth(1).locator('header strong').textContent()).toBe('Sam Chen');
    expect(await messages.nth(1).locator('header').textContent()).toContain('Agent replied in Kustomer · Chat');
    await shoot('timeline', theirs);

    // 5. A second conversation linked to the request: the composer asks which one, and the note goes to the one picked.
    const customerId = (emulator.control.conversations(ORG).find((c) => c.id === conversationId)!.relationships as any).customer.data.id;
    const created = await fetch(`${emulator.url}/v1/conversations`, {
      method: 'POST',
      headers: { authorization: `Bearer ${demo.apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ customer: customerId, name: 'Refund, by phone' }),
    });
    const second = ((await created.json()) as { data: { id: string } }).data.id;
    await linkExistingConversation({ ...checkDeps }, admin, request.id, 'kustomer', second, true);
    const picker = composer.getByLabel('Conversation');
    await picker.waitFor({ timeout: TIMEOUT });
    expect(await picker.locator('option').allTextContents()).toEqual([
      `Kustomer conversation ${second.slice(0, 8)}…`,
      `Kustomer conversation ${conversationId!.slice(0, 8)}… (Tier 2 Support)`,
    ]);
    await picker.selectOption({ label: `Kustomer conversation ${conversationId!.slice(0, 8)}… (Tier 2 Support)` });
    expect(await composer.getByTestId('composer-audience').textContent()).toContain(`on conversation ${conversationId!.slice(0, 8)}… (Tier 2 Support)`);
    await composer.getByRole('textbox', { name: 'Note to Kustomer' }).fill('For the first thread only.');
    await composer.getByRole('button', { name: 'Post note to Kustomer' }).click();
    await expect
      .poll(
        () =>
          emulator.control
            .notes(ORG)
            .filter((n) => n.attributes.body === 'For the first thread only.')
            .map((n) => (n.relationships as any).conversation.data.id),
        {
          timeout: TIMEOUT,
        },
      )
      .toEqual([conversationId]);
    await shoot('composer-picker', composer);
  });
});
