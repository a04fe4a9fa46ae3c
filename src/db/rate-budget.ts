/**
 * The rate budget of a vendor account, in Postgres so every worker process draws on the same budget: together
 * they stay under the vendor's limit instead of each discovering it with a 429.
 *
 * Within a window the vendor told us about, each call takes one unit. When nothing is known yet, or the window
 * has ended, exactly one caller goes as a probe (a placeholder row with limit 0, held for at most PROBE_MS in
 * case the probe dies) and its reply's headers open the next window; the others look again every PROBE_POLL_MS.
 * Windows need not come with a reset from the vendor: a reply without one carries the end of the window on our own
 * clock (RateWindow.estimated), the same for every reply of that window, so "same window" below still holds.
 *
 * Per-object budgets (e.g. notes on one conversation) are rows keyed `<key>#<object>`, written only once a reply
 * shows the object low (TRACK_OBJECT_BELOW) or refused: a call on an object reads its row (one indexed read) and
 * waits when it is used up. Ended object rows are swept when a new one is written.
 */
import { sql } from 'kysely';
import { TRACK_OBJECT_BELOW, type RateBudget, type RateWindow } from '../connectors/kit/rate-budget.ts';
import type { Db } from './database.ts';

const PROBE_MS = 5_000;
/** A probe's reply usually lands within one call's latency: that is how soon the others look again. */
export const PROBE_POLL_MS = 20;
/**
 * A unit is handed out only this long before the window ends: a call sent later may reach the vendor in the next
 * window, after the probe's reply has counted that window's budget, and overdraw it. Callers wait out the margin.
 */
const END_MARGIN_MS = 200;

/**
 * Per process and key: the lowest count left this process saw in the current window. The shared row only goes
 * down within a window, so a vendor reply reporting at least this much would change nothing: it is not written.
 */
const lowestSeen = new Map<string, { resetAt: number; remaining: number }>();
/**
 * Per process and key: units taken from the shared row ahead of need, spent without a round trip. Only taken
 * while plenty is left (LEASE_WHILE_ABOVE), so what a process holds unused when the window ends is a sliver of it.
 */
const leased = new Map<string, { resetAt: number; units: number }>();
const LEASE = 8;
const LEASE_WHILE_ABOVE = 100;
/** Replies that say "seconds until reset" drift by up to a second: resets this close are the same window. */
const SAME_WINDOW_MS = 2_000;

