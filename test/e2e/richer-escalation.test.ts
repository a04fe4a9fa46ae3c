/**
 * Richer escalation in the browser (issue 17 point 5): the Escalate dialog offers a Kustomer person or team to assign,
 * a sub-status, and shows which of the request's tags go (the admin's allow-list); choosing Waiting on a request with
 * a linked conversation asks for a wake-up time and snoozes the conversation until then. Real parts: the app, the
 * worker, the Kustomer emulator over HTTP and Chromium; screenshots at 1280x800 and 390x844 in test/support/shots.ts's folder.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DemoOrg, ServedEmulator } from '../../src/connectors/kustomer/emulator/index.ts';
import { startBrowserStack, type BrowserStack } from '../support/browser-stack.ts';
import type { TestApp, TestUser } from '../support/test-app.ts';
import { SHOTS } from '../support/shots.ts';

const TIMEOUT = 15_000;
const STACK = { kustomer: true, worker: true, env: { BRIDGEDESK_PUBLIC_URL: 'https://desk.example.com' }, timeout: TIMEOUT } as const;
const DESKTOP = { viewport: { width: 1280, height: 800 } };
const PHONE = { viewport: { width: 390, height: 844 } };

describe('richer escalation in the browser', () => {
  let stack: BrowserStack<typeof STACK>;
  let emulator: ServedEmulator;
  let demo: DemoOrg;
  let t: TestApp;
  let agent: TestUser;
  let riley: TestUser;
  let baseUrl: string;

  beforeAll(async () => {
    stack = await startBrowserStack(STACK);
    ({ t, emulator, demo, baseUrl } = stack);
    const admin = await t.createUser('admin');
    agent = await t.createUser('agent', { name: 'Ada Agent' });
    riley = await t.createUser('requester', { name: 'Riley Requester' });
    await stack.connectKustomer(admin, { queues: [demo.queues.tier2Support.id] });
    expect((await t.api(admin, 'PUT', '/api/v1/integrations/kustomer/tag-allow-list', { tags: ['vpn'] })).status).toBe(200);
    expect((await t.api(admin, 'PUT', '/api/v1/integrations/kustomer/sync', { inbound: false, outbound: true, pollMinutes: 0 })).status).toBe(200);
  }, 60_000);

  afterAll(() => stack?.stop());

  async function fileRequest(title: string): Promise<{ id: string; key: string }> {
    const r = await t.api(agent, 'POST', '/api/v1/requests', {
      title,
      description: 'The VPN drops every hour.',
      requesterId: riley.id,
      tags: ['vpn', 'internal'],
    });
    expect(r.status).toBe(201);
    return r.body;
  }
  const conversationOf = (escalationId: string) =>
    emulator.control.conversations('acme').find((c) => c.attributes.externalId === escalationId)!.attributes as any;

  async function openDialog(page: Page, key: string) {
    await page.goto(`${baseUrl}/requests/${key}`);
    await page.getByRole('button', { name: 'Escalate ticket' }).first().click();
    const dialog = page.getByRole('dialog', { name: 'Escalate ticket' });
    await dialog.getByRole('form', { name: 'Escalate ticket' }).waitFor();
    return dialog;
  }

  it('escalates with an assignee, a sub-status and the allowed tags, then Waiting snoozes the conversation until the picked time', async () => {
    const page = await stack.signIn(agent, { context: DESKTOP });
    const r = await fileRequest('VPN drops every hour');
    const dialog = await openDialog(page, r.key);
    await dialog.getByLabel('Queue or team').selectOption({ label: 'Tier 2 Support' });
    await dialog.getByLabel('Assign to').selectOption({ label: 'Alex Rivera' });
    await dialog.getByLabel('Sub-status').selectOption({ label: 'Investigating' });
    const tags = dialog.getByTestId('escalate-tags');
    expect(await tags.locator('[data-outcome="sent"]').allInnerTexts()).toEqual([expect.stringContaining('vpn')]);
    expect(await tags.locator('[data-outcome="not_allowed"]').allInnerTexts()).toEqual([expect.stringContaining('internal')]);
    await page.screenshot({ path: `${SHOTS}/escalate-dialog-1280.png` });
    await dialog.getByRole('button', { name: /^Escalate to Tier 2 Support/ }).click();
    await dialog.waitFor({ state: 'hidden' });

    const escalation = await t.waitFor(async () => {
      const [e] = (await t.api(agent, 'GET', `/api/v1/requests/${r.id}/escalations`)).body.items;
      return e?.state === 'linked' ? e : undefined;
    });
    expect(conversationOf(escalation.id)).toMatchObject({
      assignedUsers: [demo.users.alex.id],
      subStatus: demo.subStatuses.investigating.id,
      tags: [demo.tags.vpn.id],
    });

    // The card names what it asked for: the assignee and the sub-status, not their ids.
    await page.reload();
    const card = page.getByRole('region', { name: 'Escalations' });
    await card.getByText('Alex Rivera').waitFor();
    await card.getByText('Investigating').first().waitFor();

    // Waiting on a request with a linked conversation asks when it wakes up.
    await page.getByLabel('Status', { exact: true }).selectOption('waiting');
    const picker = page.getByTestId('wake-picker');
    await picker.waitFor();
    await page.screenshot({ path: `${SHOTS}/waiting-picker-1280.png` });
    const tomorrow = picker.getByRole('button', { name: 'Tomorrow 9:00' });
    const expected = new Date(await tomorrow.getAttribute('title').then((x) => x!));
    await tomorrow.click();
    await t.waitFor(async () => conversationOf(escalation.id).status === 'snoozed' || undefined);
    const snoozedUntil = new Date(conversationOf(escalation.id).snooze.time);
    expect(Math.abs(snoozedUntil.getTime() - expected.getTime())).toBeLessThan(1000);
    expect(snoozedUntil.getTime()).toBeGreaterThan(Date.now());
    expect((await t.api(agent, 'GET', `/api/v1/requests/${r.id}`)).body.status).toBe('waiting');
  });

  it('fits the dialog and the wake-up picker on a phone', async () => {
    const page = await stack.signIn(agent, { context: PHONE });
    const r = await fileRequest('VPN drops on the phone');
    const dialog = await openDialog(page, r.key);
    await dialog.getByLabel('Assign to').scrollIntoViewIfNeeded();
    await page.screenshot({ path: `${SHOTS}/escalate-dialog-390.png` });
    await dialog.getByTestId('escalate-tags').scrollIntoViewIfNeeded();
    await page.screenshot({ path: `${SHOTS}/escalate-dialog-390-tags.png` });
    await dialog.getByLabel('Queue or team').selectOption({ label: 'Tier 2 Support' });
    await dialog.getByRole('button', { name: /^Escalate to Tier 2 Support/ }).click();
    await dialog.waitFor({ state: 'hidden' });
    await t.waitFor(async () => (await t.api(agent, 'GET', `/api/v1/requests/${r.id}/escalations`)).body.items[0]?.state === 'linked' || undefined);
    await page.reload();
    await page.getByLabel('Status', { exact: true }).selectOption('waiting');
    const picker = page.getByTestId('wake-picker');
    await picker.waitFor();
    await picker.scrollIntoViewIfNeeded();
    await page.screenshot({ path: `${SHOTS}/waiting-picker-390.png` });
    // Cancel leaves the status as it was.
    await picker.getByRole('button', { name: 'Cancel' }).click();
    await picker.waitFor({ state: 'hidden' });
    expect((await t.api(agent, 'GET', `/api/v1/requests/${r.id}`)).body.status).not.toBe('waiting');
  });
});
