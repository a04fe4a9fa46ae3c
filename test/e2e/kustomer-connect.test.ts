/**
 * A browser journey through the real app (built web UI + API + Postgres) against the Kustomer emulator over real
 * HTTP: an admin opens Settings → Integrations → Kustomer, is told "Invalid credentials" for a wrong key, authorizes
 * with a good one, lets agents escalate to a queue, and sees a queue added in Kustomer (and one deleted there) after
 * Re-sync, and a failed save rolled back. Needs dist/web (npm test builds it; otherwise run `npm run build:web`) and Chromium at /usr/bin/chromium.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBrowserStack, type BrowserStack } from '../support/browser-stack.ts';
import type { TestUser } from '../support/test-app.ts';

const ORG = 'acme';

/** Polls the page through Playwright's auto-waiting locators and assertions: no sleeps anywhere. */
const TIMEOUT = 15_000;
const STACK = { kustomer: true, realClock: true, timeout: TIMEOUT } as const;

describe('connecting Kustomer in the browser', () => {
  let stack: BrowserStack<typeof STACK>;
  let page: Page;
  let admin: TestUser;

  beforeAll(async () => {
    stack = await startBrowserStack(STACK);
    admin = await stack.t.createUser('admin', { email: 'root@example.com', name: 'Rita Root' });
    page = await stack.newPage();
  });

  afterAll(() => stack?.stop());

  it('refuses a wrong key, authorizes a good one, enables a queue and picks up a new queue on Re-sync', async () => {
    // 1. Sign in as the admin and open Settings → Integrations → Kustomer from the left navigation.
    await stack.signInOn(page, admin);
    const { emulator, demo } = stack;

    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Integrations' }).click();
    await page.getByRole('heading', { name: 'Integrations', level: 1 }).waitFor();
    const listing = page.getByTestId('integration-kustomer');
    await expect.poll(() => listing.getByTestId('integration-status').textContent(), { timeout: TIMEOUT }).toBe('Not connected');
    await listing.getByRole('link', { name: 'Kustomer', exact: true }).click();
    await page.waitForURL(/\/settings\/integrations\/kustomer$/);
    await page.getByRole('heading', { name: 'Kustomer', level: 1 }).waitFor();

    // 2. A wrong key: Kustomer refuses it and the page says "Invalid credentials"; nothing is stored.
    await page.getByLabel('Org name').fill(ORG);
    await page.getByLabel('API key').fill('not-a-real-kustomer-key');
    await page.getByRole('button', { name: 'Authorize' }).click();
    await page.getByRole('alert').filter({ hasText: 'Invalid credentials' }).waitFor();
    expect(await page.getByTestId('integration-status').textContent()).toBe('Not connected');

    // 3. The good key (all roles): Connected, the org, only the key's last four, and the queues and teams.
    await page.getByLabel('API key').fill(demo.apiKey);
    await page.getByRole('button', { name: 'Authorize' }).click();
    await expect.poll(() => page.getByTestId('integration-status').textContent(), { timeout: TIMEOUT }).toBe('Connected');
    await expect.poll(() => page.getByTestId('kustomer-key').textContent(), { timeout: TIMEOUT }).toContain(demo.apiKey.slice(-4));
    expect(await page.getByTestId('kustomer-key').textContent()).not.toContain(demo.apiKey.slice(0, 12));
    await expect.poll(() => page.getByTestId('kustomer-org').textContent(), { timeout: TIMEOUT }).toContain(ORG);
    expect(await page.getByLabel('API key').count()).toBe(0);

    const queues = page.getByRole('region', { name: 'Queues' });
    const teams = page.getByRole('region', { name: 'Teams' });
    for (const name of ['Default Queue', 'Tier 2 Support', 'VIP', 'Billing']) await queues.getByText(name, { exact: true }).waitFor();
    for (const name of ['Escalations', 'Billing Team']) await teams.getByText(name, { exact: true }).waitFor();

    // 4. Let agents escalate to VIP: the box ticks at once and the change is saved.
    const vip = queues.getByRole('checkbox', { name: 'VIP: agents may escalate here', exact: true });
    expect(await vip.isChecked()).toBe(false);
    const isPatch = (r: { url(): string; method(): string }) => r.url().endsWith('/api/v1/integrations/kustomer') && r.method() === 'PATCH';
    const [saved] = await Promise.all([page.waitForResponse((r) => isPatch(r.request())), vip.check()]);
    expect(saved.status()).toBe(200);
    await expect.poll(() => vip.isChecked(), { timeout: TIMEOUT }).toBe(true);

    // 5. In Kustomer, a queue is added and one is deleted; Re-sync brings both changes in.
    emulator.control.createQueue({ org: ORG, name: 'Tier 3 Escalations' });
    emulator.control.deleteQueue({ org: ORG, id: demo.queues.billing.id });
    await page.getByRole('button', { name: 'Re-sync' }).click();
    await queues.getByText('Tier 3 Escalations', { exact: true }).waitFor();
    await page.getByRole('status').filter({ hasText: 'Tier 3 Escalations' }).waitFor();
    expect(await queues.getByRole('checkbox', { name: 'Tier 3 Escalations: agents may escalate here', exact: true }).isChecked()).toBe(false);

    // The deleted queue stays listed, marked, and cannot be switched on; VIP is still enabled after the sync.
    const billing = queues.getByTestId('kustomer-target').filter({ hasText: /^Billing/ });
    await billing.getByText('No longer in Kustomer').waitFor();
    expect(await billing.getByRole('checkbox').isDisabled()).toBe(true);
    expect(await vip.isChecked()).toBe(true);
    expect(await page.getByTestId('queues-count').textContent()).toBe('1 of 5 enabled');

    // 6. A save that fails puts the box back as it was and says so.
    await page.route('**/api/v1/integrations/kustomer', (route) =>
      isPatch(route.request())
        ? route.fulfill({ status: 500, contentType: 'application/json', body: JSON.stringify({ error: { code: 'internal', message: 'Something broke' } }) })
        : route.continue(),
    );
    const defaultQueue = queues.getByRole('checkbox', { name: 'Default Queue: agents may escalate here', exact: true });
    await defaultQueue.click();
    await page.getByRole('alert').filter({ hasText: 'Not saved' }).waitFor();
    await expect.poll(() => defaultQueue.isChecked(), { timeout: TIMEOUT }).toBe(false);
    expect(await vip.isChecked()).toBe(true);
    await page.unroute('**/api/v1/integrations/kustomer');
  });
});
