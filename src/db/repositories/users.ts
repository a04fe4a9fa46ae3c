/** Users: people who file, work or administer requests. */
import { sql } from 'kysely';
import type { Role } from '../../core/actor.ts';
import type { Queryable } from '../database.ts';
import type { UserRow } from '../schema.ts';

export interface User {
  id: string;
  email: string;
  name: string;
  role: Role;
  managerId: string | null;
  department: string | null;
  title: string | null;
  location: string | null;
  active: boolean;
  hasPassword: boolean;
  createdAt: string;
}

export const toUser = (r: UserRow): User => ({
  id: r.id,
  email: r.email,
  name: r.name,
  role: r.role,
  managerId: r.manager_id,
  department: r.department,
  title: r.title,
  location: r.location,
  active: r.active,
  hasPassword: r.password_hash !== null,
  createdAt: new Date(r.created_at).toISOString(),
});

export async function findUserByEmail(q: Queryable, email: string): Promise<UserRow | undefined> {
  return q
    .selectFrom('users')
    .selectAll()
    .where(sql`lower(email)`, '=', email.toLowerCase())
    .executeTakeFirst();
}

export async function findUserById(q: Queryable, id: string): Promise<UserRow | undefined> {
  return q.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function adminExists(q: Queryable): Promise<boolean> {
  const row = await q.selectFrom('users').select('id').where('role', '=', 'admin').where('active', '=', true).limit(1).executeTakeFirst();
  return row !== undefined;
}

export interface NewUser {
  email: string;
  name: string;
  role: Role;
  passwordHash: string | null;
  managerId?: string | null;
  department?: string | null;
  title?: string | null;
  location?: string | null;
}

export async function insertUser(q: Queryable, u: NewUser): Promise<UserRow> {
  return q
    .insertInto('users')
    .values({
      email: u.email,
      name: u.name,
      role: u.role,
      password_hash: u.passwordHash,
      manager_id: u.managerId ?? null,
      department: u.department ?? null,
      title: u.title ?? null,
      location: u.location ?? null,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export interface UserFilter {
  role?: Role;
  /** Part of the name or email, any case. */
  q?: string;
  active?: boolean;
}

/** Escapes LIKE wildcards so a search for "50%" or "a_b" matches those characters literally. */
const likeEscape = (s: string) => s.replace(/[\\%_]/g, (ch) => `\\${ch}`);

export async function listUsers(q: Queryable, f: UserFilter = {}): Promise<UserRow[]> {
  let query = q.selectFrom('users').selectAll();
  if (f.role) query = query.where('role', '=', f.role);
  if (f.active !== undefined) query = query.where('active', '=', f.active);
  if (f.q) {
    const pattern = `%${likeEscape(f.q)}%`;
    query = query.where((eb) => eb.or([eb('name', 'ilike', pattern), eb('email', 'ilike', pattern)]));
  }
  return query
    .orderBy(sql`lower(name)`)
    .orderBy('id')
    .execute();
}

/**
 * The users with these ids. With `lockShared`, their rows stay locked against changes (such as a role change)
 * until the transaction ends, so a check made on them still holds when the transaction commits.
 */
export async function findUsersByIds(q: Queryable, ids: string[], opts: { lockShared?: boolean } = {}): Promise<UserRow[]> {
  if (ids.length === 0) return [];
  let query = q.selectFrom('users').selectAll().where('id', 'in', ids);
  if (opts.lockShared) query = query.forShare();
  return query.execute();
}

/** Whether `userId` is `managerId` or above it in its manager chain: making `managerId` their manager would close a loop. */
export async function isInManagerChain(q: Queryable, managerId: string, userId: string): Promise<boolean> {
  const { rows } = await sql<{ found: boolean }>`
    with recursive chain(id) as (
      select ${managerId}::uuid
      union
      select u.manager_id from users u join chain c on u.id = c.id where u.manager_id is not null
    )
    select exists (select 1 from chain where id = ${userId}::uuid) as found
  `.execute(q);
  return rows[0]?.found === true;
}

export async function countActiveAdmins(q: Queryable, opts: { except?: string } = {}): Promise<number> {
  let query = q
    .selectFrom('users')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('role', '=', 'admin')
    .where('active', '=', true);
  if (opts.except) query = query.where('id', '<>', opts.except);
  const row = await query.executeTakeFirstOrThrow();
  return Number(row.n);
}

export interface UserChanges {
  email?: string;
  name?: string;
  role?: Role;
  passwordHash?: string;
  managerId?: string | null;
  department?: string | null;
  title?: string | null;
  location?: string | null;
  active?: boolean;
}

/** Sets only the fields the change names: Kysely leaves out the columns whose value is undefined. */
export async function updateUser(q: Queryable, id: string, c: UserChanges, now: Date): Promise<UserRow | undefined> {
  return q
    .updateTable('users')
    .set({
      email: c.email,
      name: c.name,
      role: c.role,
      password_hash: c.passwordHash,
      manager_id: c.managerId,
      department: c.department,
      title: c.title,
      location: c.location,
      active: c.active,
      updated_at: now,
    })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirst();
}
