/**
 * Bridgedesk on a phone (390 × 844): the navigation folds into a menu (opened by a button, closed by Esc with the
 * focus back on the button), the request list is cards that never scroll sideways, a request shows its status, its
 * actions (Escalate) and its escalation card before the timeline, and the Escalate dialog fits the screen.
 * Kustomer is the emulator over HTTP. Needs dist/web (`npm run build:web`) and Chromium at /usr/bin/chromium.
 * SCREENSHOTS_DIR=/some/dir saves what the phone shows at each step, to look at.
 */
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PHONE, startBrowserStack, type BrowserStack } from '../support/browser-stack.ts';
import type { TestApp, TestUser } from '../support/test-app.ts';

const TIMEOUT = 15_000;
const SCREENSHOTS = process.env.SCREENSHOTS_DIR;
const STACK = { kustomer: true, timeout: TIMEOUT } as const;

describe('on a phone', () => {
  let stack: BrowserStack<typeof STACK>;
  let t: TestApp;
  let agent: TestUser;
  let baseUrl: string;
  let request: { id: string; key: string };

  beforeAll(async () => {
    stack = await startBrowserStack(STACK);
    ({ t, baseUrl } = stack);
    const admin = await t.createUser('admin', { name: 'Rita Root' });
    agent = await t.createUser('agent', { name: 'Ada Agent' });
    const riley = await t.createUser('requester', { name: 'Riley Requester' });
    const ids = (targets: Record<string, { id: string }>) => Object.values(targets).map((x) => x.id);
    await stack.connectKustomer(admin, { queues: ids(stack.demo.queues), teams: ids(stack.demo.teams) });

    const long = 'Customer order 48213 arrived damaged and the replacement was charged twice to the same card';
    for (let i = 0; i < 6; i++) {
      const r = await t.api(agent, 'POST', '/api/v1/requests', {
        title: `${long} (${i})`,
        requesterId: riley.id,
        priority: 'high',
        tags: ['billing', 'customer-escalation', 'refund'],
      });
      expect(r.status).toBe(201);
      request = r.body;
    }
    // A long timeline, so the order of the page matters.
    for (let i = 0; i < 12; i++) {
      expect(
        (
          await t.api(agent, 'POST', `/api/v1/requests/${request.id}/comments`, {
            body: `Update ${i}: still looking into the double charge with the payments team.`,
            visibility: 'internal',
          })
        ).status,
      ).toBe(201);
    }
  });

  afterAll(() => stack?.stop());

  const signIn = () => stack.signIn(agent, { context: { viewport: PHONE, isMobile: true, hasTouch: true, deviceScaleFactor: 1 } });
  const scrollWidth = (page: Page) => page.evaluate(() => document.scrollingElement!.scrollWidth);
  const shot = async (page: Page, name: string) => {
    if (!SCREENSHOTS) return;
    await page.screenshot({ path: path.join(SCREENSHOTS, `mobile-${name}.png`) });
    await page.screenshot({ path: path.join(SCREENSHOTS, `mobile-${name}-full.png`), fullPage: true });
  };

  it('puts the navigation in a menu: the button opens it, Esc closes it and gives the focus back', async () => {
    const page = await signIn();
    const nav = page.getByRole('navigation', { name: 'Main' });
    const button = page.getByRole('button', { name: 'Menu' });
    expect(await nav.isVisible()).toBe(false);
    expect(await button.getAttribute('aria-expanded')).toBe('false');

    await button.click();
    await nav.waitFor({ state: 'visible' });
    expect(await button.getAttribute('aria-expanded')).toBe('true');
    await expect.poll(() => page.evaluate(() => document.activeElement?.textContent), { timeout: TIMEOUT }).toBe('Requests');
    await shot(page, 'menu');

    await page.keyboard.press('Escape');
    await nav.waitFor({ state: 'hidden' });
    expect(await page.evaluate(() => document.activeElement?.textContent?.trim())).toBe('Menu');

    // Following a link closes it too.
    await button.click();
    await nav.getByRole('link', { name: 'API tokens' }).click();
    await page.getByRole('heading', { name: 'API tokens' }).waitFor();
    await nav.waitFor({ state: 'hidden' });
    await page.context().close();
  });

  it('shows the list as cards that fit the screen', async () => {
    const page = await signIn();
    const rows = page.getByTestId('request-row');
    await expect.poll(() => rows.count(), { timeout: TIMEOUT }).toBe(6);
    await shot(page, 'list');
    expect(await scrollWidth(page)).toBeLessThanOrEqual(PHONE.width);
    expect(await page.locator('.request-table thead').isVisible()).toBe(false);
    const card = await rows.first().boundingBox();
    expect(card!.x).toBeGreaterThanOrEqual(0);
    expect(card!.x + card!.width).toBeLessThanOrEqual(PHONE.width);
    // Sorting without column headers.
    await page.getByLabel('Sort').selectOption({ label: 'Created: oldest first' });
    await expect.poll(() => new URL(page.url()).searchParams.get('order'), { timeout: TIMEOUT }).toBe('asc');
    // Selecting rows and the bulk bar fit as well.
    await page.getByRole('checkbox', { name: 'Select all 6 shown' }).check();
    await page.getByRole('region', { name: 'Bulk actions' }).waitFor();
    await shot(page, 'list-bulk');
    expect(await scrollWidth(page)).toBeLessThanOrEqual(PHONE.width);
    await page.context().close();
  });

  it("shows a request's status, Escalate and the escalation card before the timeline, and the Escalate dialog fits", async () => {
    const page = await signIn();
    await page.goto(`${baseUrl}/requests/${request.key}`);
    const timeline = page.getByRole('region', { name: 'Timeline' });
    await timeline.getByText('Update 11').waitFor();
    await shot(page, 'request');
    expect(await scrollWidth(page)).toBeLessThanOrEqual(PHONE.width);

    const top = async (locator: ReturnType<Page['locator']>) => (await locator.boundingBox())!.y;
    const escalate = page.getByRole('button', { name: 'Escalate ticket' });
    const status = page.locator('.request-header .badge').first();
    const escalations = page.getByRole('region', { name: 'Escalations' });
    const timelineTop = await top(timeline);
    expect(await top(status)).toBeLessThan(timelineTop);
    expect(await top(escalate)).toBeLessThan(timelineTop);
    expect(await top(escalations)).toBeLessThan(timelineTop);
    // The main action is on the first screen, without scrolling.
    expect(await top(escalate)).toBeLessThan(PHONE.height);

    await escalate.click();
    const dialog = page.getByRole('dialog', { name: 'Escalate ticket' });
    await dialog.getByLabel('Subject').waitFor();
    await shot(page, 'escalate-dialog');
    const box = (await dialog.boundingBox())!;
    expect(box.x).toBeGreaterThanOrEqual(0);
    expect(box.y).toBeGreaterThanOrEqual(0);
    expect(box.x + box.width).toBeLessThanOrEqual(PHONE.width);
    expect(box.y + box.height).toBeLessThanOrEqual(PHONE.height);
    expect(await scrollWidth(page)).toBeLessThanOrEqual(PHONE.width);
    expect(await dialog.evaluate((d) => d.scrollWidth <= d.clientWidth)).toBe(true);
    // Everything in it can be reached: its last button scrolls into view inside the dialog.
    const send = dialog.getByRole('button', { name: /^Escalate/ }).last();
    await send.scrollIntoViewIfNeeded();
    const sendBox = (await send.boundingBox())!;
    expect(sendBox.y + sendBox.height).toBeLessThanOrEqual(PHONE.height);
    await page.context().close();
  });
});
