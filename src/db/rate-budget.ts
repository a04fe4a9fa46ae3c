/**
 * The rate budget of a vendor account, in Postgres so every worker process draws on the same budget: together
 * they stay under the vendor's limit instead of each discovering it with a 429.
 *
 * - No row yet: the first caller goes alone as a probe (a placeholder with limit 0 holds the others for up to
 *   PROBE_MS) until its reply's headers tell the real window.
 * - A window that has ended is assumed to restart with the same limit for WINDOW_MS (Kustomer's budgets are per
 *   minute); the next reply's headers correct it. The assumption can only under-spend, never over-spend.
 */
import { sql } from 'kysely';
import type { RateBudget } from '../connectors/kit/rate-budget.ts';
import type { Db } from './database.ts';

const PROBE_MS = 5_000;
const WINDOW_MS = 60_000;

export function postgresBudget(db: Db, key: string): RateBudget {
  return {
    async take(now) {
      const probeUntil = new Date(now.getTime() + PROBE_MS);
      const inserted = await sql`insert into rate_budgets (key, window_limit, remaining, reset_at, updated_at)
        values (${key}, 0, 0, ${probeUntil}, ${now}) on conflict (key) do nothing returning key`.execute(db);
      if (inserted.rows.length) return 0;
      const r = await sql<{ ok: boolean; reset_at: Date }>`
        update rate_budgets set
          remaining = case when reset_at <= ${now} and window_limit > 0 then window_limit - 1
                           when reset_at <= ${now} then 0
                           else remaining - 1 end,
          reset_at = case when reset_at <= ${now} and window_limit > 0 then ${new Date(now.getTime() + WINDOW_MS)}
                          when reset_at <= ${now} then ${probeUntil}
                          else reset_at end,
          updated_at = ${now}
        where key = ${key} and (reset_at <= ${now} or remaining > 0)
        returning true as ok, reset_at`.execute(db);
      if (r.rows.length) return 0;
      const row = await db.selectFrom('rate_budgets').select('reset_at').where('key', '=', key).executeTakeFirst();
      return row ? Math.max(1, new Date(row.reset_at).getTime() - now.getTime()) : 0;
    },
    async unknown() {
      await db.deleteFrom('rate_budgets').where('key', '=', key).where('window_limit', '=', 0).execute();
    },
    async observe(w, now) {
      // The vendor's word replaces a placeholder or an older window; within one window the lower count wins,
      // because other workers spent units the vendor had not yet counted when it answered us.
      await sql`insert into rate_budgets (key, window_limit, remaining, reset_at, updated_at)
        values (${key}, ${w.limit}, ${w.remaining}, ${w.resetAt}, ${now})
        on conflict (key) do update set
          window_limit = excluded.window_limit,
          remaining = case when rate_budgets.window_limit = 0 or excluded.reset_at > rate_budgets.reset_at then excluded.remaining
                           else least(rate_budgets.remaining, excluded.remaining) end,
          reset_at = case when rate_budgets.window_limit = 0 then excluded.reset_at
                          else greatest(rate_budgets.reset_at, excluded.reset_at) end,
          updated_at = excluded.updated_at`.execute(db);
    },
  };
}
