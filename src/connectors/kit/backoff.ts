/** Capped exponential backoff with jitter, and a retry loop for calls a person is waiting on. */
import { ConnectorError } from './errors.ts';

/** Delay before retry number `attempt` (1-based): base·2^(attempt-1), capped, with ±20 % jitter. */
export function backoffDelay(attempt: number, opts: { baseMs?: number; capMs?: number; random?: () => number } = {}): number {
  const base = opts.baseMs ?? 1000;
  const cap = opts.capMs ?? 5 * 60_000;
  const raw = Math.min(cap, base * 2 ** Math.max(0, attempt - 1));
  const jitter = 0.8 + 0.4 * (opts.random ?? Math.random)();
  return Math.round(Math.min(cap, raw * jitter));
}

/**
 * Runs `fn`, retrying retryable failures up to `attempts` times in all. A rate-limit wait the vendor named is
 * honoured if it fits in `maxWaitMs`; otherwise the error goes up for a job to reschedule.
 */
export async function withRetries<T>(
  fn: () => Promise<T>,
  opts: { attempts: number; maxWaitMs: number; sleep?: (ms: number) => Promise<void>; baseMs?: number },
): Promise<T> {
  const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      if (!(err instanceof ConnectorError) || err.kind !== 'retryable' || attempt >= opts.attempts) throw err;
      const wait = err.detail.retryAfterMs ?? backoffDelay(attempt, { baseMs: opts.baseMs ?? 250, capMs: opts.maxWaitMs });
      if (wait > opts.maxWaitMs) throw err;
      await sleep(wait);
    }
  }
}
