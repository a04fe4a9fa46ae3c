/**
 * A browser journey (built web UI + API + Postgres + the worker, the Kustomer emulator over real HTTP, its webhook
 * deliveries routed to the app on loopback): an agent writes a Note to Kustomer from the composer and it shows on
 * the emulator's conversation, posted; a note and messages written in Kustomer show on the open request page within
 * 2 s, without a reload. Screenshots of the composer's three modes and of the timeline, on a laptop and a phone, go
 * to .test-results/. Needs dist/web (`npm run build:web`) and Chromium at /usr/bin/chromium.
 */
import { randomBytes } from 'node:crypto';
import { type Browser, type Locator, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listen } from '../../src/cli/serve.ts';
import { loadConfig } from '../../src/config.ts';
import { serveEmulator, seedDemoOrg, type DemoOrg, type ServedEmulator } from '../../src/connectors/kustomer/emulator/index.ts';
import type { UserActor } from '../../src/core/actor.ts';
import { insertUser } from '../../src/db/repositories/users.ts';
import { createSecretBox } from '../../src/db/secret-box.ts';
import { startWorker } from '../../src/jobs/run-worker.ts';
import { createLogger } from '../../src/logger.ts';
import { createApp } from '../../src/server/app.ts';
import { hashPassword } from '../../src/server/auth/passwords.ts';
import { connectDestination, setDestinationTargets } from '../../src/usecases/connect-destination.ts';
import { createRequest } from '../../src/usecases/create-request.ts';
import { destinationDeps } from '../../src/usecases/destination-access.ts';
import { checkWebhook } from '../../src/usecases/sync/check-webhook.ts';
import { updateSyncSettings } from '../../src/usecases/sync/sync-settings.ts';
import { submitEscalation } from '../../src/usecases/submit-escalation.ts';
import { launchBrowser } from '../support/browser.ts';
import { createTestDatabase } from '../support/test-database.ts';

const ADMIN = { email: 'root@example.com', name: 'Rita Root', password: 'correct horse battery' };
const ORG = 'acme';

/** Polls the page through Playwright's auto-waiting locators and assertions, and the database for states: no sleeps. */
const TIMEOUT = 20_000;

describe('the Kustomer thread and Note to Kustomer in the browser', () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let emulator: ServedEmulator;
  let demo: DemoOrg;
  let server: { port: number; close(): Promise<void> } | undefined;
  let worker: Awaited<ReturnType<typeof startWorker>>;
  let browser: Browser;
  let page: Page;
  let baseUrl = '';
  let admin: UserActor;
  let requesterId: string;
  let checkDeps: Parameters<typeof checkWebhook>[0];

  beforeAll(async () => {
    // Kustomer's webhook deliveries go to the app on loopback: the path (which carries the secret) is what counts.
    emulator = await serveEmulator({
      port: 0,
      deliver: (url, init) => (server ? fetch(baseUrl + new URL(url).pathname, init) : Promise.resolve(new Response(null, { status: 503 }))),
    });
    demo = seedDemoOrg(emulator.control, { name: ORG });
    emulator.control.updateOrg(ORG, { rateLimitPerMinute: 100_000 });
    database = await createTestDatabase();
    const config = loadConfig({
      LOG_LEVEL: 'silent',
      BRIDGEDESK_DATA_DIR: '/nonexistent',
      BRIDGEDESK_PUBLIC_URL: 'http://desk.example.test',
      KUSTOMER_BASE_URL: emulator.url,
      KUSTOMER_WEB_URL: emulator.url,
    });
    const secrets = createSecretBox(randomBytes(32));
    const now = () => new Date();
    const app = createApp({ db: database.db, config, log: createLogger('silent'), now, secrets });
    const listening = await listen(app, 0, '127.0.0.1');
    baseUrl = `http://127.0.0.1:${listening.port}`;
    server = listening;
    worker = await startWorker({
      db: database.db,
      config,
      connectionString: database.url,
      log: createLogger('silent'),
      now,
      secrets,
      pollIntervalMs: 100,
      retryBaseMs: 10,
    });

    const adminRow = await insertUser(database.db, { ...ADMIN, role: 'admin', passwordHash: await hashPassword(ADMIN.password) });
    admin = { kind: 'user', userId: adminRow.id, role: 'admin', name: ADMIN.name };
    requesterId = (await insertUser(database.db, { email: 'riley@corp.example', name: 'Riley Requester', role: 'requester', passwordHash: null })).id;

    // Kustomer connected with one queue agents may escalate to, through the use cases (connecting has its own journey).
    const deps = destinationDeps(config, { db: database.db, now, secrets });
    checkDeps = { ...deps, publicUrl: config.publicUrl };
    await connectDestination(deps, admin, 'kustomer', { account: ORG, secret: demo.apiKey });
    await setDestinationTargets(deps, 'kustomer', [{ kind: 'queue', remoteId: demo.queues.tier2Support.id, enabled: true }]);
    await updateSyncSettings(checkDeps, 'kustomer', { inbound: true, pollMinutes: 0 });

    browser = await launchBrowser();
    page = await browser.newPage();
    page.setDefaultTimeout(TIMEOUT);
  });

  afterAll(async () => {
    await browser?.close();
    await worker?.stop();
    await server?.close();
    await emulator?.close();
    await database?.drop();
  });

  const shoot = async (name: string, show: Locator) => {
    for (const [device, viewport] of [
      ['laptop', { width: 1440, height: 900 }],
      ['phone', { width: 390, height: 844 }],
    ] as const) {
      await page.setViewportSize(viewport);
      await show.scrollIntoViewIfNeeded();
      await page.screenshot({ path: `.test-results/kustomer-${name}-${device}.png` });
    }
    await page.setViewportSize({ width: 1440, height: 900 });
  };

  it('posts a Note to Kustomer from the composer, and shows what is written in Kustomer live on the open page', async () => {
    // 1. A request escalated to Kustomer and linked to its conversation.
    const request = await createRequest(database.db, admin, { title: 'Refund stuck', description: 'Order 1182 was never refunded.', requesterId }, new Date());
    const escalation = await submitEscalation(
      database.db,
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
      .poll(async () => (await database.db.selectFrom('escalations').select('state').where('id', '=', escalation.id).executeTakeFirstOrThrow()).state, {
        timeout: TIMEOUT,
      })
      .toBe('linked');
    const { remote_id: conversationId } = await database.db
      .selectFrom('escalations')
      .select('remote_id')
      .where('id', '=', escalation.id)
      .executeTakeFirstOrThrow();

    // 2. Sign in and open the request: the composer offers Reply, Internal note and Note to Kustomer.
    await page.setViewportSize({ width: 1440, height: 900 });
    await page.goto(`${baseUrl}/requests/${request.key}`);
    await page.getByLabel('Email').fill(ADMIN.email);
    await page.getByLabel('Password').fill(ADMIN.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
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
    await composer.getByRole('textbox', { name: 'Note to Kustomer' }).fill('Finance approved the refund; please confirm with the customer.');
    await shoot('composer-kustomer', composer);

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
  });
});
