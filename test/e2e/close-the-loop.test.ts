/**
 * Browser journey (c) of issue 17: build nothing. An admin starts the shipped "Close the loop" example from the
 * workflow list, saves it enabled, and changes nothing else; a request is escalated to Kustomer; there (the emulator's
 * control routes, over real HTTP) an agent replies to the customer and marks the conversation done; the requester,
 * on their request page, sees Kustomer's reply quoted in the desk's answer and the request waiting on them. The
 * editor with the Kustomer triggers is shot at 1280x800 and 390x844 into test/support/shots.ts's folder.
 * Needs dist/web (`npm run build:web`) and Chromium at /usr/bin/chromium.
 */
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { escalateUntilLinked } from '../support/escalate-until-linked.ts';
import { startBrowserStack, type BrowserStack } from '../support/browser-stack.ts';
import type { TestUser } from '../support/test-app.ts';
import { SHOTS } from '../support/shots.ts';

const TIMEOUT = 20_000;
const STACK = { kustomer: { webhooksToApp: true }, worker: true, realClock: true, timeout: TIMEOUT } as const;

describe('Close the loop, in the browser', () => {
  let stack: BrowserStack<typeof STACK>;
  let admin: TestUser;
  let agent: TestUser;
  let riley: TestUser;

  beforeAll(async () => {
    stack = await startBrowserStack(STACK);
    const { t, demo } = stack;
    admin = await t.createUser('admin', { name: 'Rita Root' });
    agent = await t.createUser('agent', { name: 'Ada Agent' });
    riley = await t.createUser('requester', { name: 'Riley Requester' });
    await stack.connectKustomer(admin, { queues: [demo.queues.vip.id] });
    const sync = await t.api(admin, 'PUT', '/api/v1/integrations/kustomer/sync', { inbound: true, outbound: false, pollMinutes: 0 });
    expect(sync.status, JSON.stringify(sync.body)).toBe(200);
  });
  afterAll(() => stack?.stop());

  /** The emulator's control routes, as a person driving Kustomer's app would change the conversation. */
  async function inKustomer(method: string, route: string, body: unknown) {
    const res = await fetch(`${stack.emulator.url}/__emulator/orgs/acme/conversations/${route}`, {
      method,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    expect(res.ok, await res.clone().text()).toBe(true);
  }

  async function shootEditor(page: Page, name: string) {
    await page.getByTestId('workflow-trigger').scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(SHOTS, `${name}.png`) });
  }

  it('starts from the example, and the requester sees Kustomer’s reply and the request waiting once the conversation is done', async () => {
    const { t, demo, baseUrl } = stack;
    const page = await stack.signIn(admin, { context: { viewport: { width: 1280, height: 800 } } });
    await page.goto(`${baseUrl}/workflows`);
    await page.getByRole('button', { name: 'New from example' }).click();
    await page.getByRole('menuitem', { name: /Close the loop/ }).click();
    await page.waitForURL(/\/workflows\/new\?template=close-the-loop$/);
    const trigger = page.getByTestId('workflow-trigger');
    expect(await trigger.getByLabel('When').inputValue()).toBe('conversation.status_changed');
    expect(await trigger.getByLabel('To Kustomer status').locator('option:checked').textContent()).toBe('Done');
    const steps = page.getByTestId('workflow-steps').locator('[data-testid="workflow-step"][data-path^="definition.steps."]');
    await expect
      .poll(() => steps.evaluateAll((els) => els.map((e) => e.getAttribute('data-type'))), { timeout: TIMEOUT })
      .toEqual(['add_comment', 'set_status', 'wait_for_reply', 'set_status']);
    expect(await steps.nth(0).getByLabel('Reply to the requester').inputValue()).toContain('{{conversation.last_public_message}}');
    expect(await steps.nth(2).getByLabel('Wait at most').inputValue()).toBe('3');
    await shootEditor(page, 'close-the-loop-editor-1280');
    await steps.nth(2).scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(SHOTS, 'close-the-loop-reply-wait-1280.png') });
    // The Kustomer events, grouped apart from the request's own.
    const groups = await trigger
      .getByLabel('When')
      .locator('optgroup')
      .evaluateAll((els) => els.map((e) => e.getAttribute('label')));
    expect(groups).toEqual(['On the request', 'In Kustomer']);

    await page.getByLabel('Enable when saved').check();
    await page.getByRole('button', { name: 'Save workflow' }).click();
    await page.waitForURL(/\/workflows\/[0-9a-f-]{36}$/);
    await expect.poll(() => page.getByRole('switch', { name: 'Enabled' }).isChecked(), { timeout: TIMEOUT }).toBe(true);
    await page.setViewportSize({ width: 390, height: 844 });
    await shootEditor(page, 'close-the-loop-editor-390');
    await steps.nth(2).getByLabel('Wait at most').scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(SHOTS, 'close-the-loop-reply-wait-390.png') });

    const { request, conversationId } = await escalateUntilLinked(t, agent, {
      title: 'Refund not received',
      requesterId: riley.id,
      queueId: demo.queues.vip.id,
    });
    await inKustomer('POST', `${conversationId}/messages`, { body: 'Your refund of $40 was issued today.', direction: 'out', by: demo.users.alex.id });
    await inKustomer('POST', `${conversationId}/notes`, { body: 'Finance approved this one-off', by: demo.users.alex.id });
    await expect
      .poll(
        async () =>
          (await t.db.selectFrom('timeline_entries').select('id').where('request_id', '=', request.id).where('type', '=', 'sync.note_received').execute())
            .length,
        {
          timeout: TIMEOUT,
        },
      )
      .toBe(1);
    await inKustomer('PATCH', conversationId, { status: 'done', by: demo.users.alex.id });

    const requesterPage = await stack.signIn(riley, { context: { viewport: { width: 390, height: 844 } } });
    await requesterPage.goto(`${baseUrl}/requests/${request.key}`);
    const reply = requesterPage.getByTestId('timeline-entry').filter({ hasText: 'Your refund of $40 was issued today.' });
    await reply.waitFor();
    await requesterPage.locator('.request-meta .badge', { hasText: 'Waiting' }).waitFor();
    expect(await requesterPage.getByText('Finance approved this one-off').count()).toBe(0);
    await reply.scrollIntoViewIfNeeded();
    await requesterPage.screenshot({ path: path.join(SHOTS, 'close-the-loop-requester-390.png') });

    // The admin's view of the same request: the run waits for the requester, and says so.
    await page.goto(`${baseUrl}/requests/${request.key}`);
    const run = page.getByTestId('request-workflow-runs').getByTestId('workflow-run');
    await expect.poll(() => run.getAttribute('data-state'), { timeout: TIMEOUT }).toBe('waiting');
    await run.getByRole('button', { name: /^Show \d+ steps?$/ }).click();
    await run.getByText("Waiting for the requester's reply").waitFor();
    await run.scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(SHOTS, 'close-the-loop-run-390.png') });
  });
});
