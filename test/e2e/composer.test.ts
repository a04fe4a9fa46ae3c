/**
 * The composer's audience, in the browser: an agent sends a public reply with Ctrl+Enter, presses `n` and types a
 * note, and sends it with Ctrl+Enter. The note must be stored as internal, and the requester must see it neither on
 * the request page nor in their email (a real SMTP server, through the real worker). Also: text written as a note
 * is never sent as a reply by Ctrl+Enter alone.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBrowserStack, type BrowserStack } from '../support/browser-stack.ts';
import type { SmtpInbox } from '../support/smtp-inbox.ts';
import type { TestApp, TestUser } from '../support/test-app.ts';

const TIMEOUT = 15_000;
const STACK = { smtp: true, worker: true, env: { BRIDGEDESK_PUBLIC_URL: 'https://desk.example.com' }, timeout: TIMEOUT } as const;

describe('composer in the browser', () => {
  let stack: BrowserStack<typeof STACK>;
  let t: TestApp;
  let inbox: SmtpInbox;
  let agent: TestUser;
  let riley: TestUser;
  let baseUrl: string;

  beforeAll(async () => {
    stack = await startBrowserStack(STACK);
    ({ t, inbox, baseUrl } = stack);
    await t.createUser('admin');
    agent = await t.createUser('agent', { name: 'Ada Agent' });
    riley = await t.createUser('requester', { name: 'Riley Requester' });
  });

  afterAll(() => stack?.stop());

  const signIn = (who: TestUser) => stack.signIn(who);

  async function fileRequest(title: string): Promise<{ id: string; key: string }> {
    const r = await t.api(riley, 'POST', '/api/v1/requests', { title });
    expect(r.status).toBe(201);
    return r.body;
  }

  const comments = (requestId: string) =>
    t.db
      .selectFrom('timeline_entries')
      .select(['type', 'visibility', 'data'])
      .where('request_id', '=', requestId)
      .where('type', 'like', 'comment.%')
      .orderBy('id')
      .execute();

  it('after a reply sent with Ctrl+Enter, `n` switches to an internal note that the requester never sees or receives', async () => {
    const req = await fileRequest('VPN drops every hour');
    const page = await signIn(agent);
    await page.goto(`${baseUrl}/requests/${req.key}`);
    const composer = page.getByRole('form', { name: 'Comment' });
    await expect.poll(() => composer.getByRole('button', { name: 'Send reply to Riley' }).count(), { timeout: TIMEOUT }).toBe(1);

    // 1. A public reply, sent with Ctrl+Enter.
    await page.keyboard.press('r');
    await page.keyboard.type('Please restart the VPN client.');
    await page.keyboard.press('Control+Enter');
    await page.getByRole('region', { name: 'Timeline' }).getByText('Please restart the VPN client.').waitFor();

    // 2. `n`, then a note for colleagues, sent with Ctrl+Enter: the `n` switches the mode and is not typed.
    await page.keyboard.press('n');
    await expect.poll(() => composer.getAttribute('data-mode'), { timeout: TIMEOUT }).toBe('internal');
    await page.keyboard.type('Riley is on the old client; push the update.');
    expect(await page.getByLabel('Internal note').inputValue()).toBe('Riley is on the old client; push the update.');
    await composer.getByRole('button', { name: 'Send internal note' }).waitFor();
    await page.keyboard.press('Control+Enter');
    await page.getByRole('region', { name: 'Timeline' }).getByText('Riley is on the old client; push the update.').waitFor();

    const stored = await t.waitFor(async () => {
      const rows = await comments(req.id);
      return rows.length === 2 && rows;
    });
    expect(stored.map((c) => [c.type, c.visibility, (c.data as { body: string }).body])).toEqual([
      ['comment.public_reply', 'public', 'Please restart the VPN client.'],
      ['comment.internal_note', 'internal', 'Riley is on the old client; push the update.'],
    ]);

    // The requester's view shows the reply, not the note.
    const rileyPage = await signIn(riley);
    await rileyPage.goto(`${baseUrl}/requests/${req.key}`);
    await rileyPage.getByRole('region', { name: 'Timeline' }).getByText('Please restart the VPN client.').waitFor();
    expect(await rileyPage.getByText('push the update').count()).toBe(0);

    // The requester's email has the reply, not the note.
    await t.waitFor(async () => inbox.received.find((m) => m.to === riley.email && m.body.includes('Please restart the VPN client.')));
    expect(inbox.received.filter((m) => m.body.includes('push the update'))).toEqual([]);
    await rileyPage.context().close();
    await page.context().close();
  });

  it('never sends text written as a note as a reply by Ctrl+Enter alone; the named button does', async () => {
    const req = await fileRequest('Keyboard missing keys');
    const page = await signIn(agent);
    await page.goto(`${baseUrl}/requests/${req.key}`);
    const composer = page.getByRole('form', { name: 'Comment' });
    await composer.getByRole('radio', { name: 'Internal note' }).click();
    await page.getByLabel('Internal note').fill('Order a new one from the usual vendor.');

    // Switching keeps the text, and says it was written as a note.
    await composer.getByRole('radio', { name: 'Reply to Riley' }).click();
    expect(await page.getByLabel('Reply to Riley Requester').inputValue()).toBe('Order a new one from the usual vendor.');
    await page.getByTestId('composer-guard').waitFor();
    await page.getByLabel('Reply to Riley Requester').press('Control+Enter');
    await page.getByTestId('composer-guard').waitFor();
    expect(await comments(req.id)).toEqual([]);

    // The button names the audience and does send it.
    await composer.getByRole('button', { name: 'Send reply to Riley' }).click();
    await page.getByRole('region', { name: 'Timeline' }).getByText('Order a new one from the usual vendor.').waitFor();
    expect((await comments(req.id)).map((c) => c.visibility)).toEqual(['public']);
    await page.context().close();
  });
});
