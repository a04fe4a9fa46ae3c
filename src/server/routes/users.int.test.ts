import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ids } from '../../../test/support/catalog-test-app.ts';
import { signIn } from '../../../test/support/sign-in.ts';
import { createTestApp, TEST_PASSWORD } from '../../../test/support/test-app.ts';

const t = await createTestApp();

const login = (email: string, password: string) => signIn(t, email, password);

const sessionStatus = async (cookie: string) => (await t.raw('/api/v1/auth/session', { headers: { cookie } })).status;

const sessionCount = async (userId: string) => (await t.db.selectFrom('sessions').select('id_hash').where('user_id', '=', userId).execute()).length;

describe('listing users', () => {
  it('lists people by name and filters by role, active and a case-insensitive name or email match', async () => {
    const admin = await t.createUser('admin');
    const zed = await t.createUser('agent', { name: 'Zed Quillfeather' });
    const amy = await t.createUser('requester', { name: 'amy quillfeather' });
    const mail = await t.createUser('requester', { name: 'Mailonly Person', email: `QUILLFEATHER.box-${randomUUID()}@example.com` });
    const other = await t.createUser('agent', { name: 'Bob Other' });

    const all = await t.api(admin, 'GET', '/api/v1/users');
    expect(all.status).toBe(200);
    expect(ids(all.body.items)).toEqual(expect.arrayContaining([admin.id, zed.id, amy.id, mail.id, other.id]));
    expect(all.body.items[0]).not.toHaveProperty('passwordHash');
    expect(JSON.stringify(all.body)).not.toContain('argon2');

    const q = await t.api(admin, 'GET', '/api/v1/users?q=QuillFeather');
    expect(ids(q.body.items)).toEqual([amy.id, mail.id, zed.id]);

    const agents = await t.api(admin, 'GET', '/api/v1/users?role=agent&q=quillfeather');
    expect(ids(agents.body.items)).toEqual([zed.id]);

    await t.api(admin, 'PATCH', `/api/v1/users/${amy.id}`, { active: false });
    expect(ids((await t.api(admin, 'GET', '/api/v1/users?q=quillfeather&active=false')).body.items)).toEqual([amy.id]);
    expect(ids((await t.api(admin, 'GET', '/api/v1/users?q=quillfeather&active=true')).body.items)).toEqual([mail.id, zed.id]);
  });

  it('treats % and _ in the search text literally', async () => {
    const agent = await t.createUser('agent');
    const percent = await t.createUser('requester', { name: 'Discount 100% Wizard' });
    const found = await t.api(agent, 'GET', `/api/v1/users?q=${encodeURIComponent('100%')}`);
    expect(ids(found.body.items)).toEqual([percent.id]);
    expect((await t.api(agent, 'GET', `/api/v1/users?q=${encodeURIComponent('%_%')}`)).body.items).toEqual([]);
  });

  it('refuses an unknown role or active value in the query', async () => {
    const admin = await t.createUser('admin');
    expect((await t.api(admin, 'GET', '/api/v1/users?role=boss')).status).toBe(400);
    expect((await t.api(admin, 'GET', '/api/v1/users?active=yes')).status).toBe(400);
  });
});

describe('reading one user', () => {
  it('shows staff anyone, and requesters only themselves', async () => {
    const agent = await t.createUser('agent');
    const requester = await t.createUser('requester', { department: 'Finance' });
    const someoneElse = await t.createUser('requester');
    const byAgent = await t.api(agent, 'GET', `/api/v1/users/${requester.id}`);
    expect(byAgent.status).toBe(200);
    expect(byAgent.body).toMatchObject({ id: requester.id, email: requester.email, role: 'requester', department: 'Finance', active: true, hasPassword: true });
    expect((await t.api(requester, 'GET', `/api/v1/users/${requester.id}`)).status).toBe(200);
    expect((await t.api(requester, 'GET', `/api/v1/users/${someoneElse.id}`)).status).toBe(403);
  });

  it('answers 404 for an unknown id and 400 for a malformed one', async () => {
    const agent = await t.createUser('agent');
    const missing = await t.api(agent, 'GET', `/api/v1/users/${randomUUID()}`);
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe('not_found');
    expect((await t.api(agent, 'GET', '/api/v1/users/not-a-uuid')).status).toBe(400);
  });
});

