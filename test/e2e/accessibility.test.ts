/**
 * axe-core on every main page as its users reach it (sign in, the request list, a request, the escalation dialog,
 * Kustomer settings, the workflow editor, approvals), at laptop and phone width: no serious or critical violation.
 * (The request list's paint time is a benchmark figure: `npm run bench:api`, not a timed test.)
 */
import { AxeBuilder } from '@axe-core/playwright';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { workflowExamples } from '../../src/core/workflow-examples.ts';
import { LAPTOP, PHONE, startBrowserStack, type BrowserStack } from '../support/browser-stack.ts';
import type { TestApp, TestUser } from '../support/test-app.ts';

const TIMEOUT = 15_000;
const STACK = { kustomer: true, worker: true, timeout: TIMEOUT } as const;

describe('accessibility of the main pages', () => {
  let stack: BrowserStack<typeof STACK>;
  let t: TestApp;
  let admin: TestUser;
  let agent: TestUser;
  let manager: TestUser;
  let requestKey: string;
  let workflowId: string;
  let baseUrl: string;

  beforeAll(async () => {
    stack = await startBrowserStack(STACK);
    ({ t, baseUrl } = stack);
    const { demo } = stack;
    admin = await t.createUser('admin', { name: 'Rita Root' });
    agent = await t.createUser('agent', { name: 'Ada Agent' });
    manager = await t.createUser('agent', { name: 'Morgan Manager' });
    const riley = await t.createUser('requester', { name: 'Riley Requester', managerId: manager.id });

    await stack.connectKustomer(admin, { queues: [demo.queues.vip.id] });
    const example = workflowExamples({ supportQueueId: demo.queues.tier2Support.id, vipQueueId: demo.queues.vip.id }).find(
      (e) => e.key === 'specialist-handoff',
    )!;
    const wf = await t.api(admin, 'POST', '/api/v1/workflows', { name: 'Specialist handoff', enabled: true, definition: example.definition });
    expect(wf.status, JSON.stringify(wf.body)).toBe(201);
    workflowId = wf.body.id;
    const r = await t.api(riley, 'POST', '/api/v1/requests', { title: 'Key account locked out', description: 'Acme Corp cannot sign in with SSO.' });
    requestKey = r.body.key;
    // Tagging starts the handoff: an approval waits for Morgan.
    await t.api(agent, 'PATCH', `/api/v1/requests/${r.body.id}`, { tags: ['vip-customer'] });
    await t.waitFor(async () => (await t.api(manager, 'GET', '/api/v1/approvals')).body.items.length > 0);
  });

  afterAll(() => stack?.stop());

  const signedIn = (who: TestUser, viewport: { width: number; height: number }) => stack.signIn(who, { context: { viewport } });

  /** The serious and critical violations on the page as it is now, each with where it is. */
  async function violations(page: Page): Promise<string[]> {
    const result = await new AxeBuilder({ page }).analyze();
    return result.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map(
        (v) =>
          `${v.id} (${v.impact}): ${v.help} at ${v.nodes
            .map((n) => n.target.join(' '))
            .slice(0, 3)
            .join(', ')}`,
      );
  }

  for (const [label, viewport] of [
    ['laptop', LAPTOP],
    ['phone', PHONE],
  ] as const) {
    it(`has no serious or critical violation on any main page (${label})`, async () => {
      const found: Record<string, string[]> = {};
      const anon = await stack.newPage({ viewport });
      await anon.goto(`${baseUrl}/requests`);
      await anon.getByRole('heading', { name: 'Sign in' }).waitFor();
      found['sign in'] = await violations(anon);
      await anon.context().close();

      const page = await signedIn(agent, viewport);
      await page.getByTestId('request-row').first().waitFor();
      // With a row selected (j), whose tint is where the key's contrast once fell short.
      await page.keyboard.press('j');
      found['request list'] = await violations(page);
      await page.goto(`${baseUrl}/requests/${requestKey}`);
      await page.getByRole('heading', { name: /Key account locked out/ }).waitFor();
      found.request = await violations(page);
      await page.getByTestId('side-panel').getByRole('button', { name: 'Escalate ticket' }).click();
      await page.getByRole('dialog', { name: 'Escalate ticket' }).getByLabel('Queue or team').waitFor();
      found['escalation dialog'] = await violations(page);
      await page.context().close();

      const adminPage = await signedIn(admin, viewport);
      await adminPage.goto(`${baseUrl}/settings/integrations/kustomer`);
      await adminPage.getByRole('heading', { name: 'Kustomer', level: 1 }).waitFor();
      found['Kustomer settings'] = await violations(adminPage);
      await adminPage.goto(`${baseUrl}/workflows/${workflowId}`);
      await adminPage.getByRole('heading', { name: 'Specialist handoff', level: 1 }).waitFor();
      found['workflow editor'] = await violations(adminPage);
      await adminPage.context().close();

      const managerPage = await signedIn(manager, viewport);
      await managerPage.goto(`${baseUrl}/approvals`);
      await managerPage.getByTestId('approval').first().waitFor();
      found.approvals = await violations(managerPage);
      await managerPage.context().close();

      expect(found).toEqual(Object.fromEntries(Object.keys(found).map((k) => [k, []])));
    });
  }
});
