/**
 * Settings → Integrations → Kustomer: the connection (status, org, key suffix, last sync), Authorize / replace key,
 * re-sync, disconnect, and which queues and teams agents may escalate to (optimistic, rolled back on error).
 */
import { type QueryClient, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useCallback } from 'react';
import { api, ApiError, del, get, getItems, post } from './client.ts';
import { keys } from './keys.ts';
import { useMe } from './session.ts';
import { isStaffRole } from '../../core/actor.ts';
import { humanize } from '../ui/format.ts';

import type {
  ConnectIntegrationBody,
  IntegrationStatus,
  IntegrationSummary,
  IntegrationTarget,
  KustomerIntegration,
} from '../../server/schemas/integration.ts';

export type { ConnectIntegrationBody, IntegrationStatus, IntegrationSummary, IntegrationTarget, KustomerIntegration };
export type TargetKind = 'queues' | 'teams';

const listIntegrations = () => getItems<IntegrationSummary>('/integrations');

/** The offered destinations; refetched on every visit, since each destination's own page changes their status. */
export function useIntegrations() {
  return useQuery({ queryKey: keys.integrations, queryFn: listIntegrations, staleTime: 0 });
}

/**
 * A destination's display name by id, as GET /integrations lists it (staff only), so no screen spells a vendor's
 * name. Without an id: the one destination offered, or "the destination" when several are. Until the list
 * arrives, or for a destination no longer offered, the id in words.
 */
export function useDestinationName(): (id?: string | null) => string {
  const staff = isStaffRole(useMe().role);
  const { data } = useQuery({ queryKey: keys.integrations, queryFn: listIntegrations, enabled: staff, staleTime: 5 * 60_000 });
  // Stable while the list is, so what is memoized on it is not recomputed each render.
  return useCallback(
    (id?: string | null) => {
      if (!id) return data?.length === 1 ? data[0]!.displayName : 'the destination';
      return data?.find((d) => d.id === id)?.displayName ?? humanize(id);
    },
    [data],
  );
}

const PATH = '/integrations/kustomer';

export function useKustomerIntegration(enabled = true) {
  return useQuery({ queryKey: keys.kustomerIntegration, queryFn: () => get<KustomerIntegration>(PATH), enabled });
}

/** Authorize (or replace the key): Kustomer checks the key before anything is stored. */
export function useConnectKustomer() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: ConnectIntegrationBody) => api<KustomerIntegration>('PUT', PATH, body),
    onSuccess: (data) => qc.setQueryData(keys.kustomerIntegration, data),
  });
}

export function useResyncKustomer() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: () => post<KustomerIntegration>(`${PATH}/sync`),
    onSuccess: (data) => qc.setQueryData(keys.kustomerIntegration, data),
    // A failed sync is recorded on the connection (last sync error, maybe "invalid credentials"): show it.
    onError: () => qc.invalidateQueries({ queryKey: keys.kustomerIntegration }),
  });
}

export function useDisconnectKustomer() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: () => del<void>(PATH),
    onSuccess: () => qc.invalidateQueries({ queryKey: keys.kustomerIntegration }),
    // 404: someone else disconnected it already; refresh either way.
    onError: () => qc.invalidateQueries({ queryKey: keys.kustomerIntegration }),
  });
}

export interface TargetChange {
  kind: TargetKind;
  remoteId: string;
  enabled: boolean;
}

const TARGETS_MUTATION = ['integrations', 'kustomer', 'targets'] as const;

function withEnabled(qc: QueryClient, change: TargetChange, enabled: boolean) {
  qc.setQueryData<KustomerIntegration>(
    keys.kustomerIntegration,
    (old) => old && { ...old, [change.kind]: old[change.kind].map((t) => (t.remoteId === change.remoteId ? { ...t, enabled } : t)) },
  );
}

/**
 * Ticks a queue or team on or off at once; a failure puts back that one item only (other toggles in flight keep
 * theirs), and the server's answer is taken only when no other toggle is still on its way.
 * Call `mutate` with a per-call onError to report the failure.
 */
export function useSetKustomerTarget() {
  const qc = useQueryClient();
  return useMutation({
    mutationKey: TARGETS_MUTATION,
    mutationFn: (change: TargetChange) => api<KustomerIntegration>('PATCH', PATH, { [change.kind]: [{ remoteId: change.remoteId, enabled: change.enabled }] }),
    onMutate: async (change) => {
      await qc.cancelQueries({ queryKey: keys.kustomerIntegration });
      withEnabled(qc, change, change.enabled);
    },
    onError: (_err, change) => withEnabled(qc, change, !change.enabled),
    onSuccess: (data) => {
      if (qc.isMutating({ mutationKey: TARGETS_MUTATION }) === 1) qc.setQueryData(keys.kustomerIntegration, data);
    },
    // The last toggle to land refetches, so the page ends on the server's truth whatever order the replies came in.
    onSettled: () => {
      if (qc.isMutating({ mutationKey: TARGETS_MUTATION }) === 1) return qc.invalidateQueries({ queryKey: keys.kustomerIntegration });
    },
  });
}

/** Why Authorize failed, in the words the form shows. */
export type ConnectProblem =
  | { kind: 'invalid_credentials' }
  | { kind: 'missing_permissions'; missing: string[]; message: string }
  | { kind: 'unreachable'; message: string }
  | { kind: 'other'; error: unknown };

export function connectProblem(err: unknown): ConnectProblem | null {
  if (!err) return null;
  if (err instanceof ApiError) {
    const d = (err.details && typeof err.details === 'object' ? err.details : {}) as { reason?: unknown; missing?: unknown };
    if (err.status === 422 && d.reason === 'invalid_credentials') return { kind: 'invalid_credentials' };
    if (err.status === 422 && d.reason === 'missing_permissions') {
      const missing = Array.isArray(d.missing) ? d.missing.filter((m): m is string => typeof m === 'string') : [];
      return { kind: 'missing_permissions', missing, message: err.message };
    }
    if (err.status === 502 || err.status === 504 || err.code === 'upstream_unavailable') return { kind: 'unreachable', message: err.message };
  }
  return { kind: 'other', error: err };
}
