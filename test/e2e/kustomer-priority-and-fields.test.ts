/**
 * A browser journey through Settings → Integrations → Kustomer (built web UI + API + Postgres + the worker, the
 * Kustomer emulator over real HTTP): the admin changes which Kustomer priority a high request becomes, and the
 * Escalate form then offers it; a mapped attribute deleted from Kustomer's metadata is named in the field mapping
 * card after an escalation's push is refused. Needs dist/web (`npm run build:web`) and Chromium at /usr/bin/chromium.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
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
import { replaceFieldMappings } from '../../src/usecases/field-mapping/index.ts';
import { createTestDatabase } from '../support/test-database.ts';

const CHROMIUM = '/usr/bin/chromium';
const WEB_INDEX = path.resolve(import.meta.dirname, '../../dist/web/index.html');
const ADMIN = { email: 'root@example.com', name: 'Rita Root', password: 'correct horse battery' };
const ORG = 'acme';
const TIMEOUT = 20_000;

describe('Kustomer priority and field mapping settings in the browser', () => {
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
    if (!fs.existsSync(WEB_INDEX)) throw new Error('dist/web is not built: run `npm run build:web` first (npm test does it).');
    if (!fs.existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM}`);
    emulator = await serveEmulator({ port: 0 });
    demo = seedDemoOrg(emulator.control, { name: ORG });
    emulator.control.updateOrg(ORG, { rateLimitPerMinute: 100_000 });
    emulator.control.setMetadata({ org: ORG, properties: { orderNumberStr: { type: 'string', displayName: 'Order number' }, refundNum: { type: 'number' } } });
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

    // Kustomer connected, one queue, and order number → orderNumberStr mapped, through the use cases.
    const deps = destinationDeps(config, { db: database.db, now, secrets });
    await connectDestination(deps, admin, 'kustomer', { account: ORG, secret: demo.apiKey });
    await setDestinationTargets(deps, 'kustomer', [{ kind: 'queue', remoteId: demo.queues.tier2Support.id, enabled: true }]);
    await database.db.insertInto('custom_fields').values({ key: 'order_number', label: 'Order number', type: 'text' }).execute();
    await replaceFieldMappings(deps, 'kustomer', [{ requestField: 'field.order_number', remoteField: 'orderNumberStr' }]);

    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
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

  it('edits the priority map, which the Escalate form then uses, and names an attribute Kustomer no longer knows', async () => {
    // 1. Sign in as the admin and open Settings → Integrations → Kustomer.
    await page.goto(`${baseUrl}/settings/integrations/kustomer`);
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await page.getByLabel('Email').fill(ADMIN.email);
    await page.getByLabel('Password').fill(ADMIN.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Kustomer', level: 1 }).waitFor();

    // 2. The Priority card shows Kustomer's default (3 is normal); a high request becomes 3 instead of 4.
    const card = page.getByRole('region', { name: 'Priority' });
    const high = card.getByLabel('High request');
    await high.waitFor();
    expect(await high.locator('option:checked').textContent()).toBe('4 — High (default)');
    expect(await card.getByLabel('Medium request').locator('option:checked').textContent()).toBe('3 — Normal (default)');
    await high.selectOption('3');
    const isPut = (r: { url(): string; method(): string }) => r.url().endsWith('/api/v1/integrations/kustomer/priority-map') && r.method() === 'PUT';
    const [saved] = await Promise.all([page.waitForResponse((r) => isPut(r.request())), card.getByRole('button', { name: 'Save' }).click()]);
    expect(saved.status()).toBe(200);
    await card.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
    expect((await database.db.selectFrom('destination_connections').select('priority_map').executeTakeFirstOrThrow()).priority_map).toEqual({
      low: 2,
      medium: 3,
      high: 3,
      urgent: 5,
    });

    // 3. Kustomer deletes orderNumberStr; a high request is escalated with the form's default priority.
    emulator.control.setMetadata({ org: ORG, properties: { refundNum: { type: 'number' } } });
    const request = await createRequest(
      database.db,
      admin,
      { title: 'Refund never arrived', requesterId, priority: 'high', customFields: { order_number: 'A-4417' } },
      new Date(),
    );
    await page.goto(`${baseUrl}/requests/${request.key}`);
    await page.getByRole('heading', { name: /Refund never arrived/ }).waitFor();
    const panel = page.getByTestId('side-panel');
    await panel.getByRole('button', { name: 'Escalate ticket' }).click();
    const dialog = page.getByRole('dialog', { name: 'Escalate ticket' });
    expect(await dialog.getByLabel('Priority').locator('option:checked').textContent()).toBe('3 — Normal');
    await dialog.getByRole('button', { name: 'Escalate to Tier 2 Support', exact: true }).click();
    await dialog.waitFor({ state: 'hidden' });
    const item = panel.getByTestId('escalations').getByTestId('escalation');
    await expect.poll(() => item.getByTestId('escalation-state').textContent(), { timeout: TIMEOUT }).toBe('Linked');
    const conversationId = (await item.getByTestId('conversation-id').getAttribute('data-id'))!;
    const conversation = emulator.control.conversations(ORG).find((c) => c.id === conversationId)!;
    expect(conversation.attributes.priority).toBe(3);

    // 4. The timeline names the refused attribute; the field mapping card says since when it is not sent.
    const timeline = page.getByRole('region', { name: 'Timeline' });
    await timeline.locator('[data-type="sync.field_rejected"]').filter({ hasText: 'Kustomer no longer knows orderNumberStr' }).waitFor();
    expect(emulator.control.conversations(ORG).find((c) => c.id === conversationId)!.attributes.custom ?? {}).toEqual({});
    await page.goto(`${baseUrl}/settings/integrations/kustomer`);
    const mapping = page.getByTestId('kustomer-field-mapping');
    const note = mapping.getByTestId('field-mapping-refused-attribute');
    await note.waitFor();
    expect(await note.textContent()).toMatch(
      /^Kustomer no longer knows orderNumberStr: not sent since .+\. Create it again in Kustomer, or choose another attribute\.$/,
    );
  }, 90_000);
});
