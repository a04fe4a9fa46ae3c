/** Escalations end to end: the API, the real worker, and the Kustomer emulator over HTTP. */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { seedDemoOrg, serveEmulator } from '../connectors/kustomer/emulator/index.ts';
import { MAX_DELIVERY_ATTEMPTS } from '../core/escalation.ts';
import { createTestApp } from '../../test/support/test-app.ts';

const emulator = await serveEmulator({ port: 0, rateWindowMs: 2000 });
afterAll(() => emulator.close());
const demo = seedDemoOrg(emulator.control, { name: 'acme' });
emulator.control.updateOrg('acme', { rateLimitPerMinute: 100_000 });
// The emulator's window is 2 s here, and its replies (as Kustomer's) do not name its end: Bridgedesk is told the length.
const t = await createTestApp({
  KUSTOMER_BASE_URL: emulator.url,
  KUSTOMER_WEB_URL: emulator.url,
  KUSTOMER_RATE_WINDOW_MS: '2000',
  BRIDGEDESK_PUBLIC_URL: 'https://desk.example.com',
});
const admin = await t.createUser('admin');
const agent = await t.createUser('agent', { name: 'Ada Agent' });
const requester = await t.createUser('requester', { name: 'Riley Requester', email: 'riley@corp.example' });
const q = demo.queues;

beforeAll(async () => {
  const connected = await t.api(admin, 'PUT', '/api/v1/integrations/kustomer', { orgName: 'acme', apiKey: demo.apiKey });
  expect(connected.status, JSON.stringify(connected.body)).toBe(200);
  await t.api(admin, 'PATCH', '/api/v1/integrations/kustomer', {
    queues: [q.tier2Support.id, q.vip.id, q.billing.id].map((remoteId) => ({ remoteId, enabled: true })),
    teams: [{ remoteId: demo.teams.escalations.id, enabled: true }],
  });
  await t.startWorker({ concurrency: 10 });
});

// Each test starts from quiet: no delivery still in flight from the one before, no fault left behind.
afterEach(async () => {
  await t.waitFor(async () => {
    const busy = await t.db.selectFrom('escalations').select('id').where('state', 'in', ['sending', 'created']).executeTakeFirst();
    return busy === undefined || undefined;
  }, 30_000);
  emulator.control.clearFaults();
});

async function newRequest(fields: Record<string, unknown> = {}) {
  const r = await t.api(agent, 'POST', '/api/v1/requests', {
    title: 'Refund never arrived',
    description: 'Order 4417',
    requesterId: requester.id,
    priority: 'high',
    ...fields,
  });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return r.body;
}

/** Runs `run` with one role taken off the key in Kustomer, then gives it back and reconnects. */
async function withoutRole(role: string, run: () => Promise<void>) {
  emulator.control.setApiKeyRoles(
    demo.apiKey,
    demo.key.roles.filter((x) => x !== role),
  );
  try {
    await run();
  } finally {
    emulator.control.setApiKeyRoles(demo.apiKey, demo.key.roles);
    await t.api(admin, 'PUT', '/api/v1/integrations/kustomer', { orgName: 'acme', apiKey: demo.apiKey });
  }
}

async function escalate(requestId: string, body: Record<string, unknown> = {}) {
  const r = await t.api(agent, 'POST', `/api/v1/requests/${requestId}/escalations`, {
    destination: 'kustomer',
    queueId: q.tier2Support.id,
    channel: 'email',
    priority: 3,
    subject: 'Refund never arrived',
    message: 'Please help this customer',
    ...body,
  });
  expect(r.status, JSON.stringify(r.body)).toBe(202);
  return r.body;
}

const escalationState = async (id: string) => (await t.api(agent, 'GET', `/api/v1/escalations/${id}`)).body;
const until = (id: string, states: string[], timeoutMs = 20_000) =>
  t.waitFor(async () => {
    const e = await escalationState(id);
    return states.includes(e.state) ? e : undefined;
  }, timeoutMs);
