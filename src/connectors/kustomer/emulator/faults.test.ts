import { describe, expect, it } from 'vitest';
import { createTestEmulator, testEmulatorEachTest } from './test-emulator.ts';

const t = testEmulatorEachTest();

describe('faults', () => {
  it('answers 429 with the given reset time for the next N calls, then recovers', async () => {
    t.control.injectFault({ kind: '429', count: 2, resetAt: '2025-03-21T12:00:40.000Z' });
    for (let i = 0; i < 2; i++) {
      const r = await t.api('GET', '/v1/teams');
      expect(r.status).toBe(429);
      expect(r.headers.get('x-ratelimit-remaining')).toBe('0');
      expect(r.headers.get('x-ratelimit-reset')).toBe(String(Date.parse('2025-03-21T12:00:40.000Z') / 1000));
      expect(r.body.errors[0].code).toBe('too_many_requests');
    }
    expect((await t.api('GET', '/v1/teams')).status).toBe(200);
  });

  it("answers 500 and 503 with Kustomer's error body, only for the matching method and path prefix", async () => {
    t.control.injectFault({ kind: '503', method: 'POST', pathPrefix: '/v1/conversations' });
    t.control.injectFault({ kind: '500', pathPrefix: '/v1/teams' });
    expect((await t.api('GET', '/v1/conversations')).status).toBe(200);
    const customer = await t.createCustomer();
    const unavailable = await t.api('POST', '/v1/conversations', { body: { customer } });
    expect(unavailable.status).toBe(503);
    expect(unavailable.body.errors[0]).toMatchObject({ status: 503, code: 'service_unavailable' });
    expect((await t.api('GET', '/v1/teams')).status).toBe(500);
    expect((await t.api('GET', '/v1/teams')).status).toBe(200);
    expect(t.control.conversations('acme')).toHaveLength(0);
  });

  it('fails a share of calls, drawn from the injected random source', async () => {
    const draws = [0.1, 0.9, 0.2, 0.8];
    const t = createTestEmulator({ random: () => draws.shift() ?? 0.99 });
    t.control.injectFault({ kind: '500', share: 0.5, pathPrefix: '/v1/teams' });
    const statuses = [];
    for (let i = 0; i < 5; i++) statuses.push((await t.api('GET', '/v1/teams')).status);
    expect(statuses).toEqual([500, 200, 500, 200, 200]);
  });

  it('holds a slow reply for the given time after handling the call', async () => {
    t.control.injectFault({ kind: 'slow', delayMs: 60 });
    const started = performance.now();
    const r = await t.api('GET', '/v1/teams');
    expect(r.status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(55);
  });

  it('lets the caller time out on a slow reply while the write still commits', async () => {
    const customer = await t.createCustomer();
    t.control.injectFault({ kind: 'slow', delayMs: 30_000 });
    const attempt = t.api('POST', '/v1/conversations', { body: { customer, externalId: 'req-slow' }, signal: AbortSignal.timeout(20) });
    await expect(attempt).rejects.toMatchObject({ name: 'TimeoutError' });
    expect((await t.api('GET', '/v1/conversations/externalId=req-slow')).status).toBe(200);
  });

  it('commits the write of a lost reply and answers 502 without a body', async () => {
    const customer = await t.createCustomer();
    t.control.injectFault({ kind: 'lost_reply', method: 'POST', pathPrefix: '/v1/conversations' });
    const res = await t.emulator.fetch(t.request('POST', '/v1/conversations', { body: { customer, externalId: 'req-lost' } }));
    expect(res.status).toBe(502);
    expect(await res.text()).toBe('');
    const found = await t.api('GET', '/v1/conversations/externalId=req-lost');
    expect(found.status).toBe(200);
    const call = t.control.calls().find((c) => c.method === 'POST' && c.path === '/v1/conversations')!;
    expect(call).toMatchObject({ status: 502, handledStatus: 201, fault: 'lost_reply' });
  });

  it('drops the connection after committing when a lost reply is set to close', async () => {
    const customer = await t.createCustomer();
    t.control.injectFault({ kind: 'lost_reply', reply: 'close' });
    await expect(t.emulator.fetch(t.request('POST', '/v1/conversations', { body: { customer, externalId: 'req-closed' } }))).rejects.toThrow(TypeError);
    expect((await t.api('GET', '/v1/conversations/externalId=req-closed')).status).toBe(200);
    expect(t.control.calls().at(-2)).toMatchObject({ status: 0, handledStatus: 201 });
  });

  it('never applies faults to the /__emulator/ controls', async () => {
    t.control.injectFault({ kind: '500', share: 1 });
    const res = await t.emulator.fetch(new Request('http://x/__emulator/faults'));
    expect(res.status).toBe(200);
    expect(await res.json()).toHaveLength(1);
  });

  it('lists and clears faults', async () => {
    const f = t.control.injectFault({ kind: '500', count: 5 });
    await t.api('GET', '/v1/teams');
    expect(t.control.faults()).toEqual([expect.objectContaining({ id: f.id, remaining: 4, applied: 1 })]);
    t.control.clearFaults(f.id);
    expect((await t.api('GET', '/v1/teams')).status).toBe(200);
  });
});

describe('call log', () => {
  it('records method, path, query, body, status, key id and time of every API call', async () => {
    await t.api('GET', '/v1/teams?page=1&pageSize=5');
    t.clock.advance(1_000);
    await t.api('POST', '/v1/customers', { body: { name: 'Jane' } });
    await t.api('GET', '/v1/teams', { key: null });
    expect(t.control.calls()).toEqual([
      expect.objectContaining({
        seq: 1,
        method: 'GET',
        path: '/v1/teams',
        query: { page: '1', pageSize: '5' },
        body: null,
        status: 200,
        keyId: t.demo.key.id,
        org: 'acme',
        at: '2025-03-21T12:00:10.000Z',
      }),
      expect.objectContaining({ seq: 2, method: 'POST', path: '/v1/customers', body: { name: 'Jane' }, status: 201, at: '2025-03-21T12:00:11.000Z' }),
      expect.objectContaining({ seq: 3, status: 401, keyId: null }),
    ]);
    t.control.clearCalls();
    expect(t.control.calls()).toEqual([]);
  });
});
