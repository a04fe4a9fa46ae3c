/** Requests: list, open, file, change, comment, follow, and the timeline. */
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { del, get, getItems, patch, post, put } from './client.ts';
import { keys } from './keys.ts';
import { useRefreshingMutation } from './refreshing-mutation.ts';
import type {
  BulkChange,
  BulkChangeBody,
  BulkOutcome,
  EscalationSummary,
  NewCommentBody,
  NewRequestBody,
  Request,
  RequestDetail,
  RequestList,
  RequestListItem,
  RequestPatch,
  TimelineEntry,
  TimelinePage,
} from '../../server/schemas/request.ts';
import type { NewSavedViewBody, SavedView } from '../../server/schemas/saved-view.ts';

export type { BulkChange, BulkOutcome, EscalationSummary, NewRequestBody, RequestList, RequestListItem, RequestPatch, SavedView };

export const PAGE_SIZE = 50;

/** `query` is the API query without cursor/limit (see features/requests/list-filters.ts). */
export function useRequestList(query: Record<string, string>) {
  const id = new URLSearchParams(query).toString();
  return useInfiniteQuery({
    queryKey: keys.requestList(id),
    initialPageParam: null as string | null,
    queryFn: ({ pageParam }) => get<RequestList>('/requests', { ...query, cursor: pageParam, limit: PAGE_SIZE }),
    getNextPageParam: (last) => last.nextCursor,
  });
}

/** One call for many requests; the lists, and every open request, refresh afterwards. */
export function useBulkChange() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: BulkChangeBody) => post<BulkOutcome>('/bulk/requests', body),
    onSuccess: () => Promise.all([qc.invalidateQueries({ queryKey: keys.requests }), qc.invalidateQueries({ queryKey: ['timeline'] })]),
  });
}

export function useSavedViews() {
  return useQuery({ queryKey: keys.savedViews, queryFn: () => getItems<SavedView>('/saved-views') });
}

export const useSaveView = () => useRefreshingMutation(keys.savedViews, (body: NewSavedViewBody) => post<SavedView>('/saved-views', body));

export const useDeleteView = () => useRefreshingMutation(keys.savedViews, (id: string) => del<void>(`/saved-views/${id}`));

export function useRequest(ref: string) {
  return useQuery({
    queryKey: keys.request(ref),
    // Kept fresh by live changes (live-changes.ts), not polled.
    queryFn: () => get<RequestDetail>(`/requests/${encodeURIComponent(ref)}`),
  });
}

/**
 * The timeline, newest page first (100 entries a page); `fetchNextPage` loads older entries ("Show older"). A
 * refresh refetches the loaded pages from the newest, each next cursor taken from the refreshed page before it.
 */
export function useTimeline(requestId: string | undefined) {
  return useInfiniteQuery({
    queryKey: keys.timeline(requestId ?? ''),
    enabled: !!requestId,
    initialPageParam: null as string | null,
    queryFn: ({ pageParam }) => get<TimelinePage>(`/requests/${requestId}/timeline`, { cursor: pageParam }),
    getNextPageParam: (last) => last.nextCursor,
  });
}

export const useCreateRequest = () => useRefreshingMutation(keys.requests, (body: NewRequestBody) => post<Request>('/requests', body));

/** Refreshes the request (wherever it is cached), the lists, and its timeline. */
function useRefreshRequest() {
  const qc = useQueryClient();
  return async (requestId: string, updated?: Request) => {
    if (updated) {
      for (const ref of [updated.id, updated.key]) {
        qc.setQueryData<RequestDetail>(keys.request(ref), (old) => (old ? { ...old, ...updated } : old));
      }
    }
    await Promise.all([qc.invalidateQueries({ queryKey: keys.timeline(requestId) }), qc.invalidateQueries({ queryKey: keys.requests })]);
  };
}

export function useUpdateRequest(requestId: string) {
  const refresh = useRefreshRequest();
  return useMutation({
    mutationFn: (changes: RequestPatch) => patch<Request>(`/requests/${requestId}`, changes),
    onSuccess: (updated) => refresh(requestId, updated),
  });
}

export function useAddComment(requestId: string) {
  const refresh = useRefreshRequest();
  return useMutation({
    mutationFn: (body: NewCommentBody) => post<TimelineEntry>(`/requests/${requestId}/comments`, body),
    onSuccess: () => refresh(requestId),
  });
}

export function useSetFollowing(requestId: string) {
  const refresh = useRefreshRequest();
  return useMutation({
    mutationFn: ({ userId, follow }: { userId: string; follow: boolean }) =>
      follow ? put<void>(`/requests/${requestId}/followers/${userId}`) : del<void>(`/requests/${requestId}/followers/${userId}`),
    onSuccess: () => refresh(requestId),
  });
}
