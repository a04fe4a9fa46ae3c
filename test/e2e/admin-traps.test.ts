/**
 * Admin traps, in the browser: switching the Kustomer org asks before it resets the queue choices; each queue
 * checkbox has its own name; a field mapping pair that cannot work is said as it is picked, before Save; the
 * workflow list flags a step whose queue was deleted in Kustomer, by the queue's name; a dry run names the approver
 * it would ask and shows the message it would send. Real parts: the app, the Kustomer emulator over HTTP, Chromium.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemoOrg, type DemoOrg, type ServedEmulator } from '../../src/connectors/kustomer/emulator/index.ts';
import { workflowExamples } from '../../src/core/workflow-examples.ts';
import { startBrowserStack, type BrowserStack } from '../support/browser-stack.ts';
import type { TestApp, TestUser } from '../support/test-app.ts';
import { SHOTS } from '../support/shots.ts';

const TIMEOUT = 15_000;
const SETTINGS = '/settings/integrations/kustomer';
const STACK = { kustomer: true, env: { BRIDGEDESK_PUBLIC_URL: 'https://desk.example.com' }, timeout: TIMEOUT } as const;

describe('admin traps in the browser', () => {
  let stack: BrowserStack<typeof STACK>;
  let emulator: ServedEmulator;
  let acme: DemoOrg;
  let t: TestApp;
  let page: Page;
  let admin: TestUser;
  let baseUrl: string;

  beforeAll(async () => {
    stack = await startBrowserStack(STACK);
    ({ t, emulator, demo: acme, baseUrl } = stack);
    emulator.control.setMetadata({
      org: 'acme',
      properties: { orderNumberStr: { type: 'string', displayName: 'Order number' }, refundNum: { type: 'number', displayName: 'Refund' } },
    });
    admin = await t.createUser('admin', { name: 'Avery Admin' });
    await stack.connectKustomer(admin, { queues: [acme.queues.tier2Support.id, acme.queues.vip.id] });
    page = await stack.signIn(admin);
  }, 60_000);

  afterAll(() => stack?.stop());

  const integration = async () => (await t.api(admin, 'GET', '/api/v1/integrations/kustomer')).body;

  it('names each queue checkbox on its own, and a type mismatch in the field mapping as it is picked, before Save', async () => {
    await page.goto(`${baseUrl}${SETTINGS}`);
    const vip = page.getByRole('checkbox', { name: 'VIP: agents may escalate here', exact: true });
    expect(await vip.isChecked()).toBe(true);
    expect(await page.getByRole('checkbox', { name: 'Billing: agents may escalate here', exact: true }).isChecked()).toBe(false);

    const mapping = page.getByTestId('kustomer-field-mapping');
    await mapping.getByRole('button', { name: '+ Add a field' }).click();
    await mapping.getByLabel('Bridgedesk field, row 1').selectOption({ label: 'Title' });
    await mapping.getByLabel('Kustomer attribute, row 1').selectOption({ value: 'refundNum' });
    const problem = mapping.getByTestId('field-mapping-problem');
    await problem.waitFor();
    expect(await problem.textContent()).toBe('Title is text; refundNum holds a number');
    expect(await mapping.getByLabel('Kustomer attribute, row 1').getAttribute('aria-invalid')).toBe('true');
    await page.screenshot({ path: `${SHOTS}/field-mapping-mismatch.png` });
    // Picking a fitting attribute clears it; nothing was saved meanwhile.
    await mapping.getByLabel('Kustomer attribute, row 1').selectOption({ value: 'orderNumberStr' });
    await problem.waitFor({ state: 'detached' });
    expect((await t.api(admin, 'GET', '/api/v1/integrations/kustomer/field-mappings')).body.items ?? []).toEqual([]);
    await mapping.getByRole('button', { name: 'Discard changes' }).click();
  });

  it('asks before another org resets the queue choices, and changes nothing until the admin agrees', async () => {
    const globex = seedDemoOrg(emulator.control, { name: 'globex' });
    emulator.control.updateOrg('globex', { rateLimitPerMinute: 100_000 });
    await page.goto(`${baseUrl}${SETTINGS}`);
    await page.getByRole('button', { name: 'Replace key' }).click();
    const form = page.getByRole('form', { name: 'Save new key' });
    await form.getByLabel('Org name').fill('globex');
    await form.getByLabel('API key').fill(globex.apiKey);
    await form.getByRole('button', { name: 'Save new key' }).click();
    const question = form.getByRole('alertdialog', { name: 'Switch Kustomer org?' });
    await question.waitFor();
    expect(await question.textContent()).toContain('Switch from acme to globex?');
    await page.screenshot({ path: `${SHOTS}/switch-org-question.png` });
    expect((await integration()).orgName).toBe('acme');

    await question.getByRole('button', { name: 'Keep acme' }).click();
    await question.waitFor({ state: 'detached' });
    expect((await integration()).orgName).toBe('acme');

    await form.getByRole('button', { name: 'Save new key' }).click();
    await form.getByRole('button', { name: 'Switch org' }).click();
    await t.waitFor(async () => ((await integration()).orgName === 'globex' ? true : undefined));
    expect((await integration()).queues.filter((q: { enabled: boolean }) => q.enabled)).toEqual([]);

    // Back to acme for the tests after this one.
    expect((await t.api(admin, 'PUT', '/api/v1/integrations/kustomer', { orgName: 'acme', apiKey: acme.apiKey })).status).toBe(200);
    await t.api(admin, 'PATCH', '/api/v1/integrations/kustomer', {
      queues: [
        { remoteId: acme.queues.tier2Support.id, enabled: true },
        { remoteId: acme.queues.vip.id, enabled: true },
      ],
    });
  });

  it("flags in the workflow list a step whose queue was deleted in Kustomer, by the queue's name", async () => {
    const returns = emulator.control.createQueue({ org: 'acme', name: 'Returns desk' });
    await t.api(admin, 'POST', '/api/v1/integrations/kustomer/sync');
    await t.api(admin, 'PATCH', '/api/v1/integrations/kustomer', { queues: [{ remoteId: returns.id, enabled: true }] });
    const def = structuredClone(workflowExamples({ supportQueueId: returns.id })[0]!.definition);
    const created = await t.api(admin, 'POST', '/api/v1/workflows', { name: 'Returns handoff', enabled: true, definition: def });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    emulator.control.deleteQueue({ org: 'acme', id: returns.id });
    await t.api(admin, 'POST', '/api/v1/integrations/kustomer/sync');

    await page.goto(`${baseUrl}/workflows`);
    const row = page.getByTestId('workflow-row').filter({ hasText: 'Returns handoff' });
    const flag = row.getByTestId('workflow-problem');
    await flag.waitFor();
    const text = (await flag.textContent()) ?? '';
    expect(text).toContain('Needs attention');
    expect(text).toContain('Step 2 · Create Kustomer conversation: The queue “Returns desk” no longer exists in Kustomer');
    expect(text).not.toContain(returns.id);
    await page.screenshot({ path: `${SHOTS}/workflow-list-flag.png` });
    expect(await page.getByTestId('workflow-row').filter({ hasNotText: 'Returns handoff' }).getByTestId('workflow-problem').count()).toBe(0);
  });

  it('dry run names the approver it would ask and renders the message it would send', async () => {
    const morgan = await t.createUser('agent', { name: 'Morgan Manager' });
    const riley = await t.createUser('requester', { name: 'Riley Requester', managerId: morgan.id });
    const filed = await t.api(riley, 'POST', '/api/v1/requests', { title: 'VIP refund for order 4417', description: 'Waiting two weeks' });
    const def = workflowExamples({ vipQueueId: acme.queues.vip.id })[1]!.definition;
    const wf = await t.api(admin, 'POST', '/api/v1/workflows', { name: 'Handoff dry', enabled: false, definition: def });
    expect(wf.status, JSON.stringify(wf.body)).toBe(201);

    await page.goto(`${baseUrl}/workflows/${wf.body.id}`);
    const panel = page.getByTestId('dry-run');
    await panel.getByLabel('Request to try').fill(filed.body.key);
    await panel
      .getByRole('list', { name: 'Matching requests' })
      .getByRole('button', { name: new RegExp(filed.body.key) })
      .first()
      .click();
    const steps = panel.getByTestId('dry-run-step');
    await steps.first().waitFor();
    const approval = steps.nth(0);
    expect(await approval.textContent()).toContain('Asks Morgan Manager; the run waits here for the decision');
    const message = approval.getByTestId('dry-run-message');
    expect(await message.textContent()).toContain('Message to Morgan Manager');
    expect(await message.textContent()).toContain(`Approval needed: ${filed.body.key} VIP refund for order 4417`);
    expect(await message.textContent()).toContain(`Hand ${filed.body.key} "VIP refund for order 4417" to the VIP specialists in Kustomer?`);
    const notify = steps.nth(2).getByTestId('dry-run-message');
    expect(await notify.textContent()).toContain(`Hi Riley Requester,`);
    expect(await notify.textContent()).not.toContain('{{');
    await page.screenshot({ path: `${SHOTS}/dry-run-approver.png`, fullPage: true });
  });
});
