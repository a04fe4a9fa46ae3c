/**
 * The one failure policy of calls to a destination (docs/adr/0004-connector-contract-and-retries.md). The connector
 * classifies a failure once (connectors/kit/errors.ts); this applies it, the same for every job that calls out:
 *   auth       → the connection is marked (invalid credentials) and the work fails with "Invalid credentials";
 *   permanent  → the work fails with the vendor's message (a missing role is listed on the connection too);
 *   retryable  → the work is tried again at the time the error names (a rate limit's reset), else after a capped
 *                backoff. Bridgedesk schedules that retry itself (a job with run_at); graphile-worker's own retries
 *                are only a safety net for a job that crashed.
 */
import { backoffDelay } from '../connectors/kit/backoff.ts';
import { ConnectorError, type FailureKind } from '../connectors/kit/errors.ts';
import type { ProviderId } from '../connectors/registry.ts';
import type { JobName, JobPayload } from '../core/jobs.ts';
import type { Db } from '../db/database.ts';
import { enqueueJob, type EnqueueOptions } from '../db/transaction.ts';
import { recordRefusal } from './destination-access.ts';

/** Jobs that push to a destination try this many times in all before their failure is recorded. */
export const MAX_PUSH_ATTEMPTS = 10;
/** The first retry's delay; it doubles each attempt, up to RETRY_CAP_MS. Tests shorten it. */
export const RETRY_BASE_MS = 2_000;
const RETRY_CAP_MS = 5 * 60_000;
/** A rate limit that names no reset: Kustomer's window is a minute (docs/kustomer.md §13). */
const RATE_LIMIT_WAIT_MS = 60_000;

export interface Failure {
  kind: FailureKind;
  /** In words for people: "Invalid credentials", else the connector's message (with the vendor's words). */
  reason: string;
  /** Rate limited: nothing was done, so the attempt does not count against the work's retries. */
  rateLimited: boolean;
  /** When a retry should go: the time the error names (a rate limit's reset), else after a backoff for this attempt. */
  retryAt: Date;
  error: ConnectorError;
}

export interface FailureDeps {
  db: Db;
  now: () => Date;
  /** The first retry's delay (default RETRY_BASE_MS). */
  retryBaseMs?: number;
}

/**
 * Applies the policy to a failed call (marking the connection where it says so) and says what to do next. Anything
 * but a ConnectorError is a bug or our own database failing: it is thrown again, for the job's crash safety net.
 */
export async function destinationFailure(
  deps: FailureDeps,
  provider: ProviderId,
  err: unknown,
  opts: { attempt?: number; fallbackMs?: number } = {},
): Promise<Failure> {
  if (!(err instanceof ConnectorError)) throw err;
  await recordRefusal(deps, provider, err);
  const rateLimited = err.detail.reason === 'rate_limited';
  const wait =
    err.detail.retryAfterMs ??
    opts.fallbackMs ??
    (rateLimited ? RATE_LIMIT_WAIT_MS : backoffDelay(opts.attempt ?? 1, { baseMs: deps.retryBaseMs ?? RETRY_BASE_MS, capMs: RETRY_CAP_MS }));
  return {
    kind: err.kind,
    reason: err.kind === 'auth' ? 'Invalid credentials' : err.message,
    rateLimited,
    retryAt: new Date(deps.now().getTime() + wait),
    error: err,
  };
}

/** Runs a call under the policy: its value, or the failure to act on. */
export async function callDestination<T>(
  deps: FailureDeps,
  provider: ProviderId,
  fn: () => Promise<T>,
  opts: { attempt?: number; fallbackMs?: number } = {},
): Promise<{ ok: true; value: T } | { ok: false; failure: Failure }> {
  try {
    return { ok: true, value: await fn() };
  } catch (err) {
    return { ok: false, failure: await destinationFailure(deps, provider, err, opts) };
  }
}

/** Whether a push should be tried again (else its failure is recorded): retryable, with attempts left. */
export const retriesLeft = (failure: Failure, attempt: number): boolean => failure.kind === 'retryable' && (failure.rateLimited || attempt < MAX_PUSH_ATTEMPTS);

/** The attempt number of the retry: a rate-limited call did nothing, so it does not count. */
export const nextAttempt = (failure: Failure, attempt: number): number => (failure.rateLimited ? attempt : attempt + 1);

/**
 * A failed push tried again while attempts are left (`retriesLeft`): the same job with its next attempt number, at the
 * time the failure names. True when queued; false when the caller records the failure.
 */
export async function retryPush<N extends JobName>(
  db: Db,
  failure: Failure,
  attempt: number,
  task: N,
  payload: Omit<JobPayload<N>, 'attempt'>,
  opts: Omit<EnqueueOptions, 'runAt'> = {},
): Promise<boolean> {
  if (!retriesLeft(failure, attempt)) return false;
  await enqueueJob(db, task, { ...payload, attempt: nextAttempt(failure, attempt) } as JobPayload<N>, { ...opts, runAt: failure.retryAt });
  return true;
}
