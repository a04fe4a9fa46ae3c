/**
 * A fixed per-window count of calls, shared by every process through Postgres (a row of `rate_budgets`): for limits
 * a vendor documents but does not report in its replies, such as Kustomer's 100 searches a minute per API key. Each
 * call takes one unit in one statement; when none is left the caller learns when the window ends. A refusal by the
 * vendor all the same (another user of the key) spends what is left until the reset it names.
 */
import { sql } from 'kysely';
import type { Db } from './database.ts';

export type WindowTake = { ok: true; remaining: number; resetAt: Date } | { ok: false; resetAt: Date };

/** Windows aligned to multiples of `windowMs`, as the vendor's own minute is unknown to us. */
const windowEndOf = (now: Date, windowMs: number) => new Date((Math.floor(now.getTime() / windowMs) + 1) * windowMs);

export async function takeFromWindow(db: Db, key: string, limit: number, windowMs: number, now: Date): Promise<WindowTake> {
  const end = windowEndOf(now, windowMs);
  // A new window starts full (less this call); within one, a unit is taken only while one is left.
  const took = await sql<{ remaining: number; reset_at: Date }>`insert into rate_budgets as b (key, window_limit, remaining, reset_at, updated_at)
      values (${key}, ${limit}, ${limit - 1}, ${end}, ${now})
      on conflict (key) do update set
        window_limit = excluded.window_limit,
        remaining = case when b.reset_at <= ${now} then excluded.remaining else b.remaining - 1 end,
        reset_at = case when b.reset_at <= ${now} then excluded.reset_at else b.reset_at end,
        updated_at = excluded.updated_at
      where b.reset_at <= ${now} or b.remaining > 0
      returning remaining, reset_at`.execute(db);
  const row = took.rows[0];
  if (row) return { ok: true, remaining: row.remaining, resetAt: new Date(row.reset_at) };
  const spent = await db.selectFrom('rate_budgets').select('reset_at').where('key', '=', key).executeTakeFirst();
  return { ok: false, resetAt: spent ? new Date(spent.reset_at) : end };
}

/** The vendor refused a call this window counts: nothing is left until `resetAt`. */
export async function spendWindow(db: Db, key: string, limit: number, resetAt: Date, now: Date): Promise<void> {
  await sql`insert into rate_budgets as b (key, window_limit, remaining, reset_at, updated_at)
      values (${key}, ${limit}, 0, ${resetAt}, ${now})
      on conflict (key) do update set remaining = 0, reset_at = greatest(b.reset_at, excluded.reset_at), updated_at = excluded.updated_at`.execute(db);
}
