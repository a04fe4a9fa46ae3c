/** Server-side sessions and sign-in throttling, both in Postgres so any server process can serve any user. */
import type { Queryable } from '../database.ts';

export async function insertSession(q: Queryable, s: { idHash: string; userId: string; csrfToken: string; expiresAt: Date }) {
  await q.insertInto('sessions').values({ id_hash: s.idHash, user_id: s.userId, csrf_token: s.csrfToken, expires_at: s.expiresAt }).execute();
}

export async function findLiveSession(q: Queryable, idHash: string, now: Date) {
  return q
    .selectFrom('sessions')
    .innerJoin('users', 'users.id', 'sessions.user_id')
    .select(['sessions.id_hash', 'sessions.csrf_token', 'users.id as user_id', 'users.role', 'users.name', 'users.active'])
    .where('sessions.id_hash', '=', idHash)
    .where('sessions.expires_at', '>', now)
    .executeTakeFirst();
}

export async function deleteSession(q: Queryable, idHash: string) {
  await q.deleteFrom('sessions').where('id_hash', '=', idHash).execute();
}

export async function deleteUserSessions(q: Queryable, userId: string) {
  await q.deleteFrom('sessions').where('user_id', '=', userId).execute();
}

export async function countRecentFailures(q: Queryable, keys: string[], since: Date): Promise<Record<string, number>> {
  const rows = await q
    .selectFrom('login_failures')
    .select(['key', (eb) => eb.fn.countAll<string>().as('n')])
    .where('key', 'in', keys)
    .where('created_at', '>', since)
    .groupBy('key')
    .execute();
  return Object.fromEntries(rows.map((r) => [r.key, Number(r.n)]));
}

/** Returns the ids of the rows written, so an attempt recorded ahead of its check can be taken back. */
export async function recordFailure(q: Queryable, keys: string[], now: Date): Promise<string[]> {
  const rows = await q
    .insertInto('login_failures')
    .values(keys.map((key) => ({ key, created_at: now })))
    .returning('id')
    .execute();
  return rows.map((r) => String(r.id));
}

export async function deleteFailures(q: Queryable, ids: string[]) {
  if (ids.length) await q.deleteFrom('login_failures').where('id', 'in', ids).execute();
}

export async function clearFailures(q: Queryable, key: string) {
  await q.deleteFrom('login_failures').where('key', '=', key).execute();
}
