/** Team inboxes over the API: create, list, rename, members, and what is refused. */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createCatalogTestApp, unique, ids } from '../../../test/support/catalog-test-app.ts';

const { t, admin, agent, requester, createInbox } = await createCatalogTestApp();

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
