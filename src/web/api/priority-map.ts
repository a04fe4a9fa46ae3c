/**
 * The Kustomer priority each request priority becomes (admins): the Escalate form's default, a workflow's "from
 * the request" and priority sync use it. The PUT answers 422 with `details.problems` for a number Kustomer does not take.
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, ApiError, get } from './client.ts';

import type { Priority as RequestPriority } from '../../core/request.ts';
import type { PriorityLevels, PriorityMapView } from '../../server/schemas/priority-map.ts';

export type { PriorityLevels, PriorityMapView, RequestPriority };

const PATH = '/integrations/kustomer/priority-map';
/** Not under ['integrations', 'kustomer']: the connection's own invalidations and cancels must not touch it. */
export const priorityMapKey = ['priority-map', 'kustomer'] as const;

export function usePriorityMap() {
  return useQuery({ queryKey: priorityMapKey, queryFn: () => get<PriorityMapView>(PATH) });
}

export function useSavePriorityMap() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (map: PriorityLevels) => api<PriorityMapView>('PUT', PATH, map),
    onSuccess: (view) => {
      qc.setQueryData(priorityMapKey, view);
      // the Escalate form's default priority comes from the map
      void qc.invalidateQueries({ queryKey: ['escalations', 'options'] });
    },
  });
}

/** The problem of each priority from a 422, by priority; empty for any other error. */
export function priorityMapProblems(err: unknown): Partial<Record<RequestPriority, string>> {
  if (!(err instanceof ApiError) || err.status !== 422 || !err.details || typeof err.details !== 'object') return {};
  const problems = (err.details as { problems?: unknown }).problems;
  if (!Array.isArray(problems)) return {};
  const out: Partial<Record<RequestPriority, string>> = {};
  for (const p of problems) if (p && typeof p.priority === 'string' && typeof p.message === 'string') out[p.priority as RequestPriority] = p.message;
  return out;
}
