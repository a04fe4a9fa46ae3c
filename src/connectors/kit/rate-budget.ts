/**
 * A request budget shared by every process calling one vendor account. The vendor's rate-limit headers refill it;
 * each call takes one unit first. Implementations keep it where all processes see it (Postgres, see
 * db/repositories/rate-budgets.ts); `memoryBudget` is for single-process use and unit tests.
 */
export interface RateWindow {
  limit: number;
  remaining: number;
  /** When the vendor's window ends and the budget refills. */
  resetAt: Date;
}

export interface RateBudget {
  /** Takes one unit. Returns 0 when the call may go now, else the milliseconds until the budget refills. */
  take(now: Date): Promise<number>;
  /** Records what the vendor said about the current window (from its headers, or a 429). */
  observe(window: RateWindow, now: Date): Promise<void>;
  /** A reply came without rate-limit headers (e.g. a refused key): a probe learned nothing, let the next call try. */
  unknown?(now: Date): Promise<void>;
}

export function memoryBudget(): RateBudget {
  let w: RateWindow | null = null;
  return {
    async take(now) {
      if (!w || w.resetAt <= now) return 0;
      if (w.remaining > 0) {
        w.remaining -= 1;
        return 0;
      }
      return w.resetAt.getTime() - now.getTime();
    },
    async observe(next) {
      if (!w || next.resetAt.getTime() > w.resetAt.getTime()) w = { ...next };
      else w.remaining = Math.min(w.remaining, next.remaining);
    },
  };
}
