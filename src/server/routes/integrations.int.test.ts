import { describe, expect, it } from 'vitest';
import { createTestAppWithEmulator } from '../../../test/support/test-app.ts';

const { emulator, demo, t } = await createTestAppWithEmulator();
const admin = await t.createUser('admin');
const agent = await t.createUser('agent');
const path = '/api/v1/integrations/kustomer';
// Who may call each route (admins only, here): test/authorization.int.test.ts.

describe('connecting Kustomer', () => {
  it('shows not connected before anything is saved', async () => {
    const r = await t.api(admin, 'GET', path);
    expect(r.body).toMatchObject({ status: 'not_connected', orgName: null, queues: [], teams: [] });
  });

  it('answers a refused key with "Invalid credentials" and stores nothing', async () => {
    const r = await t.api(admin, 'PUT', path, { orgName: 'acme', apiKey: 'wrong-key' });
    expect(r.status).toBe(422);
    expect(r.body.error).toMatchObject({ message: 'Invalid credentials', details: { reason: 'invalid_credentials' } });
    expect((await t.api(admin, 'GET', path)).body.status).toBe('not_connected');
  });

  it('says which permissions a key lacks', async () => {
    const narrow = emulator.control.createApiKey({ org: 'acme', roles: ['org.permission.queue.read', 'org.permission.team.read'] });
    const r = await t.api(admin, 'PUT', path, { orgName: 'acme', apiKey: narrow.key });
    expect(r.status).toBe(422);
    expect(r.body.error.details.missing).toContain('org.permission.conversation.create');
    expect(r.body.error.message).toContain('org.permission.conversation.create');
  });

  it('refuses a key of another org with "This key belongs to <org>" and stores nothing', async () => {
    emulator.control.createOrg({ name: 'globex' });
    const other = emulator.control.createApiKey({ org: 'globex', roles: demo.key.roles });
    const r = await t.api(admin, 'PUT', path, { orgName: 'acme', apiKey: other.key });
    expect(r.status).toBe(422);
    expect(r.body.error).toMatchObject({ message: 'This key belongs to globex', details: { reason: 'wrong_account', field: 'orgName', account: 'globex' } });
    expect((await t.api(admin, 'GET', path)).body.status).toBe('not_connected');
  });

  it('refuses org names that could change the host', async () => {
    const callsBefore = emulator.control.calls().length;
    for (const orgName of ['acme.evil.com', 'acme@evil', '127.0.0.1', 'acme:443']) {
      const r = await t.api(admin, 'PUT', path, { orgName, apiKey: demo.apiKey });
      expect(r.status, orgName).toBe(422);
      expect(r.body.error.details.field).toBe('orgName');
    }
    expect(emulator.control.calls()).toHaveLength(callsBefore);
  });

  it('says when Kustomer cannot be reached', async () => {
    emulator.control.injectFault({ kind: '503', count: 10 });
    const r = await t.api(admin, 'PUT', path, { orgName: 'acme', apiKey: demo.apiKey });
    expect(r.status).toBe(502);
    expect(r.body.error.message).toMatch(/could not be reached/);
    emulator.control.clearFaults();
  });

  it('connects with a good key, stores it encrypted, and never shows it again', async () => {
    const r = await t.api(admin, 'PUT', path, { orgName: 'Acme', apiKey: demo.apiKey });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body).toMatchObject({ status: 'connected', orgName: 'acme', keyLastFour: demo.apiKey.slice(-4), lastSyncError: null });
    expect(r.body.queues.map((q: any) => q.name)).toEqual(expect.arrayContaining(['Tier 2 Support', 'VIP', 'Billing']));
    expect(r.body.queues.every((q: any) => q.enabled === false && q.available === true)).toBe(true);
    expect(r.body.teams.map((q: any) => q.name).sort()).toEqual(['Billing Team', 'Escalations']);
    expect(JSON.stringify(r.body)).not.toContain(demo.apiKey);
    const row = await t.db.selectFrom('destination_connections').selectAll().executeTakeFirstOrThrow();
    expect(row.secret_encrypted).not.toContain(demo.apiKey);
    expect(row.secret_encrypted.startsWith('v1:')).toBe(true);
  });

  it('lets the admin choose queues and teams, and refuses unknown ones', async () => {
    const r = await t.api(admin, 'PATCH', path, {
      queues: [{ remoteId: demo.queues.vip.id, enabled: true }],
      teams: [{ remoteId: demo.teams.escalations.id, enabled: true }],
    });
    expect(r.status).toBe(200);
    expect(r.body.queues.find((q: any) => q.remoteId === demo.queues.vip.id).enabled).toBe(true);
    expect(r.body.teams.find((q: any) => q.remoteId === demo.teams.escalations.id).enabled).toBe(true);
    const bad = await t.api(admin, 'PATCH', path, { queues: [{ remoteId: 'nope', enabled: true }] });
    expect(bad.status).toBe(422);
  });

  it('re-syncs: a new queue appears disabled, a removed one stays marked unavailable, choices are kept', async () => {
    const added = emulator.control.createQueue({ org: 'acme', name: 'Returns' });
    emulator.control.deleteQueue({ org: 'acme', id: demo.queues.vip.id });
    const r = await t.api(admin, 'POST', `${path}/sync`);
    expect(r.status).toBe(200);
    expect(r.body.queues.find((q: any) => q.remoteId === added.id)).toMatchObject({ name: 'Returns', enabled: false, available: true });
    expect(r.body.queues.find((q: any) => q.remoteId === demo.queues.vip.id)).toMatchObject({ name: 'VIP', enabled: true, available: false });
    expect(r.body.lastSyncedAt).not.toBeNull();
    const revive = await t.api(admin, 'PATCH', path, { queues: [{ remoteId: demo.queues.billing.id, enabled: true }] });
    expect(revive.status).toBe(200);
    emulator.control.deleteQueue({ org: 'acme', id: demo.queues.billing.id });
    await t.api(admin, 'POST', `${path}/sync`);
    const gone = await t.api(admin, 'PATCH', path, { queues: [{ remoteId: demo.queues.vip.id, enabled: true }] });
    expect(gone.status).toBe(422);
  });

  it('marks the connection "Invalid credentials" when Kustomer later refuses the key, until a new key is saved', async () => {
    emulator.control.revokeApiKey(demo.key.id);
    const r = await t.api(admin, 'POST', `${path}/sync`);
    expect(r.status).toBe(422);
    const status = (await t.api(admin, 'GET', path)).body;
    expect(status).toMatchObject({ status: 'invalid_credentials' });
    expect(status.statusChangedAt).not.toBeNull();
    const fresh = emulator.control.createApiKey({ org: 'acme', roles: demo.key.roles });
    const again = await t.api(admin, 'PUT', path, { orgName: 'acme', apiKey: fresh.key });
    expect(again.body).toMatchObject({ status: 'connected', statusReason: null, keyLastFour: fresh.key.slice(-4) });
    expect(again.body.queues.find((q: any) => q.remoteId === demo.queues.vip.id).enabled).toBe(true);
  });

  it('names the role, not "Invalid credentials", when a re-sync is refused for a role the key no longer has', async () => {
    const key = emulator.control.createApiKey({ org: 'acme', roles: demo.key.roles });
    expect((await t.api(admin, 'PUT', path, { orgName: 'acme', apiKey: key.key })).status).toBe(200);
    emulator.control.setApiKeyRoles(
      key.key,
      demo.key.roles.filter((x) => x !== 'org.permission.team.read'),
    );
    const r = await t.api(admin, 'POST', `${path}/sync`);
    expect(r.status).toBe(422);
    expect(r.body.error).toMatchObject({
      message: 'The Kustomer API key lacks the role org.permission.team.read',
      details: { reason: 'missing_permissions', missing: ['org.permission.team.read'] },
    });
    const status = (await t.api(admin, 'GET', path)).body;
    expect(status).toMatchObject({
      status: 'connected',
      missingRequiredPermissions: ['org.permission.team.read'],
      lastSyncError: 'The Kustomer API key lacks the role org.permission.team.read',
    });
    emulator.control.setApiKeyRoles(key.key, demo.key.roles);
    expect((await t.api(admin, 'PUT', path, { orgName: 'acme', apiKey: key.key })).body).toMatchObject({ missingRequiredPermissions: [] });
  });

  it('disconnects and forgets the key, queues and teams', async () => {
    expect((await t.api(admin, 'DELETE', path)).status).toBe(204);
    expect((await t.api(admin, 'GET', path)).body.status).toBe('not_connected');
    expect(await t.db.selectFrom('destination_targets').selectAll().execute()).toEqual([]);
    expect((await t.api(admin, 'DELETE', path)).status).toBe(404);
  });
});

