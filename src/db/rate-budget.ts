/**
 * The rate budget of a vendor account, in Postgres so every worker process draws on the same budget: together
 * they stay under the vendor's limit instead of each discovering it with a 429.
 */
import { sql } from 'kysely';
import type { RateBudget } from '../connectors/kit/rate-budget.ts';
import type { Db } from './database.ts';

export function postgresBudget(db: Db, key: string): RateBudget {
  return {
    async take(now) {
      // One statement: take a unit if the window has one left (or has ended), else report when it refills.
      const r = await sql<{ ok: boolean; reset_at: Date | null }>`
        with cur as (select reset_at, remaining from rate_budgets where key = ${key} for update),
        upd as (
          update rate_budgets b set remaining = b.remaining - 1, updated_at = ${now}
          from cur where b.key = ${key} and cur.reset_at > ${now} and cur.remaining > 0
          returning 1)
        select (not exists (select 1 from cur) or (select reset_at from cur) <= ${now} or exists (select 1 from upd)) as ok,
               (select reset_at from cur) as reset_at`.execute(db);
      const row = r.rows[0]!;
      return row.ok ? 0 : Math.max(1, new Date(row.reset_at!).getTime() - now.getTime());
    },
    async observe(w, now) {
      // A later window replaces the row; within one window the lower count wins (other workers spent units too).
      await sql`insert into rate_budgets (key, window_limit, remaining, reset_at, updated_at)
        values (${key}, ${w.limit}, ${w.remaining}, ${w.resetAt}, ${now})
        on conflict (key) do update set
          window_limit = excluded.window_limit,
          remaining = case when excluded.reset_at > rate_budgets.reset_at then excluded.remaining
                           else least(rate_budgets.remaining, excluded.remaining) end,
          reset_at = greatest(rate_budgets.reset_at, excluded.reset_at),
          updated_at = excluded.updated_at`.execute(db);
    },
  };
}
