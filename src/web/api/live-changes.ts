/**
 * Live updates: one EventSource per tab on GET /api/v1/stream. Each change refreshes what shows the request it
 * names (the request, its timeline, its escalations, the lists), so an open page follows a Kustomer status change
 * or a colleague's note within a second or two, without polling. EventSource reconnects by itself; after a
 * reconnect (or when the server says changes may have been missed) everything request-related is refreshed.
 */
import { useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import type { ChangeEvent } from '../../server/schemas/stream.ts';
import { createChangeRefresher } from './change-refresher.ts';

const STREAM_URL = '/api/v1/stream';

/** Listens while someone is signed in (`enabled`). */
export function useLiveChanges(enabled: boolean) {
  const qc = useQueryClient();
  useEffect(() => {
    if (!enabled) return;
    const source = new EventSource(STREAM_URL);
    const refresher = createChangeRefresher(qc);
    // Changes committed before the stream listened were not heard: those made while it was down, and on the first
    // connect those between the page's first fetches and `ready` (an escalation linked meanwhile stayed "Sending").
    source.addEventListener('ready', refresher.everything);
    source.addEventListener('resync', refresher.everything);
    source.addEventListener('change', (e) => {
      const change = JSON.parse((e as MessageEvent<string>).data) as ChangeEvent;
      refresher.change(change.requestId, change.escalationId);
    });
    return () => {
      source.close();
      refresher.stop();
    };
  }, [enabled, qc]);
}
