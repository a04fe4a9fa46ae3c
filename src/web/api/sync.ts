/**
 * Kustomer status sync (admins): the directions, the status mappings, polling and comment sync, and what the page
 * shows about it (the webhook, the last event, how far polling has read, the last error).
 * GET and PUT /integrations/kustomer/sync; the PUT answers with the same shape.
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, get } from './client.ts';
import type { RemoteStatus } from '../../core/destination.ts';
import type { KustomerSync, SyncSettingsView as SyncSettings } from '../../server/schemas/sync.ts';

export type { KustomerSync, RemoteStatus, SyncSettings };

/** Kustomer's statuses in domain words; people see them as open / snoozed / done. */
export const REMOTE_STATUSES: readonly RemoteStatus[] = ['open', 'waiting', 'closed'];

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
