/**
 * The request list in the browser, as an agent works it: sorting by a column header, the total, the escalation
 * column and its filter, a saved view opened from its URL (and saved, and shared by link), and a bulk change with
 * its summary and one timeline entry per changed request.
 * Needs dist/web (`npm run build:web`) and Chromium at /usr/bin/chromium. SCREENSHOTS_DIR=/some/dir saves what
 * the laptop screen shows at each step, to look at.
 */
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBrowserStack, type BrowserStack } from '../support/browser-stack.ts';
import type { TestApp, TestUser } from '../support/test-app.ts';

const TIMEOUT = 15_000;
const SCREENSHOTS = process.env.SCREENSHOTS_DIR;
const STACK = { timeout: TIMEOUT } as const;
const shot = async (page: Page, name: string) => {
  if (SCREENSHOTS) await page.screenshot({ path: path.join(SCREENSHOTS, `list-${name}.png`) });
};

describe('the request list in the browser', () => {
  let stack: BrowserStack<typeof STACK>;
  let t: TestApp;
  let agent: TestUser;
  let agent2: TestUser;
  let riley: TestUser;
  const made: Record<string, { id: string; key: string }> = {};

  beforeAll(async () => {
    stack = await startBrowserStack(STACK);
    ({ t } = stack);
    await t.createUser('admin');
    agent = await t.createUser('agent', { name: 'Ada Agent' });
    agent2 = await t.createUser('agent', { name: 'Ben Agent' });
    riley = await t.createUser('requester', { name: 'Riley Requester' });
    // Filed oldest first: Printer (urgent), VPN (low), Laptop (high), Badge (medium).
    for (const [title, priority] of [
      ['Printer on floor 3 jams', 'urgent'],
      ['VPN drops every hour', 'low'],
      ['Laptop will not boot', 'high'],
      ['Badge does not open the door', 'medium'],
    ] as const) {
      const r = await t.api(agent, 'POST', '/api/v1/requests', { title, priority, requesterId: riley.id });
      expect(r.status).toBe(201);
      made[title.split(' ')[0]!] = r.body;
    }
    // Two escalations, stored as the delivery leaves them: one linked (Kustomer says it is open), one failed.
    await t.db
      .insertInto('escalations')
      .values([
        { request_id: made.Laptop!.id, provider: 'kustomer', state: 'linked', subject: 's', message: 'm', remote_status: 'open' },
        { request_id: made.VPN!.id, provider: 'kustomer', state: 'failed', subject: 's', message: 'm', last_error: 'Queue not found' },
      ])
      .execute();
  });

  afterAll(() => stack?.stop());

  const signIn = (who: TestUser, path = '/requests') => stack.signIn(who, { path });
  const titles = (page: Page) => page.getByTestId('request-row').locator('.col-title a').allInnerTexts();

  it('sorts by a column header, reverses on the second click, keeps the sort in the URL, and shows the total', async () => {
    const page = await signIn(agent);
    await expect.poll(() => page.getByTestId('request-count').innerText(), { timeout: TIMEOUT }).toBe('4 requests');
    expect(await titles(page)).toEqual(['Badge does not open the door', 'Laptop will not boot', 'VPN drops every hour', 'Printer on floor 3 jams']);

    const priority = page.getByRole('columnheader', { name: 'Priority' });
    await priority.getByRole('button').click();
    await expect
      .poll(() => titles(page), { timeout: TIMEOUT })
      .toEqual(['Printer on floor 3 jams', 'Laptop will not boot', 'Badge does not open the door', 'VPN drops every hour']);
    expect(await priority.getAttribute('aria-sort')).toBe('descending');
    expect(new URL(page.url()).searchParams.get('sort')).toBe('priority');

    await priority.getByRole('button').click();
    await expect
      .poll(() => titles(page), { timeout: TIMEOUT })
      .toEqual(['VPN drops every hour', 'Badge does not open the door', 'Laptop will not boot', 'Printer on floor 3 jams']);
    expect(await priority.getAttribute('aria-sort')).toBe('ascending');

    // The URL alone gives the same list (reload).
    await page.reload();
    await expect
      .poll(() => titles(page), { timeout: TIMEOUT })
      .toEqual(['VPN drops every hour', 'Badge does not open the door', 'Laptop will not boot', 'Printer on floor 3 jams']);
    await page.context().close();
  });

  it("shows each request's escalation and filters to the failed ones", async () => {
    const page = await signIn(agent);
    const row = (title: string) => page.getByTestId('request-row').filter({ hasText: title });
    await expect.poll(() => row('Laptop').getByTestId('escalation-cell').innerText(), { timeout: TIMEOUT }).toContain('Linked');
    expect(await row('Laptop').getByTestId('escalation-cell').innerText()).toContain('Kustomer: Open');
    expect(await row('VPN').getByTestId('escalation-cell').innerText()).toContain('Failed');
    expect(await row('Badge').getByTestId('escalation-cell').innerText()).toContain('Not escalated');
    await shot(page, 'escalations');

    await page.getByLabel('Escalation').selectOption({ label: 'Escalation failed' });
    await expect.poll(() => titles(page), { timeout: TIMEOUT }).toEqual(['VPN drops every hour']);
    expect(await page.getByTestId('request-count').innerText()).toBe('1 request');
    expect(new URL(page.url()).searchParams.get('escalation')).toBe('failed');
    // The built-in view for it is the current one.
    expect(await page.getByRole('navigation', { name: 'Views' }).getByRole('link', { name: 'Escalation failed' }).getAttribute('aria-current')).toBe('page');

    // Open in Kustomer, and the request not resolved: waiting on Kustomer.
    await page.getByLabel('Escalation').selectOption({ label: 'Waiting on Kustomer' });
    await expect.poll(() => titles(page), { timeout: TIMEOUT }).toEqual(['Laptop will not boot']);

    await page.getByLabel('Escalation').selectOption({ label: 'Not escalated' });
    await expect.poll(() => titles(page), { timeout: TIMEOUT }).toEqual(['Badge does not open the door', 'Printer on floor 3 jams']);
    await page.context().close();
  });

  it('fits a 1280-pixel laptop and tablets without scrolling sideways, still offering every sort', async () => {
    const page = await signIn(agent);
    await expect
      .poll(() => page.getByTestId('request-row').filter({ hasText: 'Laptop' }).getByTestId('escalation-cell').innerText(), { timeout: TIMEOUT })
      .toContain('Kustomer: Open');
    const sideways = () => page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    for (const width of [1280, 1024, 820]) {
      await page.setViewportSize({ width, height: 800 });
      expect(await sideways(), `at ${width} px`).toBeLessThanOrEqual(0);
      await shot(page, `list-${width}`);
    }
    // The Created column gives way; the sort select orders by it instead.
    await page.getByLabel('Sort').selectOption({ label: 'Created: oldest first' });
    await expect.poll(() => new URL(page.url()).searchParams.get('order'), { timeout: TIMEOUT }).toBe('asc');
    await page.context().close();
  });

  it('opens a view from its URL, saves it under a name, and a colleague opens the same list from the link', async () => {
    const path = '/requests?priority=urgent,high&sort=priority&order=asc';
    const page = await signIn(agent, path);
    await expect.poll(() => titles(page), { timeout: TIMEOUT }).toEqual(['Laptop will not boot', 'Printer on floor 3 jams']);

    await page.getByRole('button', { name: 'Save view' }).click();
    await page.getByLabel('View name').fill('Hot ones');
    await shot(page, 'save-view');
    await page.getByRole('form', { name: 'Save view' }).getByRole('button', { name: 'Save' }).click();
    const views = page.getByRole('navigation', { name: 'Views' });
    const saved = views.getByRole('link', { name: 'Hot ones' });
    await saved.waitFor();
    expect(await saved.getAttribute('aria-current')).toBe('page');
    const href = await saved.getAttribute('href');

    // Elsewhere, then back through the saved view.
    await views.getByRole('link', { name: 'All requests' }).click();
    await expect.poll(() => titles(page), { timeout: TIMEOUT }).toHaveLength(4);
    await saved.click();
    await expect.poll(() => titles(page), { timeout: TIMEOUT }).toEqual(['Laptop will not boot', 'Printer on floor 3 jams']);

    // The link is the view: a colleague who opens it sees the same list (the view itself stays Ada's).
    const other = await signIn(agent2, href!);
    await expect.poll(() => titles(other), { timeout: TIMEOUT }).toEqual(['Laptop will not boot', 'Printer on floor 3 jams']);
    expect(await other.getByRole('navigation', { name: 'Views' }).getByRole('link', { name: 'Hot ones' }).count()).toBe(0);
    await other.context().close();
    await page.context().close();
  });

  it('changes the selected requests in one go, says what changed, and writes one timeline entry per request', async () => {
    const page = await signIn(agent, '/requests?priority=urgent,high');
    await expect.poll(() => titles(page), { timeout: TIMEOUT }).toHaveLength(2);
    await page.getByRole('checkbox', { name: 'Select all 2 shown' }).check();
    const bar = page.getByRole('region', { name: 'Bulk actions' });
    await bar.getByText('2 selected').waitFor();
    await shot(page, 'bulk-bar');
    await bar.getByLabel('Set status').selectOption({ label: 'Resolved' });
    await expect.poll(() => page.getByTestId('bulk-summary').innerText(), { timeout: TIMEOUT }).toContain('2 requests: status → Resolved');
    await shot(page, 'bulk-summary');
    await expect.poll(() => page.getByTestId('request-row').filter({ hasText: 'Resolved' }).count(), { timeout: TIMEOUT }).toBe(2);
    expect(await bar.count()).toBe(0);

    for (const r of [made.Printer!, made.Laptop!]) {
      const entries = await t.db
        .selectFrom('timeline_entries')
        .select(['type', 'actor_user_id', 'data'])
        .where('request_id', '=', r.id)
        .where('type', '=', 'request.status_changed')
        .execute();
      expect(entries).toEqual([{ type: 'request.status_changed', actor_user_id: agent.id, data: { before: 'new', after: 'resolved' } }]);
    }

    // One row by its own checkbox, then assign with the keyboard-free select.
    await page.getByRole('checkbox', { name: `Select ${made.Laptop!.key}` }).check();
    await bar.getByLabel('Assign to').selectOption({ label: 'Ben Agent' });
    await expect.poll(() => page.getByTestId('bulk-summary').innerText(), { timeout: TIMEOUT }).toContain('1 request: assignee → Ben Agent');
    await page.context().close();
  });
});
