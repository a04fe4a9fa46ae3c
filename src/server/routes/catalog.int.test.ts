import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestUser } from '../../../test/support/test-app.ts';

const t = await createTestApp();

let admin: TestUser;
let agent: TestUser;
let requester: TestUser;

beforeAll(async () => {
  admin = await t.createUser('admin');
  agent = await t.createUser('agent');
  requester = await t.createUser('requester');
});

/** A name no other test uses, so tests sharing the database do not collide. */
const unique = (prefix: string) => `${prefix} ${randomUUID().slice(0, 8)}`;
const ids = (items: { id: string }[]) => items.map((i) => i.id);

async function createInbox(body: Record<string, unknown> = {}) {
  const res = await t.api(admin, 'POST', '/api/v1/inboxes', { name: unique('Inbox'), ...body });
  expect(res.status).toBe(201);
  return res.body as { id: string; name: string; description: string; memberIds: string[] };
}

async function createService(body: Record<string, unknown> = {}) {
  const res = await t.api(admin, 'POST', '/api/v1/services', { name: unique('Service'), ...body });
  expect(res.status).toBe(201);
  return res.body as { id: string; name: string; description: string; defaultInboxId: string | null; active: boolean };
}

let keyCounter = 0;
const uniqueKey = (prefix: string) => `${prefix}_${++keyCounter}_${randomUUID().slice(0, 6).replace(/-/g, '')}`;

