/**
 * The request page as an agent reads it all day (issue 16, points 1 and 3), in Chromium against the real app, the
 * real worker and the Kustomer emulator: an escalation that retried three times is ONE timeline entry that expands
 * to its steps; people read labels, never keys or codes; older activity loads on demand; the side panel says whom
 * the request awaits and since when, which workflow runs on it, and why Escalate cannot be used.
 * Screenshots (timeline-*.png) go to test/support/shots.ts's folder. Needs dist/web (`npm run build:web`) and /usr/bin/chromium.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commentEntry } from '../../src/core/timeline.ts';
import { appendTimeline } from '../../src/db/repositories/timeline.ts';
import { LAPTOP, startBrowserStack, type BrowserStack } from '../support/browser-stack.ts';
import type { TestUser } from '../support/test-app.ts';
import { SHOTS } from '../support/shots.ts';

const TIMEOUT = 20_000;
const STACK = { kustomer: true, worker: true, timeout: TIMEOUT } as const;

describe('the request page timeline and side panel in the browser', () => {
  let env: BrowserStack<typeof STACK>;
  let baseUrl: string;
  let admin: TestUser;
  let agent: TestUser;
  let morgan: TestUser;
  let riley: TestUser;

  beforeAll(async () => {
    env = await startBrowserStack(STACK);
    const { t } = env;
    baseUrl = env.baseUrl;
    admin = await t.createUser('admin', { name: 'Rita Root' });
    agent = await t.createUser('agent', { name: 'Ada Agent' });
    morgan = await t.createUser('agent', { name: 'Morgan Manager' });
    riley = await t.createUser('requester', { name: 'Riley Requester', managerId: morgan.id });
  });

  afterAll(() => env?.stop());

  const signIn = (who: TestUser, viewport = LAPTOP) => env.signIn(who, { context: { viewport } });

  async function file(title: string, body: Record<string, unknown> = {}): Promise<{ id: string; key: string }> {
    const r = await env.t.api(riley, 'POST', '/api/v1/requests', { title, ...body });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    return r.body;
  }

  async function connectKustomer() {
    const { t, demo, emulator } = env;
    await env.connectKustomer(admin, { queues: [demo.queues.vip.id] });
    emulator.control.setMetadata({ org: 'acme', properties: { orderNumberStr: { type: 'string', displayName: 'Order number' } } as never });
    await t.db.insertInto('custom_fields').values({ key: 'order_number', label: 'Order number', type: 'text' }).execute();
    const mapped = await t.api(admin, 'PUT', '/api/v1/integrations/kustomer/field-mappings', {
      items: [{ requestField: 'field.order_number', remoteField: 'orderNumberStr' }],
    });
    expect(mapped.status, JSON.stringify(mapped.body)).toBe(200);
  }

  const timeline = (page: Page) => page.getByRole('region', { name: 'Timeline' });

  it('shows Escalate disabled with the reason while Kustomer is not connected', async () => {
    const r = await file('Printer jams on page two');
    const page = await signIn(agent);
    await page.goto(`${baseUrl}/requests/${r.key}`);
    const actions = page.getByTestId('side-panel-actions');
    const unavailable = actions.getByTestId('action-unavailable').filter({ hasText: 'Kustomer is not connected' });
    await unavailable.waitFor();
    expect(await unavailable.getByRole('button', { name: 'Escalate ticket' }).isDisabled()).toBe(true);
    await unavailable.getByText('An admin can connect it in Settings → Integrations').waitFor();
    await page.screenshot({ path: `${SHOTS}/timeline-escalate-unavailable.png` });
    await page.context().close();
  });

  it('groups an escalation that retried into one entry that expands to its steps, in human words', async () => {
    await connectKustomer();
    const { t, demo, emulator } = env;
    const r = await file('Refund never arrived', { customFields: { order_number: '4417' } });
    await t.api(agent, 'POST', `/api/v1/requests/${r.id}/comments`, { body: 'Looking into it now.' });
    // Kustomer answers 503 three times while Bridgedesk looks for the customer; the worker retries.
    emulator.control.injectFault({ kind: '503', count: 3, method: 'GET', pathPrefix: '/v1/customers' });
    const e = await t.api(agent, 'POST', `/api/v1/requests/${r.id}/escalations`, {
      destination: 'kustomer',
      queueId: demo.queues.vip.id,
      channel: 'email',
      priority: 3,
      subject: 'Refund never arrived',
      message: 'Order 4417',
    });
    expect(e.status, JSON.stringify(e.body)).toBe(202);
    await t.waitFor(async () => ((await t.api(agent, 'GET', `/api/v1/escalations/${e.body.id}`)).body.state === 'linked' ? true : undefined));
    await t.waitFor(
      async () =>
        ((await t.api(agent, 'GET', `/api/v1/requests/${r.id}/timeline`)).body.items as { type: string }[]).some((x) => x.type === 'sync.fields_sent') ||
        undefined,
    );

    const page = await signIn(agent);
    await page.goto(`${baseUrl}/requests/${r.key}`);
    const groups = timeline(page).getByTestId('timeline-group').and(page.locator('[data-group="escalation"]'));
    await groups.first().waitFor();
    expect(await groups.count()).toBe(1);
    const group = groups.first();
    await expect.poll(() => group.getByTestId('timeline-group-outcome').textContent(), { timeout: TIMEOUT }).toMatch(/^linked to conversation [0-9a-f]{8}…$/);
    // No escalation.* line outside the group.
    expect(await timeline(page).locator('[data-testid="timeline-entry"][data-type^="escalation."]').count()).toBe(0);

    const toggle = group.getByRole('button', { name: /^Show \d+ steps$/ });
    expect(await toggle.getAttribute('aria-expanded')).toBe('false');
    expect(await group.getByText('retried 3 times: Kustomer answered 503').isVisible()).toBe(false);
    await toggle.click();
    const hide = group.getByRole('button', { name: 'Hide steps' });
    expect(await hide.getAttribute('aria-expanded')).toBe('true');
    await group.getByText('retried 3 times: Kustomer answered 503').waitFor();
    await group.getByTestId('timeline-step').filter({ hasText: 'linked this request to conversation' }).waitFor();
    expect(
      await group
        .getByTestId('timeline-step')
        .filter({ hasText: /retried/ })
        .count(),
    ).toBe(1);
    await page.screenshot({ path: `${SHOTS}/timeline-escalation-expanded.png`, fullPage: true });

    // Human words: labels and reasons, never keys or codes; the conversation id one way (short, whole in its title).
    const words = (await timeline(page).innerText()).replace(/\s+/g, ' ');
    expect(words).toContain('after the first reply');
    expect(words).toContain('sent Order number to Kustomer');
    expect(words).not.toMatch(/first_reply|orderNumberStr|approval approved|Server error/);
    const ids = timeline(page).locator('[data-conversation-id]');
    const conversationId = (await ids.first().getAttribute('data-conversation-id'))!;
    expect(conversationId).toMatch(/^[0-9a-f]{24}$/);
    for (const text of await ids.allInnerTexts()) expect(text).toBe(`${conversationId.slice(0, 8)}…`);
    expect(await page.getByTestId('escalation').getByTestId('conversation-id').getAttribute('title')).toContain(conversationId);
    await page.context().close();
  });

  it('loads older activity on demand', async () => {
    const { t } = env;
    const r = await file('Laptop fan is loud');
    await appendTimeline(
      t.db,
      r.id,
      { kind: 'user', userId: agent.id, role: 'agent', name: 'Ada Agent' },
      Array.from({ length: 110 }, (_, i) => commentEntry(`Note ${i}`, 'internal')),
    );
    const page = await signIn(agent);
    await page.goto(`${baseUrl}/requests/${r.key}`);
    await timeline(page).getByText('Note 109', { exact: true }).waitFor();
    expect(await timeline(page).getByText('Note 5', { exact: true }).count()).toBe(0);
    expect(await timeline(page).getByText('created this request').count()).toBe(0);
    await timeline(page).getByRole('button', { name: 'Show older' }).click();
    await timeline(page).getByText('created this request').waitFor();
    await timeline(page).getByText('Note 5', { exact: true }).waitFor();
    expect(await timeline(page).getByRole('button', { name: 'Show older' }).count()).toBe(0);
    // Oldest first, top to bottom.
    const texts = await timeline(page).getByTestId('timeline-entry').allInnerTexts();
    expect(texts[0]).toContain('created this request');
    expect(texts.at(-1)).toContain('Note 109');
    await page.context().close();
  });

  it('shows the pending approval and the workflow run in the side panel, and the run as one timeline entry', { timeout: 60_000 }, async () => {
    const { t } = env;
    const wf = await t.api(admin, 'POST', '/api/v1/workflows', {
      name: 'Manager sign-off',
      enabled: true,
      definition: {
        trigger: { event: 'request.submitted' },
        steps: [
          { type: 'approval', name: 'Manager OK', approver: { type: 'manager' }, dueInHours: 24 },
          { type: 'set_priority', priority: 'high' },
        ],
      },
    });
    expect(wf.status, JSON.stringify(wf.body)).toBe(201);
    const r = await file('New monitor please');
    const pending = await t.waitFor(
      async () => ((await t.api(agent, 'GET', `/api/v1/requests/${r.id}/approvals`)).body.items as { id: string; askedAt: string }[])[0],
    );

    const page = await signIn(agent);
    await page.goto(`${baseUrl}/requests/${r.key}`);
    const waiting = page.getByRole('region', { name: 'Waiting for approval' }).getByTestId('pending-approval');
    const since = new Date(pending.askedAt).toLocaleTimeString('en-US', { hour: 'numeric', minute: '2-digit' });
    await waiting.getByText(`Awaiting Morgan Manager since ${since}`).waitFor();
    await waiting.getByText('Workflow “Manager sign-off” · Due in 24 hours').waitFor();
    const run = page.getByTestId('request-workflow-runs').getByTestId('workflow-run');
    await expect.poll(() => run.getAttribute('data-state'), { timeout: TIMEOUT }).toBe('waiting');
    await run.getByText('Waiting at “Manager OK”').waitFor();
    // Below the composer there is no second copy of the run.
    expect(await page.locator('.request-main [data-testid="workflow-run"]').count()).toBe(0);
    await page.screenshot({ path: `${SHOTS}/timeline-panel-waiting.png` });
    const phone = await signIn(agent, { width: 390, height: 844 });
    await phone.goto(`${baseUrl}/requests/${r.key}`);
    await phone.getByRole('region', { name: 'Waiting for approval' }).waitFor();
    await phone.screenshot({ path: `${SHOTS}/timeline-panel-waiting-phone.png`, fullPage: true });
    await phone.context().close();

    await t.api(morgan, 'POST', `/api/v1/approvals/${pending.id}/decision`, { decision: 'approve', comment: 'Fine by me' });
    // (The page would see it on its next poll; opening it again does not wait for that.)
    await t.waitFor(async () =>
      (await t.api(agent, 'GET', `/api/v1/requests/${r.id}/workflow-runs`)).body.items[0]?.state === 'succeeded' ? true : undefined,
    );
    await page.reload();
    await expect.poll(() => run.getAttribute('data-state'), { timeout: TIMEOUT }).toBe('succeeded');
    await page.getByRole('region', { name: 'Waiting for approval' }).waitFor({ state: 'detached' });
    const group = timeline(page).locator('[data-testid="timeline-group"][data-group="workflow"]');
    await expect.poll(() => group.getByTestId('timeline-group-outcome').textContent(), { timeout: TIMEOUT }).toBe('finished');
    expect(await group.count()).toBe(1);
    expect(await timeline(page).locator('[data-testid="timeline-entry"][data-type^="workflow."]').count()).toBe(0);
    await group.getByRole('button', { name: /^Show \d+ steps$/ }).click();
    // (Morgan decided through the API, with a token: "Morgan Manager (API)".)
    await group
      .getByTestId('timeline-step')
      .filter({ hasText: /^Morgan Manager( \(API\))? approved — “Fine by me”/ })
      .waitFor();
    const words = (await timeline(page).innerText()).replace(/\s+/g, ' ');
    expect(words).not.toContain('approval approved');
    expect(words).toContain('set priority to High');
    await page.screenshot({ path: `${SHOTS}/timeline-workflow-expanded.png`, fullPage: true });
    await page.context().close();
  });
});
