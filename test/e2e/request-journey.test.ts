/**
 * A browser journey through the real app (built web UI + API + Postgres): an agent signs in, files a request
 * through the New request form, raises its priority in the side panel, and sees that change on the timeline.
 * Needs dist/web (npm test builds it; otherwise run `npm run build:web`) and Chromium at /usr/bin/chromium.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBrowserStack, type BrowserStack } from '../support/browser-stack.ts';
import type { TestUser } from '../support/test-app.ts';

/** Polls the page through Playwright's auto-waiting assertions: no sleeps anywhere. */
const TIMEOUT = 15_000;
const STACK = { realClock: true, timeout: TIMEOUT } as const;

describe('request journey in the browser', () => {
  let stack: BrowserStack<typeof STACK>;
  let page: Page;
  let agent: TestUser;

  beforeAll(async () => {
    stack = await startBrowserStack(STACK);
    agent = await stack.t.createUser('agent', { email: 'ada@example.com', name: 'Ada Agent' });
    // An admin exists (so the first visit is the sign-in page, not "Create the first admin").
    await stack.t.createUser('admin', { email: 'root@example.com', name: 'Root' });
    page = await stack.newPage();
  });

  afterAll(() => stack?.stop());

  it('signs in, files a request, raises its priority and sees it on the timeline', async () => {
    // 1. Sign in through the form.
    await stack.signInOn(page, agent);
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
