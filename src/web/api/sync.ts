/**
 * Kustomer status sync (admins): the directions, the status mappings, polling and comment sync, and what the page
 * shows about it (the webhook, the last event, how far polling has read, the last error).
 * GET and PUT /integrations/kustomer/sync; the PUT answers with the same shape.
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, get } from './client.ts';
import type { Status } from './types.ts';

/** Kustomer's statuses in domain words; people see them as open / snoozed / done. */
export type RemoteStatus = 'open' | 'waiting' | 'closed';
export const REMOTE_STATUSES: readonly RemoteStatus[] = ['open', 'waiting', 'closed'];

export interface SyncSettings {
  /** Kustomer → Bridgedesk status changes. */
  inbound: boolean;
  /** Bridgedesk → Kustomer status changes. */
  outbound: boolean;
  /** Kustomer status → request status; null leaves the request alone. */
  inboundMap: Record<RemoteStatus, Status | null>;
  /** Request change → Kustomer status; null sends nothing. */
  outboundMap: { resolved: RemoteStatus | null; archived: RemoteStatus | null; reopened: RemoteStatus | null };
  /** Polling fallback in minutes; 0 is off. */
  pollMinutes: number;
  commentSync: boolean;
}

export interface KustomerSync {
  settings: SyncSettings;
  webhook: {
    /** The secret URL Kustomer posts to (to paste by hand when Bridgedesk could not subscribe it). */
    url: string | null;
    subscribed: boolean;
    /** Why the webhook could not be created, and how to add it by hand. */
    setupNote: string | null;
    /** The custom header Kustomer sends with every delivery (to add by hand with the URL). */
    secretHeader: { name: string; value: string } | null;
    secretRotatedAt: string | null;
    /** After a rotation, the previous secret is still accepted until then. */
    previousSecretValidUntil: string | null;
    /** When Bridgedesk last read its subscription in Kustomer, and what went wrong doing so. */
    checkedAt: string | null;
    checkError: string | null;
    /** When a check last found the webhook disabled by Kustomer (or deleted), what it did, and how many changes it read. */
    disabledAt: string | null;
    repairedAt: string | null;
    repair: 're-enabled' | 're-created' | null;
    backfilled: number | null;
  };
  lastEventAt: string | null;
  /** Polling has read Kustomer's changes up to this time. */
  lastPollCursor: string | null;
  lastError: string | null;
}

const PATH = '/integrations/kustomer/sync';
/** Not under ['integrations', 'kustomer']: the connection's own invalidations and cancels must not touch it. */
export const kustomerSyncKey = ['sync', 'kustomer'] as const;
/** While inbound sync is on, the last event and poll times move on their own. */
const REFRESH_MS = 30_000;

export function useKustomerSync() {
  return useQuery({
    queryKey: kustomerSyncKey,
    queryFn: () => get<KustomerSync>(PATH),
    refetchInterval: (q) => (q.state.data?.settings.inbound ? REFRESH_MS : false),
  });
}

/** Saves the whole settings object; turning inbound on makes Bridgedesk create the webhook in Kustomer. */
export function useSaveKustomerSync() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (settings: SyncSettings) => api<KustomerSync>('PUT', PATH, settings),
    onSuccess: (data) => qc.setQueryData(kustomerSyncKey, data),
  });
}

/** New webhook secret: Kustomer's webhook gets it at once; the previous one is accepted for 24 hours more. */
export function useRotateWebhookSecret() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: () => api<KustomerSync>('POST', `${PATH}/rotate-webhook-secret`),
    onSuccess: (data) => qc.setQueryData(kustomerSyncKey, data),
  });
}
