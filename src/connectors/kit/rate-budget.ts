/**
 * A request budget shared by every process calling one vendor account. The vendor's rate-limit headers refill it;
 * each call takes one unit first. Implementations keep it where all processes see it (Postgres, see
 * db/rate-budget.ts); `memoryBudget` is for single-process use and unit tests.
 *
 * Some vendors also limit calls per object (Kustomer: notes on one conversation). A call that names its object
 * (HttpRequest.objectKey) also takes a unit of that object's budget, which is kept only for objects a reply showed
 * running low: most objects never get near their limit and cost nothing to track.
 */
export interface RateWindow {
  limit: number;
  remaining: number;
  /** When the vendor's window ends and the budget refills. */
  resetAt: Date;
  /**
   * The reply named no reset: resetAt is the end of the window on our own clock (windowEnd). Kustomer sends the
   * reset only with a 429 (recorded), and its limits are per minute.
   */
  estimated?: boolean;
}

export interface RateBudget {
  /** Takes one unit. Returns 0 when the call may go now, else the milliseconds until the budget refills. */
  take(now: Date): Promise<number>;
  /** Records what the vendor said about the current window (from its headers, or a 429). */
  observe(window: RateWindow, now: Date): Promise<void>;
  /** A reply came without rate-limit headers (e.g. a refused key): a probe learned nothing, let the next call try. */
  unknown?(now: Date): Promise<void>;
  /** Takes one unit of an object's own budget: 0, or the milliseconds until that object's window ends. */
  takeObject?(objectKey: string, now: Date): Promise<number>;
  /** Records what the vendor said about an object's budget (its object headers, or a 429 on that object). */
  observeObject?(objectKey: string, window: RateWindow, now: Date): Promise<void>;
}

/**
 * The end of the current window when the vendor did not say: windows aligned to multiples of `windowMs` on our
 * clock. Safe whatever the vendor's own alignment: within one of our windows we only spend what the vendor last said
 * was left, and the vendor's count only goes back up at its reset.
 */
export function windowEnd(now: Date, windowMs: number): Date {
  return new Date((Math.floor(now.getTime() / windowMs) + 1) * windowMs);
}

/**
 * How long to wait after a 429 that named no reset: to the end of the window on our clock, plus up to a tenth of a
 * window drawn from `random`, so callers refused together do not all come back at the same instant. Never more than
 * 1.1 windows: a per-minute limit has surely refilled by then.
 */
export function waitWithoutReset(now: Date, windowMs: number, random: () => number): number {
  const toEnd = windowEnd(now, windowMs).getTime() - now.getTime();
  return Math.round(toEnd + random() * windowMs * 0.1);
}

/** Objects are tracked once their budget is down to this share of the limit (and always after a 429 on them). */
export const TRACK_OBJECT_BELOW = 0.25;

export function memoryBudget(): RateBudget {
  let w: RateWindow | null = null;
  const objects = new Map<string, RateWindow>();
  const takeFrom = (x: RateWindow | null | undefined, now: Date) => {
    if (!x || x.resetAt <= now) return 0;
    if (x.remaining > 0) {
      x.remaining -= 1;
      return 0;
    }
    return x.resetAt.getTime() - now.getTime();
  };
  const merge = (old: RateWindow | null | undefined, next: RateWindow): RateWindow => {
    if (!old || next.resetAt.getTime() > old.resetAt.getTime()) return { ...next };
    old.remaining = Math.min(old.remaining, next.remaining);
    return old;
  };
  return {
    async take(now) {
      return takeFrom(w, now);
    },
    async observe(next) {
      w = merge(w, next);
    },
    async takeObject(objectKey, now) {
      return takeFrom(objects.get(objectKey), now);
    },
    async observeObject(objectKey, next) {
      const old = objects.get(objectKey);
      if (!old && next.remaining > next.limit * TRACK_OBJECT_BELOW) return;
      objects.set(objectKey, merge(old, next));
    },
  };
}