export function postgresBudget(db: Db, key: string): RateBudget {
  return {
    async take(now) {
      const fromLease = () => {
        const held = leased.get(key);
        if (!held || held.units <= 0 || held.resetAt - END_MARGIN_MS <= now.getTime()) return false;
        held.units -= 1;
        return true;
      };
      if (fromLease()) return 0;
      // Bounded: each pass loses only to another caller changing the row between our two statements.
      for (let pass = 0; pass < 4; pass++) {
        const spent = await sql<{ remaining: number; reset_at: Date; taken: number }>`with cur as (
            select remaining from rate_budgets
            where key = ${key} and window_limit > 0 and reset_at > ${new Date(now.getTime() + END_MARGIN_MS)} and remaining > 0
            for update)
          update rate_budgets b set remaining = b.remaining - case when cur.remaining > ${LEASE_WHILE_ABOVE} then ${LEASE}::int else 1 end
          from cur where b.key = ${key}
          returning b.remaining, b.reset_at, case when cur.remaining > ${LEASE_WHILE_ABOVE} then ${LEASE}::int else 1 end as taken`.execute(db);
        const took = spent.rows[0];
        if (took) {
          const resetAt = new Date(took.reset_at).getTime();
          lowestSeen.set(key, { resetAt, remaining: took.remaining });
          // Added to, not replaced: concurrent takers in this process each bring their own spare units.
          const mine = leased.get(key);
          if (mine && mine.resetAt === resetAt) mine.units += took.taken - 1;
          else leased.set(key, { resetAt, units: took.taken - 1 });
          return 0;
        }
        if (fromLease()) return 0; // another caller of this process brought spare units meanwhile
        const row = await db.selectFrom('rate_budgets').select(['window_limit', 'remaining', 'reset_at']).where('key', '=', key).executeTakeFirst();
        const resetIn = row ? new Date(row.reset_at).getTime() - now.getTime() : 0;
        if (!row || resetIn <= 0) {
          const probeUntil = new Date(now.getTime() + PROBE_MS);
          const probe = await sql`insert into rate_budgets as b (key, window_limit, remaining, reset_at, updated_at)
            values (${key}, 0, 0, ${probeUntil}, ${now})
            on conflict (key) do update set window_limit = 0, remaining = 0, reset_at = ${probeUntil}, updated_at = ${now}
              where b.reset_at <= ${now}
            returning 1`.execute(db);
          if (probe.rows.length) return 0;
          continue; // another caller probed or opened the window first
        }
        if (row.window_limit === 0) return Math.min(PROBE_POLL_MS, resetIn);
        if (row.remaining > 0 && resetIn > END_MARGIN_MS) continue; // a reply opened the window between our update and our read
        return resetIn;
      }
      return PROBE_POLL_MS;
    },
    async takeObject(objectKey, now) {
      const k = objectRowKey(key, objectKey);
      const row = await db.selectFrom('rate_budgets').select(['remaining', 'reset_at']).where('key', '=', k).executeTakeFirst();
      if (!row) return 0;
      const resetIn = new Date(row.reset_at).getTime() - now.getTime();
      if (resetIn <= 0) return 0;
      if (row.remaining <= 0) return resetIn;
      const took = await db
        .updateTable('rate_budgets')
        .set((eb) => ({ remaining: eb('remaining', '-', 1) }))
        .where('key', '=', k)
        .where('remaining', '>', 0)
        .returning('remaining')
        .executeTakeFirst();
      return took ? 0 : resetIn; // another caller took the last unit between our read and our update
    },
    async observeObject(objectKey, w, now) {
      const k = objectRowKey(key, objectKey);
      // Plenty left: nothing to write (a row of this window already counts lower, and lower wins anyway).
      if (w.remaining > w.limit * TRACK_OBJECT_BELOW) return;
      await db
        .deleteFrom('rate_budgets')
        .where('key', 'like', `${escapeLike(key)}#%`)
        .where('reset_at', '<', new Date(now.getTime() - 60_000))
        .execute();
      await upsert(k, w, now);
    },
    async unknown() {
      await db.deleteFrom('rate_budgets').where('key', '=', key).where('window_limit', '=', 0).execute();
    },
    async observe(w, now) {
      // Leased units are for plenty. Once a reply shows little left (or none: refused), every call goes through the
      // shared row so the count is exact: the vendor may have lowered the limit mid-window, and what this process
      // holds may no longer be the vendor's to give.
      if (w.remaining <= LEASE_WHILE_ABOVE) leased.delete(key);
      const seen = lowestSeen.get(key);
      const current = seen && seen.resetAt > now.getTime() && Math.abs(seen.resetAt - w.resetAt.getTime()) <= SAME_WINDOW_MS;
      if (current && w.remaining >= seen.remaining) return;
      const write = upsert(key, w, now);
      // While plenty is left in a window this process already knows, the lower count only keeps the shared row
      // exact for later: the call's caller need not wait for it.
      if (current && w.remaining > LEASE_WHILE_ABOVE) {
        lowestSeen.set(key, { resetAt: seen.resetAt, remaining: w.remaining });
        write.catch(() => {});
        return;
      }
      await write;
    },
  };

  async function upsert(key: string, w: RateWindow, now: Date) {
    // A placeholder or an older window gives way to the vendor's newer one. Within the same window the lower
    // count wins, because other workers spent units the vendor had not counted yet when it answered us. A late
    // reply from a window that has ended is ignored.
    const same = sql`abs(extract(epoch from excluded.reset_at - b.reset_at)) * 1000 <= ${SAME_WINDOW_MS}`;
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
  }
}

const objectRowKey = (key: string, objectKey: string) => `${key}#${objectKey}`;
const escapeLike = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);
