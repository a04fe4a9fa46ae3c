/** The signed-in person's approvals: pending ones to decide (with a count for the navigation), and decided ones. */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { ApiError, getItems, post } from './client.ts';
import { keys } from './keys.ts';
import type { Approval, ApprovalDecision } from '../../server/schemas/approval.ts';

export type { Approval };
export type ApprovalState = Approval['state'];

export type ApprovalList = 'pending' | 'decided';

/** The approvals a request waits for (staff): pending and queued, oldest first. Polled like the request. */
export function useRequestApprovals(requestId: string, options: { enabled?: boolean } = {}) {
  return useQuery({
    queryKey: keys.requestApprovals(requestId),
    queryFn: () => getItems<Approval>(`/requests/${requestId}/approvals`),
    enabled: options.enabled ?? true,
    refetchInterval: 15_000,
  });
}

/** Pending ones are polled: they arrive when a workflow reaches its approval step. */
export function useApprovals(state: ApprovalList) {
  return useQuery({
    queryKey: keys.approvals(state),
    queryFn: () => getItems<Approval>('/approvals', { state }),
    refetchInterval: state === 'pending' ? 30_000 : false,
    retry: (count, err) => !(err instanceof ApiError && err.status === 404) && count < 2,
  });
}

export function useDecideApproval() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ id, decision, comment }: ApprovalDecision & { id: string }) =>
      post<Approval>(`/approvals/${id}/decision`, { decision, ...(comment ? { comment } : {}) }),
    onSuccess: (a) => {
      qc.setQueryData<Approval[]>(keys.approvals('pending'), (old) => old?.filter((x) => x.id !== a.id));
      void qc.invalidateQueries({ queryKey: keys.timeline(a.request.id) });
      void qc.invalidateQueries({ queryKey: keys.requestWorkflowRuns(a.request.id) });
      void qc.invalidateQueries({ queryKey: keys.requestApprovals(a.request.id) });
    },
    // 409 (decided meanwhile) or 403 (not yours any more): either way the lists are out of date.
    onSettled: () => qc.invalidateQueries({ queryKey: ['approvals'] }),
  });
}
