/** Kustomer's rate-limit headers, read into the kit's rate windows (docs/kustomer.md §13). */
import { windowEnd, type RateWindow } from '../kit/rate-budget.ts';

/** Kustomer's limits are per minute (developer.kustomer.com rate-limiting; documented). */
export const KUSTOMER_RATE_WINDOW_MS = 60_000;

/**
 * The org budget from x-ratelimit-limit / -remaining. Recorded 200/201/400/404 replies carry no x-ratelimit-reset
 * (nebulab/solidus_kustomer spec/fixtures/vcr_cassettes/*.yml; confirmed): then the window ends at the next multiple
 * of the window on our clock (estimated). When a reset comes (a 429; epoch seconds in the old docs, quoted by
 * singer-io/tap-kustomer tap_kustomer/client.py, or "seconds to wait" in a newer demo) it is used: both read.
 */
export function readRateWindow(headers: Headers, now: Date, windowMs = KUSTOMER_RATE_WINDOW_MS): RateWindow | null {
  const limit = Number(headers.get('x-ratelimit-limit'));
  const remaining = Number(headers.get('x-ratelimit-remaining'));
  if (!headers.has('x-ratelimit-remaining') || !Number.isFinite(remaining)) return null;
  const reset = headers.has('x-ratelimit-reset') ? Number(headers.get('x-ratelimit-reset')) : NaN;
  const named = Number.isFinite(reset) && reset > 0 ? new Date(reset > 1e9 ? reset * 1000 : now.getTime() + reset * 1000) : null;
  return { limit: Number.isFinite(limit) ? limit : remaining, remaining, resetAt: named ?? windowEnd(now, windowMs), ...(named ? {} : { estimated: true }) };
}

/**
 * A per-object budget from x-ratelimit-object-limit / -remaining (recorded: 600 on a customer update,
 * solidus_kustomer update_customer.yml; 120 on a note create, a public trace of a Kustomer workflow). No reset was
 * ever seen with them: the window is estimated as a minute on our clock, as for the org budget (assumed).
 */
export function readObjectWindow(headers: Headers, now: Date, windowMs = KUSTOMER_RATE_WINDOW_MS): RateWindow | null {
  const limit = Number(headers.get('x-ratelimit-object-limit'));
  const remaining = Number(headers.get('x-ratelimit-object-remaining'));
  if (!headers.has('x-ratelimit-object-remaining') || !Number.isFinite(remaining)) return null;
  return { limit: Number.isFinite(limit) ? limit : remaining, remaining, resetAt: windowEnd(now, windowMs), estimated: true };
}