const timelineTypes = async (requestId: string) =>
  ((await t.api(agent, 'GET', `/api/v1/requests/${requestId}/timeline`)).body.items as any[])
    .map((e) => e.type)
    .filter((x: string) => x.startsWith('escalation.'));
const conversationsFor = (escalationId: string) => emulator.control.conversations('acme').filter((c) => c.attributes.externalId === escalationId);

describe('escalating a request', () => {
  it('answers 202 at once, then creates one linked conversation with customer, subject, priority, queue, message channel and back-link', async () => {
    const r = await newRequest();
    const accepted = await escalate(r.id);
    expect(accepted).toMatchObject({ state: 'sending', conversationId: null, target: { kind: 'queue', id: q.tier2Support.id, name: 'Tier 2 Support' } });
    const done = await until(accepted.id, ['linked']);
    expect(done.conversationUrl).toContain(done.conversationId);
    const page = await fetch(done.conversationUrl);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('Please help this customer');
    const [conv] = conversationsFor(accepted.id);
    expect(conv).toBeDefined();
    expect(conv!.id).toBe(done.conversationId);
    expect(conv!.attributes).toMatchObject({ name: 'Refund never arrived', priority: 3, channels: ['email'] });
    expect((conv!.relationships as any).queue.data.id).toBe(q.tier2Support.id);
    const customer = emulator.control.customers('acme').find((c) => c.id === (conv!.relationships as any).customer.data.id)!;
    expect((customer.attributes as any).emails[0].email).toBe('riley@corp.example');
    const note = emulator.control.notes('acme').find((n) => (n.relationships as any).conversation.data.id === conv!.id)!;
    expect(note.attributes.body).toContain(`https://desk.example.com/requests/${r.key}`);
    expect(await timelineTypes(r.id)).toEqual(['escalation.requested', 'escalation.customer_created', 'escalation.created', 'escalation.linked']);
    const created = ((await t.api(agent, 'GET', `/api/v1/requests/${r.id}/timeline`)).body.items as any[]).find((e) => e.type === 'escalation.created');
    expect(created).toMatchObject({ actor: { type: 'system' }, visibility: 'internal', data: { conversationId: conv!.id } });
    expect(((await t.api(agent, 'GET', `/api/v1/requests/${r.id}/escalations`)).body.items as any[]).map((e) => e.id)).toEqual([accepted.id]);
  });

  it('hides escalation details from the requester', async () => {
    const r = await newRequest();
    const e = await escalate(r.id);
    await until(e.id, ['linked']);
    const seen = (await t.api(requester, 'GET', `/api/v1/requests/${r.id}/timeline`)).body.items as any[];
    expect(seen.some((x) => x.type.startsWith('escalation.'))).toBe(false);
    expect((await t.api(requester, 'GET', `/api/v1/escalations/${e.id}`)).status).toBe(403);
  });

  it('uses the customer email field the admin chose, and matches an existing customer', async () => {
    await t.db.insertInto('custom_fields').values({ key: 'customer_email', label: 'Customer email', type: 'text' }).execute();
    expect((await t.api(admin, 'PATCH', '/api/v1/integrations/kustomer', { contactEmailField: 'customer_email' })).body.contactEmailField).toBe(
      'customer_email',
    );
    const existing = emulator.control.createCustomer({ org: 'acme', name: 'Jane Doe', email: 'jane@customer.example' });
    const r = await newRequest({ customFields: { customer_email: 'jane@customer.example' } });
    const e = await until((await escalate(r.id)).id, ['linked']);
    const conv = emulator.control.conversations('acme').find((c) => c.id === e.conversationId)!;
    expect((conv.relationships as any).customer.data.id).toBe(existing.id);
    expect(await timelineTypes(r.id)).toContain('escalation.customer_matched');
    await t.api(admin, 'PATCH', '/api/v1/integrations/kustomer', { contactEmailField: null });
  });

  it('routes to a team instead of a queue', async () => {
    const r = await newRequest();
    const e = await until((await escalate(r.id, { queueId: undefined, teamId: demo.teams.escalations.id })).id, ['linked']);
    const conv = emulator.control.conversations('acme').find((c) => c.id === e.conversationId)!;
    expect(conv.attributes.assignedTeams).toEqual([demo.teams.escalations.id]);
  });

  it("pre-fills the form with the request's context and the destination's enabled queues", async () => {
    const r = await newRequest({ tags: ['refund'] });
    const options = (await t.api(agent, 'GET', `/api/v1/requests/${r.id}/escalation-options`)).body;
    expect(options.draft.subject).toBe('Refund never arrived');
    expect(options.draft.message).toContain('Order 4417');
    expect(options.draft.message).toContain('Riley Requester <riley@corp.example>');
    expect(options.draft.message).toContain('Tags: refund');
    expect(options.draft.message).toContain(`https://desk.example.com/requests/${r.key}`);
    const kustomer = options.destinations.find((d: any) => d.id === 'kustomer');
    // a high request: 4 on Kustomer's scale, where 3 is normal
    expect(kustomer).toMatchObject({ status: 'connected', defaultPriority: 4, priorityRange: { min: 1, max: 5 } });
    expect(kustomer.queues.map((x: any) => x.name).sort()).toEqual(['Billing', 'Tier 2 Support', 'VIP']);
    expect(kustomer.channels).toContain('chat');
  });

  it('asks for confirmation before escalating a request that already has an open escalation', async () => {
    const r = await newRequest();
    const first = await escalate(r.id);
    const again = await t.api(agent, 'POST', `/api/v1/requests/${r.id}/escalations`, {
      destination: 'kustomer',
      queueId: q.vip.id,
      channel: 'chat',
      priority: 2,
      subject: 's',
      message: 'm',
    });
    expect(again.status).toBe(409);
    expect(again.body.error.details.openEscalationId).toBe(first.id);
    await escalate(r.id, { confirm: true, queueId: q.vip.id });
  });

  it('refuses a subject over 256 or a message over 50,000 characters with 422 on that field, and stores text at the limit whole', async () => {
    const r = await newRequest();
    const send = (body: Record<string, unknown>) =>
      t.api(agent, 'POST', `/api/v1/requests/${r.id}/escalations`, {
        destination: 'kustomer',
        queueId: q.tier2Support.id,
        channel: 'email',
        priority: 3,
        subject: 's',
        message: 'm',
        ...body,
      });
    const longSubject = await send({ subject: 'x'.repeat(257) });
    expect(longSubject.status).toBe(422);
    expect(longSubject.body.error).toMatchObject({
      code: 'unprocessable',
      message: 'Subject is 257 characters; at most 256',
      details: { field: 'subject', max: 256, length: 257 },
    });
    const longMessage = await send({ message: 'y'.repeat(50_001) });
    expect(longMessage.status).toBe(422);
    expect(longMessage.body.error.details).toMatchObject({ field: 'message', max: 50_000 });
    expect((await t.api(agent, 'GET', `/api/v1/requests/${r.id}/escalations`)).body.items).toEqual([]);
    const atLimit = await send({ subject: 's'.repeat(256), message: 'm'.repeat(50_000) });
    expect(atLimit.status, JSON.stringify(atLimit.body).slice(0, 300)).toBe(202);
    const done = await until(atLimit.body.id, ['linked']);
    expect(done.subject).toHaveLength(256);
    expect(conversationsFor(done.id)[0]!.attributes.name).toHaveLength(256);
  });

  it('drafts no placeholder text for a request without a description', async () => {
    const r = await newRequest({ description: '' });
    const { draft } = (await t.api(agent, 'GET', `/api/v1/requests/${r.id}/escalation-options`)).body;
    expect(draft.message).not.toContain('(no description)');
    expect(draft.message.startsWith('Requester: Riley Requester <riley@corp.example>')).toBe(true);
  });

  it('tells the form, as it opens, about an open escalation of the request', async () => {
    const r = await newRequest();
    const options = async () => (await t.api(agent, 'GET', `/api/v1/requests/${r.id}/escalation-options`)).body;
    expect((await options()).openEscalation).toBeNull();
    expect((await options()).limits).toEqual({ subject: 256, message: 50_000 });
    const first = await escalate(r.id);
    const linked = await until(first.id, ['linked']);
    expect((await options()).openEscalation).toMatchObject({ id: first.id, state: 'linked', target: 'Tier 2 Support', conversationId: linked.conversationId });
  });

  it('refuses queues that are not enabled, unknown channels and priorities out of range', async () => {
    const r = await newRequest();
    const bad = async (body: Record<string, unknown>) =>
      (
        await t.api(agent, 'POST', `/api/v1/requests/${r.id}/escalations`, {
          destination: 'kustomer',
          queueId: q.tier2Support.id,
          channel: 'email',
          priority: 3,
          subject: 's',
          message: 'm',
          ...body,
        })
      ).status;
    expect(await bad({ queueId: q.defaultQueue.id })).toBe(422);
    expect(await bad({ channel: 'pigeon' })).toBe(422);
    expect(await bad({ priority: 9 })).toBe(422);
    expect(await bad({ teamId: demo.teams.escalations.id })).toBe(422);
    expect(await bad({ destination: 'zendesk' })).toBe(400);
    expect((await t.api(agent, 'GET', `/api/v1/requests/${r.id}/escalations`)).body.items).toEqual([]);
  });
});

