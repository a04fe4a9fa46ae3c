/** Services over the API: create, list, change, retire, and what is refused. */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createCatalogTestApp, unique, ids } from '../../../test/support/catalog-test-app.ts';

const { t, admin, agent, requester, createInbox, createService } = await createCatalogTestApp();

describe('services', () => {
  it('creates a service with a default inbox and lists it', async () => {
    const inbox = await createInbox();
    const created = await t.api(admin, 'POST', '/api/v1/services', { name: 'Laptop Request', description: 'A new laptop', defaultInboxId: inbox.id });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({ id: expect.any(String), name: 'Laptop Request', description: 'A new laptop', defaultInboxId: inbox.id, active: true });
    const list = await t.api(requester, 'GET', '/api/v1/services');
    expect(list.status).toBe(200);
    expect(list.body.items).toContainEqual(created.body);
  });

  it('creates a service without an inbox or description', async () => {
    const res = await t.api(admin, 'POST', '/api/v1/services', { name: unique('Bare') });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ description: '', defaultInboxId: null, active: true });
  });

  it('changes a service: name, description, inbox, clearing the inbox', async () => {
    const inbox = await createInbox();
    const service = await createService();
    const changed = await t.api(admin, 'PATCH', `/api/v1/services/${service.id}`, {
      name: 'Renamed Service',
      description: 'New text',
      defaultInboxId: inbox.id,
    });
    expect(changed.status).toBe(200);
    expect(changed.body).toEqual({ id: service.id, name: 'Renamed Service', description: 'New text', defaultInboxId: inbox.id, active: true });
    const cleared = await t.api(admin, 'PATCH', `/api/v1/services/${service.id}`, { defaultInboxId: null });
    expect(cleared.body.defaultInboxId).toBeNull();
    expect(cleared.body.name).toBe('Renamed Service');
  });

  it('hides retired services from requesters, and from staff unless they ask for inactive ones', async () => {
    const service = await createService();
    const retired = await t.api(admin, 'PATCH', `/api/v1/services/${service.id}`, { active: false });
    expect(retired.body.active).toBe(false);
    expect(ids((await t.api(requester, 'GET', '/api/v1/services')).body.items)).not.toContain(service.id);
    expect(ids((await t.api(requester, 'GET', '/api/v1/services?includeInactive=true')).body.items)).not.toContain(service.id);
    expect(ids((await t.api(agent, 'GET', '/api/v1/services')).body.items)).not.toContain(service.id);
    expect(ids((await t.api(agent, 'GET', '/api/v1/services?includeInactive=true')).body.items)).toContain(service.id);
    expect(ids((await t.api(admin, 'GET', '/api/v1/services?includeInactive=true')).body.items)).toContain(service.id);
    await t.api(admin, 'PATCH', `/api/v1/services/${service.id}`, { active: true });
    expect(ids((await t.api(requester, 'GET', '/api/v1/services')).body.items)).toContain(service.id);
  });

  it('lists services by name', async () => {
    const b = await createService({ name: 'yy order B' });
    const a = await createService({ name: 'YY order a' });
    const order = ids((await t.api(requester, 'GET', '/api/v1/services')).body.items).filter((id) => id === a.id || id === b.id);
    expect(order).toEqual([a.id, b.id]);
  });

  it('refuses a duplicate name in any case', async () => {
    const first = await createService({ name: 'Access Card' });
    expect((await t.api(admin, 'POST', '/api/v1/services', { name: 'access card' })).status).toBe(409);
    const other = await createService();
    expect((await t.api(admin, 'PATCH', `/api/v1/services/${other.id}`, { name: 'ACCESS CARD' })).status).toBe(409);
    expect((await t.api(admin, 'PATCH', `/api/v1/services/${first.id}`, { name: 'Access card' })).status).toBe(200);
  });

  it('refuses an unknown default inbox', async () => {
    const created = await t.api(admin, 'POST', '/api/v1/services', { name: unique('Lost'), defaultInboxId: randomUUID() });
    expect(created.status).toBe(422);
    expect(created.body.error).toMatchObject({ code: 'unprocessable', details: { field: 'defaultInboxId' } });
    const service = await createService();
    expect((await t.api(admin, 'PATCH', `/api/v1/services/${service.id}`, { defaultInboxId: randomUUID() })).status).toBe(422);
  });

  it('answers 404 for an unknown service and 400 for malformed input', async () => {
    expect((await t.api(admin, 'PATCH', `/api/v1/services/${randomUUID()}`, { active: false })).status).toBe(404);
    for (const body of [{}, { name: '' }, { name: 'Ok', defaultInboxId: 'inbox-1' }, { name: 'Ok', active: false }, { name: 7 }]) {
      expect((await t.api(admin, 'POST', '/api/v1/services', body)).status, JSON.stringify(body)).toBe(400);
    }
    const service = await createService();
    expect((await t.api(admin, 'PATCH', `/api/v1/services/${service.id}`, { active: 'yes' })).status).toBe(400);
    expect((await t.api(admin, 'PATCH', `/api/v1/services/${service.id}`, { id: randomUUID() })).status).toBe(400);
    expect((await t.api(agent, 'GET', '/api/v1/services?includeInactive=maybe')).status).toBe(400);
  });
});
