import { useMutation, useQuery, useQueryClient, type QueryClient } from '@tanstack/react-query';
import { createContext, useContext, useEffect, type ReactNode } from 'react';
import { api, onUnauthorized, setCsrfToken } from './api.ts';
import type { Role, Session, SessionAnswer } from './types.ts';

const SessionContext = createContext<Session | null>(null);

/** The signed-in session; only used below <RequireSession>, where it is always there. */
export function useSession(): Session {
  const s = useContext(SessionContext);
  if (!s) throw new Error('useSession outside a signed-in page');
  return s;
}

/** What the role may do, mirroring the API's checks (the API still enforces them). */
export function useCan(): { write: boolean; admin: boolean; role: Role } {
  const role = useSession().user?.role ?? 'admin';
  return { write: role !== 'viewer', admin: role === 'admin', role };
}

export function useSessionQuery() {
  const client = useQueryClient();
  useEffect(() => onUnauthorized(() => client.setQueryData(['session'], null)), [client]);
  return useQuery({
    queryKey: ['session'],
    queryFn: async () => {
      // 200 with workspace null: no one is signed in.
      const s = await api<SessionAnswer>('GET', '/v1/session');
      if (!s.workspace) return null;
      setCsrfToken(s.csrf_token);
      return { ...s, workspace: s.workspace } satisfies Session;
    },
    staleTime: Infinity,
    retry: false,
  });
}

export function SessionProvider({ session, children }: { session: Session; children: ReactNode }) {
  return <SessionContext.Provider value={session}>{children}</SessionContext.Provider>;
}

/** Drops every cached answer but the session's (whose observer must stay attached to its query). */
function forgetData(client: QueryClient): void {
  client.removeQueries({ predicate: (q) => q.queryKey[0] !== 'session' });
}

export function useSignIn() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: { email: string; password: string; workspace_id?: string }) => api<Session>('POST', '/v1/session', body),
    onSuccess: (s) => {
      setCsrfToken(s.csrf_token);
      forgetData(client);
      client.setQueryData(['session'], s);
    },
  });
}

export function useSignOut() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: () => api<void>('DELETE', '/v1/session'),
    onSettled: () => {
      setCsrfToken(null);
      client.setQueryData(['session'], null);
      forgetData(client);
    },
  });
}
