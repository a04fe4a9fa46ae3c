import { describe, expect, it } from 'vitest';
import { testEmulatorEachTest } from './test-emulator.ts';

const t = testEmulatorEachTest();

describe('authentication', () => {
  it('answers 401 without an Authorization header', async () => {
    const r = await t.api('GET', '/v1/teams', { key: null });
    expect(r.status).toBe(401);
    expect(r.body.errors[0]).toMatchObject({ status: 401, code: 'unauthorized' });
  });

  it('answers 401 for an unknown key and for a malformed Bearer header', async () => {
    expect((await t.api('GET', '/v1/teams', { key: 'eyJhbGciOiJIUzI1NiJ9.e30.nope' })).status).toBe(401);
    const res = await t.emulator.fetch(new Request('http://acme.api.kustomerapp.com/v1/teams', { headers: { authorization: `bearer  ${t.demo.apiKey}` } }));
    expect(res.status).toBe(401);
  });

  it('answers 401 for a revoked key', async () => {
    const key = t.control.createApiKey({ org: 'acme', roles: ['org.permission.team.read'] });
    expect((await t.api('GET', '/v1/teams', { key: key.key })).status).toBe(200);
    t.control.revokeApiKey(key.id);
    const r = await t.api('GET', '/v1/teams', { key: key.key });
    expect(r.status).toBe(401);
    expect(r.body.errors[0].detail).toMatch(/revoked/);
  });

  it('answers 401 once a key has expired on the injected clock', async () => {
    const key = t.control.createApiKey({ org: 'acme', roles: ['org.permission.team.read'], expiresAt: new Date(t.clock.now().getTime() + 60_000) });
    expect((await t.api('GET', '/v1/teams', { key: key.key })).status).toBe(200);
    t.clock.advance(60_000);
    const r = await t.api('GET', '/v1/teams', { key: key.key });
    expect(r.status).toBe(401);
    expect(r.body.errors[0].detail).toMatch(/expired/);
  });

  it('issues keys that look like JWTs and do not carry the org name', async () => {
    const parts = t.demo.apiKey.split('.');
    expect(parts).toHaveLength(3);
    for (const p of parts) expect(p).toMatch(/^[A-Za-z0-9_-]+$/);
    const claims = JSON.parse(Buffer.from(parts[1]!, 'base64url').toString());
    expect(claims).toMatchObject({ org: t.demo.org.id, user: t.demo.key.userId, userType: 'machine' });
    expect(claims).not.toHaveProperty('orgName');
  });
});

describe('roles', () => {
  it('describes the current token for a key with no roles at all', async () => {
    const key = t.control.createApiKey({ org: 'acme', roles: [] });
    const r = await t.api('GET', '/v1/auth/tokens/current', { key: key.key });
    expect(r.status).toBe(200);
    expect(r.body.data.attributes.roles).toEqual([]);
    expect(r.body.data.relationships.org.data.id).toBe(t.demo.org.id);
  });

  it("returns the key's machine user from /v1/users/current", async () => {
    const r = await t.api('GET', '/v1/users/current');
    expect(r.body.data).toMatchObject({ type: 'user', id: t.demo.key.userId, attributes: { userType: 'machine' } });
  });

  it('answers 401 by default when the key lacks the endpoint role (as Kustomer documents it), naming the role', async () => {
    const key = t.control.createApiKey({ org: 'acme', roles: ['org.permission.team.read'] });
    const r = await t.api('GET', '/v1/routing/queues', { key: key.key });
    expect(r.status).toBe(401);
    expect(r.body.errors[0]).toMatchObject({ status: 401, code: 'unauthorized', title: 'Unauthorized' });
    expect(r.body.errors[0].detail).toContain('org.permission.queue.read');
    // The same key still reads its own token: that is how a client tells a missing role from a revoked key.
    expect((await t.api('GET', '/v1/auth/tokens/current', { key: key.key })).status).toBe(200);
  });

  it('answers 403 for a missing role when the org is set to missingRoleStatus 403', async () => {
    t.control.updateOrg('acme', { missingRoleStatus: 403 });
    const key = t.control.createApiKey({ org: 'acme', roles: [] });
    const r = await t.api('GET', '/v1/teams', { key: key.key });
    expect(r.status).toBe(403);
    expect(r.body.errors[0]).toMatchObject({ status: 403, code: 'forbidden' });
  });

  it('accepts legacy role names as well as permission-set names', async () => {
    const legacy = t.control.createApiKey({ org: 'acme', roles: ['org.user.routing.read', 'org.user.customer.write', 'org.user.conversation.write'] });
    expect((await t.api('GET', '/v1/routing/queues', { key: legacy.key })).status).toBe(200);
    const customer = await t.api('POST', '/v1/customers', { key: legacy.key, body: { name: 'Legacy' } });
    expect(customer.status).toBe(201);
    expect((await t.api('POST', '/v1/conversations', { key: legacy.key, body: { customer: customer.body.data.id } })).status).toBe(201);
    expect((await t.api('GET', '/v1/teams', { key: legacy.key })).status).toBe(401);
  });
});

describe('hosts', () => {
  it("answers 401 with a pod-style message when the org host names another org than the key's", async () => {
    t.control.createOrg({ name: 'globex' });
    const r = await t.api('GET', '/v1/teams', { host: 'globex.api.kustomerapp.com' });
    expect(r.status).toBe(401);
    expect(r.body.errors[0].detail).toBe('Auth token associated with org acme but request is being handled by org globex');
  });

  it("answers 401 with Kustomer's pod message when a regional host is in another region", async () => {
    const r = await t.api('GET', '/v1/teams', { host: 'api.prod2.kustomerapp.com' });
    expect(r.status).toBe(401);
    expect(r.body.errors[0].detail).toBe('Auth token associated with pod prod1 but request is being handled by prod2');
    expect((await t.api('GET', '/v1/teams', { host: 'api.kustomerapp.com' })).status).toBe(200);
  });

  it('does not check hosts that are not Kustomer hosts (localhost, the emulator itself)', async () => {
    expect((await t.api('GET', '/v1/teams', { host: '127.0.0.1:4010' })).status).toBe(200);
  });

  it("scopes everything to the key's org: another org's conversation is not found", async () => {
    const conv = await t.createConversation();
    t.control.createOrg({ name: 'globex' });
    const other = t.control.createApiKey({ org: 'globex', roles: ['org.permission.conversation.read'] });
    const r = await t.api('GET', `/v1/conversations/${conv.id}`, { key: other.key, host: 'globex.api.kustomerapp.com' });
    expect(r.status).toBe(404);
  });
});
