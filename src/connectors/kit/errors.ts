/**
 * The three ways a call to another system can fail, decided once here. Callers (jobs, routes) act on the kind
 * alone: retry a retryable error (after `retryAfterMs` when the vendor said how long), stop and flag the
 * connection on an auth error, and report a permanent error with the vendor's message.
 */
import type { OpenStep } from '../../core/destination.ts';

export type FailureKind = 'retryable' | 'auth' | 'permanent';

export class ConnectorError extends Error {
  constructor(
    readonly kind: FailureKind,
    message: string,
    readonly detail: {
      status?: number;
      /** The vendor's own words, kept for the timeline. */
      vendorMessage?: string;
      vendorCode?: string;
      /** How long the vendor asked us to wait (rate limits). */
      retryAfterMs?: number;
      /** target_missing: the queue or team a ticket was to go to no longer exists in the destination. */
      reason?: 'rate_limited' | 'server_error' | 'timeout' | 'network' | 'http' | 'missing_permission' | 'target_missing';
      /** reason missing_permission: the vendor's name of the permission the credentials lack (a valid key, so not 'auth'). */
      permission?: string;
      /** The step of a multi-step action (opening a ticket) that failed. */
      step?: OpenStep;
    } = {},
  ) {
    super(message);
    this.name = 'ConnectorError';
  }
  get status() {
    return this.detail.status;
  }
}

/** 429, 5xx, timeouts and network errors: try again. 401/403: credentials. Other 4xx: the request itself is wrong. */
export function classifyStatus(status: number): FailureKind | null {
  if (status < 400) return null;
  if (status === 429 || status >= 500 || status === 408) return 'retryable';
  if (status === 401 || status === 403) return 'auth';
  return 'permanent';
}

/** `fn`'s result, or null when the vendor refused it for good (a missing role, say); any other failure is thrown. */
export async function unlessRefused<T>(fn: () => Promise<T>): Promise<T | null> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof ConnectorError && err.kind === 'permanent') return null;
    throw err;
  }
}

/** Runs one step of a multi-step action: its failure names the step (for the timeline and the failure policy). */
export async function atStep<T>(step: OpenStep, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof ConnectorError) err.detail.step ??= step;
    throw err;
  }
}
