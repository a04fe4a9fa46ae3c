import { describe, expect, it } from 'vitest';
import { signIn } from '../../../test/support/sign-in.ts';
import { createTestApp, TEST_PASSWORD } from '../../../test/support/test-app.ts';

const t = await createTestApp({ BRIDGEDESK_LOGIN_MAX_FAILURES: '3' });

const login = (email: string, password: string, cookie?: string) => signIn(t, email, password, cookie);

describe('first admin setup', () => {
  it('asks for an admin until one exists, then refuses a second setup', async () => {
    expect((await t.api(null, 'GET', '/api/v1/setup')).body).toEqual({ needsAdmin: true });
    const created = await t.api(null, 'POST', '/api/v1/setup', { email: 'Boss@Example.com', name: 'Boss', password: 'a long password' });
    expect(created.status).toBe(201);
    expect(created.body.user).toMatchObject({ email: 'boss@example.com', role: 'admin' });
    expect((await t.api(null, 'GET', '/api/v1/setup')).body).toEqual({ needsAdmin: false });
    const again = await t.api(null, 'POST', '/api/v1/setup', { email: 'x@example.com', name: 'X', password: 'a long password' });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('conflict');
  });
});

describe('sessions', () => {
  it('signs in with a HttpOnly cookie and reads the session back', async () => {
    const agent = await t.createUser('agent');
    const { status, body, cookie, setCookie } = await login(agent.email, TEST_PASSWORD);
    expect(status).toBe(200);
    expect(setCookie).toMatch(/HttpOnly/i);
    expect(setCookie).toMatch(/SameSite=Lax/i);
    expect(body.user.email).toBe(agent.email);
    const session = await t.raw('/api/v1/auth/session', { headers: { cookie } });
    expect(session.status).toBe(200);
    expect((await session.json()).csrfToken).toBe(body.csrfToken);
  });

  it('refuses a cookie-authenticated write without the CSRF header', async () => {
    const agent = await t.createUser('agent');
    const { body, cookie } = await login(agent.email, TEST_PASSWORD);
    const write = (headers: Record<string, string>) =>
      t.raw('/api/v1/api-tokens', { method: 'POST', headers: { cookie, 'content-type': 'application/json', ...headers }, body: JSON.stringify({ name: 'x' }) });
    const refused = await write({});
    expect(refused.status).toBe(403);
    expect((await refused.json()).error.message).toMatch(/csrf/i);
    expect((await write({ 'x-csrf-token': 'wrong' })).status).toBe(403);
    expect((await write({ 'x-csrf-token': body.csrfToken })).status).toBe(201);
  });

  it('issues a new session id at sign-in so a planted cookie is never promoted', async () => {
    const agent = await t.createUser('agent');
    const first = await login(agent.email, TEST_PASSWORD);
    const second = await login(agent.email, TEST_PASSWORD, first.cookie);
    expect(second.cookie).not.toBe(first.cookie);
    expect((await t.raw('/api/v1/auth/session', { headers: { cookie: first.cookie } })).status).toBe(401);
  });

  it('ends the session on sign-out', async () => {
    const agent = await t.createUser('agent');
    const { body, cookie } = await login(agent.email, TEST_PASSWORD);
    const out = await t.raw('/api/v1/auth/logout', { method: 'POST', headers: { cookie, 'x-csrf-token': body.csrfToken } });
    expect(out.status).toBe(204);
    expect((await t.raw('/api/v1/auth/session', { headers: { cookie } })).status).toBe(401);
  });

  it('expires sessions after their lifetime', async () => {
    const agent = await t.createUser('agent');
    const { cookie } = await login(agent.email, TEST_PASSWORD);
    t.clock.advance(t.config.sessionTtlMs + 1000);
    expect((await t.raw('/api/v1/auth/session', { headers: { cookie } })).status).toBe(401);
  });

  it('throttles sign-in after repeated failures, even with the right password', async () => {
    const agent = await t.createUser('agent');
    for (let i = 0; i < 3; i++) expect((await login(agent.email, 'wrong password')).status).toBe(401);
    const blocked = await login(agent.email, TEST_PASSWORD);
    expect(blocked.status).toBe(429);
    expect(blocked.headers.get('retry-after')).toBeTruthy();
    t.clock.advance(t.config.login.windowMs + 1000);
    expect((await login(agent.email, TEST_PASSWORD)).status).toBe(200);
  });

  it('gives the same answer for an unknown email and a wrong password', async () => {
    const agent = await t.createUser('agent');
    const unknown = await login('nobody@example.com', 'whatever pass');
    const wrong = await login(agent.email, 'whatever pass');
    expect(unknown.status).toBe(401);
    expect(unknown.body).toEqual(wrong.body);
  });
});

describe('API tokens', () => {
  it('creates a token shown once, authenticates with it, and refuses it after revocation', async () => {
    const agent = await t.createUser('agent');
    const created = await t.api(agent, 'POST', '/api/v1/api-tokens', { name: 'script' });
    expect(created.status).toBe(201);
    const token: string = created.body.token;
    expect(token).toMatch(/^bdk_/);
    const me = { ...agent, token };
    expect((await t.api(me, 'GET', '/api/v1/auth/session')).status).toBe(200);
    const list = await t.api(agent, 'GET', '/api/v1/api-tokens');
    expect(JSON.stringify(list.body)).not.toContain(token);
    expect((await t.api(agent, 'DELETE', `/api/v1/api-tokens/${created.body.id}`)).status).toBe(204);
    const after = await t.api(me, 'GET', '/api/v1/auth/session');
    expect(after.status).toBe(401);
    expect(after.body.error.code).toBe('unauthenticated');
  });

  it("cannot revoke another user's token", async () => {
    const a = await t.createUser('agent');
    const b = await t.createUser('admin');
    const created = await t.api(a, 'POST', '/api/v1/api-tokens', { name: 'mine' });
    expect((await t.api(b, 'DELETE', `/api/v1/api-tokens/${created.body.id}`)).status).toBe(404);
  });
});

describe('error shape', () => {
  it('answers bad JSON, unknown fields, wrong types and oversized bodies with a clear 4xx', async () => {
    const agent = await t.createUser('agent');
    const badJson = await t.raw('/api/v1/api-tokens', {
      method: 'POST',
      headers: { authorization: `Bearer ${agent.token}`, 'content-type': 'application/json' },
      body: '{"name":',
    });
    expect(badJson.status).toBe(400);
    expect((await badJson.json()).error.code).toBe('bad_request');
    const unknown = await t.api(agent, 'POST', '/api/v1/api-tokens', { name: 'x', admin: true });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.code).toBe('validation_failed');
    const wrongType = await t.api(agent, 'POST', '/api/v1/api-tokens', { name: 42 });
    expect(wrongType.status).toBe(400);
    const big = await t.api(agent, 'POST', '/api/v1/api-tokens', { name: 'x'.repeat(2 * 1024 * 1024) });
    expect(big.status).toBe(413);
    expect(big.body.error.code).toBe('payload_too_large');
    const noBody = await t.raw('/api/v1/api-tokens', { method: 'POST', headers: { authorization: `Bearer ${agent.token}` } });
    expect(noBody.status).toBe(400);
    const unknownRoute = await t.api(agent, 'GET', '/api/v1/nope');
    expect(unknownRoute.status).toBe(404);
    expect(unknownRoute.body.error.code).toBe('not_found');
  });
});
