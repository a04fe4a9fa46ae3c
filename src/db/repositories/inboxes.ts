/** Team inboxes: queues of requests, and the agents and admins who work them. */
import { sql } from 'kysely';
import type { Queryable } from '../database.ts';

export interface Inbox {
  id: string;
  name: string;
  description: string;
  memberIds: string[];
}

/** Members in name order, so lists read the same every time. */
const memberIds = sql<string[]>`array(
  select m.user_id from inbox_members m join users u on u.id = m.user_id
  where m.inbox_id = inboxes.id order by lower(u.name), u.id
)`;

function inboxQuery(q: Queryable) {
  return q.selectFrom('inboxes').select(['inboxes.id', 'inboxes.name', 'inboxes.description', memberIds.as('member_ids')]);
}

const toInbox = (r: { id: string; name: string; description: string; member_ids: string[] }): Inbox => ({
  id: r.id,
  name: r.name,
  description: r.description,
  memberIds: r.member_ids,
});

export async function listInboxes(q: Queryable): Promise<Inbox[]> {
  const rows = await inboxQuery(q)
    .orderBy(sql`lower(inboxes.name)`)
    .orderBy('inboxes.id')
    .execute();
  return rows.map(toInbox);
}

export async function findInboxById(q: Queryable, id: string): Promise<Inbox | undefined> {
  const row = await inboxQuery(q).where('inboxes.id', '=', id).executeTakeFirst();
  return row && toInbox(row);
}

export async function inboxExists(q: Queryable, id: string): Promise<boolean> {
  return (await q.selectFrom('inboxes').select('id').where('id', '=', id).executeTakeFirst()) !== undefined;
}

/** The id of the inbox with this name (case-insensitive, like the unique index), if any. */
export async function findInboxIdByName(q: Queryable, name: string): Promise<string | undefined> {
  const row = await q
    .selectFrom('inboxes')
    .select('id')
    .where(sql`lower(name)`, '=', name.toLowerCase())
    .executeTakeFirst();
  return row?.id;
}

export async function insertInbox(q: Queryable, i: { name: string; description?: string }): Promise<string> {
  const row = await q
    .insertInto('inboxes')
    .values({ name: i.name, description: i.description ?? '' })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/** Locks the inbox row for the rest of the transaction; false when there is no such inbox. */
export async function lockInbox(q: Queryable, id: string): Promise<boolean> {
  return (await q.selectFrom('inboxes').select('id').where('id', '=', id).forUpdate().executeTakeFirst()) !== undefined;
}

/** Sets only the fields the change names: Kysely leaves out the columns whose value is undefined. */
export async function updateInbox(q: Queryable, id: string, c: { name?: string; description?: string }, now: Date): Promise<void> {
  await q.updateTable('inboxes').set({ name: c.name, description: c.description, updated_at: now }).where('id', '=', id).execute();
}

/** Replaces the inbox's member list. */
export async function setInboxMembers(q: Queryable, inboxId: string, userIds: string[]): Promise<void> {
  await q.deleteFrom('inbox_members').where('inbox_id', '=', inboxId).execute();
  if (userIds.length)
    await q
      .insertInto('inbox_members')
      .values(userIds.map((userId) => ({ inbox_id: inboxId, user_id: userId })))
      .execute();
}

/** Takes a user out of every inbox (when they stop being staff). */
export async function removeUserFromInboxes(q: Queryable, userId: string): Promise<void> {
  await q.deleteFrom('inbox_members').where('user_id', '=', userId).execute();
}
