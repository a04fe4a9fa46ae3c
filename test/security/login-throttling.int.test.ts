/**
 * Sign-in throttling with the documented defaults (.env.example: BRIDGEDESK_LOGIN_MAX_FAILURES=5 in
 * BRIDGEDESK_LOGIN_WINDOW_MINUTES=15): after 5 wrong passwords for one account, sign-in is refused with 429,
 * the right password included, until the window passes; other accounts are not affected.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, TEST_PASSWORD } from '../support/test-app.ts';
import { signIn } from '../support/sign-in.ts';

const t = await createTestApp();
const LIMIT = 5;
// In-process calls all come from one (unknown) address, whose wider limit would carry over from test to test:
// each test starts a fresh window.
beforeEach(() => t.clock.advance(15 * 60_000 + 1000));

describe('login throttling', () => {
  it('uses the documented defaults: 5 failures in 15 minutes', () => {
    expect(t.config.login).toEqual({ maxFailures: LIMIT, windowMs: 15 * 60_000 });
  });

  it('answers 429 after the documented number of wrong passwords, refuses the right password while throttled, and leaves other accounts alone', async () => {
    const target = await t.createUser('admin');
    const bystander = await t.createUser('admin');
    for (let i = 1; i <= LIMIT; i++) {
      const r = await signIn(t, target.email, `wrong password ${i}`);
      expect(r.status, `attempt ${i}`).toBe(401);
      expect(r.cookie).toBe('');
    }
    const throttled = await signIn(t, target.email, 'wrong password again');
    expect(throttled.status).toBe(429);
    expect(throttled.body.error.code).toBe('rate_limited');
    const right = await signIn(t, target.email, TEST_PASSWORD);
    expect(right.status, 'the right password is refused while throttled').toBe(429);
    expect(right.cookie, 'and no session is issued').toBe('');
    const other = await signIn(t, bystander.email, TEST_PASSWORD);
    expect(other.status, 'another account signs in normally').toBe(200);
    expect(other.cookie).not.toBe('');
  });

  it('says when to retry, and lets the account in once the window has passed', async () => {
    const target = await t.createUser('agent');
    for (let i = 0; i < LIMIT; i++) expect((await signIn(t, target.email, 'nope nope')).status).toBe(401);
    const refused = await t.raw('/api/v1/auth/login', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: target.email, password: TEST_PASSWORD }),
    });
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBe(15 * 60);
    t.clock.advance(15 * 60_000 + 1000);
    expect((await signIn(t, target.email, TEST_PASSWORD)).status).toBe(200);
  });

  it('holds the limit against parallel guesses: of 30 wrong passwords sent at once, at most 5 are checked, the rest get 429', async () => {
    const target = await t.createUser('agent');
    const statuses = await Promise.all(Array.from({ length: 30 }, (_, i) => signIn(t, target.email, `parallel guess ${i}`).then((r) => r.status)));
    const checked = statuses.filter((s) => s === 401).length;
    expect(checked, 'passwords checked').toBeLessThanOrEqual(LIMIT);
    expect(statuses.filter((s) => s === 429)).toHaveLength(30 - checked);
    // Guesses refused unchecked do not count: the account still has exactly its 5 checked failures in the window.
    for (let i = checked; i < LIMIT; i++) expect((await signIn(t, target.email, `one more ${i}`)).status).toBe(401);
    expect((await signIn(t, target.email, TEST_PASSWORD)).status).toBe(429);
    t.clock.advance(15 * 60_000 + 1000);
    expect((await signIn(t, target.email, TEST_PASSWORD)).status).toBe(200);
  });

  it('counts failures per account whatever the case of the email, so changing case does not reset the count', async () => {
    const target = await t.createUser('agent');
    for (let i = 0; i < LIMIT; i++) {
      const email = i % 2 ? target.email.toUpperCase() : target.email;
      expect((await signIn(t, email, 'wrong password')).status).toBe(401);
    }
    expect((await signIn(t, target.email.toUpperCase(), TEST_PASSWORD)).status).toBe(429);
  });

  it('throttles guesses at an unknown email the same way, so the reply does not tell which accounts exist', async () => {
    for (let i = 0; i < LIMIT; i++) expect((await signIn(t, 'nobody-here@example.com', 'guess guess')).status).toBe(401);
    expect((await signIn(t, 'nobody-here@example.com', 'guess guess')).status).toBe(429);
  });
});
