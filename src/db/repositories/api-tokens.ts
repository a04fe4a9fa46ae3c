/** Personal API tokens, stored as SHA-256 hashes. */
import type { Queryable } from '../database.ts';
import type { ApiTokenRow } from '../schema.ts';

export interface ApiToken {
  id: string;
  name: string;
  lastFour: string;
  createdAt: string;
  lastUsedAt: string | null;
  expiresAt: string | null;
  revokedAt: string | null;
}

const iso = (d: Date | string | null) => (d === null ? null : new Date(d).toISOString());

export const toApiToken = (r: ApiTokenRow): ApiToken => ({
  id: r.id,
  name: r.name,
  lastFour: r.last_four,
  createdAt: iso(r.created_at)!,
  lastUsedAt: iso(r.last_used_at),
  expiresAt: iso(r.expires_at),
  revokedAt: iso(r.revoked_at),
});

export async function listTokens(q: Queryable, userId: string): Promise<ApiToken[]> {
  const rows = await q.selectFrom('api_tokens').selectAll().where('user_id', '=', userId).orderBy('created_at', 'desc').execute();
  return rows.map(toApiToken);
}

export async function insertToken(q: Queryable, t: { userId: string; name: string; tokenHash: string; lastFour: string; expiresAt: Date | null }) {
  return q
    .insertInto('api_tokens')
    .values({ user_id: t.userId, name: t.name, token_hash: t.tokenHash, last_four: t.lastFour, expires_at: t.expiresAt })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function findLiveToken(q: Queryable, tokenHash: string, now: Date) {
  return q
    .selectFrom('api_tokens')
    .innerJoin('users', 'users.id', 'api_tokens.user_id')
    .select(['api_tokens.id as token_id', 'api_tokens.last_used_at', 'users.id as user_id', 'users.role', 'users.name', 'users.active'])
    .where('api_tokens.token_hash', '=', tokenHash)
    .where('api_tokens.revoked_at', 'is', null)
    .where((eb) => eb.or([eb('api_tokens.expires_at', 'is', null), eb('api_tokens.expires_at', '>', now)]))
    .executeTakeFirst();
}

/** last_used_at is written at most once a minute per token, so busy scripts don't turn every read into a write. */
const TOUCH_EVERY_MS = 60_000;

/** Whether last_used_at (as findLiveToken read it) is old enough for touchToken to write it. */
export function tokenNeedsTouch(lastUsedAt: Date | string | null, now: Date): boolean {
  return lastUsedAt === null || new Date(lastUsedAt).getTime() < now.getTime() - TOUCH_EVERY_MS;
}

/** Sets last_used_at unless another call did within the minute (the condition holds under concurrent calls too). */
export async function touchToken(q: Queryable, tokenId: string, now: Date) {
  await q
    .updateTable('api_tokens')
    .set({ last_used_at: now })
    .where('id', '=', tokenId)
    .where((eb) => eb.or([eb('last_used_at', 'is', null), eb('last_used_at', '<', new Date(now.getTime() - TOUCH_EVERY_MS))]))
    .execute();
}

export async function revokeToken(q: Queryable, userId: string, tokenId: string, now: Date): Promise<boolean> {
  const r = await q
    .updateTable('api_tokens')
    .set({ revoked_at: now })
    .where('id', '=', tokenId)
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}
