/**
 * The emulator's error replies against bodies recorded from real Kustomer (nebulab/solidus_kustomer
 * spec/fixtures/vcr_cassettes/find_by_email_failure.yml, find_failure.yml, create_failure.yml), kept in
 * ../fixtures/error-recorded-*.json: numeric status, `notfound` / `badparam`, no `detail` on a 404, no `meta`.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createTestEmulator } from './test-emulator.ts';

const recorded = (name: string) => JSON.parse(readFileSync(new URL(`../fixtures/error-recorded-${name}.json`, import.meta.url), 'utf8'));
const keysOf = (o: object) => Object.keys(o).sort();

describe('error replies in the recorded shape', () => {
  it('answers an email lookup that finds nothing exactly as the recorded 404', async () => {
    const t = createTestEmulator();
    const r = await t.api('GET', `/v1/customers/email=${encodeURIComponent('nobody@example.com')}`);
    expect(r.status).toBe(404);
    expect(r.body).toEqual(recorded('notfound'));
  });

  it('answers an externalId lookup that finds nothing with notfound naming the parameter', async () => {
    const t = createTestEmulator();
    const r = await t.api('GET', '/v1/conversations/externalId=none');
    expect(r.body).toEqual({ errors: [{ status: 404, source: { parameter: 'externalId' }, code: 'notfound', title: 'Not Found' }] });
  });

  it('refuses an unknown property with 400 badparam "Additional properties not allowed" and points at it', async () => {
    const t = createTestEmulator();
    const r = await t.api('POST', '/v1/customers', { body: { name: 'Jane', fooStr: 'x' } });
    expect(r.status).toBe(400);
    const [item] = r.body.errors;
    expect(item).toEqual({ status: 400, source: { pointer: '/fooStr' }, code: 'badparam', title: 'Additional properties not allowed' });
    // The recorded reply also has a detail (a JSON-schema path); every other key is the recorded one.
    expect(keysOf(item)).toEqual(keysOf(recorded('badparam').errors[0]).filter((k) => k !== 'detail'));
  });

  it('sends status as a number and no meta on every error status', async () => {
    const t = createTestEmulator();
    const replies = [
      await t.api('GET', '/v1/teams', { key: null }),
      await t.api('POST', '/v1/customers', { body: { emails: [{ type: 'nope', email: 'a@b.c' }] } }),
      await t.api('GET', '/v1/no-such-route'),
    ];
    for (const r of replies) {
      for (const e of r.body.errors) {
        expect(e.status).toBe(r.status);
        expect(e).not.toHaveProperty('meta');
      }
    }
  });
});
