/**
 * Browser journeys through the real app (built web UI + API + Postgres + the delivery worker) against the Kustomer
 * emulator over real HTTP. A: an agent escalates a request from the side panel, watches it reach "Linked", opens the
 * conversation in Kustomer, and confirms escalating again. B: the back-link note fails (an injected fault), the
 * panel says "Link failed" with the conversation id, and after the fault clears the agent re-links it by hand.
 * Needs dist/web (npm test builds it; otherwise run `npm run build:web`) and Chromium at /usr/bin/chromium.
 */
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServedEmulator } from '../../src/connectors/kustomer/emulator/index.ts';
import type { UserActor } from '../../src/core/actor.ts';
import { createRequest } from '../../src/usecases/create-request.ts';
import { startBrowserStack, type BrowserStack } from '../support/browser-stack.ts';
import { actorOf, type TestApp } from '../support/test-app.ts';

const ORG = 'acme';

/** Polls the page through Playwright's auto-waiting locators and assertions: no sleeps anywhere. */
const TIMEOUT = 20_000;
const STACK = { kustomer: true, worker: true, realClock: true, timeout: TIMEOUT } as const;

describe('escalating to Kustomer in the browser', () => {
  let stack: BrowserStack<typeof STACK>;
  let t: TestApp;
  let emulator: ServedEmulator;
  let page: Page;
  let baseUrl: string;
  let agent: UserActor;
  let requesterId: string;

  beforeAll(async () => {
    stack = await startBrowserStack(STACK);
    ({ t, emulator, baseUrl } = stack);
    const ada = await t.createUser('agent', { email: 'ada@example.com', name: 'Ada Agent' });
    agent = actorOf(ada);
    const admin = await t.createUser('admin', { email: 'root@example.com', name: 'Rita Root' });
    requesterId = (await t.createUser('requester', { email: 'riley@corp.example', name: 'Riley Requester' })).id;
    // Let agents escalate to Tier 2 Support (the settings page has its own journey).
    await stack.connectKustomer(admin, { queues: [stack.demo.queues.tier2Support.id] });
    page = await stack.newPage();
    await stack.signInOn(page, ada);
  });

  afterAll(() => stack?.stop());

  async function openNewRequest(title: string) {
    const r = await createRequest(t.db, agent, { title, description: 'Order 4417 never arrived.', requesterId, priority: 'high' }, new Date());
    await page.goto(`${baseUrl}/requests/${r.key}`);
    await page.getByRole('heading', { name: new RegExp(title) }).waitFor();
    return r;
  }

  const stored = async (requestId: string) =>
    t.db
      .selectFrom('escalations')
      .select(['id', 'state', 'remote_id', 'remote_url', 'next_attempt_at'])
      .where('request_id', '=', requestId)
      .orderBy('created_at', 'desc')
      .execute();
  const stateOf = (item: Locator) => expect.poll(() => item.getByTestId('escalation-state').textContent(), { timeout: TIMEOUT });

  it('A: escalates from the side panel, reaches Linked, opens the conversation in Kustomer, and confirms escalating again', async () => {
    const request = await openNewRequest('Refund never arrived');
    const panel = page.getByTestId('side-panel');
    const escalations = panel.getByTestId('escalations');
    await escalations.getByText('Not escalated yet.').waitFor();

    // The form, pre-filled from the request: subject, message, priority from "High", email.
    await panel.getByRole('button', { name: 'Escalate ticket' }).click();
    const dialog = page.getByRole('dialog', { name: 'Escalate ticket' });
    const target = dialog.getByLabel('Queue or team');
    await target.waitFor();
    expect(await dialog.getByLabel('Subject').inputValue()).toBe('Refund never arrived');
    expect(await dialog.getByLabel('Message').inputValue()).toContain('Order 4417 never arrived.');
    // high → 4 on Kustomer's scale, where 3 is normal (the default priority map)
    expect(await dialog.getByLabel('Priority').inputValue()).toBe('4');
    expect(await dialog.getByLabel('Priority').locator('option:checked').textContent()).toBe('4 — High');
    expect(await dialog.getByLabel('Channel').inputValue()).toBe('email');
    await target.selectOption({ label: 'Tier 2 Support' });
    await dialog.getByRole('button', { name: 'Escalate to Tier 2 Support', exact: true }).click();

    // The panel shows it at once, then follows it to Linked.
    await dialog.waitFor({ state: 'hidden' });
    const item = escalations.getByTestId('escalation');
    await expect.poll(() => item.count(), { timeout: TIMEOUT }).toBe(1);
    expect(await item.getByTestId('escalation-target').textContent()).toBe('Tier 2 Support');
    await stateOf(item).toBe('Linked');

    const [row] = await stored(request.id);
    expect(row).toMatchObject({ state: 'linked' });
    // Shown short (the whole id in data-id and the title), like every conversation id.
    expect(await item.getByTestId('conversation-id').getAttribute('data-id')).toBe(row!.remote_id);
    expect(await item.getByTestId('conversation-id').textContent()).toBe(`${row!.remote_id!.slice(0, 8)}…`);
    const open = item.getByRole('link', { name: 'Open in Kustomer' });
    expect(await open.getAttribute('href')).toBe(row!.remote_url);
    expect(await open.getAttribute('target')).toBe('_blank');
    expect(await open.getAttribute('rel')).toContain('noopener');

    // The timeline tells the story as one internal entry, the conversation linked, that expands to its steps.
    const timeline = page.getByRole('region', { name: 'Timeline' });
    const group = timeline.locator('[data-testid="timeline-group"][data-group="escalation"]');
    await group.getByText('Ada Agent escalated to Kustomer · Tier 2 Support').first().waitFor();
    await expect
      .poll(() => group.getByTestId('timeline-group-outcome').textContent(), { timeout: TIMEOUT })
      .toBe(`linked to conversation ${row!.remote_id!.slice(0, 8)}…`);
    expect(await group.getByTestId('timeline-group-outcome').locator('a').getAttribute('href')).toBe(row!.remote_url);
    await group.getByRole('button', { name: /^Show \d+ steps$/ }).click();
    await group.getByText(`Bridgedesk created Kustomer conversation ${row!.remote_id!.slice(0, 8)}…`).waitFor();
    await group.getByText('Bridgedesk linked this request to conversation').waitFor();

    // Following the link lands on the conversation in Kustomer (the emulator's agent view), in a new tab.
    const [tab] = await Promise.all([page.context().waitForEvent('page'), open.click()]);
    await tab.getByTestId('conversation-id').waitFor();
    expect(await tab.getByTestId('conversation-id').textContent()).toBe(row!.remote_id);
    await tab.close();

    // Escalating again: the dialog says so as it opens ("already has an open escalation"); sending creates a second one.
    await page.keyboard.press('e');
    await dialog.getByLabel('Queue or team').waitFor();
    await dialog.getByTestId('escalate-open-warning').getByText('This request already has an open escalation (Linked, Tier 2 Support).').waitFor();
    await dialog.getByRole('button', { name: 'Escalate again to Tier 2 Support' }).waitFor();
    await dialog.getByLabel('Subject').press('Control+Enter');
    await dialog.waitFor({ state: 'hidden' });
    await expect.poll(() => item.count(), { timeout: TIMEOUT }).toBe(2);
    await stateOf(item.first()).toBe('Linked');
    expect((await stored(request.id)).map((e) => e.state)).toEqual(['linked', 'linked']);
  }, 90_000);

  it('B: shows "Link failed" with the conversation id when the back-link cannot be posted, then re-links by hand', async () => {
    const request = await openNewRequest('VPN drops every hour');
    const fault = emulator.control.injectFault({ kind: '500', share: 1, method: 'POST', pathPrefix: '/v1/conversations/' });

    // `e` opens the form; Ctrl+Enter sends it (the only enabled queue is chosen already).
    await page.keyboard.press('e');
    const dialog = page.getByRole('dialog', { name: 'Escalate ticket' });
    expect(await dialog.getByLabel('Queue or team').locator('option:checked').textContent()).toBe('Tier 2 Support');
    await dialog.getByLabel('Message').press('Control+Enter');
    await dialog.waitFor({ state: 'hidden' });

    // The conversation exists but the note fails: retried, then given up; the panel says so, with the id.
    const item = page.getByTestId('escalations').getByTestId('escalation');
    await stateOf(item).toBe('Link failed');
    await expect.poll(() => item.getByTestId('escalation-problem').textContent(), { timeout: TIMEOUT }).not.toMatch(/^Retrying/);
    const [row] = await stored(request.id);
    expect(row).toMatchObject({ state: 'link_failed', next_attempt_at: null });
    // Shown short (the whole id in data-id and the title), like every conversation id.
    expect(await item.getByTestId('conversation-id').getAttribute('data-id')).toBe(row!.remote_id);
    expect(await item.getByTestId('conversation-id').textContent()).toBe(`${row!.remote_id!.slice(0, 8)}…`);
    expect(await item.getByTestId('escalation-problem').textContent()).toMatch(/500/);
    const timeline = page.getByRole('region', { name: 'Timeline' });
    const group = timeline.locator('[data-testid="timeline-group"][data-group="escalation"]');
    await expect
      .poll(() => group.getByTestId('timeline-group-outcome').textContent(), { timeout: TIMEOUT })
      .toMatch(new RegExp(`^conversation ${row!.remote_id!.slice(0, 8)}… created, back-link failed: Kustomer answered 500`));
    await group.getByRole('button', { name: /^Show \d+ steps$/ }).click();
    await group
      .getByText(`Bridgedesk could not post the back-link on conversation ${row!.remote_id!.slice(0, 8)}…`)
      .first()
      .waitFor();

    // Kustomer is fine again: Re-link to the same conversation; the back-link is posted and it is Linked.
    emulator.control.clearFaults(fault.id);
    await item.getByRole('button', { name: 'Re-link' }).click();
    const form = item.getByRole('form', { name: 'Re-link escalation' });
    await form.getByLabel('Conversation link or id').fill(row!.remote_id!);
    await form.getByRole('button', { name: 'Re-link', exact: true }).click();
    await stateOf(item).toBe('Linked');
    expect(await item.getByTestId('escalation-problem').count()).toBe(0);
    await timeline.getByText(`Ada Agent re-linked the escalation to conversation ${row!.remote_id!.slice(0, 8)}…`).waitFor();
    await timeline.getByText('Bridgedesk linked this request to conversation').waitFor();
    const notes = emulator.control
      .notes(ORG)
      .filter((n) => (n.relationships as unknown as { conversation: { data: { id: string } } }).conversation.data.id === row!.remote_id);
    expect(notes).toHaveLength(1);
  }, 90_000);
});