describe('failures', () => {
  it('does not post the first message twice when its reply is lost', async () => {
    const r = await newRequest();
    emulator.control.injectFault({ kind: 'lost_reply', count: 1, method: 'POST', pathPrefix: '/v1/conversations/', reply: '502' });
    const e = await until((await escalate(r.id)).id, ['linked']);
    const messages = emulator.control.messages('acme').filter((m) => (m.relationships as any).conversation.data.id === e.conversationId);
    const notes = emulator.control.notes('acme').filter((m) => (m.relationships as any).conversation.data.id === e.conversationId);
    expect(messages).toHaveLength(1);
    expect(notes).toHaveLength(1);
  });

  it('retries 5xx and timeouts with backoff, recording each retry with its reason', async () => {
    const r = await newRequest();
    emulator.control.injectFault({ kind: '503', count: 2, method: 'GET', pathPrefix: '/v1/customers' });
    const e = await until((await escalate(r.id)).id, ['linked']);
    expect(e.attempts).toBe(3);
    const retries = ((await t.api(agent, 'GET', `/api/v1/requests/${r.id}/timeline`)).body.items as any[]).filter(
      (x) => x.type === 'escalation.retry_scheduled',
    );
    expect(retries).toHaveLength(2);
    expect(retries[0].data.reason).toMatch(/503/);
  });

  it('does not count 429s as attempts, so a rate-limit storm does not spend the retries', async () => {
    const r = await newRequest();
    emulator.control.injectFault({
      kind: '429',
      count: MAX_DELIVERY_ATTEMPTS,
      method: 'POST',
      pathPrefix: '/v1/conversations',
      resetAt: new Date(Date.now() + 200),
    });
    emulator.control.injectFault({ kind: '500', count: 1, method: 'POST', pathPrefix: '/v1/conversations' });
    const e = await until((await escalate(r.id)).id, ['linked', 'failed'], 30_000);
    expect(e.state).toBe('linked');
    expect(conversationsFor(e.id)).toHaveLength(1);
  });

  it('fails after the retries are spent, and an agent can Retry', async () => {
    const r = await newRequest();
    const fault = emulator.control.injectFault({ kind: '500', share: 1, method: 'POST', pathPrefix: '/v1/conversations' });
    const failed = await until((await escalate(r.id)).id, ['failed'], 30_000);
    expect(failed.attempts).toBe(MAX_DELIVERY_ATTEMPTS);
    expect(failed.lastError).toMatch(/500/);
    expect(await timelineTypes(r.id)).toContain('escalation.failed');
    emulator.control.clearFaults(fault.id);
    expect((await t.api(agent, 'POST', `/api/v1/escalations/${failed.id}/retry`)).status).toBe(202);
    await until(failed.id, ['linked']);
    expect(conversationsFor(failed.id)).toHaveLength(1);
    // A linked escalation cannot be retried: the lifecycle table refuses it, in its words.
    const again = await t.api(agent, 'POST', `/api/v1/escalations/${failed.id}/retry`);
    expect(again.status).toBe(409);
    expect(again.body.error).toMatchObject({
      message: 'An escalation that is linked cannot retry (only one that is failed can)',
      details: { lifecycle: 'escalation', state: 'linked', event: 'retry' },
    });
  });

  it('fails naming the role when Kustomer refuses a call with 401 for a role the key lacks, and keeps the connection', async () => {
    const r = await newRequest();
    // An admin took one role off the key in Kustomer after it was connected; the emulator answers 401 (its default).
    await withoutRole('org.permission.customer.read', async () => {
      const e = await escalate(r.id);
      const failed = await until(e.id, ['failed']);
      expect(failed).toMatchObject({ lastError: 'The Kustomer API key lacks the role org.permission.customer.read', attempts: 1 });
      const entry = ((await t.api(agent, 'GET', `/api/v1/requests/${r.id}/timeline`)).body.items as any[]).find((x) => x.type === 'escalation.failed');
      expect(entry.data.reason).toBe('The Kustomer API key lacks the role org.permission.customer.read');
      const status = (await t.api(admin, 'GET', '/api/v1/integrations/kustomer')).body;
      expect(status).toMatchObject({ status: 'connected', missingRequiredPermissions: ['org.permission.customer.read'] });
      expect(emulator.control.calls().some((c) => c.path === '/v1/customers/email=riley%40corp.example' && c.status === 401)).toBe(true);
    });
  });

  it('fails fast as link_failed naming the role when the back-link note is refused for a missing role', async () => {
    const r = await newRequest();
    await withoutRole('org.permission.note.create', async () => {
      const failed = await until((await escalate(r.id)).id, ['link_failed']);
      expect(failed).toMatchObject({ lastError: 'The Kustomer API key lacks the role org.permission.note.create', nextAttemptAt: null, attempts: 1 });
      expect(failed.conversationId).not.toBeNull();
    });
  });

  it('fails with words an agent can act on when the queue was deleted in Kustomer, and the agent retries it to another queue', async () => {
    const r = await newRequest();
    const doomed = emulator.control.createQueue({ org: 'acme', name: 'Doomed' });
    await t.api(admin, 'POST', '/api/v1/integrations/kustomer/sync');
    await t.api(admin, 'PATCH', '/api/v1/integrations/kustomer', { queues: [{ remoteId: doomed.id, enabled: true }] });
    emulator.control.deleteQueue({ org: 'acme', id: doomed.id });
    const failed = await until((await escalate(r.id, { queueId: doomed.id })).id, ['failed']);
    // Said to an agent: no admin-only action ("re-sync queues") in it.
    expect(failed.lastError).toBe('The queue no longer exists in Kustomer');
    expect(failed).toMatchObject({ conversationId: null, target: { kind: 'queue', id: doomed.id, name: 'Doomed' }, targetAvailable: false });
    const status = (await t.api(admin, 'GET', '/api/v1/integrations/kustomer')).body;
    expect(status.queues.find((x: any) => x.remoteId === doomed.id).available).toBe(false);

    // Retrying to the same gone queue is refused before anything is sent; a queue not enabled is refused too.
    expect((await t.api(agent, 'POST', `/api/v1/escalations/${failed.id}/retry`, { queueId: doomed.id })).status).toBe(422);
    expect((await t.api(agent, 'POST', `/api/v1/escalations/${failed.id}/retry`, { queueId: q.defaultQueue.id })).status).toBe(422);
    expect((await t.api(agent, 'POST', `/api/v1/escalations/${failed.id}/retry`, { queueId: q.vip.id, teamId: demo.teams.escalations.id })).status).toBe(422);

    const retried = await t.api(agent, 'POST', `/api/v1/escalations/${failed.id}/retry`, { queueId: q.vip.id });
    expect(retried.status, JSON.stringify(retried.body)).toBe(202);
    expect(retried.body).toMatchObject({ state: 'sending', target: { kind: 'queue', id: q.vip.id, name: 'VIP' }, targetAvailable: true, lastError: null });
    const done = await until(failed.id, ['linked']);
    const [conv] = conversationsFor(failed.id);
    expect(conv!.id).toBe(done.conversationId);
    expect((conv!.relationships as any).queue.data.id).toBe(q.vip.id);
    const entries = (await t.api(agent, 'GET', `/api/v1/requests/${r.id}/timeline?limit=1000`)).body.items as any[];
    const audit = entries.find((e) => e.type === 'escalation.retry_requested');
    expect(audit).toMatchObject({
      actor: { userId: agent.id, name: 'Ada Agent' },
      visibility: 'internal',
      data: { escalationId: failed.id, target: { kind: 'queue', id: q.vip.id, name: 'VIP' }, previousTarget: { kind: 'queue', id: doomed.id, name: 'Doomed' } },
    });
    // Once a conversation exists, it stays in its queue: choosing another is refused.
    expect((await t.api(agent, 'POST', `/api/v1/escalations/${failed.id}/retry`, { queueId: q.billing.id })).status).toBe(409);
  });
});

