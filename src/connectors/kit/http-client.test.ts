import { describe, expect, it } from 'vitest';
import { ConnectorError } from './errors.ts';
import { createHttpClient, type HttpClientOptions } from './http-client.ts';
import { memoryBudget } from './rate-budget.ts';

/** A stand-in vendor: answers each call from a script. */
function vendor(replies: (() => Response | Promise<Response>)[]) {
  const calls: URL[] = [];
  const fetchFn = (async (url: URL) => {
    calls.push(url);
    const next = replies.shift();
    if (!next) throw new Error('no more replies');
    return next();
  }) as unknown as typeof fetch;
  return { fetchFn, calls };
}

/** A client of https://x.example that calls out through `fetch`. */
const clientOver = (fetch: typeof globalThis.fetch, o: Partial<HttpClientOptions> = {}) =>
  createHttpClient({ baseUrl: 'https://x.example', headers: {}, fetch, ...o });

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });

async function failure(p: Promise<unknown>): Promise<ConnectorError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof ConnectorError) return e;
    throw e;
  }
  throw new Error('expected a ConnectorError');
}

describe('error classification', () => {
  const cases: [number, string][] = [
    [429, 'retryable'],
    [500, 'retryable'],
    [503, 'retryable'],
    [401, 'auth'],
    [403, 'auth'],
    [400, 'permanent'],
    [404, 'permanent'],
    [409, 'permanent'],
    [422, 'permanent'],
  ];
  for (const [status, kind] of cases) {
    it(`treats ${status} as ${kind} and keeps the vendor's message`, async () => {
      const v = vendor([() => json(status, { errors: [{ detail: `vendor says ${status}` }] })]);
      const http = clientOver(v.fetchFn, { describeError: (b: any) => ({ message: b.errors[0].detail }) });
      const err = await failure(http({ method: 'GET', path: '/v1/thing' }));
      expect(err.kind).toBe(kind);
      expect(err.status).toBe(status);
      expect(err.detail.vendorMessage).toBe(`vendor says ${status}`);
    });
  }

  it('treats a timeout as retryable', async () => {
    const slow = (async (_u: URL, init: RequestInit) =>
      new Promise((_, reject) => init.signal!.addEventListener('abort', () => reject(init.signal!.reason)))) as unknown as typeof fetch;
    const http = clientOver(slow, { timeoutMs: 20 });
    const err = await failure(http({ method: 'GET', path: '/v1/slow' }));
    expect(err).toMatchObject({ kind: 'retryable', detail: { reason: 'timeout' } });
  });

  it('treats a network failure as retryable', async () => {
    const down = (async () => {
      throw new TypeError('fetch failed', { cause: new Error('ECONNREFUSED') });
    }) as unknown as typeof fetch;
    const http = clientOver(down);
    const err = await failure(http({ method: 'GET', path: '/v1/x' }));
    expect(err).toMatchObject({ kind: 'retryable', detail: { reason: 'network' } });
    expect(err.message).toContain('ECONNREFUSED');
  });
});

