/**
 * Sign-in throttling behind a load balancer: with BRIDGEDESK_TRUSTED_PROXY_HOPS set, each client's address comes
 * from the X-Forwarded-For entry the trusted proxy appended, so one client's failures do not lock out the others;
 * without it, the header is ignored, so a client cannot dodge its count by sending one.
 */
import { describe, expect, it } from 'vitest';
import { createTestApp, TEST_PASSWORD, type TestApp } from '../support/test-app.ts';

async function signInFrom(t: TestApp, email: string, password: string, forwardedFor: string) {
  const res = await t.raw('/api/v1/auth/login', {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-forwarded-for': forwardedFor },
    body: JSON.stringify({ email, password }),
  });
  return res.status;
}

/** Fails the per-address limit (4x the per-account one) from one address, spread over accounts. */
async function exhaustAddress(t: TestApp, forwardedFor: string) {
  const accounts = await Promise.all(Array.from({ length: 5 }, () => t.createUser('requester')));
  const statuses: number[] = [];
  for (const a of accounts) for (let i = 0; i < 5; i++) statuses.push(await signInFrom(t, a.email, 'wrong password', forwardedFor));
  return statuses;
}

describe('client address behind a trusted proxy', () => {
  it('counts failures per forwarded client, so one client guessing does not lock out another behind the same balancer', async () => {
    const t = await createTestApp({ BRIDGEDESK_TRUSTED_PROXY_HOPS: '1' });
    const statuses = await exhaustAddress(t, '203.0.113.7');
    expect(statuses.at(-1)).toBe(429);
    const colleague = await t.createUser('agent');
    expect(await signInFrom(t, colleague.email, TEST_PASSWORD, '198.51.100.20')).toBe(200);
    // Only the entry the trusted proxy appended counts: a forged left-hand entry changes nothing.
    expect(await signInFrom(t, colleague.email, TEST_PASSWORD, '198.51.100.20, 203.0.113.7')).toBe(429);
  });

  it('ignores X-Forwarded-For when no proxy is trusted, so a client cannot reset its count by inventing addresses', async () => {
    const t = await createTestApp();
    const accounts = await Promise.all(Array.from({ length: 5 }, () => t.createUser('requester')));
    const statuses: number[] = [];
    let n = 0;
    for (const a of accounts) for (let i = 0; i < 5; i++) statuses.push(await signInFrom(t, a.email, 'wrong password', `192.0.2.${++n}`));
    expect(statuses.at(-1)).toBe(429);
  });
});
