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
  return q.selectFrom('users').selectAll().where(sql`lower(email)`, '=', email.toLowerCase()).executeTakeFirst();
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