describe('the back-link', () => {
  it('is link_failed with the conversation id on the timeline when the note cannot be posted, and retries to linked', async () => {
    const r = await newRequest();
    const fault = emulator.control.injectFault({ kind: '500', count: 2, method: 'POST', pathPrefix: '/v1/conversations/', share: 1 });
    const e = await escalate(r.id);
    const failed = await until(e.id, ['link_failed']);
    expect(failed.conversationId).not.toBeNull();
    const entry = ((await t.api(agent, 'GET', `/api/v1/requests/${r.id}/timeline`)).body.items as any[]).find((x) => x.type === 'escalation.link_failed');
    expect(entry.data.conversationId).toBe(failed.conversationId);
    emulator.control.clearFaults(fault.id);
    await until(e.id, ['linked']);
    expect(conversationsFor(e.id)).toHaveLength(1);
  });

  it('still shows its next attempt while that attempt is in flight, so it never reads as given up mid-retry', async () => {
    const r = await newRequest();
    emulator.control.injectFault({ kind: '500', count: 1, method: 'POST', pathPrefix: '/v1/conversations/' });
    const slow = emulator.control.injectFault({ kind: 'slow', delayMs: 1_500, count: 1, method: 'POST', pathPrefix: '/v1/conversations/' });
    const e = await escalate(r.id);
    await t.waitFor(async () => emulator.control.faults().find((f) => f.id === slow.id)?.applied || undefined);
    const midRetry = await escalationState(e.id);
    expect(midRetry).toMatchObject({ state: 'link_failed' });
    expect(midRetry.nextAttemptAt).not.toBeNull();
    const linked = await until(e.id, ['linked']);
    expect(linked.nextAttemptAt).toBeNull();
  });

  it('can be re-linked by hand to a conversation checked against Kustomer', async () => {
    const r = await newRequest();
    const fault = emulator.control.injectFault({ kind: '500', share: 1, method: 'POST', pathPrefix: '/v1/conversations/' });
    const e = await escalate(r.id);
    const stuck = await until(e.id, ['link_failed'], 30_000);
    const unknown = await t.api(agent, 'POST', `/api/v1/escalations/${e.id}/relink`, { conversationId: 'aaaaaaaaaaaaaaaaaaaaaaaa' });
    expect(unknown.status).toBe(422);
    emulator.control.clearFaults(fault.id);
    await until(e.id, ['link_failed', 'linked'], 30_000);
    const relinked = await t.api(agent, 'POST', `/api/v1/escalations/${e.id}/relink`, { conversationId: stuck.conversationId });
    expect(relinked.status, JSON.stringify(relinked.body)).toBe(202);
    await until(e.id, ['linked']);
    expect(await timelineTypes(r.id)).toContain('escalation.relinked');
  });

  it('links a request to an existing conversation without creating one; one linked to another request is named and needs confirming', async () => {
    const jane = emulator.control.createCustomer({ org: 'acme', name: 'Existing', email: 'existing@customer.example' });
    const before = emulator.control.conversations('acme').length;
    const r1 = await newRequest({ title: 'Order 4417 refund' });
    const made = await until((await escalate(r1.id)).id, ['linked']);
    const r2 = await newRequest();
    const asked = await t.api(agent, 'POST', `/api/v1/requests/${r2.id}/escalations/link`, { destination: 'kustomer', conversationId: made.conversationId });
    expect(asked.status).toBe(409);
    expect(asked.body.error.message).toContain(`already linked to ${r1.key} "Order 4417 refund"`);
    expect(asked.body.error.details.linkedTo).toEqual({ requestId: r1.id, requestKey: r1.key, title: 'Order 4417 refund', escalationId: made.id });
    expect((await t.api(agent, 'GET', `/api/v1/requests/${r2.id}/escalations`)).body.items).toEqual([]);
    const linked = await t.api(agent, 'POST', `/api/v1/requests/${r2.id}/escalations/link`, {
      destination: 'kustomer',
      conversationId: made.conversationId,
      confirm: true,
    });
    expect(linked.status, JSON.stringify(linked.body)).toBe(202);
    const done = await until(linked.body.id, ['linked']);
    expect(done).toMatchObject({ origin: 'linked_existing', conversationId: made.conversationId });
    expect(emulator.control.conversations('acme').length).toBe(before + 1);
    expect(jane.id).toBeTruthy();
  });

  it('on a conversation linked by hand, looks for its back-link before posting it, and counts only the delivery runs made', async () => {
    const first = await newRequest();
    const made = await until((await escalate(first.id)).id, ['linked']);
    const r = await newRequest();
    const linked = await t.api(agent, 'POST', `/api/v1/requests/${r.id}/escalations/link`, {
      destination: 'kustomer',
      conversationId: made.conversationId,
      confirm: true,
    });
    expect(linked.status, JSON.stringify(linked.body)).toBe(202);
    const done = await until(linked.body.id, ['linked']);
    // One run delivered it: the count is not bent to mean "look first" (the look_first flag says that).
    expect(done.attempts).toBe(1);
    const noteCalls = emulator.control.calls().filter((c) => c.path === `/v1/conversations/${made.conversationId}/notes`);
    // The first escalation's run posted without looking (nothing could exist yet); the linked one looked, then posted.
    expect(noteCalls.map((c) => c.method)).toEqual(['POST', 'GET', 'POST']);
  });

  it('re-linking to a conversation another request holds names that request and asks first', async () => {
    const holder = await newRequest({ title: 'Holder of the conversation' });
    const held = await until((await escalate(holder.id)).id, ['linked']);
    const r = await newRequest();
    const fault = emulator.control.injectFault({ kind: '500', share: 1, method: 'POST', pathPrefix: '/v1/conversations/' });
    const e = await escalate(r.id);
    await until(e.id, ['link_failed'], 30_000);
    emulator.control.clearFaults(fault.id);
    await until(e.id, ['link_failed', 'linked'], 30_000);
    const asked = await t.api(agent, 'POST', `/api/v1/escalations/${e.id}/relink`, { conversationId: held.conversationId });
    expect(asked.status).toBe(409);
    expect(asked.body.error.details.linkedTo).toMatchObject({ requestId: holder.id, requestKey: holder.key, title: 'Holder of the conversation' });
    const relinked = await t.api(agent, 'POST', `/api/v1/escalations/${e.id}/relink`, { conversationId: held.conversationId, confirm: true });
    expect(relinked.status, JSON.stringify(relinked.body)).toBe(202);
    expect((await until(e.id, ['linked'])).conversationId).toBe(held.conversationId);
  });
});

