/**
 * A browser journey through Settings → Integrations → Kustomer (built web UI + API + Postgres + the worker, the
 * Kustomer emulator over real HTTP): the admin changes which Kustomer priority a high request becomes, and the
 * Escalate form then offers it; a mapped attribute deleted from Kustomer's metadata is named in the field mapping
 * card after an escalation's push is refused; the Tags card keeps a draft (a tag Kustomer lacks marked) until Save or
 * Discard. Needs dist/web (`npm run build:web`) and Chromium at /usr/bin/chromium.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServedEmulator } from '../../src/connectors/kustomer/emulator/index.ts';
import type { UserActor } from '../../src/core/actor.ts';
import { createRequest } from '../../src/usecases/create-request.ts';
import { startBrowserStack, type BrowserStack } from '../support/browser-stack.ts';
import { actorOf, type TestApp, type TestUser } from '../support/test-app.ts';

const ORG = 'acme';
const TIMEOUT = 20_000;
const SHOTS = process.env.SHOTS_DIR ?? '.test-results';
const STACK = { kustomer: true, worker: true, realClock: true, env: { BRIDGEDESK_PUBLIC_URL: 'http://desk.example.test' }, timeout: TIMEOUT } as const;

describe('Kustomer priority and field mapping settings in the browser', () => {
  let stack: BrowserStack<typeof STACK>;
  let t: TestApp;
  let emulator: ServedEmulator;
  let page: Page;
  let baseUrl: string;
  let adminUser: TestUser;
  let admin: UserActor;
  let requesterId: string;

  beforeAll(async () => {
    stack = await startBrowserStack(STACK);
    ({ t, emulator, baseUrl } = stack);
    emulator.control.setMetadata({ org: ORG, properties: { orderNumberStr: { type: 'string', displayName: 'Order number' }, refundNum: { type: 'number' } } });
    adminUser = await t.createUser('admin', { email: 'root@example.com', name: 'Rita Root' });
    admin = actorOf(adminUser);
    requesterId = (await t.createUser('requester', { email: 'riley@corp.example', name: 'Riley Requester' })).id;

    // Kustomer connected, one queue, and order number → orderNumberStr mapped, through the API.
    await stack.connectKustomer(adminUser, { queues: [stack.demo.queues.tier2Support.id] });
    await t.db.insertInto('custom_fields').values({ key: 'order_number', label: 'Order number', type: 'text' }).execute();
    const mapped = await t.api(adminUser, 'PUT', '/api/v1/integrations/kustomer/field-mappings', {
      items: [{ requestField: 'field.order_number', remoteField: 'orderNumberStr' }],
    });
    expect(mapped.status, JSON.stringify(mapped.body)).toBe(200);
    page = await stack.newPage();
  });

  afterAll(() => stack?.stop());

  /** Settings → Integrations → Kustomer, signed in as the admin (signing in when the page asks). */
  async function openKustomerSettings() {
    await page.goto(`${baseUrl}/settings/integrations/kustomer`);
    const settings = page.getByRole('heading', { name: 'Kustomer', level: 1 });
    const signIn = page.getByRole('heading', { name: 'Sign in' });
    await settings.or(signIn).waitFor();
    if (await signIn.isVisible()) {
      await page.getByLabel('Email').fill(adminUser.email);
      await page.getByLabel('Password').fill(adminUser.password);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await settings.waitFor();
    }
  }

  it('edits the priority map, which the Escalate form then uses, and names an attribute Kustomer no longer knows', async () => {
    // 1. Sign in as the admin and open Settings → Integrations → Kustomer.
    await openKustomerSettings();

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
    expect((await t.db.selectFrom('destination_connections').select('priority_map').executeTakeFirstOrThrow()).priority_map).toEqual({
      low: 2,
      medium: 3,
      high: 3,
      urgent: 5,
    });

    // 3. Kustomer deletes orderNumberStr; a high request is escalated with the form's default priority.
    emulator.control.setMetadata({ org: ORG, properties: { refundNum: { type: 'number' } } });
    const request = await createRequest(
      t.db,
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

  it('keeps the Tags card a draft until Save: a suggested Kustomer tag and one Kustomer lacks (marked) are discarded, then a tag is saved', async () => {
    await openKustomerSettings();
    const card = page.getByRole('region', { name: 'Tags' });
    const status = card.getByRole('status');
    await card.getByText('None: escalations send no tag to Kustomer.').waitFor();

    // A suggestion from Kustomer's tags and a typed tag Kustomer has not: unsaved, the typed one marked.
    await card.getByRole('button', { name: '+ vpn' }).click();
    const input = card.getByLabel('Request tags that go to Kustomer');
    await input.fill('payroll');
    await input.press('Enter');
    expect(await card.getByTestId('tags-unknown-in-kustomer').textContent()).toContain('Kustomer has no tag named payroll');
    expect(await status.textContent()).toBe('Unsaved changes');
    await card.screenshot({ path: `${SHOTS}/tags-card-1280-draft.png` });
    await page.setViewportSize({ width: 390, height: 844 });
    await card.screenshot({ path: `${SHOTS}/tags-card-390-draft.png` });
    await page.getByRole('region', { name: 'Priority' }).screenshot({ path: `${SHOTS}/priority-card-390.png` });
    await page.setViewportSize({ width: 1280, height: 800 });

    // Discard drops both: the saved (empty) list shows again.
    await card.getByRole('button', { name: 'Discard changes' }).click();
    await card.getByText('None: escalations send no tag to Kustomer.').waitFor();
    expect(await card.getByTestId('tags-unknown-in-kustomer').count()).toBe(0);

    // Save keeps the list; the API reads it back.
    await card.getByRole('button', { name: '+ network' }).click();
    const isPut = (r: { url(): string; method(): string }) => r.url().endsWith('/api/v1/integrations/kustomer/tag-allow-list') && r.method() === 'PUT';
    const [saved] = await Promise.all([page.waitForResponse((r) => isPut(r.request())), card.getByRole('button', { name: 'Save' }).click()]);
    expect(saved.status()).toBe(200);
    await status.filter({ hasText: 'Saved.' }).waitFor();
    expect((await t.api(adminUser, 'GET', '/api/v1/integrations/kustomer/tag-allow-list')).body.allowed).toEqual(['network']);
  }, 60_000);
});
