/**
 * A browser journey through the field mapping card (issue 17 point 6): Kustomer's org has attributes for
 * Bridgedesk's facts; the card suggests a default mapping from them, the admin applies it, drops one pair, saves,
 * and the card then suggests only the pair left out. Built web UI + API + Postgres, the Kustomer emulator over HTTP.
 * Screenshots at 1280x800 and 390x844 go to test/support/shots.ts's folder. Needs dist/web and Chromium.
 */
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBrowserStack, type BrowserStack } from '../support/browser-stack.ts';
import type { TestUser } from '../support/test-app.ts';
import { SHOTS } from '../support/shots.ts';

const TIMEOUT = 20_000;
const STACK = { kustomer: true, timeout: TIMEOUT } as const;
/** The viewport, the field mapping card scrolled to its top. */
async function shot(page: Page, name: string) {
  // its top below the page's fixed top bar
  await page.getByTestId('kustomer-field-mapping').evaluate((el) => window.scrollTo(0, el.getBoundingClientRect().top + window.scrollY - 60));
  await page.screenshot({ path: path.join(SHOTS, `${name}.png`) });
}

describe('the suggested field mapping in the browser', () => {
  let stack: BrowserStack<typeof STACK>;
  let admin: TestUser;

  beforeAll(async () => {
    stack = await startBrowserStack(STACK);
    stack.emulator.control.setMetadata({
      org: 'acme',
      properties: {
        bridgedeskStatusStr: { type: 'string', displayName: 'Request status' },
        bridgedeskAssigneeStr: { type: 'string', displayName: 'Assignee' },
        bridgedeskAssigneeEmailStr: { type: 'string', displayName: 'Assignee email' },
        bridgedeskApprovalStr: { type: 'string', displayName: 'Pending approval' },
        lastInternalUpdateTxt: { type: 'string', displayName: 'Last internal update' },
        lastInternalUpdateAt: { type: 'date', displayName: 'Last internal update at' },
        deliveryStatusStr: { type: 'string', displayName: 'Delivery status' },
        orderNumberStr: { type: 'string', displayName: 'Order number' },
      },
    });
    admin = await stack.t.createUser('admin', { email: 'root@example.com', name: 'Rita Root' });
    await stack.connectKustomer(admin, { queues: [stack.demo.queues.tier2Support.id] });
  });

  afterAll(() => stack?.stop());

  it('suggests pairs from Kustomer’s attributes, applies them as editable rows, and saves what the admin keeps', async () => {
    const page = await stack.signIn(admin, { context: { viewport: { width: 1280, height: 800 } } });
    await page.goto(`${stack.baseUrl}/settings/integrations/kustomer`);
    const card = page.getByTestId('kustomer-field-mapping');
    const suggested = card.getByRole('region', { name: 'Suggested mapping' });
    await suggested.waitFor();
    expect(await suggested.getByTestId('field-mapping-suggestion').allTextContents()).toEqual([
      'Status → Request status (bridgedeskStatusStr)',
      'Assignee name → Assignee (bridgedeskAssigneeStr)',
      'Assignee email → Assignee email (bridgedeskAssigneeEmailStr)',
      'Pending approval → Pending approval (bridgedeskApprovalStr)',
      'Last internal update → Last internal update (lastInternalUpdateTxt)',
      'Last internal update time → Last internal update at (lastInternalUpdateAt)',
    ]);
    await shot(page, 'field-mapping-suggestions-1280x800');

    // Apply: six rows to review; nothing is saved yet.
    await suggested.getByRole('button', { name: 'Apply suggestions' }).click();
    await suggested.waitFor({ state: 'detached' });
    const rows = card.getByTestId('field-mapping-row');
    expect(await rows.count()).toBe(6);
    expect(await card.getByLabel('Bridgedesk field, row 3').locator('option:checked').textContent()).toBe('Assignee email');
    expect(await card.getByLabel('Kustomer attribute, row 3').inputValue()).toBe('bridgedeskAssigneeEmailStr');
    await shot(page, 'field-mapping-applied-1280x800');
    expect((await stack.t.api(admin, 'GET', '/api/v1/integrations/kustomer/field-mappings')).body.items).toEqual([]);

    // The admin drops the assignee's email, then saves.
    await card.getByRole('button', { name: 'Remove row 3' }).click();
    const isPut = (r: { url(): string; method(): string }) => r.url().endsWith('/api/v1/integrations/kustomer/field-mappings') && r.method() === 'PUT';
    const [saved] = await Promise.all([page.waitForResponse((r) => isPut(r.request())), card.getByRole('button', { name: 'Save' }).click()]);
    expect(saved.status()).toBe(200);
    const items = (await stack.t.api(admin, 'GET', '/api/v1/integrations/kustomer/field-mappings')).body.items as { requestField: string }[];
    expect(items.map((m) => m.requestField).sort()).toEqual(['assignee_name', 'last_internal_update', 'last_internal_update_at', 'pending_approval', 'status']);

    // What is left out is still suggested, alone.
    await expect
      .poll(() => suggested.getByTestId('field-mapping-suggestion').allTextContents())
      .toEqual(['Assignee email → Assignee email (bridgedeskAssigneeEmailStr)']);

    // The same card on a phone.
    const phone = await stack.signIn(admin, { context: { viewport: { width: 390, height: 844 } } });
    await phone.goto(`${stack.baseUrl}/settings/integrations/kustomer`);
    const phoneCard = phone.getByTestId('kustomer-field-mapping');
    await phoneCard.getByRole('region', { name: 'Suggested mapping' }).waitFor();
    await shot(phone, 'field-mapping-suggestions-390x844');
    const overflow = await phone.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow).toBeLessThanOrEqual(0);
  });
});
