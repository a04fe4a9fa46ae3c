/**
 * A browser journey through the real app (built web UI + API + Postgres + the worker) against the Kustomer emulator
 * over real HTTP: an admin builds the "Specialist handoff" workflow from the example in the editor (the example
 * has no queue: the editor asks, the admin picks VIP), saves and enables it; a request is tagged vip-customer; the
 * requester's manager sees the approval (nav count, bell), approves it from the Approvals inbox; the workflow
 * creates the Kustomer conversation in the VIP queue and the request page shows it under "Workflow runs" with
 * "Open in Kustomer"; the requester's email waits in the outbox (no SMTP).
 * Needs dist/web (npm test builds it; otherwise run `npm run build:web`) and Chromium at /usr/bin/chromium.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DemoOrg, ServedEmulator } from '../../src/connectors/kustomer/emulator/index.ts';
import type { UserActor } from '../../src/core/actor.ts';
import { changeRequest } from '../../src/usecases/change-request.ts';
import { createRequest } from '../../src/usecases/create-request.ts';
import { startBrowserStack, type BrowserStack } from '../support/browser-stack.ts';
import { actorOf, type TestApp, type TestUser } from '../support/test-app.ts';
import { SHOTS } from '../support/shots.ts';

const MANAGER_NAME = 'Mo Manager';
const ORG = 'acme';

/** Polls the page through Playwright's auto-waiting locators and assertions: no sleeps anywhere. */
const TIMEOUT = 20_000;
const STACK = { kustomer: true, worker: true, realClock: true, timeout: TIMEOUT } as const;

