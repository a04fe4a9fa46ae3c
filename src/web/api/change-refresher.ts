/**
 * What a live change refreshes (live-changes.ts): the request it names (its page, its timeline, its escalations) and
 * the lists. Changes that arrive together (a burst of syncs) refresh once, after BATCH_MS.
 *
 * An in-flight fetch is kept, not restarted: under a burst of changes a restarted one might never finish. But a fetch
 * that started before a change was committed returns what was there before it, and its success clears the query's
 * "invalidated" mark, so the change would be lost (a Kustomer note's file attached a moment after the note showed
 * stayed invisible until a reload). A query that was fetching when a change named it is therefore fetched once more
 * when that fetch settles.
 */
import type { InvalidateQueryFilters, QueryClient } from '@tanstack/react-query';
import { keys } from './keys.ts';

export const BATCH_MS = 50;

const keep = { cancelRefetch: false };

export interface ChangeRefresher {
  change(requestId: string, escalationId?: string | null): void;
  /** Changes may have been missed (a reconnect): everything request-related is refreshed. */
  everything(): void;
  stop(): void;
}

/** Runs `flush` once the batch is complete; tests pass their own, to flush at the moment they choose. */
export type Later = (flush: () => void) => { cancel(): void };

const afterBatch: Later = (flush) => {
  const timer = setTimeout(flush, BATCH_MS);
  return { cancel: () => clearTimeout(timer) };
};

export function createChangeRefresher(qc: QueryClient, schedule: Later = afterBatch): ChangeRefresher {
  const cache = qc.getQueryCache();
  /** Queries named by a change while they were fetching: fetched again once that fetch settles. */
  const again = new Set<string>();
  const unsubscribe = cache.subscribe((event) => {
    const q = event.query;
    if (event.type !== 'updated' || q.state.fetchStatus !== 'idle' || !again.delete(q.queryHash)) return;
    void qc.invalidateQueries({ queryKey: q.queryKey, exact: true }, keep);
  });

  const invalidate = (filters: InvalidateQueryFilters) => {
    for (const q of cache.findAll(filters)) if (q.state.fetchStatus === 'fetching') again.add(q.queryHash);
    void qc.invalidateQueries(filters, keep);
  };

  let requests: Set<string> | 'all' = new Set();
  let escalations = new Set<string>();
  let timer: { cancel(): void } | null = null;

  const flush = () => {
    timer = null;
    const named = requests;
    const escalationIds = escalations;
    requests = new Set();
    escalations = new Set();
    if (named === 'all') {
      for (const queryKey of [keys.requests, ['timeline'], keys.escalations]) invalidate({ queryKey });
      return;
    }
    invalidate({ queryKey: ['requests', 'list'] });
    // The open request is cached under the reference in its URL (an id or REQ-42): matched by the id it holds.
    invalidate({ queryKey: ['requests', 'one'], predicate: (q) => named.has((q.state.data as { id?: string })?.id ?? '') });
    for (const id of named) {
      invalidate({ queryKey: keys.timeline(id) });
      invalidate({ queryKey: keys.requestEscalations(id) });
    }
    for (const id of escalationIds) invalidate({ queryKey: keys.escalation(id) });
  };
  const later = () => (timer ??= schedule(flush));

  return {
    change(requestId, escalationId) {
      if (requests !== 'all') requests.add(requestId);
      if (escalationId) escalations.add(escalationId);
      later();
    },
    everything() {
      requests = 'all';
      later();
    },
    stop() {
      timer?.cancel();
      unsubscribe();
      again.clear();
    },
  };
}