describe('creating users', () => {
  it('creates a user with a password who can then sign in, with the email lowercased', async () => {
    const admin = await t.createUser('admin');
    const manager = await t.createUser('agent');
    const created = await t.api(admin, 'POST', '/api/v1/users', {
      email: 'New.Person@Example.com',
      name: '  New Person ',
      role: 'agent',
      password: 'a brand new password',
      managerId: manager.id,
      department: 'IT',
      title: 'Technician',
      location: 'Berlin',
    });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({
      id: expect.any(String),
      email: 'new.person@example.com',
      name: 'New Person',
      role: 'agent',
      managerId: manager.id,
      department: 'IT',
      title: 'Technician',
      location: 'Berlin',
      active: true,
      hasPassword: true,
      createdAt: expect.any(String),
    });
    expect((await login('new.person@example.com', 'a brand new password')).status).toBe(200);
    expect((await t.api(admin, 'GET', `/api/v1/users/${created.body.id}`)).body).toEqual(created.body);
  });

  it('creates a user without a password, who cannot sign in', async () => {
    const admin = await t.createUser('admin');
    const created = await t.api(admin, 'POST', '/api/v1/users', { email: 'nopass@example.com', name: 'No Pass', role: 'requester' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ hasPassword: false, managerId: null, department: null, title: null, location: null });
    expect((await login('nopass@example.com', 'anything at all')).status).toBe(401);
  });

  it('refuses a second user with the same email in any case', async () => {
    const admin = await t.createUser('admin');
    const existing = await t.createUser('requester');
    const dup = await t.api(admin, 'POST', '/api/v1/users', { email: existing.email.toUpperCase(), name: 'Dup', role: 'requester' });
    expect(dup.status).toBe(409);
    expect(dup.body.error.code).toBe('conflict');
  });

  it('refuses an unknown manager', async () => {
    const admin = await t.createUser('admin');
    const res = await t.api(admin, 'POST', '/api/v1/users', { email: 'orphan@example.com', name: 'Orphan', role: 'requester', managerId: randomUUID() });
    expect(res.status).toBe(422);
    expect(res.body.error).toMatchObject({ code: 'unprocessable', details: { field: 'managerId' } });
  });

  it('refuses malformed input: bad email, unknown role, short password, blank name, unknown fields', async () => {
    const admin = await t.createUser('admin');
    const base = { email: 'valid@example.com', name: 'Valid', role: 'requester' };
    for (const body of [
      { ...base, email: 'not-an-email' },
      { ...base, role: 'superuser' },
      { ...base, password: 'short' },
      { ...base, name: '   ' },
      { ...base, active: false },
      { ...base, managerId: 'nope' },
      { name: 'Missing Email', role: 'agent' },
    ]) {
      const res = await t.api(admin, 'POST', '/api/v1/users', body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.error.code).toBe('validation_failed');
    }
  });
});

