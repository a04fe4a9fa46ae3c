/**
 * The rate budget of a vendor account, in Postgres so every worker process draws on the same budget: together
 * they stay under the vendor's limit instead of each discovering it with a 429.
 *
 * Within a window the vendor told us about, each call takes one unit. When nothing is known yet, or the window
 * has ended, exactly one caller goes as a probe (a placeholder row with limit 0 holds the others for at most
 * PROBE_MS) and its reply's headers open the next window. One serialised call per window is the whole cost.
 */
import { sql } from 'kysely';
import type { RateBudget } from '../connectors/kit/rate-budget.ts';
import type { Db } from './database.ts';

const PROBE_MS = 5_000;

export function postgresBudget(db: Db, key: string): RateBudget {
  return {
    async take(now) {
      const spent = await sql`update rate_budgets set remaining = remaining - 1, updated_at = ${now}
        where key = ${key} and window_limit > 0 and reset_at > ${now} and remaining > 0 returning 1`.execute(db);
      if (spent.rows.length) return 0;
      const probeUntil = new Date(now.getTime() + PROBE_MS);
      const probe = await sql`insert into rate_budgets as b (key, window_limit, remaining, reset_at, updated_at)
        values (${key}, 0, 0, ${probeUntil}, ${now})
        on conflict (key) do update set window_limit = 0, remaining = 0, reset_at = ${probeUntil}, updated_at = ${now}
          where b.reset_at <= ${now}
        returning 1`.execute(db);
      if (probe.rows.length) return 0;
      const row = await db.selectFrom('rate_budgets').select('reset_at').where('key', '=', key).executeTakeFirst();
      return row ? Math.max(1, new Date(row.reset_at).getTime() - now.getTime()) : 0;
    },
    async unknown() {
      await db.deleteFrom('rate_budgets').where('key', '=', key).where('window_limit', '=', 0).execute();
    },
    async observe(w, now) {
      // A placeholder or an older window gives way to the vendor's newer one. Within the same window (resets
      // within 2 s: "seconds until reset" replies drift) the lower count wins, because other workers spent units
      // the vendor had not counted yet when it answered us. A late reply from a window that has ended is ignored.
      const same = sql`abs(extract(epoch from excluded.reset_at - b.reset_at)) <= 2`;
      const replace = sql`b.window_limit = 0 or (excluded.reset_at > ${now} and excluded.reset_at > b.reset_at and not ${same})`;
      await sql`insert into rate_budgets as b (key, window_limit, remaining, reset_at, updated_at)
        values (${key}, ${w.limit}, ${w.remaining}, ${w.resetAt}, ${now})
        on conflict (key) do update set
          window_limit = case when ${replace} then excluded.window_limit else b.window_limit end,
          remaining = case when ${replace} then excluded.remaining
                           when excluded.reset_at > ${now} and ${same} then least(b.remaining, excluded.remaining)
                           else b.remaining end,
          reset_at = case when ${replace} then excluded.reset_at else b.reset_at end,
          updated_at = excluded.updated_at`.execute(db);
    },
  };
}
