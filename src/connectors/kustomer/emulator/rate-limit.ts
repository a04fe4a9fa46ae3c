/**
 * Kustomer's org-wide request budget (docs/kustomer.md §13): a fixed 60-second window per org, counted on the injected clock.
 * Windows are aligned to the minute, so `x-ratelimit-reset` is the next whole minute (UTC epoch seconds by default;
 * an org can ask for "seconds until reset", the other reading of the docs).
 */
import type { OrgSettings } from './records.ts';

export const WINDOW_MS = 60_000;

export interface RateState {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** Epoch milliseconds of the window's end. */
  resetAtMs: number;
}

export class RateLimiter {
  private readonly windows = new Map<string, { start: number; count: number }>();

  constructor(
    private readonly now: () => Date,
    /** Tests shorten the window so a reset comes in seconds of real time. (Default: Kustomer's 60 s.) */
    private readonly windowMs = WINDOW_MS,
  ) {}

  /** Counts one request against `bucket` and says whether it fits the budget. */
  take(bucket: string, limit: number): RateState {
    const w = this.current(bucket);
    w.count += 1;
    return { allowed: w.count <= limit, limit, remaining: Math.max(0, limit - w.count), resetAtMs: w.start + this.windowMs };
  }

  /** The bucket's state without counting. */
  peek(bucket: string, limit: number): RateState {
    const w = this.current(bucket);
    return { allowed: w.count < limit, limit, remaining: Math.max(0, limit - w.count), resetAtMs: w.start + this.windowMs };
  }

  reset(): void {
    this.windows.clear();
  }

  private current(bucket: string) {
    const start = Math.floor(this.now().getTime() / this.windowMs) * this.windowMs;
    let w = this.windows.get(bucket);
    if (!w || w.start !== start) {
      w = { start, count: 0 };
      this.windows.set(bucket, w);
    }
    return w;
  }
}

/**
 * The org budget's headers. The reset goes on a 429, and on every reply only when the org asks for the documented
 * shape (`rateLimitResetOn: 'every'`); recorded normal replies carry limit and remaining alone.
 */
export function rateLimitHeaders(
  state: Pick<RateState, 'limit' | 'remaining' | 'resetAtMs'>,
  settings: Pick<OrgSettings, 'rateLimitResetFormat' | 'rateLimitResetOn'>,
  now: Date,
  refused = false,
): Record<string, string> {
  const headers: Record<string, string> = { 'x-ratelimit-limit': String(state.limit), 'x-ratelimit-remaining': String(state.remaining) };
  if (!refused && settings.rateLimitResetOn !== 'every') return headers;
  const reset =
    settings.rateLimitResetFormat === 'epochSeconds' ? Math.ceil(state.resetAtMs / 1000) : Math.max(0, Math.ceil((state.resetAtMs - now.getTime()) / 1000));
  return { ...headers, 'x-ratelimit-reset': String(reset) };
}

/** A per-object budget's headers, as recorded (x-ratelimit-object-limit / -remaining; no reset was ever seen). */
export const objectRateLimitHeaders = (state: Pick<RateState, 'limit' | 'remaining'>): Record<string, string> => ({
  'x-ratelimit-object-limit': String(state.limit),
  'x-ratelimit-object-remaining': String(state.remaining),
});