describe('team inboxes', () => {
  it('creates an inbox with members and lists it for staff', async () => {
    const second = await t.createUser('agent');
    const created = await t.api(admin, 'POST', '/api/v1/inboxes', {
      name: '  IT Support  ',
      description: 'Laptops and accounts',
      memberIds: [agent.id, second.id, agent.id, admin.id],
    });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({ id: expect.any(String), name: 'IT Support', description: 'Laptops and accounts', memberIds: expect.any(Array) });
    expect([...created.body.memberIds].sort()).toEqual([agent.id, second.id, admin.id].sort());

    const list = await t.api(agent, 'GET', '/api/v1/inboxes');
    expect(list.status).toBe(200);
    expect(list.body.items).toContainEqual(created.body);
  });

  it('creates an inbox with no members and an empty description by default', async () => {
    const res = await t.api(admin, 'POST', '/api/v1/inboxes', { name: 'Empty Desk' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ name: 'Empty Desk', description: '', memberIds: [] });
  });

  it('lists inboxes by name', async () => {
    const b = await createInbox({ name: 'zz order B' });
    const a = await createInbox({ name: 'ZZ order a' });
    const list = await t.api(admin, 'GET', '/api/v1/inboxes');
    const order = ids(list.body.items).filter((id) => id === a.id || id === b.id);
    expect(order).toEqual([a.id, b.id]);
  });

  it('renames an inbox and replaces its member list', async () => {
    const other = await t.createUser('agent');
    const inbox = await createInbox({ memberIds: [agent.id] });
    const renamed = await t.api(admin, 'PATCH', `/api/v1/inboxes/${inbox.id}`, { name: 'Facilities', description: 'Desks' });
    expect(renamed.status).toBe(200);
    expect(renamed.body).toEqual({ id: inbox.id, name: 'Facilities', description: 'Desks', memberIds: [agent.id] });

    const replaced = await t.api(admin, 'PATCH', `/api/v1/inboxes/${inbox.id}`, { memberIds: [other.id] });
    expect(replaced.body.memberIds).toEqual([other.id]);
    expect(replaced.body.name).toBe('Facilities');

    const emptied = await t.api(admin, 'PATCH', `/api/v1/inboxes/${inbox.id}`, { memberIds: [] });
    expect(emptied.body.memberIds).toEqual([]);
    // Leaving memberIds out keeps the members.
    await t.api(admin, 'PATCH', `/api/v1/inboxes/${inbox.id}`, { memberIds: [other.id] });
    expect((await t.api(admin, 'PATCH', `/api/v1/inboxes/${inbox.id}`, { description: 'Chairs' })).body.memberIds).toEqual([other.id]);
  });

  it('refuses a duplicate name in any case, on create and on rename', async () => {
    const first = await createInbox({ name: 'Payroll Questions' });
    const dup = await t.api(admin, 'POST', '/api/v1/inboxes', { name: 'PAYROLL questions' });
    expect(dup.status).toBe(409);
    expect(dup.body.error.code).toBe('conflict');
    const other = await createInbox();
    expect((await t.api(admin, 'PATCH', `/api/v1/inboxes/${other.id}`, { name: 'payroll questions' })).status).toBe(409);
    // Renaming an inbox to its own name in another case is not a conflict.
    const self = await t.api(admin, 'PATCH', `/api/v1/inboxes/${first.id}`, { name: 'Payroll QUESTIONS' });
    expect(self.status).toBe(200);
    expect(self.body.name).toBe('Payroll QUESTIONS');
  });

  it('refuses requesters and unknown users as members', async () => {
    const asRequester = await t.api(admin, 'POST', '/api/v1/inboxes', { name: unique('Bad'), memberIds: [agent.id, requester.id] });
    expect(asRequester.status).toBe(422);
    expect(asRequester.body.error).toMatchObject({ code: 'unprocessable', details: { field: 'memberIds', ids: [requester.id] } });
    const ghost = randomUUID();
    const unknown = await t.api(admin, 'POST', '/api/v1/inboxes', { name: unique('Bad'), memberIds: [ghost] });
    expect(unknown.status).toBe(422);
    expect(unknown.body.error.details.ids).toEqual([ghost]);
    const inbox = await createInbox({ memberIds: [agent.id] });
    expect((await t.api(admin, 'PATCH', `/api/v1/inboxes/${inbox.id}`, { memberIds: [requester.id] })).status).toBe(422);
    // A refused change leaves the inbox as it was.
    const list = await t.api(admin, 'GET', '/api/v1/inboxes');
    expect(list.body.items.find((i: { id: string }) => i.id === inbox.id).memberIds).toEqual([agent.id]);
  });

  it('answers 404 for an unknown inbox and 400 for malformed input', async () => {
    expect((await t.api(admin, 'PATCH', `/api/v1/inboxes/${randomUUID()}`, { name: unique('Nope') })).status).toBe(404);
    for (const body of [
      { name: '' },
      { name: '   ' },
      { name: 'x'.repeat(201) },
      { name: 'Ok', memberIds: ['not-a-uuid'] },
      { name: 'Ok', colour: 'red' },
      {},
    ]) {
      const res = await t.api(admin, 'POST', '/api/v1/inboxes', body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.error.code).toBe('validation_failed');
    }
    const inbox = await createInbox();
    expect((await t.api(admin, 'PATCH', `/api/v1/inboxes/${inbox.id}`, { memberIds: 'all' })).status).toBe(400);
    expect((await t.api(admin, 'PATCH', '/api/v1/inboxes/nope', { name: 'X' })).status).toBe(400);
  });
});

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

