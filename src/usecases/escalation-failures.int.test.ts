/** Escalations that fail, are retried or meet rate limits and load, end to end (the API, the real worker, the Kustomer emulator over HTTP). */
import { describe, expect, it } from 'vitest';
import { MAX_DELIVERY_ATTEMPTS } from '../core/escalation.ts';
import { escalationStack } from '../../test/support/escalation-stack.ts';

const { emulator, demo, t, admin, agent, q, newRequest, withoutRole, escalate, until, timelineTypes, conversationsFor } = await escalationStack();

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
