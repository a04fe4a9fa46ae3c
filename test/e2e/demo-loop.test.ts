/**
 * The demo's headline, in the browser: the loop closed. The demo seed escalates one request and a Kustomer agent
 * picks it up (the emulator, over real HTTP, its webhooks routed to the app on loopback). An agent opens that request
 * and sees Kustomer's assignee, sub-status and note; follows "Open in Kustomer" to the emulator's agent console;
 * marks the conversation done there and adds a note; back on the request page, without a reload, Kustomer's status,
 * the request's own status and the note show within 2 s of each action. Screenshots of the console and the request
 * at 1280x800 and 390x844 land in test/support/shots.ts's folder. Needs dist/web (`npm run build:web`) and Chromium
 * at /usr/bin/chromium.
 */
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actInKustomerOnceLinked, DEMO_KUSTOMER_NOTE } from '../../src/cli/demo-escalation.ts';
import { DEMO_PASSWORD, seedDemo } from '../../src/cli/demo-seed.ts';
import { addDemoAttributes } from '../../src/cli/demo-kustomer.ts';
import { createLogger } from '../../src/logger.ts';
import { destinationDeps } from '../../src/usecases/destination-access.ts';
import { startBrowserStack, type BrowserStack } from '../support/browser-stack.ts';
import { SHOTS } from '../support/shots.ts';
import type { TestUser } from '../support/test-app.ts';

const TIMEOUT = 20_000;
const STACK = { kustomer: { webhooksToApp: true }, worker: true, realClock: true, timeout: TIMEOUT } as const;
const LAPTOP = { width: 1280, height: 800 };
const PHONE = { width: 390, height: 844 };

describe('the demo closes the loop, in the browser', () => {
  let stack: BrowserStack<typeof STACK>;

  beforeAll(async () => {
    stack = await startBrowserStack(STACK);
    const { t, emulator, demo } = stack;
    await t.createUser('admin', { name: 'Avery Admin' });
    const deps = {
      ...destinationDeps(t.config, { db: t.db, now: () => new Date(), secrets: t.secrets }),
      log: createLogger('silent'),
      publicUrl: t.config.publicUrl,
    };
    addDemoAttributes(emulator.control, 'acme');
    const seeded = await seedDemo(deps, { org: 'acme', apiKey: demo.apiKey, enableQueues: ['Tier 2 Support', 'VIP'], enableTeams: ['Escalations'] });
    await actInKustomerOnceLinked(deps, { control: emulator.control, org: demo }, seeded!.escalationId, { pollMs: 50 });
  });
  afterAll(() => stack?.stop());

  const shot = (page: Page, name: string, fullPage = false) => page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage });

  it('shows Kustomer’s work on the escalated request, and follows what an agent does in the console within 2 s, without a reload', async () => {
    const ada = { email: 'ada@demo.test', password: DEMO_PASSWORD } as TestUser;
    const page = await stack.signIn(ada, { context: { viewport: LAPTOP } });
    await page.getByRole('link', { name: 'Customer cannot log in after password reset' }).click();
    const card = page.getByTestId('escalations').getByTestId('escalation');
    const remote = card.getByTestId('remote-state');
    const timeline = page.getByRole('region', { name: 'Timeline' });
    // What the Kustomer agent did before anyone looked: assignment, sub-status, note.
    await remote.getByTestId('remote-assignee').filter({ hasText: 'Alex Rivera' }).waitFor();
    expect(await remote.getByTestId('remote-sub-status').textContent()).toBe('Investigating');
    expect(await remote.getByTestId('remote-team').textContent()).toBe('Escalations');
    await timeline.getByText(DEMO_KUSTOMER_NOTE).waitFor();
    await shot(page, 'demo-loop-request-before-1280');
    await page.evaluate(() => ((window as unknown as { notReloaded: boolean }).notReloaded = true));

    // "Open in Kustomer" leads to the emulator's agent console, in a new tab.
    const [kustomer] = await Promise.all([page.context().waitForEvent('page'), card.getByRole('link', { name: /Open in Kustomer/ }).click()]);
    kustomer.setDefaultTimeout(TIMEOUT);
    await kustomer.getByTestId('conversation-id').waitFor();
    expect(await kustomer.getByTestId('conversation-id').textContent()).toBe(await card.getByTestId('conversation-id').getAttribute('data-id'));
    expect(await kustomer.getByTestId('console-assignee').textContent()).toBe('Alex Rivera');
    await kustomer.getByText(DEMO_KUSTOMER_NOTE).waitFor();
    // The demo's field mapping: the request's facts are on the conversation, where a Kustomer agent reads them.
    const attributes = kustomer.getByTestId('console-attributes');
    expect(await attributes.getByText('Request status').locator('xpath=following-sibling::dd').textContent()).toBe('new');
    await shot(kustomer, 'demo-loop-console-1280', true);

    /** Does something in the console and waits for its confirmation; resolves with when that was. */
    const inConsole = async (act: () => Promise<void>, confirmation: string) => {
      await act();
      await kustomer.getByRole('status').filter({ hasText: confirmation }).waitFor();
      return Date.now();
    };
    const within2s = async (shown: () => Promise<unknown>, since: number) => {
      await shown();
      expect(Date.now() - since).toBeLessThanOrEqual(2_000);
    };

    const doneAt = await inConsole(() => kustomer.getByRole('button', { name: 'Mark done' }).click(), 'Marked done');
    expect(await kustomer.getByTestId('console-status').textContent()).toBe('Done');
    await within2s(() => remote.getByTestId('remote-status').filter({ hasText: 'Done' }).waitFor(), doneAt);
    // Two-way status sync is on in the demo: done in Kustomer resolves the request.
    await within2s(() => page.locator('.request-meta .badge', { hasText: 'Resolved' }).waitFor(), doneAt);

    const note = 'Fix deployed: reset links now last 24 hours. Closing.';
    const notedAt = await inConsole(async () => {
      await kustomer.getByLabel('Text').fill(note);
      await kustomer.getByRole('button', { name: 'Add internal note' }).click();
    }, 'Note added');
    await within2s(() => timeline.getByText(note).waitFor(), notedAt);
    expect(await page.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded)).toBe(true);

    await shot(kustomer, 'demo-loop-console-done-1280', true);
    await shot(page, 'demo-loop-request-after-1280', true);
    await kustomer.setViewportSize(PHONE);
    await shot(kustomer, 'demo-loop-console-390');
    await shot(kustomer, 'demo-loop-console-390-full', true);
    await page.setViewportSize(PHONE);
    await remote.scrollIntoViewIfNeeded();
    await shot(page, 'demo-loop-request-390');
    await timeline.getByText(note).scrollIntoViewIfNeeded();
    await shot(page, 'demo-loop-request-note-390');
  });
});
