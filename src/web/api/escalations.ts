/**
 * Escalations into Kustomer: the Escalate form's options, submitting (with the 409 "already open" confirmation),
 * following a request's escalations (live, see live-changes.ts), retry,
 * re-link, linking an existing conversation; and, for admins, the customer email field and the Test escalation.
 */
import { keepPreviousData, type QueryClient, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { ApiError, get, getItems, patch, post } from './client.ts';
import type { KustomerIntegration } from './integrations.ts';
import type { TestEscalationBody } from '../../server/schemas/integration.ts';
import { keys } from './keys.ts';
import type { TimelinePage } from '../../server/schemas/request.ts';
import type {
  ConversationCandidates,
  EscalateBody,
  Escalation,
  EscalationOptions,
  LinkConversationBody,
  NoteAccepted,
  NoteBody,
  RelinkBody,
  RetryEscalationBody,
  TestEscalationResult,
} from '../../server/schemas/escalation.ts';

export type { EscalateBody, Escalation, EscalationOptions, TestEscalationResult };
export type {
  ConversationCandidate,
  ConversationCandidates,
  EscalationDestination,
  EscalationState,
  EscalationTarget,
} from '../../server/schemas/escalation.ts';

/** Still moving on its own: the worker is sending it, or will retry it at nextAttemptAt. */
export const isInFlight = (e: Pick<Escalation, 'state' | 'nextAttemptAt'>): boolean =>
  e.state === 'sending' || e.state === 'created' || (e.state === 'link_failed' && e.nextAttemptAt !== null);

const POLL_MS = 1000;

/** Fresh every time the form opens: queues may have been enabled, the request may have changed. */
export function useEscalationOptions(requestId: string, enabled = true) {
  return useQuery({
    queryKey: keys.escalationOptions(requestId),
    queryFn: () => get<EscalationOptions>(`/requests/${requestId}/escalation-options`),
    enabled,
    staleTime: 0,
  });
}

/**
 * The request's escalations, newest first. Not polled: each move (and its escalation.* timeline line) arrives as a
 * live change (live-changes.ts).
 */
export function useRequestEscalations(requestId: string, options: { enabled?: boolean } = {}) {
  return useQuery({
    queryKey: keys.requestEscalations(requestId),
    queryFn: () => getItems<Escalation>(`/requests/${requestId}/escalations`),
    enabled: options.enabled ?? true,
  });
}

/** One escalation, polled while in flight (the Test escalation card). */
export function useEscalation(id: string | null) {
  return useQuery({
    queryKey: keys.escalation(id ?? ''),
    queryFn: () => get<Escalation>(`/escalations/${id}`),
    enabled: !!id,
    refetchInterval: (q) => (q.state.data && !isInFlight(q.state.data) ? false : POLL_MS),
  });
}

/** Puts an escalation the API just answered with into the request's list at once (newest first), then refreshes. */
async function remember(qc: QueryClient, e: Escalation) {
  qc.setQueryData<Escalation[]>(keys.requestEscalations(e.requestId), (old) =>
    old ? (old.some((x) => x.id === e.id) ? old.map((x) => (x.id === e.id ? e : x)) : [e, ...old]) : [e],
  );
  qc.setQueryData(keys.escalation(e.id), e);
  await Promise.all([qc.invalidateQueries({ queryKey: keys.requestEscalations(e.requestId) }), qc.invalidateQueries({ queryKey: keys.timeline(e.requestId) })]);
}

export function useEscalate(requestId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: EscalateBody) => post<Escalation>(`/requests/${requestId}/escalations`, body),
    onSuccess: (e) => remember(qc, e),
    // 409: someone escalated meanwhile; the list should show theirs.
    onError: (err) => {
      if (err instanceof ApiError && err.status === 409) void qc.invalidateQueries({ queryKey: keys.requestEscalations(requestId) });
    },
  });
}

/** The open escalation a 409 names ("escalate again?"), or null when the error is something else. */
export function openEscalationConflict(err: unknown): { openEscalationId: string | null } | null {
  if (!(err instanceof ApiError) || err.status !== 409) return null;
  const d = err.details && typeof err.details === 'object' ? (err.details as { openEscalationId?: unknown }) : {};
  return { openEscalationId: typeof d.openEscalationId === 'string' ? d.openEscalationId : null };
}

/** Retry from the failed step; with a queue or team, a failed escalation that created nothing goes there instead. */
export function useRetryEscalation() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ id, to }: { id: string; to?: RetryEscalationBody }) => post<Escalation>(`/escalations/${id}/retry`, to),
    onSuccess: (e) => remember(qc, e),
    onError: () => qc.invalidateQueries({ queryKey: keys.escalations }),
  });
}