describe('changing users', () => {
  it('changes profile fields, clears them with null, and moves updated_at', async () => {
    const admin = await t.createUser('admin');
    const user = await t.createUser('requester', { department: 'Sales', title: 'Rep', location: 'Paris' });
    const before = await t.db.selectFrom('users').select('updated_at').where('id', '=', user.id).executeTakeFirstOrThrow();
    t.clock.advance(60_000);
    const res = await t.api(admin, 'PATCH', `/api/v1/users/${user.id}`, {
      name: 'Renamed Person',
      email: 'Renamed@Example.com',
      role: 'agent',
      department: null,
      title: '',
      location: 'Lyon',
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ name: 'Renamed Person', email: 'renamed@example.com', role: 'agent', department: null, title: null, location: 'Lyon' });
    const after = await t.db.selectFrom('users').select('updated_at').where('id', '=', user.id).executeTakeFirstOrThrow();
    expect(after.updated_at.getTime()).toBeGreaterThan(before.updated_at.getTime());
  });

  it("refuses an email another user has, but accepts the user's own email in another case", async () => {
    const admin = await t.createUser('admin');
    const a = await t.createUser('requester');
    const b = await t.createUser('requester');
    expect((await t.api(admin, 'PATCH', `/api/v1/users/${a.id}`, { email: b.email.toUpperCase() })).status).toBe(409);
    expect((await t.api(admin, 'PATCH', `/api/v1/users/${a.id}`, { email: a.email.toUpperCase() })).status).toBe(200);
  });

  it('answers 404 for an unknown user and 400 for unknown fields or wrong types', async () => {
    const admin = await t.createUser('admin');
    const user = await t.createUser('requester');
    expect((await t.api(admin, 'PATCH', `/api/v1/users/${randomUUID()}`, { name: 'X' })).status).toBe(404);
    expect((await t.api(admin, 'PATCH', `/api/v1/users/${user.id}`, { hasPassword: true })).status).toBe(400);
    expect((await t.api(admin, 'PATCH', `/api/v1/users/${user.id}`, { active: 'no' })).status).toBe(400);
    expect((await t.api(admin, 'PATCH', `/api/v1/users/${user.id}`, { password: 'short' })).status).toBe(400);
  });

  it('sets and clears a manager, and refuses an unknown one', async () => {
    const admin = await t.createUser('admin');
    const boss = await t.createUser('agent');
    const user = await t.createUser('requester');
    expect((await t.api(admin, 'PATCH', `/api/v1/users/${user.id}`, { managerId: boss.id })).body.managerId).toBe(boss.id);
    expect((await t.api(admin, 'PATCH', `/api/v1/users/${user.id}`, { managerId: null })).body.managerId).toBeNull();
    const unknown = await t.api(admin, 'PATCH', `/api/v1/users/${user.id}`, { managerId: randomUUID() });
    expect(unknown.status).toBe(422);
  });

  it('refuses to make a user their own manager', async () => {
    const admin = await t.createUser('admin');
    const user = await t.createUser('agent');
    const res = await t.api(admin, 'PATCH', `/api/v1/users/${user.id}`, { managerId: user.id });
    expect(res.status).toBe(422);
    expect(res.body.error.details).toEqual({ field: 'managerId' });
  });

  it('refuses a manager chain that loops back, directly or through others', async () => {
    const admin = await t.createUser('admin');
    const a = await t.createUser('agent');
    const b = await t.createUser('agent', { managerId: a.id });
    const c = await t.createUser('agent', { managerId: b.id });
    // a manages b: b cannot become a's manager.
    const direct = await t.api(admin, 'PATCH', `/api/v1/users/${a.id}`, { managerId: b.id });
    expect(direct.status).toBe(422);
    expect(direct.body.error.message).toMatch(/loop/);
    // a manages b manages c: c cannot become a's manager either.
    expect((await t.api(admin, 'PATCH', `/api/v1/users/${a.id}`, { managerId: c.id })).status).toBe(422);
    // A chain with no loop is fine: c can report to a directly.
    expect((await t.api(admin, 'PATCH', `/api/v1/users/${c.id}`, { managerId: a.id })).status).toBe(200);
    const unchanged = await t.api(admin, 'GET', `/api/v1/users/${a.id}`);
    expect(unchanged.body.managerId).toBeNull();
  });

  it('takes a user demoted to requester out of every inbox', async () => {
    const admin = await t.createUser('admin');
    const agent = await t.createUser('agent');
    const inbox = await t.api(admin, 'POST', '/api/v1/inboxes', { name: `Demotion desk ${randomUUID()}`, memberIds: [agent.id, admin.id] });
    expect(inbox.status).toBe(201);
    expect((await t.api(admin, 'PATCH', `/api/v1/users/${agent.id}`, { role: 'requester' })).status).toBe(200);
    const list = await t.api(admin, 'GET', '/api/v1/inboxes');
    const after = list.body.items.find((i: { id: string }) => i.id === inbox.body.id);
    expect(after.memberIds).toEqual([admin.id]);
  });
});

