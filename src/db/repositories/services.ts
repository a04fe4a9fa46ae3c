/** The service catalog: what people can ask for, and where those requests land. */
import { sql } from 'kysely';
import type { Queryable } from '../database.ts';
import type { ServiceRow } from '../schema.ts';

export interface Service {
  id: string;
  name: string;
  description: string;
  defaultInboxId: string | null;
  active: boolean;
}

export const toService = (r: ServiceRow): Service => ({
  id: r.id,
  name: r.name,
  description: r.description,
  defaultInboxId: r.default_inbox_id,
  active: r.active,
});

export async function listServices(q: Queryable, opts: { includeInactive: boolean }): Promise<Service[]> {
  let query = q.selectFrom('services').selectAll();
  if (!opts.includeInactive) query = query.where('active', '=', true);
  const rows = await query
    .orderBy(sql`lower(name)`)
    .orderBy('id')
    .execute();
  return rows.map(toService);
}

export async function findServiceById(q: Queryable, id: string, opts: { forUpdate?: boolean } = {}): Promise<ServiceRow | undefined> {
  let query = q.selectFrom('services').selectAll().where('id', '=', id);
  if (opts.forUpdate) query = query.forUpdate();
  return query.executeTakeFirst();
}

/** The service with this name, compared case-insensitively like the unique index. */
export async function findServiceByName(q: Queryable, name: string): Promise<ServiceRow | undefined> {
  return q
    .selectFrom('services')
    .selectAll()
    .where(sql`lower(name)`, '=', name.toLowerCase())
    .executeTakeFirst();
}

/** Of `ids`, the ones that are not services. */
export async function missingServiceIds(q: Queryable, ids: string[]): Promise<string[]> {
  if (ids.length === 0) return [];
  const rows = await q.selectFrom('services').select('id').where('id', 'in', ids).execute();
  const found = new Set(rows.map((r) => r.id));
  return ids.filter((id) => !found.has(id));
}

export interface NewService {
  name: string;
  description?: string;
  defaultInboxId?: string | null;
}

export async function insertService(q: Queryable, s: NewService): Promise<ServiceRow> {
  return q
    .insertInto('services')
    .values({ name: s.name, description: s.description ?? '', default_inbox_id: s.defaultInboxId ?? null })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export interface ServiceChanges {
  name?: string;
  description?: string;
  defaultInboxId?: string | null;
  active?: boolean;
}

/** Sets only the fields the change names: Kysely leaves out the columns whose value is undefined. */
export async function updateService(q: Queryable, id: string, c: ServiceChanges, now: Date): Promise<ServiceRow | undefined> {
  return q
    .updateTable('services')
    .set({ name: c.name, description: c.description, default_inbox_id: c.defaultInboxId, active: c.active, updated_at: now })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirst();
}
