import { describe, expect, it } from 'vitest';
import { createTestEmulator, T0, testEmulatorEachTest } from './test-emulator.ts';

const t = testEmulatorEachTest();

/** T0 is 12:00:10, so its window ends at 12:01:00. */
const WINDOW_END_S = Date.parse('2025-03-21T12:01:00.000Z') / 1000;

describe('rate limits', () => {
  it('puts x-ratelimit-limit and -remaining on every reply but no -reset, as recorded (200, 400, 404, 401)', async () => {
    const ok = await t.api('GET', '/v1/teams');
    expect(ok.headers.get('x-ratelimit-limit')).toBe('1000');
    expect(ok.headers.get('x-ratelimit-remaining')).toBe('999');
    expect(ok.headers.has('x-ratelimit-reset')).toBe(false);
    const notFound = await t.api('GET', '/v1/nothing-here');
    expect(notFound.status).toBe(404);
    expect(notFound.headers.get('x-ratelimit-remaining')).toBe('998');
    const forbidden = await t.api('GET', '/v1/teams', { key: t.control.createApiKey({ org: 'acme', roles: [] }).key });
    expect(forbidden.status).toBe(401);
    expect(forbidden.headers.get('x-ratelimit-remaining')).toBe('997');
    const bad = await t.api('POST', '/v1/customers', { body: { nope: 1 } });
    expect(bad.status).toBe(400);
    for (const r of [notFound, forbidden, bad]) expect(r.headers.has('x-ratelimit-reset')).toBe(false);
  });

  it('sends the reset on every reply when the org asks for the documented shape', async () => {
    t.control.updateOrg('acme', { rateLimitResetOn: 'every' });
    expect((await t.api('GET', '/v1/teams')).headers.get('x-ratelimit-reset')).toBe(String(WINDOW_END_S));
  });

  it('answers 429 past the budget until the window resets, then serves again', async () => {
    t.control.updateOrg('acme', { rateLimitPerMinute: 3 });
    for (let i = 0; i < 3; i++) expect((await t.api('GET', '/v1/teams')).status).toBe(200);
    const limited = await t.api('GET', '/v1/teams');
    expect(limited.status).toBe(429);
    expect(limited.body.errors[0]).toMatchObject({ status: 429, code: 'too_many_requests' });
    expect(limited.headers.get('x-ratelimit-remaining')).toBe('0');
    expect(limited.headers.get('x-ratelimit-reset')).toBe(String(WINDOW_END_S));
    t.clock.advance(49_000); // 12:00:59, same window
    expect((await t.api('GET', '/v1/teams')).status).toBe(429);
    t.clock.advance(1_000); // 12:01:00, new window
    const recovered = await t.api('GET', '/v1/teams');
    expect(recovered.status).toBe(200);
    expect(recovered.headers.get('x-ratelimit-remaining')).toBe('2');
    expect(recovered.headers.has('x-ratelimit-reset')).toBe(false);
  });

  it('shares one budget between all keys of an org, and keeps orgs apart', async () => {
    t.control.updateOrg('acme', { rateLimitPerMinute: 2 });
    const second = t.control.createApiKey({ org: 'acme', roles: ['org.permission.team.read'] });
    await t.api('GET', '/v1/teams');
    await t.api('GET', '/v1/teams', { key: second.key });
    expect((await t.api('GET', '/v1/teams', { key: second.key })).status).toBe(429);
    t.control.createOrg({ name: 'globex', rateLimitPerMinute: 2 });
    const globex = t.control.createApiKey({ org: 'globex', roles: ['org.permission.team.read'] });
    expect((await t.api('GET', '/v1/teams', { key: globex.key, host: 'globex.api.kustomerapp.com' })).status).toBe(200);
  });

  it('does not count calls refused for a bad key', async () => {
    const bad = await t.api('GET', '/v1/teams', { key: 'x.y.z' });
    expect(bad.headers.get('x-ratelimit-remaining')).toBeNull();
    expect((await t.api('GET', '/v1/teams')).headers.get('x-ratelimit-remaining')).toBe('999');
  });

  it('limits searches separately at 100 per minute by default', async () => {
    t.control.updateOrg('acme', { searchRateLimitPerMinute: 2 });
    const search = () => t.api('POST', '/v1/customers/search', { body: { queryContext: 'conversation' } });
    expect((await search()).status).toBe(200);
    expect((await search()).status).toBe(200);
    const limited = await search();
    expect(limited.status).toBe(429);
    expect(limited.headers.get('x-ratelimit-limit')).toBe('2');
    expect((await t.api('GET', '/v1/teams')).status).toBe(200);
  });

  it('can send x-ratelimit-reset as seconds until the reset instead', async () => {
    t.control.updateOrg('acme', { rateLimitResetFormat: 'secondsUntilReset', rateLimitResetOn: 'every' });
    expect((await t.api('GET', '/v1/teams')).headers.get('x-ratelimit-reset')).toBe('50');
    expect(T0.getUTCSeconds()).toBe(10);
  });

  it('limits notes created on one conversation to 120 a minute, with object headers, and its own 429 without a reset', async () => {
    const [a, b] = [await t.createConversation(), await t.createConversation()];
    const note = (id: string) => t.api('POST', `/v1/conversations/${id}/notes`, { body: { body: 'n' } });
    const first = await note(a.id);
    expect(first.status).toBe(201);
    expect(first.headers.get('x-ratelimit-object-limit')).toBe('120');
    expect(first.headers.get('x-ratelimit-object-remaining')).toBe('119');
    for (let i = 0; i < 119; i++) expect((await note(a.id)).status).toBe(201);
    const limited = await note(a.id);
    expect(limited.status).toBe(429);
    expect(limited.headers.get('x-ratelimit-object-remaining')).toBe('0');
    expect(Number(limited.headers.get('x-ratelimit-remaining'))).toBeGreaterThan(0);
    expect(limited.headers.has('x-ratelimit-reset')).toBe(false);
    // Other conversations, and other calls, are not held back by it.
    expect((await note(b.id)).status).toBe(201);
    expect((await t.api('GET', '/v1/teams')).status).toBe(200);
    t.clock.advance(50_000); // the next minute
    expect((await note(a.id)).status).toBe(201);
  });

  it('limits updates of one conversation to 600 a minute (assumed from the customer update) and says so in headers', async () => {
    t.control.updateOrg('acme', { updatesPerConversationPerMinute: 2 });
    const c = await t.createConversation();
    const patch = () => t.api('PATCH', `/v1/conversations/${c.id}`, { body: { priority: 4 } });
    expect((await patch()).headers.get('x-ratelimit-object-remaining')).toBe('1');
    expect((await patch()).status).toBe(200);
    expect((await patch()).status).toBe(429);
    expect(createTestEmulator().control.updateOrg('acme', {}).settings.updatesPerConversationPerMinute).toBe(600);
  });
});
