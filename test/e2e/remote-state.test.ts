/**
 * A browser journey: the linked Kustomer conversation's state, live on the open request page. A request escalated
 * from its page shows the conversation's status, queue and priority on its escalation card; then an agent in Kustomer
 * (the emulator, over real HTTP, its webhooks routed to the app on loopback) assigns it, raises its priority, and
 * snoozes it: the open page shows each within 2 s of the webhook's delivery, pushed through the change stream,
 * without a reload. Screenshots of the card on a laptop and a phone land in test/support/shots.ts's folder. Needs dist/web
 * (`npm run build:web`) and Chromium at /usr/bin/chromium.
 */
import { randomBytes } from 'node:crypto';
import { type Browser, type Page } from 'playwright-core';
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
import { updateSyncSettings } from '../../src/usecases/sync/sync-settings.ts';
import { launchBrowser } from '../support/browser.ts';
import { createTestDatabase } from '../support/test-database.ts';
import { SHOTS } from '../support/shots.ts';

const ADMIN = { email: 'root@example.com', name: 'Rita Root', password: 'correct horse battery' };
const ORG = 'acme';
const TIMEOUT = 20_000;

describe("the linked conversation's state in Kustomer, live on the request page", () => {
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

  beforeAll(async () => {
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

    // Kustomer connected, its queues and teams synced (names for the card), inbound sync on: set up through the use cases.
    const deps = destinationDeps(config, { db: database.db, now, secrets });
    await connectDestination(deps, admin, 'kustomer', { account: ORG, secret: demo.apiKey });
    await setDestinationTargets(deps, 'kustomer', [{ kind: 'queue', remoteId: demo.queues.tier2Support.id, enabled: true }]);
    await updateSyncSettings({ ...deps, publicUrl: config.publicUrl }, 'kustomer', { inbound: true, outbound: false, pollMinutes: 0 });

    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    page.setDefaultTimeout(TIMEOUT);
  });

  afterAll(async () => {
    await browser?.close();
    await worker?.stop();
    await server?.close();
    await emulator?.close();
    await database?.drop();
  });

  it('shows status, assignee, priority and snooze from Kustomer on the open page within 2 s, without a reload', async () => {
    await page.goto(`${baseUrl}/requests`);
    await page.getByLabel('Email').fill(ADMIN.email);
    await page.getByLabel('Password').fill(ADMIN.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Requests' }).waitFor();

    const request = await createRequest(
      database.db,
      admin,
      { title: 'VPN drops every hour', description: 'Since Monday.', requesterId, priority: 'high' },
      new Date(),
    );
    await page.goto(`${baseUrl}/requests/${request.key}`);
    const panel = page.getByTestId('side-panel');
    await panel.getByRole('button', { name: 'Escalate ticket' }).click();
    const dialog = page.getByRole('dialog', { name: 'Escalate ticket' });
    await dialog.getByRole('button', { name: 'Escalate to Tier 2 Support', exact: true }).click();
    await dialog.waitFor({ state: 'hidden' });
    const item = panel.getByTestId('escalations').getByTestId('escalation');
    await expect.poll(() => item.getByTestId('escalation-state').textContent(), { timeout: TIMEOUT }).toBe('Linked');
    const conversationId = (await item.getByTestId('conversation-id').getAttribute('data-id'))!;
    const card = item.getByTestId('remote-state');
    await expect.poll(() => card.getByTestId('remote-status').textContent(), { timeout: TIMEOUT }).toBe('Open');
    expect(await card.getByTestId('remote-queue').textContent()).toBe('Tier 2 Support');
    // The request is high, and the default map sends high as Kustomer's 4: the card names it the request's way.
    expect(await card.getByTestId('remote-priority').textContent()).toBe('High (4)');
    expect(await card.getByTestId('remote-assignee').textContent()).toBe('Unassigned');
    expect(await card.getByTestId('remote-waiting').textContent()).toMatch(/^Waiting on Kustomer for \d+ min$/);

    await page.evaluate(() => ((window as unknown as { notReloaded: boolean }).notReloaded = true));
    /** An agent's change in Kustomer; resolves with the time its webhook was delivered. */
    const inKustomer = async (change: Record<string, unknown>) => {
      emulator.control.changeConversation({ org: ORG, id: conversationId, ...change });
      await emulator.control.webhooks.idle();
      return Date.now();
    };
    const shownWithin2s = async (testId: string, text: string | RegExp, delivered: number) => {
      await card.getByTestId(testId).filter({ hasText: text }).waitFor({ timeout: TIMEOUT });
      expect(Date.now() - delivered).toBeLessThanOrEqual(2_000);
    };

    await shownWithin2s(
      'remote-assignee',
      'Alex Rivera',
      await inKustomer({ assignedUsers: [demo.users.alex.id], assignedTeams: [demo.teams.escalations.id] }),
    );
    expect(await card.getByTestId('remote-team').textContent()).toBe('Escalations');
    await shownWithin2s('remote-priority', 'Urgent (5)', await inKustomer({ priority: 5 }));
    await shownWithin2s('remote-sub-status', 'Awaiting engineering', await inKustomer({ subStatus: 'Awaiting engineering' }));
    await page.screenshot({ path: `${SHOTS}/remote-state-laptop.png`, clip: (await item.boundingBox())! });

    const wake = new Date(Date.now() + 2 * 86_400_000);
    wake.setMinutes(0, 0, 0);
    await shownWithin2s('remote-status', /^Snoozed until /, await inKustomer({ status: 'snoozed', snooze: { time: wake.toISOString(), status: 'scheduled' } }));
    expect(await card.getByTestId('remote-waiting').count()).toBe(0);
    expect(await page.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded)).toBe(true);
    // The timeline tells the story, one line per change.
    const changed = page.getByRole('region', { name: 'Timeline' }).locator('[data-type="sync.ticket_changed"]');
    await expect.poll(() => changed.count(), { timeout: TIMEOUT }).toBe(3);

    await page.setViewportSize({ width: 390, height: 844 });
    await card.scrollIntoViewIfNeeded();
    await page.screenshot({ path: `${SHOTS}/remote-state-phone.png`, fullPage: false });
  });
});