describe('the Test escalation (Settings → Kustomer)', () => {
  it('files its sample request marked as a test and resolves it once the escalation finishes', async () => {
    const sent = await t.api(admin, 'POST', '/api/v1/integrations/kustomer/test', { queueId: q.tier2Support.id, channel: 'email' });
    expect(sent.status, JSON.stringify(sent.body)).toBe(202);
    const filed = (await t.api(admin, 'GET', `/api/v1/requests/${sent.body.requestId}`)).body;
    expect(filed).toMatchObject({ channel: 'test', tags: ['bridgedesk-test'] });
    expect(filed.title).toMatch(/^\[Test\] /);
    await until(sent.body.escalation.id, ['linked']);
    const resolved = await t.waitFor(async () => {
      const r = (await t.api(admin, 'GET', `/api/v1/requests/${sent.body.requestId}`)).body;
      return r.status === 'resolved' ? r : undefined;
    });
    expect(resolved.resolvedAt).not.toBeNull();
    const entries = (await t.api(admin, 'GET', `/api/v1/requests/${sent.body.requestId}/timeline?limit=1000`)).body.items as any[];
    expect(entries.find((e) => e.type === 'request.status_changed')).toMatchObject({ actor: { type: 'system' }, data: { after: 'resolved' } });
  });
});

