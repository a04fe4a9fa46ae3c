/** Custom field definitions over the API: every type, select options, services, order, changes, and what is refused. */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createCatalogTestApp, uniqueKey, ids } from '../../../test/support/catalog-test-app.ts';

const { t, admin, agent, requester, createService } = await createCatalogTestApp();

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
