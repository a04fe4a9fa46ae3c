/** Each person's saved request-list views. */
import { sql } from 'kysely';
import type { Queryable } from '../database.ts';

export interface SavedView {
  id: string;
  name: string;
  query: Record<string, string>;
  createdAt: string;
}

const toView = (r: { id: string; name: string; query: Record<string, string>; created_at: Date | string }): SavedView => ({
  id: r.id,
  name: r.name,
  query: r.query,
  createdAt: new Date(r.created_at).toISOString(),
});

export async function listSavedViews(q: Queryable, userId: string): Promise<SavedView[]> {
  const rows = await q
    .selectFrom('saved_views')
    .select(['id', 'name', 'query', 'created_at'])
    .where('user_id', '=', userId)
    .orderBy(sql`lower(name)`)
    .execute();
  return rows.map(toView);
}

export async function countSavedViews(q: Queryable, userId: string): Promise<number> {
  const { n } = await q
    .selectFrom('saved_views')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('user_id', '=', userId)
    .executeTakeFirstOrThrow();
  return Number(n);
}

/** Returns undefined when the person already has a view by that name (names are unique per person, any case). */
export async function insertSavedView(
  q: Queryable,
  v: { userId: string; name: string; query: Record<string, string>; at: Date },
): Promise<SavedView | undefined> {
  const row = await q
    .insertInto('saved_views')
    .values({ user_id: v.userId, name: v.name, query: JSON.stringify(v.query), created_at: v.at })
    .onConflict((oc) => oc.expression(sql`user_id, lower(name)`).doNothing())
    .returning(['id', 'name', 'query', 'created_at'])
    .executeTakeFirst();
  return row && toView(row);
}

/** Deletes one of the person's own views; false when they have none with this id. */
export async function deleteSavedView(q: Queryable, userId: string, id: string): Promise<boolean> {
  const r = await q.deleteFrom('saved_views').where('id', '=', id).where('user_id', '=', userId).executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}
