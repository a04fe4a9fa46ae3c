/**
 * Live updates: one EventSource per tab on GET /api/v1/stream. Each change refreshes what shows the request it
 * names (the request, its timeline, its escalations, the lists), so an open page follows a Kustomer status change
 * or a colleague's note within a second or two, without polling. EventSource reconnects by itself; after a
 * reconnect (or when the server says changes may have been missed) everything request-related is refreshed.
 */
import { type QueryClient, useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import type { ChangeEvent } from '../../server/schemas/stream.ts';
import { keys } from './keys.ts';

const STREAM_URL = '/api/v1/stream';
/** Changes that arrive together (a burst of syncs) refresh once. */
const BATCH_MS = 50;

// An in-flight refetch is kept, not restarted: under a burst of changes a restarted one might never finish.
const keep = { cancelRefetch: false };

function refresh(qc: QueryClient, requestIds: Set<string> | 'all', escalationIds: Set<string>) {
  if (requestIds === 'all') {
    for (const queryKey of [keys.requests, ['timeline'], keys.escalations]) void qc.invalidateQueries({ queryKey }, keep);
    return;
  }
  void qc.invalidateQueries({ queryKey: ['requests', 'list'] }, keep);
  // The open request is cached under the reference in its URL (an id or REQ-42): matched by the id it holds.
  void qc.invalidateQueries({ queryKey: ['requests', 'one'], predicate: (q) => requestIds.has((q.state.data as { id?: string })?.id ?? '') }, keep);
  for (const id of requestIds) {
    void qc.invalidateQueries({ queryKey: keys.timeline(id) }, keep);
    void qc.invalidateQueries({ queryKey: keys.requestEscalations(id) }, keep);
  }
  for (const id of escalationIds) void qc.invalidateQueries({ queryKey: keys.escalation(id) }, keep);
}

/** Listens while someone is signed in (`enabled`). */
export function useLiveChanges(enabled: boolean) {
  const qc = useQueryClient();
  useEffect(() => {
    if (!enabled) return;
    const source = new EventSource(STREAM_URL);
    let requests: Set<string> | 'all' = new Set();
    let escalations = new Set<string>();
    let timer: ReturnType<typeof setTimeout> | null = null;
    const flush = () => {
      timer = null;
      refresh(qc, requests, escalations);
      requests = new Set();
      escalations = new Set();
    };
    const later = () => (timer ??= setTimeout(flush, BATCH_MS));
    const everything = () => {
      requests = 'all';
      later();
    };
    // Changes committed before the stream listened were not heard: those made while it was down, and on the first
    // connect those between the page's first fetches and `ready` (an escalation linked meanwhile stayed "Sending").
    source.addEventListener('ready', everything);
    source.addEventListener('resync', everything);
    source.addEventListener('change', (e) => {
      const change = JSON.parse((e as MessageEvent<string>).data) as ChangeEvent;
      if (requests !== 'all') requests.add(change.requestId);
      if (change.escalationId) escalations.add(change.escalationId);
      later();
    });
    return () => {
      source.close();
      if (timer) clearTimeout(timer);
    };
  }, [enabled, qc]);
}
