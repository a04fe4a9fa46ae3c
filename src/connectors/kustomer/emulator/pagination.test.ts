import { describe, expect, it } from 'vitest';
import { testEmulatorEachTest } from './test-emulator.ts';

const t = testEmulatorEachTest();

describe('pagination', () => {
  it('walks every queue by following relative links.next until it is null', async () => {
    for (let i = 0; i < 4; i++) t.control.createQueue({ org: 'acme', name: `Extra ${i}` });
    const expected = t.control.queues('acme').map((q) => q.id); // 1 system + 3 seeded + 4 = 8
    const seen: string[] = [];
    let next: string | null = '/v1/routing/queues?pageSize=3';
    let pages = 0;
    while (next) {
      expect(next.startsWith('/v1/routing/queues?')).toBe(true);
      const r = await t.api('GET', next);
      expect(r.status).toBe(200);
      pages++;
      expect(r.body.meta).toEqual({ page: pages, pageSize: 3 });
      seen.push(...r.body.data.map((q: { id: string }) => q.id));
      next = r.body.links.next;
    }
    expect(pages).toBe(3);
    expect(seen).toEqual(expected);
  });

  it('gives self, first and prev links and a null next on the last page', async () => {
    const r = await t.api('GET', '/v1/teams?page=2&pageSize=1');
    expect(r.body.links).toEqual({
      self: '/v1/teams?page=2&pageSize=1',
      first: '/v1/teams?page=1&pageSize=1',
      prev: '/v1/teams?page=1&pageSize=1',
      next: null,
    });
  });

  it('has next null on a page that ends exactly at the last item', async () => {
    const r = await t.api('GET', '/v1/teams?pageSize=2');
    expect(r.body.data).toHaveLength(2);
    expect(r.body.links.next).toBeNull();
  });

  it('keeps other query parameters in the links', async () => {
    const r = await t.api('GET', '/v1/users?userType=user&pageSize=1');
    expect(r.body.links.next).toBe('/v1/users?userType=user&pageSize=1&page=2');
  });

  it('clamps pageSize to 100 for queues and allows 500 for teams and users', async () => {
    expect((await t.api('GET', '/v1/routing/queues?pageSize=500')).body.meta.pageSize).toBe(100);
    expect((await t.api('GET', '/v1/teams?pageSize=500')).body.meta.pageSize).toBe(500);
    expect((await t.api('GET', '/v1/users?pageSize=1000')).body.meta.pageSize).toBe(500);
    expect((await t.api('GET', '/v1/teams')).body.meta).toEqual({ page: 1, pageSize: 100 });
  });

  it('refuses a page that is not a positive integer with 400', async () => {
    const r = await t.api('GET', '/v1/teams?page=0');
    expect(r.status).toBe(400);
    expect(r.body.errors[0].source).toEqual({ parameter: 'page' });
  });

  it('returns an empty page past the end', async () => {
    const r = await t.api('GET', '/v1/teams?page=9');
    expect(r.body.data).toEqual([]);
    expect(r.body.links.next).toBeNull();
  });
});

describe('directory', () => {
  it('lists the system DEFAULT_QUEUE in every org', async () => {
    const r = await t.api('GET', '/v1/routing/queues');
    expect(r.body.data[0].attributes).toMatchObject({ name: 'DEFAULT_QUEUE', system: true });
    expect(r.body.data.map((q: { attributes: { name: string } }) => q.attributes.name)).toEqual(['DEFAULT_QUEUE', 'Tier 2 Support', 'VIP', 'Billing']);
  });

  it('keeps a deleted queue in the list, flagged deleted', async () => {
    t.control.deleteQueue({ org: 'acme', id: t.demo.queues.vip.id });
    const r = await t.api('GET', '/v1/routing/queues');
    const vip = r.body.data.find((q: { id: string }) => q.id === t.demo.queues.vip.id);
    expect(vip.attributes.deleted).toBe(true);
  });

  it('lists teams with their members, and users including API-key machine users', async () => {
    const teams = await t.api('GET', '/v1/teams');
    expect(teams.body.data[0].attributes.members).toEqual([t.demo.users.alex.id, t.demo.users.sam.id]);
    const machines = await t.api('GET', '/v1/users?userType=machine');
    expect(machines.body.data.map((u: { id: string }) => u.id)).toEqual([t.demo.key.userId]);
  });

  it('refuses combined user filters with 400', async () => {
    expect((await t.api('GET', '/v1/users?userType=user&email=a@b.c')).status).toBe(400);
  });
});
