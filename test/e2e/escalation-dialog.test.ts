/**
 * The Escalate dialog and the escalation card, in the browser, as an agent uses them all day: edits are never thrown
 * away without asking, the subject and message count against their limits and are never cut, an open escalation is
 * named as the dialog opens, an escalation whose queue was deleted in Kustomer is retried to another queue from the
 * card, and a conversation another request holds is named before it is linked here too. Real parts: the app, the
 * worker, the Kustomer emulator over HTTP and Chromium.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DemoOrg, ServedEmulator } from '../../src/connectors/kustomer/emulator/index.ts';
import { startBrowserStack, type BrowserStack } from '../support/browser-stack.ts';
import type { TestApp, TestUser } from '../support/test-app.ts';
import { SHOTS } from '../support/shots.ts';

const TIMEOUT = 15_000;
const STACK = { kustomer: true, worker: true, env: { BRIDGEDESK_PUBLIC_URL: 'https://desk.example.com' }, timeout: TIMEOUT } as const;

describe('the Escalate dialog and the escalation card in the browser', () => {
  let stack: BrowserStack<typeof STACK>;
  let emulator: ServedEmulator;
  let demo: DemoOrg;
  let t: TestApp;
  let page: Page;
  let agent: TestUser;
  let riley: TestUser;
  let baseUrl: string;

  beforeAll(async () => {
    stack = await startBrowserStack(STACK);
    ({ t, emulator, demo, baseUrl } = stack);
    const admin = await t.createUser('admin');
    agent = await t.createUser('agent', { name: 'Ada Agent' });
    riley = await t.createUser('requester', { name: 'Riley Requester' });
    await stack.connectKustomer(admin, { queues: [demo.queues.tier2Support.id, demo.queues.vip.id] });
    page = await stack.signIn(agent);
  }, 60_000);

  afterAll(() => stack?.stop());

  async function fileRequest(title: string, description = 'Order 4417 was never refunded.'): Promise<{ id: string; key: string }> {
    const r = await t.api(agent, 'POST', '/api/v1/requests', { title, description, requesterId: riley.id });
    expect(r.status).toBe(201);
    return r.body;
  }
  const escalationsOf = async (requestId: string) => (await t.api(agent, 'GET', `/api/v1/requests/${requestId}/escalations`)).body.items as any[];
  const settled = (id: string, states: string[]) =>
    t.waitFor(async () => {
      const e = (await t.api(agent, 'GET', `/api/v1/escalations/${id}`)).body;
      return states.includes(e.state) ? e : undefined;
    });

  async function openDialog(key: string) {
    await page.goto(`${baseUrl}/requests/${key}`);
    await page.getByRole('button', { name: 'Escalate ticket' }).click();
    const dialog = page.getByRole('dialog', { name: 'Escalate ticket' });
    await dialog.getByRole('form', { name: 'Escalate ticket' }).waitFor();
    return dialog;
  }

  it('asks inside the dialog before Esc or Cancel throws edits away; an untouched form closes at once', async () => {
    const r = await fileRequest('Refund for order 4417');
    let dialog = await openDialog(r.key);
    // Untouched: Esc closes without a question.
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });

    dialog = await openDialog(r.key);
    const subject = dialog.getByLabel('Subject');
    await subject.fill('Refund for order 4417 — customer waiting two weeks');
    await subject.press('Escape');
    const question = dialog.getByRole('alertdialog', { name: 'Discard this escalation?' });
    await question.waitFor();
    expect(await dialog.isVisible()).toBe(true);
    await page.screenshot({ path: `${SHOTS}/escalate-discard-question.png` });
    // Esc again leaves the question, not the dialog.
    await page.keyboard.press('Escape');
    await question.waitFor({ state: 'hidden' });
    expect(await subject.inputValue()).toBe('Refund for order 4417 — customer waiting two weeks');

    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await question.getByRole('button', { name: 'Keep editing' }).click();
    expect(await subject.inputValue()).toBe('Refund for order 4417 — customer waiting two weeks');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await question.getByRole('button', { name: 'Discard' }).click();
    await dialog.waitFor({ state: 'hidden' });

    // Reopened: the draft again, nothing sent.
    dialog = await openDialog(r.key);
    expect(await dialog.getByLabel('Subject').inputValue()).toBe('Refund for order 4417');
    expect(await escalationsOf(r.id)).toEqual([]);
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
  });

  it('counts subject and message against their limits as you type, never cuts pasted text, and does not send over the limit', async () => {
    const r = await fileRequest('Customer cannot log in');
    const dialog = await openDialog(r.key);
    const count = dialog.getByTestId('subject-count');
    expect((await count.textContent())?.replace(/\s+characters$/, '')).toBe('22 / 256');
    const subject = dialog.getByLabel('Subject');
    const long = 'Customer locked out after the password reset; '.repeat(6).trim(); // 281 characters
    await subject.fill(long);
    expect(await subject.inputValue()).toBe(long);
    expect(await count.textContent()).toContain(`${long.length} / 256`);
    await dialog.getByText(`Too long: ${long.length} of 256 characters. Shorten it by ${long.length - 256}`).waitFor();
    expect(
      (await dialog.getByTestId('message-count').textContent())?.startsWith(`${(await dialog.getByLabel('Message').inputValue()).trim().length} / 50,000`),
    ).toBe(true);
    await dialog.getByLabel('Queue or team').selectOption({ label: 'Tier 2 Support' });
    await page.screenshot({ path: `${SHOTS}/escalate-counters.png` });
    await dialog.getByRole('button', { name: 'Escalate to Tier 2 Support' }).click();
    expect(await dialog.getByLabel('Subject').getAttribute('aria-invalid')).toBe('true');
    expect(await escalationsOf(r.id)).toEqual([]);

    const atLimit = `${long.slice(0, 255)}!`;
    await subject.fill(atLimit);
    expect(await count.textContent()).toContain('256 / 256');
    await dialog.getByRole('button', { name: 'Escalate to Tier 2 Support' }).click();
    await dialog.waitFor({ state: 'hidden' });
    const [sent] = await escalationsOf(r.id);
    expect(sent.subject).toBe(atLimit);
    // The request had a description: the message starts with it, and never with a placeholder.
    expect(sent.message.startsWith('Order 4417 was never refunded.')).toBe(true);
  });

  it('drafts no "(no description)" for a request without one', async () => {
    const r = await fileRequest('Blank request', '');
    const dialog = await openDialog(r.key);
    const message = await dialog.getByLabel('Message').inputValue();
    expect(message).not.toContain('(no description)');
    expect(message.startsWith('Requester: Riley Requester')).toBe(true);
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
  });

  it('names the open escalation as the dialog opens, before anything is typed or sent', async () => {
    const r = await fileRequest('Escalated once already');
    const first = await t.api(agent, 'POST', `/api/v1/requests/${r.id}/escalations`, {
      destination: 'kustomer',
      queueId: demo.queues.tier2Support.id,
      channel: 'email',
      priority: 3,
      subject: 'First',
      message: 'First time',
    });
    const linked = await settled(first.body.id, ['linked']);
    const dialog = await openDialog(r.key);
    const warning = dialog.getByTestId('escalate-open-warning');
    await warning.waitFor();
    expect(await warning.textContent()).toContain('This request already has an open escalation (Linked, Tier 2 Support).');
    expect(await warning.textContent()).toContain(linked.conversationId);
    await dialog.getByLabel('Queue or team').selectOption({ label: 'VIP' });
    // Warned already: one click sends, no second question after submit.
    await dialog.getByRole('button', { name: 'Escalate again to VIP' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await t.waitFor(async () => ((await escalationsOf(r.id)).length === 2 ? true : undefined));
  });

  it('retries an escalation whose queue was deleted in Kustomer to another queue from the card, with no Re-link and no admin-only advice', async () => {
    const doomed = emulator.control.createQueue({ org: 'acme', name: 'Doomed' });
    const admin = await t.createUser('admin');
    await t.api(admin, 'POST', '/api/v1/integrations/kustomer/sync');
    await t.api(admin, 'PATCH', '/api/v1/integrations/kustomer', { queues: [{ remoteId: doomed.id, enabled: true }] });
    emulator.control.deleteQueue({ org: 'acme', id: doomed.id });
    const r = await fileRequest('Goes to a deleted queue');
    const sent = await t.api(agent, 'POST', `/api/v1/requests/${r.id}/escalations`, {
      destination: 'kustomer',
      queueId: doomed.id,
      channel: 'email',
      priority: 3,
      subject: 'Deleted queue',
      message: 'Help',
    });
    await settled(sent.body.id, ['failed']);

    await page.goto(`${baseUrl}/requests/${r.key}`);
    const card = page.getByTestId('escalation').first();
    await card.getByTestId('retry-elsewhere').waitFor();
    const text = (await card.textContent()) ?? '';
    expect(text).toContain('The queue no longer exists in Kustomer');
    expect(text).not.toMatch(/re-sync/i);
    expect(await card.getByRole('button', { name: 'Re-link' }).count()).toBe(0);
    expect(await card.getByRole('button', { name: 'Retry', exact: true }).count()).toBe(0);
    await card.getByLabel('Retry to').selectOption({ label: 'VIP' });
    await page.screenshot({ path: `${SHOTS}/escalation-card-retry-elsewhere.png` });
    await card.getByRole('button', { name: 'Retry to VIP' }).click();
    await t.waitFor(async () => ((await card.getAttribute('data-state')) === 'linked' ? true : undefined));
    expect(await card.getByTestId('escalation-target').textContent()).toBe('VIP');
    const [conversation] = emulator.control.conversations('acme').filter((c) => c.attributes.externalId === sent.body.id);
    expect((conversation!.relationships as any).queue.data.id).toBe(demo.queues.vip.id);
  });

  it('names the request that already holds a conversation before linking it here too', async () => {
    const holder = await fileRequest('Holds the conversation');
    const made = await t.api(agent, 'POST', `/api/v1/requests/${holder.id}/escalations`, {
      destination: 'kustomer',
      queueId: demo.queues.tier2Support.id,
      channel: 'email',
      priority: 3,
      subject: 'Held',
      message: 'Held',
    });
    const { conversationId } = await settled(made.body.id, ['linked']);
    const r = await fileRequest('Duplicate of the held one');
    await page.goto(`${baseUrl}/requests/${r.key}`);
    await page.getByRole('button', { name: 'Link existing conversation' }).click();
    const form = page.getByRole('dialog', { name: 'Link existing conversation' });
    await form.getByLabel('Conversation link, id, customer email or subject').fill(conversationId);
    const found = form.getByTestId('link-result');
    await found.waitFor();
    expect(await found.textContent()).toContain(`Linked to ${holder.key} “Holds the conversation”`);
    await found.getByRole('button', { name: 'Link', exact: true }).click();
    const asked = form.getByTestId('linked-elsewhere');
    await asked.waitFor();
    expect(await asked.textContent()).toContain(`Already linked to ${holder.key} “Holds the conversation”`);
    expect(await escalationsOf(r.id)).toEqual([]);
    await form.getByRole('button', { name: 'Link here too' }).click();
    await form.waitFor({ state: 'hidden' });
    const [linked] = await escalationsOf(r.id);
    expect(linked).toMatchObject({ origin: 'linked_existing', conversationId });
  });
});
