/**
 * A browser journey through the real app (built web UI + API + Postgres): an agent signs in, files a request
 * through the New request form, raises its priority in the side panel, and sees that change on the timeline.
 * Needs dist/web (npm test builds it; otherwise run `npm run build:web`) and Chromium at /usr/bin/chromium.
 */
import { type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listen } from '../../src/cli/serve.ts';
import { loadConfig } from '../../src/config.ts';
import { insertUser } from '../../src/db/repositories/users.ts';
import { createLogger } from '../../src/logger.ts';
import { createApp } from '../../src/server/app.ts';
import { hashPassword } from '../../src/server/auth/passwords.ts';
import { launchBrowser } from '../support/browser.ts';
import { createTestDatabase } from '../support/test-database.ts';

const AGENT = { email: 'ada@example.com', name: 'Ada Agent', password: 'correct horse battery' };

/** Polls the page through Playwright's auto-waiting assertions: no sleeps anywhere. */
const TIMEOUT = 15_000;

describe('request journey in the browser', () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let server: { port: number; close(): Promise<void> };
  let browser: Browser;
  let page: Page;
  let baseUrl: string;

  beforeAll(async () => {
    database = await createTestDatabase();
    const app = createApp({
      db: database.db,
      config: loadConfig({ LOG_LEVEL: 'silent', BRIDGEDESK_DATA_DIR: '/nonexistent' }),
      log: createLogger('silent'),
      now: () => new Date(),
    });
    server = await listen(app, 0, '127.0.0.1');
    baseUrl = `http://127.0.0.1:${server.port}`;
    await insertUser(database.db, { ...AGENT, role: 'agent', passwordHash: await hashPassword(AGENT.password) });
    // An admin exists (so the first visit is the sign-in page, not "Create the first admin").
    await insertUser(database.db, { email: 'root@example.com', name: 'Root', role: 'admin', passwordHash: null });
    browser = await launchBrowser();
    page = await browser.newPage();
    page.setDefaultTimeout(TIMEOUT);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await database?.drop();
  });

  it('signs in, files a request, raises its priority and sees it on the timeline', async () => {
    // 1. Sign in through the form.
    await page.goto(`${baseUrl}/requests`);
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await page.getByLabel('Email').fill(AGENT.email);
    await page.getByLabel('Password').fill(AGENT.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Requests' }).waitFor();
    await page.getByText('No requests yet').waitFor();

    // 2. File a request through the New request form (reached with the "c" shortcut).
    await page.keyboard.press('c');
    await page.getByRole('heading', { name: 'New request' }).waitFor();
    await page.getByLabel('Title').fill('Laptop will not boot');
    await page.getByLabel('Description').fill('Black screen after the update this morning.');
    await page.getByRole('button', { name: 'File request' }).click();

    // 3. The request page opens: title, key, and the creation on the timeline.
    await page.waitForURL(/\/requests\/REQ-\d+$/);
    await page.getByRole('heading', { name: /Laptop will not boot/ }).waitFor();
    const timeline = page.getByRole('region', { name: 'Timeline' });
    await timeline.getByText('Ada Agent created this request').waitFor();

    // 4. Change the priority in the side panel.
    const panel = page.getByTestId('side-panel');
    const priority = panel.getByLabel('Priority');
    expect(await priority.inputValue()).toBe('medium');
    await priority.selectOption('high');

    // 5. The change shows on the timeline, in words, and the panel keeps the new value after the refetch.
    await timeline.getByText('Ada Agent changed priority from Medium to High').waitFor();
    await expect.poll(() => priority.inputValue(), { timeout: TIMEOUT }).toBe('high');

    // The list shows the request with its new priority.
    await page.getByRole('link', { name: 'Requests', exact: true }).first().click();
    const row = page.getByTestId('request-row').filter({ hasText: 'Laptop will not boot' });
    await row.getByText('High').waitFor();
  });
});
