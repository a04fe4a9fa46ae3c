/** Who is signed in: first-run setup, sign-in, sign-out, and the current session. */
import { createContext, useContext } from 'react';
import { type QueryClient, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { ApiError, get, post, setCsrfToken } from './client.ts';
import { keys } from './keys.ts';
import type { Credentials, FirstAdminBody, Session, SetupStatus, User } from '../../server/schemas/user.ts';

export function useSetupStatus() {
  return useQuery({ queryKey: keys.setup, queryFn: () => get<SetupStatus>('/setup'), staleTime: Infinity });
}

/** null when nobody is signed in. */
export function useSession() {
  return useQuery({
    queryKey: keys.session,
    staleTime: Infinity,
    queryFn: async (): Promise<Session | null> => {
      try {
        const s = await get<Session>('/auth/session');
        setCsrfToken(s.csrfToken);
        return s;
      } catch (err) {
        if (err instanceof ApiError && err.status === 401) {
          setCsrfToken(null);
          return null;
        }
        throw err;
      }
    },
  });
}

/**
 * The signed-in user, provided by the sign-in gate (app.tsx). A context rather than the session query, so a page
 * re-rendering in the instant between sign-out and the gate switching to the sign-in page still has a user.
 */
export const MeContext = createContext<User | null>(null);

export function useMe(): User {
  const me = useContext(MeContext);
  if (!me) throw new Error('useMe is only available below the sign-in gate');
  return me;
}

/** Forgets everything fetched as the previous user (keeping the session queries their observers watch). */
function dropUserData(qc: QueryClient) {
  qc.removeQueries({ predicate: (q) => q.queryKey[0] !== 'session' && q.queryKey[0] !== 'setup' });
}

function useStartSession() {
  const qc = useQueryClient();
  return (s: Session) => {
    setCsrfToken(s.csrfToken);
    dropUserData(qc);
    qc.setQueryData(keys.session, s);
    qc.setQueryData(keys.setup, { needsAdmin: false });
  };
}

export function useLogin() {
  const start = useStartSession();
  return useMutation({
    mutationFn: (body: Credentials) => post<Session>('/auth/login', body),
    onSuccess: start,
  });
}

export function useCreateFirstAdmin() {
  const start = useStartSession();
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: FirstAdminBody) => post<Session>('/setup', body),
    onSuccess: start,
    // Someone else may have created the admin meanwhile: then the sign-in page shows.
    onError: (err) => {
      if (err instanceof ApiError && err.status === 409) void qc.invalidateQueries({ queryKey: keys.setup });
    },
  });
}

export function useLogout() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: () => post<void>('/auth/logout'),
    onSettled: () => {
      setCsrfToken(null);
      dropUserData(qc);
      qc.setQueryData(keys.session, null);
    },
  });
}