describe('a workflow with an approval, in the browser', () => {
  let stack: BrowserStack<typeof STACK>;
  let t: TestApp;
  let emulator: ServedEmulator;
  let demo: DemoOrg;
  let page: Page;
  let baseUrl: string;
  let adminUser: TestUser;
  let managerUser: TestUser;
  let admin: UserActor;
  let requesterId: string;

  beforeAll(async () => {
    stack = await startBrowserStack(STACK);
    ({ t, emulator, demo, baseUrl } = stack);
    adminUser = await t.createUser('admin', { email: 'root@example.com', name: 'Rita Root' });
    admin = actorOf(adminUser);
    managerUser = await t.createUser('agent', { email: 'mo@example.com', name: MANAGER_NAME });
    requesterId = (await t.createUser('requester', { email: 'riley@corp.example', name: 'Riley Requester', managerId: managerUser.id })).id;
    // Kustomer connected with VIP and Tier 2 Support enabled (the settings page has its own journey).
    await stack.connectKustomer(adminUser, { queues: [demo.queues.vip.id, demo.queues.tier2Support.id] });
    page = await stack.newPage();
  });

  afterAll(() => stack?.stop());

  const signIn = (who: TestUser) => stack.signInOn(page, who);

  async function signOut() {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
  }

  const nav = () => page.getByRole('navigation', { name: 'Main' });

  it('builds Specialist handoff from the example, and the manager approves it into a Kustomer conversation', async () => {
    // 1. The admin opens Workflows and starts from the "Specialist handoff" example.
    await signIn(adminUser);
    await nav().getByRole('link', { name: 'Workflows' }).click();
    await page.getByRole('heading', { name: 'Workflows', level: 1 }).waitFor();
    await page.getByText('No workflows yet').waitFor();
    await page.getByRole('button', { name: 'New from example' }).click();
    await page.getByRole('menuitem', { name: /Specialist handoff/ }).click();
    await page.waitForURL(/\/workflows\/new\?template=specialist-handoff$/);
    await page.getByRole('heading', { name: 'New workflow from “Specialist handoff”' }).waitFor();

    // The example as the editor shows it: tag trigger, manager approval → conversation → notify.
    const trigger = page.getByTestId('workflow-trigger');
    expect(await trigger.getByLabel('When').inputValue()).toBe('request.tag_added');
    expect(await trigger.getByLabel('Tag').inputValue()).toBe('vip-customer');
    const steps = page.getByTestId('workflow-steps').locator('[data-testid="workflow-step"][data-path^="definition.steps."]');
    await expect
      .poll(() => steps.evaluateAll((els) => els.map((e) => e.getAttribute('data-type'))), { timeout: TIMEOUT })
      .toEqual(['approval', 'create_conversation', 'notify']);
    const approval = steps.nth(0);
    expect(await approval.getByRole('radio', { name: "The requester's manager" }).isChecked()).toBe(true);
    const conversation = steps.nth(1);
    await conversation.getByTestId('placeholder-list').getByText('{{request.link}}').waitFor();
    // The notify step's message says who reads it.
    await steps.nth(2).getByLabel('Message to the requester').waitFor();

    // 2. The example has no queue: saving is refused and the step asks for one.
    await page.getByRole('button', { name: 'Save workflow' }).click();
    await conversation.getByText('Choose a Kustomer queue or team').waitFor();
    expect(page.url()).toMatch(/\/workflows\/new/);

    // 3. Pick the VIP queue (only enabled queues are offered) and save: version 1.
    const queue = conversation.getByLabel('Queue or team');
    await queue.selectOption({ label: 'VIP' });
    expect(await queue.locator('option').allTextContents()).not.toContain('Billing');
    // Who works it in Kustomer from the start, and its sub-status: the Escalate form's choices.
    await conversation.getByLabel('Assign to').selectOption({ label: 'Sam Chen' });
    await conversation.getByLabel('Sub-status').selectOption({ label: 'Investigating' });
    await conversation.getByText('In the queue VIP, assigned to Sam Chen, sub-status Investigating').waitFor();
    await conversation.scrollIntoViewIfNeeded();
    await page.screenshot({ path: `${SHOTS}/workflow-conversation-step-1440.png` });
    await page.setViewportSize({ width: 390, height: 844 });
    await conversation.getByLabel('Assign to').scrollIntoViewIfNeeded();
    await page.screenshot({ path: `${SHOTS}/workflow-conversation-step-390.png` });
    await page.setViewportSize({ width: 1440, height: 900 });
    const [created] = await Promise.all([
      page.waitForResponse((r) => r.url().endsWith('/api/v1/workflows') && r.request().method() === 'POST'),
      page.getByRole('button', { name: 'Save workflow' }).click(),
    ]);
    expect(created.status()).toBe(201);
    await page.waitForURL(/\/workflows\/[0-9a-f-]{36}$/);
    await page.getByRole('heading', { name: 'Specialist handoff', level: 1 }).waitFor();
    await expect.poll(() => page.getByTestId('workflow-version').textContent(), { timeout: TIMEOUT }).toBe('Version 1 — runs under way keep their version');

    // 4. Enable it.
    const enabled = page.getByRole('switch', { name: 'Enabled' });
    expect(await enabled.isChecked()).toBe(false);
    await enabled.check();
    await expect.poll(() => enabled.isChecked(), { timeout: TIMEOUT }).toBe(true);
    // The switch flips at once; the save lands a moment later.
    await expect.poll(async () => (await t.db.selectFrom('workflows').select(['enabled']).executeTakeFirstOrThrow()).enabled, { timeout: TIMEOUT }).toBe(true);

    // 5. A request of the manager's report is tagged vip-customer: the run waits for the manager's approval.
    const request = await createRequest(
      t.db,
      admin,
      { title: 'Key account cannot log in', description: 'Acme Corp is locked out of SSO.', requesterId, priority: 'high' },
      new Date(),
    );
    await changeRequest(t.db, admin, request.id, { tags: ['vip-customer'] }, new Date());
    const runState = () =>
      t.db
        .selectFrom('workflow_runs')
        .select('state')
        .where('request_id', '=', request.id)
        .executeTakeFirst()
        .then((r) => r?.state);
    await expect.poll(runState, { timeout: TIMEOUT }).toBe('waiting');
    await page.goto(`${baseUrl}/requests/${request.key}`);
    const runs = page.getByTestId('request-workflow-runs');
    const run = runs.getByTestId('workflow-run');
    await expect.poll(() => run.getAttribute('data-state'), { timeout: TIMEOUT }).toBe('waiting');
    // The side panel says whom the request awaits; the run's steps open on demand.
    await page
      .getByTestId('pending-approval')
      .getByText(new RegExp(`^Awaiting ${MANAGER_NAME} since `))
      .waitFor();
    await run.getByRole('button', { name: /^Show \d+ steps?$/ }).click();
    await run.getByText('Waiting for the decision').waitFor();
    await signOut();

    // 6. The manager signs in: the nav counts one approval and the bell has the request for it.
    await signIn(managerUser);
    await expect.poll(() => nav().getByTestId('approvals-count').textContent(), { timeout: TIMEOUT }).toBe('1 pending');
    const bell = page.getByRole('button', { name: /^Notifications/ });
    await expect.poll(() => bell.getAttribute('aria-label'), { timeout: TIMEOUT }).toBe('Notifications, 1 unread');
    await bell.click();
    const notification = page
      .getByRole('region', { name: 'Notifications' })
      .getByTestId('notification')
      .filter({ hasText: `Approval needed: ${request.key}` });
    await notification.click();
    await page.waitForURL(/\/approvals$/);
    await expect.poll(() => bell.getAttribute('aria-label'), { timeout: TIMEOUT }).toBe('Notifications');

    // 7. The approvals inbox shows the request's context; approve with a comment.
    await page.getByRole('heading', { name: 'Approvals', level: 1 }).waitFor();
    const card = page.getByTestId('approval').filter({ hasText: request.key });
    await card.getByRole('link', { name: `${request.key} Key account cannot log in` }).waitFor();
    await card.getByText('Riley Requester', { exact: true }).waitFor();
    await card.getByText('Specialist handoff', { exact: true }).waitFor();
    await card.getByText(`Hand ${request.key} "Key account cannot log in" to the VIP specialists in Kustomer?`).waitFor();
    await card.getByText(/^Due in \d+ hours$/).waitFor();
    // The comment's audience is said: staff read it, the requester is told only the decision.
    await card.getByText('Riley Requester is told your decision, not your comment.', { exact: false }).waitFor();
    await card.getByLabel('Comment').fill('Go ahead, they are a key account.');
    await card.getByRole('button', { name: 'Approve' }).click();
    await page.getByText('Nothing waits for your approval').waitFor();
    await expect.poll(() => nav().getByTestId('approvals-count').count(), { timeout: TIMEOUT }).toBe(0);
    await page.getByRole('link', { name: 'Decided' }).click();
    const decided = page.getByTestId('decided-approvals');
    await decided.getByText('Approved').waitFor();
    await decided.getByText('Go ahead, they are a key account.').waitFor();

    // 8. On the request, the run finishes: the create step shows the Kustomer conversation, linked.
    await page.goto(`${baseUrl}/requests/${request.key}`);
    await expect.poll(() => run.getAttribute('data-state'), { timeout: TIMEOUT }).toBe('succeeded');
    await run.getByRole('button', { name: /^Show \d+ steps?$/ }).click();
    const createStep = run.locator('[data-testid="run-step"][data-type="create_conversation"]');
    expect(await createStep.getAttribute('data-state')).toBe('succeeded');
    const open = createStep.getByRole('link', { name: 'Open in Kustomer' });
    await open.waitFor();
    const escalation = await t.db
      .selectFrom('escalations')
      .select(['state', 'remote_id', 'remote_url', 'target_remote_id'])
      .where('request_id', '=', request.id)
      .executeTakeFirstOrThrow();
    expect(escalation.state).toBe('linked');
    expect(escalation.target_remote_id).toBe(demo.queues.vip.id);
    expect(await open.getAttribute('href')).toBe(escalation.remote_url);
    expect(await createStep.getByTestId('conversation-id').getAttribute('data-id')).toBe(escalation.remote_id);
    const conversationInKustomer = emulator.control.conversations(ORG).find((c) => c.id === escalation.remote_id);
    expect((conversationInKustomer?.relationships as { queue?: { data?: { id?: string } } } | undefined)?.queue?.data?.id).toBe(demo.queues.vip.id);
    expect(conversationInKustomer?.attributes).toMatchObject({ assignedUsers: [demo.users.sam.id], subStatus: demo.subStatuses.investigating.id });
    await signOut();

    // 9. The admin sees the requester's email held in the outbox (no SMTP here), and the run in the history.
    await signIn(adminUser);
    await nav().getByRole('link', { name: 'Email outbox' }).click();
    await page.getByText('Emails are kept here until SMTP is configured').waitFor();
    const email = page.getByTestId('outbox-email').filter({ hasText: `${request.key} is with our VIP specialists` });
    await email.getByText('riley@corp.example').waitFor();
    await email.getByText('Held: no SMTP').waitFor();
    await nav().getByRole('link', { name: 'Workflows' }).click();
    const row = page.getByTestId('workflow-row').filter({ hasText: 'Specialist handoff' });
    await row.getByText('When tag “vip-customer” is added').waitFor();
    await row.getByRole('link', { name: '1 run' }).click();
    await page.waitForURL(/\/workflows\/[0-9a-f-]{36}\/runs$/);
    const history = page.getByTestId('workflow-runs').getByTestId('workflow-run');
    await expect.poll(() => history.getAttribute('data-state'), { timeout: TIMEOUT }).toBe('succeeded');
    await history.getByRole('link', { name: request.key }).waitFor();
  });
});
