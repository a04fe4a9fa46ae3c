/** The back-link note of an escalation, re-linking and linking existing conversations, end to end (the API, the real worker, the Kustomer emulator over HTTP). */
import { describe, expect, it } from 'vitest';
import { escalationStack } from '../../test/support/escalation-stack.ts';

const { emulator, t, agent, newRequest, escalate, escalationState, until, timelineTypes, conversationsFor } = await escalationStack();
/** Links an existing conversation to the request as the agent; `confirm` takes it from another request. */
const linkExisting = (requestId: string, conversationId: string, confirm?: true) =>
  t.api(agent, 'POST', `/api/v1/requests/${requestId}/escalations/link`, { destination: 'kustomer', conversationId, ...(confirm ? { confirm } : {}) });

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
    const asked = await linkExisting(r2.id, made.conversationId);
    expect(asked.status).toBe(409);
    expect(asked.body.error.message).toContain(`already linked to ${r1.key} "Order 4417 refund"`);
    expect(asked.body.error.details.linkedTo).toEqual({ requestId: r1.id, requestKey: r1.key, title: 'Order 4417 refund', escalationId: made.id });
    expect((await t.api(agent, 'GET', `/api/v1/requests/${r2.id}/escalations`)).body.items).toEqual([]);
    const linked = await linkExisting(r2.id, made.conversationId, true);
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
    const linked = await linkExisting(r.id, made.conversationId, true);
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
