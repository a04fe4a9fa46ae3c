/** CSRF on cookie sessions: a cookie-authenticated write needs the session's X-CSRF-Token; a bearer token needs none. */
import { describe, expect, it } from 'vitest';
import { createTestApp, TEST_PASSWORD } from '../support/test-app.ts';
import { signIn, withCookie } from '../support/sign-in.ts';

const t = await createTestApp();
const admin = await t.createUser('admin');
const agent = await t.createUser('agent');
const requester = await t.createUser('requester');

/** One write of each method, on things the signed-in admin may change. */
async function writes() {
  const request = (await t.api(requester, 'POST', '/api/v1/requests', { title: 'CSRF target' })).body;
  const token = (await t.api(admin, 'POST', '/api/v1/api-tokens', { name: 'victim token' })).body;
  return [
    { method: 'POST', path: '/api/v1/requests', body: { title: 'forged request' } },
    { method: 'PATCH', path: `/api/v1/requests/${request.id}`, body: { priority: 'urgent' } },
    { method: 'PUT', path: `/api/v1/requests/${request.id}/followers/${agent.id}`, body: undefined },
    { method: 'DELETE', path: `/api/v1/api-tokens/${token.id}`, body: undefined },
    {
      method: 'POST',
      path: '/api/v1/users',
      body: { email: `forged-${Math.random()}@example.com`, name: 'Forged', role: 'admin', password: 'a long password' },
    },
  ];
}

const userCount = async () =>
  Number(
    (
      await t.db
        .selectFrom('users')
        .select((eb) => eb.fn.countAll().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );
const requestCount = async () =>
  Number(
    (
      await t.db
        .selectFrom('requests')
        .select((eb) => eb.fn.countAll().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );

describe('CSRF on cookie sessions', () => {
  it('refuses every cookie-authenticated write without an X-CSRF-Token header (403) and changes nothing', async () => {
    const session = await signIn(t, admin.email, TEST_PASSWORD);
    const before = { users: await userCount(), requests: await requestCount() };
    for (const w of await writes()) {
      const r = await withCookie(t, session.cookie, w.method, w.path, w.body);
      expect(r.status, `${w.method} ${w.path}`).toBe(403);
      expect(r.body.error).toMatchObject({ code: 'forbidden', message: expect.stringMatching(/csrf/i) });
    }
    // writes() itself made one request through the requester's token; the refused writes made nothing.
    expect(await userCount()).toBe(before.users);
    expect(await requestCount()).toBe(before.requests + 1);
  });

  it('refuses a wrong X-CSRF-Token, an empty one, and the token of another session (403)', async () => {
    const session = await signIn(t, admin.email, TEST_PASSWORD);
    const other = await signIn(t, agent.email, TEST_PASSWORD);
    expect(other.body.csrfToken).not.toBe(session.body.csrfToken);
    for (const csrf of ['wrong', '', other.body.csrfToken, `${session.body.csrfToken}x`, session.body.csrfToken.toUpperCase()]) {
      const r = await withCookie(t, session.cookie, 'POST', '/api/v1/requests', { title: 'forged' }, csrf);
      expect(r.status, `csrf ${JSON.stringify(csrf)}`).toBe(403);
    }
  });

  it("accepts cookie-authenticated writes with the session's X-CSRF-Token, as returned by login and by GET /auth/session", async () => {
    const session = await signIn(t, admin.email, TEST_PASSWORD);
    const fromSession = await withCookie(t, session.cookie, 'GET', '/api/v1/auth/session');
    expect(fromSession.body.csrfToken).toBe(session.body.csrfToken);
    const expected: Record<string, number> = { POST: 201, PATCH: 200, PUT: 204, DELETE: 204 };
    for (const w of await writes()) {
      const r = await withCookie(t, session.cookie, w.method, w.path, w.body, session.body.csrfToken);
      expect(r.status, `${w.method} ${w.path}: ${JSON.stringify(r.body)}`).toBe(expected[w.method]);
    }
  });

  it('does not ask for a CSRF token on reads with a cookie', async () => {
    const session = await signIn(t, agent.email, TEST_PASSWORD);
    expect((await withCookie(t, session.cookie, 'GET', '/api/v1/requests')).status).toBe(200);
  });

  it('needs no CSRF token with a bearer API token (a cross-site page cannot send one)', async () => {
    const before = await requestCount();
    const r = await t.api(agent, 'POST', '/api/v1/requests', { title: 'scripted' });
    expect(r.status).toBe(201);
    expect(await requestCount()).toBe(before + 1);
  });

  it('takes sign-in and setup (exempt from the header) only as application/json, which a cross-site form cannot send', async () => {
    const user = await t.createUser('agent');
    for (const [path, body] of [
      ['/api/v1/auth/login', { email: user.email, password: TEST_PASSWORD }],
      ['/api/v1/setup', { email: 'forged-admin@example.com', name: 'Forged', password: 'a long password' }],
    ] as const) {
      for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', undefined]) {
        const res = await t.raw(path, { method: 'POST', headers: type ? { 'content-type': type } : {}, body: JSON.stringify(body) });
        expect(res.status, `${path} as ${type}`).toBeGreaterThanOrEqual(400);
        expect(res.status, `${path} as ${type}`).toBeLessThan(500);
        expect(res.headers.get('set-cookie'), `${path} as ${type}: no session`).toBeNull();
      }
    }
    expect(await t.db.selectFrom('users').select('id').where('email', '=', 'forged-admin@example.com').executeTakeFirst()).toBeUndefined();
  });

  it('does not let a cookie ride along with a bearer token: a bad token is 401 even with a valid session cookie', async () => {
    const session = await signIn(t, admin.email, TEST_PASSWORD);
    const res = await t.raw('/api/v1/requests', {
      method: 'POST',
      headers: { cookie: session.cookie, authorization: 'Bearer bdk_not-a-token', 'x-csrf-token': session.body.csrfToken, 'content-type': 'application/json' },
      body: JSON.stringify({ title: 'x' }),
    });
    expect(res.status).toBe(401);
  });
});
