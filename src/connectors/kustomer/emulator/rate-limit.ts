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

export function rateLimitHeaders(state: Pick<RateState, 'limit' | 'remaining' | 'resetAtMs'>, format: OrgSettings['rateLimitResetFormat'], now: Date): Record<string, string> {
  const reset = format === 'epochSeconds' ? Math.ceil(state.resetAtMs / 1000) : Math.max(0, Math.ceil((state.resetAtMs - now.getTime()) / 1000));
  return { 'x-ratelimit-limit': String(state.limit), 'x-ratelimit-remaining': String(state.remaining), 'x-ratelimit-reset': String(reset) };
}