/** The other request a conversation is linked to, from a 409 of link or re-link ("asks first"); null otherwise. */
export function linkedElsewhere(err: unknown): { requestId: string; requestKey: string; title: string } | null {
  if (!(err instanceof ApiError) || err.status !== 409 || !err.details || typeof err.details !== 'object') return null;
  const l = (err.details as { linkedTo?: { requestId?: unknown; requestKey?: unknown; title?: unknown } }).linkedTo;
  return l && typeof l.requestId === 'string' && typeof l.requestKey === 'string'
    ? { requestId: l.requestId, requestKey: l.requestKey, title: typeof l.title === 'string' ? l.title : '' }
    : null;
}

export function useRelinkEscalation() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ id, conversationId, confirm }: { id: string } & RelinkBody) =>
      post<Escalation>(`/escalations/${id}/relink`, { conversationId, ...(confirm ? { confirm: true } : {}) } satisfies RelinkBody),
    onSuccess: (e) => remember(qc, e),
  });
}

/** Links the request to an existing conversation of `destination` (the id or a pasted link in any of its shapes). */
export function useLinkExistingConversation(requestId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ destination, conversationId, confirm }: LinkConversationBody) =>
      post<Escalation>(`/requests/${requestId}/escalations/link`, {
        destination,
        conversationId,
        ...(confirm ? { confirm: true } : {}),
      } satisfies LinkConversationBody),
    onSuccess: (e) => remember(qc, e),
  });
}

/**
 * Conversations to link for what the agent typed (already debounced by the caller): a pasted link or id is looked
 * up, anything else searched. Kept while the next query loads, so the list does not flash; never retried (a 429
 * says when to try again).
 */
export function useConversationCandidates(requestId: string, destination: string | null, q: string) {
  return useQuery({
    queryKey: [...keys.requestEscalations(requestId), 'candidates', destination, q] as const,
    queryFn: () => get<ConversationCandidates>(`/requests/${requestId}/escalations/link-candidates`, { destination: destination!, q }),
    enabled: destination !== null && q.trim().length >= 2,
    placeholderData: keepPreviousData,
    retry: false,
    staleTime: 30_000,
  });
}

/** A 429 of the search: when it may be tried again. */
export function searchLimitOf(err: unknown): { retryAt: string } | null {
  if (!(err instanceof ApiError) || err.status !== 429 || !err.details || typeof err.details !== 'object') return null;
  const retryAt = (err.details as { retryAt?: unknown }).retryAt;
  return typeof retryAt === 'string' ? { retryAt } : null;
}

/** Unlink: nothing syncs the conversation afterwards; a note on it says so (posted once, in the background). */
export function useUnlinkEscalation() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => post<Escalation>(`/escalations/${id}/unlink`),
    onSuccess: (e) => remember(qc, e),
  });
}

// ---------- admin: Settings → Integrations → Kustomer ----------

/** The connection as GET /integrations/kustomer answers it, including the customer email field. */
export type KustomerIntegrationWithContact = KustomerIntegration & { contactEmailField?: string | null };

export const contactEmailFieldOf = (data: KustomerIntegration): string | null => (data as KustomerIntegrationWithContact).contactEmailField ?? null;

export function useSetContactEmailField() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (contactEmailField: string | null) => patch<KustomerIntegrationWithContact>('/integrations/kustomer', { contactEmailField }),
    onSuccess: (data) => qc.setQueryData(keys.kustomerIntegration, data),
  });
}

export function useTestEscalation() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: TestEscalationBody) => post<TestEscalationResult>('/integrations/kustomer/test', body),
    onSuccess: (r) => {
      qc.setQueryData(keys.escalation(r.escalation.id), r.escalation);
      void qc.invalidateQueries({ queryKey: keys.requests });
    },
  });
}

/** The sample request's timeline (one page); the Test escalation card reads it again whenever the escalation moves. */
export function useTestTimeline(requestId: string | null) {
  return useQuery({
    queryKey: keys.escalationTestTimeline(requestId ?? ''),
    queryFn: () => get<TimelinePage>(`/requests/${requestId}/timeline`, { limit: 500 }).then((p) => p.items),
    enabled: !!requestId,
  });
}

/** Note to Kustomer: posts an internal note on the escalation's conversation; its entry then shows sending → sent/failed. */
export function useSendNote(requestId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ escalationId, body, attachmentIds }: { escalationId: string } & NoteBody) =>
      post<NoteAccepted>(`/escalations/${escalationId}/notes`, { body, attachmentIds } satisfies NoteBody),
    onSuccess: () => qc.invalidateQueries({ queryKey: keys.timeline(requestId) }),
  });
}

/** Posts a failed Note to Kustomer again (looked for first, so never twice). */
export function useRetryNote(requestId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ escalationId, entryId }: { escalationId: string; entryId: string }) =>
      post<NoteAccepted>(`/escalations/${escalationId}/notes/${entryId}/retry`),
    onSuccess: () => qc.invalidateQueries({ queryKey: keys.timeline(requestId) }),
  });
}