describe('custom fields', () => {
  it('creates a text field that applies to every service, with defaults', async () => {
    const key = uniqueKey('asset_tag');
    const res = await t.api(admin, 'POST', '/api/v1/custom-fields', { key, label: 'Asset tag', type: 'text' });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      id: expect.any(String),
      key,
      label: 'Asset tag',
      type: 'text',
      options: [],
      required: false,
      serviceIds: null,
      position: 0,
      active: true,
    });
    expect((await t.api(requester, 'GET', '/api/v1/custom-fields')).body.items).toContainEqual(res.body);
  });

  it('creates a select field for some services', async () => {
    const s1 = await createService();
    const s2 = await createService();
    const res = await t.api(admin, 'POST', '/api/v1/custom-fields', {
      key: uniqueKey('laptop_model'),
      label: 'Laptop model',
      type: 'select',
      options: ['Small', 'Large'],
      required: true,
      serviceIds: [s1.id, s2.id, s1.id],
      position: 3,
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ type: 'select', options: ['Small', 'Large'], required: true, serviceIds: [s1.id, s2.id], position: 3 });
  });

  it('accepts every field type', async () => {
    for (const type of ['text', 'long_text', 'number', 'date', 'checkbox', 'person']) {
      expect((await t.api(admin, 'POST', '/api/v1/custom-fields', { key: uniqueKey(type), label: type, type })).status, type).toBe(201);
    }
  });

  it('lists fields in position order, then by label', async () => {
    const prefix = uniqueKey('order');
    const later = await t.api(admin, 'POST', '/api/v1/custom-fields', { key: `${prefix}_c`, label: 'A later', type: 'text', position: 20 });
    const b = await t.api(admin, 'POST', '/api/v1/custom-fields', { key: `${prefix}_b`, label: 'B first', type: 'text', position: 10 });
    const a = await t.api(admin, 'POST', '/api/v1/custom-fields', { key: `${prefix}_a`, label: 'A first', type: 'text', position: 10 });
    const items = (await t.api(agent, 'GET', '/api/v1/custom-fields')).body.items as { id: string; key: string }[];
    expect(ids(items.filter((f) => f.key.startsWith(prefix)))).toEqual([a.body.id, b.body.id, later.body.id]);
  });

  it('refuses select fields without options or with repeated options, and options on other types', async () => {
    const cases = [
      { key: uniqueKey('sel'), label: 'No options', type: 'select' },
      { key: uniqueKey('sel'), label: 'Empty options', type: 'select', options: [] },
      { key: uniqueKey('sel'), label: 'Repeats', type: 'select', options: ['A', 'B', 'A'] },
      { key: uniqueKey('txt'), label: 'Text with options', type: 'text', options: ['A'] },
    ];
    for (const body of cases) {
      const res = await t.api(admin, 'POST', '/api/v1/custom-fields', body);
      expect(res.status, body.label).toBe(422);
      expect(res.body.error.details).toEqual({ field: 'options' });
    }
    // An empty options list on a non-select field is the same as none.
    expect((await t.api(admin, 'POST', '/api/v1/custom-fields', { key: uniqueKey('txt'), label: 'Plain', type: 'number', options: [] })).status).toBe(201);
  });

  it('refuses a duplicate key', async () => {
    const key = uniqueKey('cost_center');
    expect((await t.api(admin, 'POST', '/api/v1/custom-fields', { key, label: 'Cost center', type: 'text' })).status).toBe(201);
    const dup = await t.api(admin, 'POST', '/api/v1/custom-fields', { key, label: 'Another', type: 'number' });
    expect(dup.status).toBe(409);
    expect(dup.body.error.code).toBe('conflict');
  });

  it('refuses unknown services', async () => {
    const known = await createService();
    const ghost = randomUUID();
    const res = await t.api(admin, 'POST', '/api/v1/custom-fields', { key: uniqueKey('f'), label: 'F', type: 'text', serviceIds: [known.id, ghost] });
    expect(res.status).toBe(422);
    expect(res.body.error.details).toEqual({ field: 'serviceIds', ids: [ghost] });
    const field = await t.api(admin, 'POST', '/api/v1/custom-fields', { key: uniqueKey('f'), label: 'F', type: 'text' });
    expect((await t.api(admin, 'PATCH', `/api/v1/custom-fields/${field.body.id}`, { serviceIds: [ghost] })).status).toBe(422);
  });

  it('refuses malformed definitions', async () => {
    const bad = [
      { key: 'Customer_Email', label: 'Upper case key', type: 'text' },
      { key: '1st_choice', label: 'Starts with a digit', type: 'text' },
      { key: 'has-dash', label: 'Dash', type: 'text' },
      { key: `k${'x'.repeat(63)}`, label: 'Too long', type: 'text' },
      { key: 'ok_key', label: 'Unknown type', type: 'colour' },
      { key: 'ok_key', label: '', type: 'text' },
      { key: 'ok_key', label: 'Empty services', type: 'text', serviceIds: [] },
      { key: 'ok_key', label: 'Bad service id', type: 'text', serviceIds: ['svc'] },
      { key: 'ok_key', label: 'Fraction', type: 'text', position: 1.5 },
      { key: 'ok_key', label: 'Blank option', type: 'select', options: ['  '] },
      { key: 'ok_key', label: 'Extra', type: 'text', active: false },
      { label: 'No key', type: 'text' },
    ];
    for (const body of bad) {
      const res = await t.api(admin, 'POST', '/api/v1/custom-fields', body);
      expect(res.status, body.label).toBe(400);
      expect(res.body.error.code).toBe('validation_failed');
    }
    // The longest allowed key is 63 characters.
    expect((await t.api(admin, 'POST', '/api/v1/custom-fields', { key: `k${'x'.repeat(62)}`, label: 'Longest', type: 'text' })).status).toBe(201);
  });

  it('changes label, options, required, services, position and active; the key and type cannot change', async () => {
    const service = await createService();
    const created = await t.api(admin, 'POST', '/api/v1/custom-fields', { key: uniqueKey('size'), label: 'Size', type: 'select', options: ['S', 'M'] });
    const id = created.body.id;
    const changed = await t.api(admin, 'PATCH', `/api/v1/custom-fields/${id}`, {
      label: 'T-shirt size',
      options: ['S', 'M', 'L'],
      required: true,
      serviceIds: [service.id],
      position: 7,
    });
    expect(changed.status).toBe(200);
    expect(changed.body).toEqual({ ...created.body, label: 'T-shirt size', options: ['S', 'M', 'L'], required: true, serviceIds: [service.id], position: 7 });
    expect((await t.api(admin, 'PATCH', `/api/v1/custom-fields/${id}`, { serviceIds: null })).body.serviceIds).toBeNull();

    expect((await t.api(admin, 'PATCH', `/api/v1/custom-fields/${id}`, { key: 'other_key' })).status).toBe(400);
    expect((await t.api(admin, 'PATCH', `/api/v1/custom-fields/${id}`, { type: 'text' })).status).toBe(400);
    expect((await t.api(admin, 'PATCH', `/api/v1/custom-fields/${id}`, { options: [] })).status).toBe(422);
    expect((await t.api(admin, 'PATCH', `/api/v1/custom-fields/${id}`, { options: ['S', 'S'] })).status).toBe(422);
    const text = await t.api(admin, 'POST', '/api/v1/custom-fields', { key: uniqueKey('note'), label: 'Note', type: 'text' });
    expect((await t.api(admin, 'PATCH', `/api/v1/custom-fields/${text.body.id}`, { options: ['A'] })).status).toBe(422);
    expect((await t.api(admin, 'PATCH', `/api/v1/custom-fields/${randomUUID()}`, { label: 'Ghost' })).status).toBe(404);
  });

  it('allows removing a select option that requests use, and those requests keep their value', async () => {
    const key = uniqueKey('color');
    const field = await t.api(admin, 'POST', '/api/v1/custom-fields', { key, label: 'Color', type: 'select', options: ['red', 'blue'] });
    const request = await t.db
      .insertInto('requests')
      .values({ title: 'Paint the wall', requester_id: requester.id, custom_fields: JSON.stringify({ [key]: 'red' }) })
      .returning('id')
      .executeTakeFirstOrThrow();
    const res = await t.api(admin, 'PATCH', `/api/v1/custom-fields/${field.body.id}`, { options: ['blue'] });
    expect(res.status).toBe(200);
    expect(res.body.options).toEqual(['blue']);
    const row = await t.db.selectFrom('requests').select('custom_fields').where('id', '=', request.id).executeTakeFirstOrThrow();
    expect(row.custom_fields[key]).toBe('red');
  });

  it('hides inactive fields from requesters, and from staff unless they ask for inactive ones', async () => {
    const field = await t.api(admin, 'POST', '/api/v1/custom-fields', { key: uniqueKey('legacy'), label: 'Legacy', type: 'checkbox' });
    const off = await t.api(admin, 'PATCH', `/api/v1/custom-fields/${field.body.id}`, { active: false });
    expect(off.body.active).toBe(false);
    expect(ids((await t.api(requester, 'GET', '/api/v1/custom-fields')).body.items)).not.toContain(field.body.id);
    expect(ids((await t.api(requester, 'GET', '/api/v1/custom-fields?includeInactive=true')).body.items)).not.toContain(field.body.id);
    expect(ids((await t.api(agent, 'GET', '/api/v1/custom-fields')).body.items)).not.toContain(field.body.id);
    expect(ids((await t.api(agent, 'GET', '/api/v1/custom-fields?includeInactive=true')).body.items)).toContain(field.body.id);
  });
});

