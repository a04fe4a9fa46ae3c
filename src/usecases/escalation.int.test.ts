/** Escalating a request end to end (the API, the real worker, the Kustomer emulator over HTTP), and the Test escalation. */
import { describe, expect, it } from 'vitest';
import { escalationStack } from '../../test/support/escalation-stack.ts';

const { emulator, demo, t, admin, agent, requester, q, newRequest, escalate, until, timelineTypes, conversationsFor } = await escalationStack();

/** Submits an escalation of the request as the agent and returns the reply, whatever its status. */
const submit = (requestId: string, body: Record<string, unknown>) =>
  t.api(agent, 'POST', `/api/v1/requests/${requestId}/escalations`, {
    destination: 'kustomer',
    queueId: q.tier2Support.id,
    channel: 'email',
    priority: 3,
    subject: 's',
    message: 'm',
    ...body,
  });

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
    const again = await submit(r.id, { queueId: q.vip.id, channel: 'chat', priority: 2 });
    expect(again.status).toBe(409);
    expect(again.body.error.details.openEscalationId).toBe(first.id);
    await escalate(r.id, { confirm: true, queueId: q.vip.id });
  });

  it('refuses a subject over 256 or a message over 50,000 characters with 422 on that field, and stores text at the limit whole', async () => {
    const r = await newRequest();
    const send = (body: Record<string, unknown>) => submit(r.id, body);
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
    const bad = async (body: Record<string, unknown>) => (await submit(r.id, body)).status;
    expect(await bad({ queueId: q.defaultQueue.id })).toBe(422);
    expect(await bad({ channel: 'pigeon' })).toBe(422);
    expect(await bad({ priority: 9 })).toBe(422);
    expect(await bad({ teamId: demo.teams.escalations.id })).toBe(422);
    expect(await bad({ destination: 'zendesk' })).toBe(400);
    expect((await t.api(agent, 'GET', `/api/v1/requests/${r.id}/escalations`)).body.items).toEqual([]);
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