describe('destinations come from the registry', () => {
  it('lists the offered destinations with their connection status', async () => {
    const r = await t.api(admin, 'GET', '/api/v1/integrations');
    expect(r.status).toBe(200);
    expect(r.body.items).toEqual([expect.objectContaining({ id: 'kustomer', displayName: 'Kustomer', accountLabel: 'Org name' })]);
    expect(['not_connected', 'connected']).toContain(r.body.items[0].status);
  });

  it("lets agents read the destinations' names (the screens name a destination by them), not requesters", async () => {
    const r = await t.api(agent, 'GET', '/api/v1/integrations');
    expect(r.status).toBe(200);
    expect(r.body.items).toEqual([expect.objectContaining({ id: 'kustomer', displayName: 'Kustomer' })]);
    expect((await t.api(await t.createUser('requester'), 'GET', '/api/v1/integrations')).status).toBe(403);
  });

  it('answers 404 in the one error shape for a destination that is not registered, on every per-destination route', async () => {
    const doc = (await t.api(null, 'GET', '/api/openapi.json')).body as { paths: Record<string, Record<string, unknown>> };
    const routes = Object.entries(doc.paths).flatMap(([p, ops]) =>
      p.includes('{provider}') ? Object.keys(ops).map((m) => [m.toUpperCase(), p] as const) : [],
    );
    expect(routes.length).toBeGreaterThanOrEqual(14);
    // A body that passes each route's shape where it has one, so the destination is what is refused.
    const bodies: Record<string, unknown> = {
      'PUT /api/v1/integrations/{provider}': { orgName: 'acme', apiKey: 'k' },
      'PATCH /api/v1/integrations/{provider}': {},
      'PUT /api/v1/integrations/{provider}/sync': {},
      'POST /api/v1/integrations/{provider}/test': {},
      'PUT /api/v1/integrations/{provider}/field-mappings': { items: [] },
      'PUT /api/v1/integrations/{provider}/priority-map': { low: 2, medium: 3, high: 4, urgent: 5 },
      'PUT /api/v1/integrations/{provider}/tag-allow-list': { tags: [] },
    };
    for (const [method, template] of routes) {
      const url = template.replace('{provider}', 'zendesk').replace('{token}', 'a-webhook-token-of-no-one');
      const r = await t.api(admin, method, url, bodies[`${method} ${template}`] ?? (method === 'GET' || method === 'DELETE' ? undefined : {}));
      expect(r.status, `${method} ${url}`).toBe(404);
      expect(r.body, `${method} ${url}`).toEqual({ error: { code: 'not_found', message: 'Destination not found' } });
    }
  });
});
