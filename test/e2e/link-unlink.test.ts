/**
 * Browser journey (b) of issue 17: an agent links an existing Kustomer conversation to a request by pasting its link
 * in the "Link existing conversation" dialog (after trying the search box), sees the escalation card with the
 * conversation's state in Kustomer, then unlinks it after a confirm that says what happens: the card says unlinked,
 * the timeline has it, the note is on the conversation in Kustomer (the emulator, over real HTTP, webhooks routed to
 * the app), and a later change there does not reach the request. Screenshots at laptop and phone sizes go to
 * test/support/shots.ts's folder. Needs dist/web (`npm run build:web`) and Chromium at /usr/bin/chromium.
 */
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PHONE, startBrowserStack, type BrowserStack } from '../support/browser-stack.ts';
import type { TestUser } from '../support/test-app.ts';
import { SHOTS } from '../support/shots.ts';

const TIMEOUT = 20_000;
const STACK = {
  kustomer: { webhooksToApp: true },
  worker: true,
  realClock: true,
  env: { BRIDGEDESK_PUBLIC_URL: 'http://desk.example.test' },
  timeout: TIMEOUT,
} as const;

describe('linking a Kustomer conversation by its link, then unlinking it, in the browser', () => {
  let stack: BrowserStack<typeof STACK>;
  let agent: TestUser;
  let requestKey: string;
  let requestId: string;
  let conversationId: string;

  const shot = (page: Page, name: string) => page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: false });
  const escalationCard = (page: Page) => page.getByTestId('escalation').first();

  beforeAll(async () => {
    stack = await startBrowserStack(STACK);
    const { t, demo, emulator } = stack;
    const admin = await t.createUser('admin', { email: 'root@example.com', name: 'Rita Root' });
    agent = await t.createUser('agent', { email: 'ada@example.com', name: 'Ada Agent' });
    await stack.connectKustomer(admin, { queues: [demo.queues.tier2Support.id] });
    const sync = await t.api(admin, 'PUT', '/api/v1/integrations/kustomer/sync', { inbound: true, outbound: true, pollMinutes: 0 });
    expect(sync.status, JSON.stringify(sync.body)).toBe(200);

    // A conversation that exists in Kustomer already (written by Kustomer's own agents, through its API).
    const create = async (p: string, body: unknown) => {
      const res = await fetch(`${emulator.url}${p}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${demo.apiKey}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      expect(res.status).toBe(201);
      return ((await res.json()) as { data: { id: string } }).data.id;
    };
    const customer = await create('/v1/customers', { name: 'Pat Doe', emails: [{ type: 'work', email: 'pat@customer.example' }] });
    conversationId = await create('/v1/conversations', { customer, name: 'Printer on floor 3 jams every morning' });
    await create('/v1/conversations', { customer, name: 'Invoice copy for March' });

    const request = (await t.api(agent, 'POST', '/api/v1/requests', { title: 'Floor 3 printer keeps jamming' })).body;
    requestId = request.id;
    requestKey = request.key ?? `REQ-${request.number}`;
  });

  afterAll(() => stack?.stop());

  it('links the conversation from its pasted link and shows it on the escalation card', async () => {
    const page = await stack.signIn(agent);
    await page.goto(`${stack.baseUrl}/requests/${requestKey}`);
    await page.getByRole('heading', { name: 'Floor 3 printer keeps jamming' }).waitFor();
    await page.getByRole('button', { name: 'Link existing conversation' }).click();
    const dialog = page.getByRole('dialog', { name: 'Link existing conversation' });
    const box = dialog.getByLabel('Conversation link, id, customer email or subject');

    // Searching by the customer's email finds both of their conversations, newest change first.
    await box.fill('pat@customer.example');
    await expect.poll(() => dialog.getByTestId('link-result').count()).toBe(2);
    expect(await dialog.getByTestId('link-result').first().textContent()).toContain('Invoice copy for March');
    expect(await dialog.getByRole('status').textContent()).toContain('2 matching conversations');
    await shot(page, 'link-dialog-search-laptop');

    // Pasting the conversation's link names that one conversation, without a search.
    await box.fill(`https://acme.kustomerapp.com/app/conversations/${conversationId}`);
    await expect.poll(() => dialog.getByRole('status').textContent()).toContain('The conversation this link names');
    const result = dialog.getByTestId('link-result');
    expect(await result.count()).toBe(1);
    expect(await result.textContent()).toContain('Printer on floor 3 jams every morning');
    expect(await result.textContent()).toContain('Open');
    await shot(page, 'link-dialog-pasted-laptop');
    await result.getByRole('button', { name: 'Link', exact: true }).click();
    await dialog.waitFor({ state: 'hidden' });

    // The card: linked once the back-link is posted, with the conversation's state in Kustomer.
    const card = escalationCard(page);
    await expect.poll(() => card.getAttribute('data-state'), { timeout: TIMEOUT }).toBe('linked');
    expect(await card.getByTestId('conversation-id').getAttribute('data-id')).toBe(conversationId);
    await card.getByTestId('remote-state').waitFor();
    expect(await card.getByTestId('remote-status').textContent()).toBe('Open');
    await card.scrollIntoViewIfNeeded();
    await shot(page, 'linked-card-laptop');
    await page.close();
  });

  it('unlinks after a confirm that says what happens; the note reaches Kustomer and later changes do not reach the request', async () => {
    const { emulator, t } = stack;
    const page = await stack.signIn(agent, { context: { viewport: PHONE, isMobile: true, hasTouch: true } });
    await page.goto(`${stack.baseUrl}/requests/${requestKey}`);
    await page.getByRole('heading', { name: 'Floor 3 printer keeps jamming' }).waitFor();
    const card = escalationCard(page);
    await card.getByRole('button', { name: 'Unlink' }).click();
    const confirm = card.getByTestId('unlink-confirm');
    expect(await confirm.textContent()).toContain('stops syncing it with this request');
    expect(await confirm.textContent()).toContain('You can link it again later');
    await confirm.scrollIntoViewIfNeeded();
    await shot(page, 'unlink-confirm-phone');
    await confirm.getByRole('button', { name: 'Unlink' }).click();

    await expect.poll(() => card.getAttribute('data-state')).toBe('unlinked');
    expect(await card.getByTestId('escalation-state').textContent()).toBe('Unlinked');
    expect(await card.getByTestId('escalation-unlinked').textContent()).toContain('Unlinked by Ada Agent');
    expect(await card.getByTestId('remote-state').count()).toBe(0);
    // The timeline's escalation group ends "unlinked from conversation …".
    await page.getByText('unlinked from conversation', { exact: false }).first().waitFor();
    await card.scrollIntoViewIfNeeded();
    await shot(page, 'unlinked-card-phone');

    // The note is on the conversation in Kustomer, once.
    const notes = () =>
      emulator.control
        .notes('acme')
        .filter((n) => (n.relationships as any)?.conversation?.data?.id === conversationId && String(n.attributes.body).startsWith('Unlinked from Bridgedesk'));
    await expect.poll(() => notes().length, { timeout: TIMEOUT }).toBe(1);

    // A later change in Kustomer does not reach the request.
    emulator.control.changeConversation({ org: 'acme', id: conversationId, status: 'done' });
    emulator.control.addNote({ org: 'acme', id: conversationId, body: 'Fixed the tray after the unlink' });
    await emulator.control.webhooks.idle();
    await expect
      .poll(async () => (await t.db.selectFrom('destination_events').select('id').where('processed_at', 'is', null).executeTakeFirst()) === undefined)
      .toBe(true);
    const entries = (await t.api(agent, 'GET', `/api/v1/requests/${requestId}/timeline`)).body.items as { type: string; data: { body?: string } }[];
    expect(entries.some((e) => e.data.body === 'Fixed the tray after the unlink')).toBe(false);
    expect(entries.some((e) => e.type === 'sync.status_received')).toBe(false);
    expect(await card.getAttribute('data-state')).toBe('unlinked');

    // On the phone, the dialog searches too and fits the screen.
    await page.getByRole('button', { name: 'Link existing conversation' }).click();
    const dialog = page.getByRole('dialog', { name: 'Link existing conversation' });
    await dialog.getByLabel('Conversation link, id, customer email or subject').fill('printer');
    await expect.poll(() => dialog.getByTestId('link-result').count()).toBe(1);
    const box = await dialog.boundingBox();
    expect(box!.width).toBeLessThanOrEqual(PHONE.width);
    await shot(page, 'link-dialog-search-phone');
    await page.close();
  });
});