describe('authorization', () => {
  const someId = randomUUID();
  type Needs = 'user' | 'staff' | 'admin';
  const routes = (): { method: string; path: string; body?: unknown; needs: Needs }[] => [
    { method: 'GET', path: '/api/v1/inboxes', needs: 'staff' },
    { method: 'POST', path: '/api/v1/inboxes', body: { name: unique('Authz inbox') }, needs: 'admin' },
    { method: 'PATCH', path: `/api/v1/inboxes/${someId}`, body: { description: 'x' }, needs: 'admin' },
    { method: 'GET', path: '/api/v1/services', needs: 'user' },
    { method: 'GET', path: '/api/v1/services?includeInactive=true', needs: 'user' },
    { method: 'POST', path: '/api/v1/services', body: { name: unique('Authz service') }, needs: 'admin' },
    { method: 'PATCH', path: `/api/v1/services/${someId}`, body: { active: false }, needs: 'admin' },
    { method: 'GET', path: '/api/v1/custom-fields', needs: 'user' },
    { method: 'GET', path: '/api/v1/custom-fields?includeInactive=true', needs: 'user' },
    { method: 'POST', path: '/api/v1/custom-fields', body: { key: uniqueKey('authz'), label: 'Authz', type: 'text' }, needs: 'admin' },
    { method: 'PATCH', path: `/api/v1/custom-fields/${someId}`, body: { label: 'x' }, needs: 'admin' },
  ];

  it('refuses every catalog route to anonymous callers with 401', async () => {
    for (const r of routes()) {
      const res = await t.api(null, r.method, r.path, r.body);
      expect(res.status, `${r.method} ${r.path}`).toBe(401);
      expect(res.body.error.code).toBe('unauthenticated');
    }
  });

  it('refuses staff routes to requesters and admin writes to agents and requesters with 403', async () => {
    for (const r of routes()) {
      const asRequester = await t.api(requester, r.method, r.path, r.body);
      expect(asRequester.status, `requester ${r.method} ${r.path}`).toBe(r.needs === 'user' ? 200 : 403);
      const asAgent = await t.api(agent, r.method, r.path, r.body);
      expect(asAgent.status, `agent ${r.method} ${r.path}`).toBe(r.needs === 'admin' ? 403 : 200);
    }
  });

  it('lets admins through every catalog route (unknown ids answer 404)', async () => {
    for (const r of routes()) {
      const res = await t.api(admin, r.method, r.path, r.body);
      expect(res.status, `admin ${r.method} ${r.path}`).toBe(r.method === 'PATCH' ? 404 : r.method === 'POST' ? 201 : 200);
    }
  });
});

describe('OpenAPI document', () => {
  it('documents the users and catalog routes with their shared schemas', async () => {
    const res = await t.raw('/api/openapi.json');
    expect(res.status).toBe(200);
    const doc = await res.json();
    for (const path of [
      '/api/v1/users',
      '/api/v1/users/{id}',
      '/api/v1/inboxes',
      '/api/v1/inboxes/{id}',
      '/api/v1/services',
      '/api/v1/services/{id}',
      '/api/v1/custom-fields',
      '/api/v1/custom-fields/{id}',
    ]) {
      expect(doc.paths[path], path).toBeDefined();
    }
    expect(Object.keys(doc.components.schemas)).toEqual(expect.arrayContaining(['User', 'Inbox', 'Service', 'CustomField']));
    expect(doc.paths['/api/v1/custom-fields'].post.security).toBeDefined();
  });
});