describe('requests', () => {
  it('keeps every call on the configured host whatever the path says', async () => {
    const v = vendor([() => json(200, {})]);
    const http = createHttpClient({ baseUrl: 'https://acme.api.example', headers: {}, fetch: v.fetchFn });
    await expect(http({ method: 'GET', path: '//evil.example/x' })).rejects.toThrow(/relative/);
    await expect(http({ method: 'GET', path: 'https://evil.example/x' })).rejects.toThrow(/relative/);
    await http({ method: 'GET', path: '/v1/customers/email=a%40b.c', query: { page: 2 } });
    expect(v.calls[0]!.href).toBe('https://acme.api.example/v1/customers/email=a%40b.c?page=2');
  });

  it('waits for the rate budget to refill when the wait fits, and reports the wait when it does not', async () => {
    let now = new Date('2026-01-01T00:00:00Z');
    const slept: number[] = [];
    const budget = memoryBudget();
    const reset = String(Math.floor(now.getTime() / 1000) + 30);
    const v = vendor([() => json(200, {}, { 'x-ratelimit-limit': '2', 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': reset }), () => json(200, {})]);
    const readRateWindow = (h: Headers) =>
      h.has('x-ratelimit-remaining')
        ? { limit: 2, remaining: Number(h.get('x-ratelimit-remaining')), resetAt: new Date(Number(h.get('x-ratelimit-reset')) * 1000) }
        : null;
    const common = { baseUrl: 'https://x.example', headers: {}, fetch: v.fetchFn, budget, readRateWindow, now: () => now };
    const impatient = createHttpClient(common);
    await impatient({ method: 'GET', path: '/a' });
    const err = await failure(impatient({ method: 'GET', path: '/b' }));
    expect(err).toMatchObject({ kind: 'retryable', detail: { reason: 'rate_limited', retryAfterMs: 30_000 } });
    const patient = createHttpClient({
      ...common,
      maxBudgetWaitMs: 60_000,
      sleep: async (ms) => {
        slept.push(ms);
        now = new Date(now.getTime() + ms);
      },
    });
    await patient({ method: 'GET', path: '/b' });
    expect(slept).toEqual([30_000]);
    expect(v.calls).toHaveLength(2);
  });

  it('sleeps a short budget wait inside the call instead of sending the caller away to reschedule', async () => {
    let now = new Date('2026-01-01T00:00:00Z');
    const slept: number[] = [];
    const waits = [20, 20, 0];
    const budget = { take: async () => waits.shift()!, observe: async () => {} };
    const v = vendor([() => json(200, {})]);
    const client = clientOver(v.fetchFn, {
      budget,
      now: () => now,
      sleep: async (ms) => {
        slept.push(ms);
        now = new Date(now.getTime() + ms);
      },
    });
    await client({ method: 'GET', path: '/a' });
    expect(slept).toEqual([20, 20]);
    expect(v.calls).toHaveLength(1);
  });

  it('reads the wait of a 429 from the rate-limit reset', async () => {
    const now = new Date('2026-01-01T00:00:00Z');
    const v = vendor([() => json(429, { errors: [] }, { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(now.getTime() / 1000 + 12) })]);
    const http = clientOver(v.fetchFn, {
      now: () => now,
      readRateWindow: (h) => ({ limit: 10, remaining: 0, resetAt: new Date(Number(h.get('x-ratelimit-reset')) * 1000) }),
    });
    const err = await failure(http({ method: 'GET', path: '/x' }));
    expect(err.detail.retryAfterMs).toBe(12_000);
  });
});

describe('rate limits without a reset header', () => {
  const now = new Date('2026-01-01T00:00:40Z'); // 20 s before the minute ends
  const headersOf = (h: Headers) => ({ limit: Number(h.get('x-limit')), remaining: Number(h.get('x-remaining')) });
  const windowFrom = (h: Headers, at: Date) =>
    h.has('x-remaining') ? { ...headersOf(h), resetAt: new Date(Math.ceil((at.getTime() + 1) / 60_000) * 60_000), estimated: true } : null;
  const objectFrom = (h: Headers, at: Date) =>
    h.has('x-object-remaining')
      ? {
          limit: Number(h.get('x-object-limit')),
          remaining: Number(h.get('x-object-remaining')),
          resetAt: new Date(Math.ceil((at.getTime() + 1) / 60_000) * 60_000),
          estimated: true,
        }
      : null;

  it('waits after a 429 without any reset to the end of the window plus a jitter drawn from the injected random, never past 1.1 windows', async () => {
    const waits: number[] = [];
    for (const r of [0, 0.5, 0.999]) {
      const v = vendor([() => json(429, { errors: [] }, { 'x-remaining': '0', 'x-limit': '10' })]);
      const http = clientOver(v.fetchFn, { now: () => now, readRateWindow: windowFrom, random: () => r });
      waits.push((await failure(http({ method: 'GET', path: '/x' }))).detail.retryAfterMs!);
    }
    expect(waits).toEqual([20_000, 23_000, 25_994]);
    const bare = vendor([() => json(429, {})]);
    const err = await failure(clientOver(bare.fetchFn, { now: () => now, random: () => 0.999 })({ method: 'GET', path: '/x' }));
    expect(err.detail.retryAfterMs).toBeLessThanOrEqual(66_000);
  });

  it("holds back only that object's calls after a 429 on its own limit, not the shared budget", async () => {
    const budget = memoryBudget();
    const v = vendor([
      () => json(429, { errors: [] }, { 'x-limit': '1000', 'x-remaining': '900', 'x-object-limit': '120', 'x-object-remaining': '0' }),
      () => json(200, {}, { 'x-limit': '1000', 'x-remaining': '899' }),
      () => json(201, {}, { 'x-limit': '1000', 'x-remaining': '898', 'x-object-limit': '120', 'x-object-remaining': '119' }),
    ]);
    const http = clientOver(v.fetchFn, { now: () => now, budget, readRateWindow: windowFrom, readObjectWindow: objectFrom, random: () => 0 });
    const refused = await failure(http({ method: 'POST', path: '/notes/a', objectKey: 'notes:a' }));
    expect(refused).toMatchObject({ kind: 'retryable', status: 429, message: 'Rate limited on this object', detail: { retryAfterMs: 20_000 } });
    await http({ method: 'GET', path: '/teams' }); // the shared budget still has 900
    await http({ method: 'POST', path: '/notes/b', objectKey: 'notes:b' }); // another object
    const held = await failure(http({ method: 'POST', path: '/notes/a', objectKey: 'notes:a' }));
    expect(held).toMatchObject({ kind: 'retryable', detail: { reason: 'rate_limited', retryAfterMs: 20_000 } });
    expect(held.status).toBeUndefined(); // held back by the budget: not sent
    expect(v.calls.map((u) => u.pathname)).toEqual(['/notes/a', '/teams', '/notes/b']);
  });
});