describe('load', () => {
  it('spends no call beyond the rate budget in a 429 storm', async () => {
    emulator.control.updateOrg('acme', { rateLimitPerMinute: 12 });
    // Bridgedesk learns the new limit from the reply headers of its next call, as it would in production.
    // Kustomer's replies do not name the window's end, so each caller places it on its own clock: the server's test
    // clock is set to real time, as the worker's is.
    t.clock.now = new Date();
    await t.api(admin, 'POST', '/api/v1/integrations/kustomer/sync');
    emulator.control.clearCalls();
    try {
      const requests = await Promise.all(Array.from({ length: 12 }, () => newRequest()));
      const escalations = await Promise.all(requests.map((r) => escalate(r.id, { confirm: true })));
      for (const e of escalations) await until(e.id, ['linked'], 60_000);
      expect(emulator.control.calls().filter((c) => c.status === 429)).toHaveLength(0);
    } finally {
      emulator.control.updateOrg('acme', { rateLimitPerMinute: 100_000 });
    }
  }, 90_000);

  it('turns 200 concurrent escalations into 200 conversations, all linked', async () => {
    const requests = await Promise.all(Array.from({ length: 200 }, (_, i) => newRequest({ title: `Bulk ${i}` })));
    const escalations = await Promise.all(requests.map((r) => escalate(r.id)));
    await t.waitFor(async () => {
      const row = await t.db
        .selectFrom('escalations')
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .where(
          'id',
          'in',
          escalations.map((e) => e.id),
        )
        .where('state', '=', 'linked')
        .executeTakeFirstOrThrow();
      return Number(row.n) === 200 || undefined;
    }, 60_000);
    for (const e of escalations) expect(conversationsFor(e.id)).toHaveLength(1);
  }, 90_000);
});
