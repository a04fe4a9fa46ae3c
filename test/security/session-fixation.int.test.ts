/** Session fixation: sign-in always issues a fresh session id, and sign-out ends the session on the server. */
import { describe, expect, it } from 'vitest';
import { SESSION_COOKIE } from '../../src/server/auth/authenticate.ts';
import { sha256 } from '../../src/server/auth/secrets.ts';
import { createTestApp, TEST_PASSWORD } from '../support/test-app.ts';
import { signIn, withCookie } from '../support/sign-in.ts';

const t = await createTestApp();
const sessionRow = (cookie: string) =>
  t.db
    .selectFrom('sessions')
    .selectAll()
    .where('id_hash', '=', sha256(cookie.split('=')[1]!))
    .executeTakeFirst();

describe('session fixation', () => {
  it('ignores a session id planted before sign-in: the victim gets a new id, and the planted one opens nothing', async () => {
    const victim = await t.createUser('admin');
    const planted = `${SESSION_COOKIE}=attacker-chosen-session-id-0123456789`;
    const signedIn = await signIn(t, victim.email, TEST_PASSWORD, planted);
    expect(signedIn.status).toBe(200);
    expect(signedIn.cookie).toMatch(new RegExp(`^${SESSION_COOKIE}=`));
    expect(signedIn.cookie).not.toBe(planted);
    expect(signedIn.setCookie).toMatch(/HttpOnly/i);
    expect((await withCookie(t, planted, 'GET', '/api/v1/auth/session')).status).toBe(401);
    expect((await withCookie(t, signedIn.cookie, 'GET', '/api/v1/auth/session')).body.user.id).toBe(victim.id);
  });

  it("does not promote the attacker's own live session: the victim signing in with it gets a new id, and the old one is ended", async () => {
    const attacker = await t.createUser('requester');
    const victim = await t.createUser('admin');
    const attackers = await signIn(t, attacker.email, TEST_PASSWORD);
    expect(attackers.status).toBe(200);
    const victims = await signIn(t, victim.email, TEST_PASSWORD, attackers.cookie);
    expect(victims.cookie).not.toBe(attackers.cookie);
    expect(victims.body.csrfToken).not.toBe(attackers.body.csrfToken);
    // The cookie the attacker knows is now worth nothing, and certainly not the victim's admin session.
    expect((await withCookie(t, attackers.cookie, 'GET', '/api/v1/auth/session')).status).toBe(401);
    expect(await sessionRow(attackers.cookie)).toBeUndefined();
    expect((await withCookie(t, victims.cookie, 'GET', '/api/v1/auth/session')).body.user.role).toBe('admin');
  });

  it('issues a different session id at every sign-in of the same person', async () => {
    const user = await t.createUser('agent');
    const ids = new Set<string>();
    for (let i = 0; i < 3; i++) ids.add((await signIn(t, user.email, TEST_PASSWORD)).cookie);
    expect(ids.size).toBe(3);
  });

  it('ends the session on the server at sign-out: the old cookie, replayed, gets 401', async () => {
    const user = await t.createUser('agent');
    const session = await signIn(t, user.email, TEST_PASSWORD);
    expect(await sessionRow(session.cookie)).toBeDefined();
    const out = await withCookie(t, session.cookie, 'POST', '/api/v1/auth/logout', undefined, session.body.csrfToken);
    expect(out.status).toBe(204);
    expect(await sessionRow(session.cookie)).toBeUndefined();
    // A client that ignored the cleared cookie and sends it again is not signed in, for reads or writes.
    expect((await withCookie(t, session.cookie, 'GET', '/api/v1/auth/session')).status).toBe(401);
    expect((await withCookie(t, session.cookie, 'POST', '/api/v1/requests', { title: 'after logout' }, session.body.csrfToken)).status).toBe(401);
  });

  it('refuses sign-out without the CSRF token, so another site cannot sign a person out', async () => {
    const user = await t.createUser('agent');
    const session = await signIn(t, user.email, TEST_PASSWORD);
    expect((await withCookie(t, session.cookie, 'POST', '/api/v1/auth/logout')).status).toBe(403);
    expect((await withCookie(t, session.cookie, 'GET', '/api/v1/auth/session')).status).toBe(200);
  });

  it('ends the session when it expires, on the app clock', async () => {
    const user = await t.createUser('agent');
    const session = await signIn(t, user.email, TEST_PASSWORD);
    t.clock.advance(t.config.sessionTtlMs - 60_000);
    expect((await withCookie(t, session.cookie, 'GET', '/api/v1/auth/session')).status).toBe(200);
    t.clock.advance(120_000);
    expect((await withCookie(t, session.cookie, 'GET', '/api/v1/auth/session')).status).toBe(401);
  });
});