describe('the last active admin', () => {
  it('cannot be demoted or deactivated; once another admin exists, it can', async () => {
    const me = await t.createUser('admin');
    // Make `me` the only active admin: demote every other one.
    const admins = await t.api(me, 'GET', '/api/v1/users?role=admin&active=true');
    for (const a of admins.body.items as { id: string }[]) {
      if (a.id !== me.id) expect((await t.api(me, 'PATCH', `/api/v1/users/${a.id}`, { role: 'agent' })).status).toBe(200);
    }
    // An inactive admin does not count.
    const dormant = await t.createUser('admin');
    expect((await t.api(me, 'PATCH', `/api/v1/users/${dormant.id}`, { active: false })).status).toBe(200);

    const demote = await t.api(me, 'PATCH', `/api/v1/users/${me.id}`, { role: 'agent' });
    expect(demote.status).toBe(409);
    expect(demote.body.error.code).toBe('conflict');
    expect((await t.api(me, 'PATCH', `/api/v1/users/${me.id}`, { active: false })).status).toBe(409);
    expect((await t.api(me, 'PATCH', `/api/v1/users/${me.id}`, { role: 'requester', active: false })).status).toBe(409);
    // Other changes to the last admin are fine.
    expect((await t.api(me, 'PATCH', `/api/v1/users/${me.id}`, { role: 'admin', title: 'Owner' })).status).toBe(200);

    const second = await t.createUser('agent');
    expect((await t.api(me, 'PATCH', `/api/v1/users/${second.id}`, { role: 'admin' })).status).toBe(200);
    const handedOver = await t.api(me, 'PATCH', `/api/v1/users/${me.id}`, { role: 'agent' });
    expect(handedOver.status).toBe(200);
    expect(handedOver.body.role).toBe('agent');
  });
});

describe('deactivation and passwords', () => {
  it('deactivating a user ends their sessions and stops their API token; reactivating restores the token', async () => {
    const admin = await t.createUser('admin');
    const user = await t.createUser('agent');
    const { cookie } = await login(user.email, TEST_PASSWORD);
    expect(await sessionStatus(cookie)).toBe(200);
    expect((await t.api(user, 'GET', '/api/v1/auth/session')).status).toBe(200);

    const res = await t.api(admin, 'PATCH', `/api/v1/users/${user.id}`, { active: false });
    expect(res.status).toBe(200);
    expect(res.body.active).toBe(false);
    expect(await sessionCount(user.id)).toBe(0);
    expect(await sessionStatus(cookie)).toBe(401);
    const viaToken = await t.api(user, 'GET', '/api/v1/auth/session');
    expect(viaToken.status).toBe(401);
    expect(viaToken.body.error.code).toBe('unauthenticated');
    expect((await login(user.email, TEST_PASSWORD)).status).toBe(401);

    expect((await t.api(admin, 'PATCH', `/api/v1/users/${user.id}`, { active: true })).status).toBe(200);
    expect((await t.api(user, 'GET', '/api/v1/auth/session')).status).toBe(200);
  });

  it('a new password signs the user in, the old one no longer does, and old sessions end', async () => {
    const admin = await t.createUser('admin');
    const user = await t.createUser('requester');
    const { cookie } = await login(user.email, TEST_PASSWORD);
    const res = await t.api(admin, 'PATCH', `/api/v1/users/${user.id}`, { password: 'a fresh new secret' });
    expect(res.status).toBe(200);
    expect(res.body.hasPassword).toBe(true);
    expect(await sessionStatus(cookie)).toBe(401);
    expect((await login(user.email, TEST_PASSWORD)).status).toBe(401);
    const fresh = await login(user.email, 'a fresh new secret');
    expect(fresh.status).toBe(200);
    expect(await sessionStatus(fresh.cookie)).toBe(200);
  });

  it('other changes leave sessions alone', async () => {
    const admin = await t.createUser('admin');
    const user = await t.createUser('requester');
    const { cookie } = await login(user.email, TEST_PASSWORD);
    expect((await t.api(admin, 'PATCH', `/api/v1/users/${user.id}`, { title: 'Analyst' })).status).toBe(200);
    expect(await sessionStatus(cookie)).toBe(200);
  });
});

describe('authorization', () => {
  // Who may call each route: test/authorization.int.test.ts.
  it('does not let a requester or agent change their own role', async () => {
    const self = await t.createUser('agent');
    expect((await t.api(self, 'PATCH', `/api/v1/users/${self.id}`, { role: 'admin' })).status).toBe(403);
    const req = await t.createUser('requester');
    expect((await t.api(req, 'PATCH', `/api/v1/users/${req.id}`, { role: 'admin' })).status).toBe(403);
  });
});
