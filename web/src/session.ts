import { useQuery, useQueryClient } from '@tanstack/react-query';
import { api, isUnauthenticated } from './api.ts';

export interface Me {
  employeeNo: string;
  name: string;
  nameEn: string;
  role: 'STAFF' | 'TEAM_LEADER' | 'DIRECTOR' | 'HR' | 'HEAD' | 'ADMIN';
  unitCode: string;
  headquartersCode: string | null;
}

/** The signed-in staff member, or null for citizens. */
export function useMe() {
  const query = useQuery({
    queryKey: ['me'],
    queryFn: async () => {
      try {
        return await api<Me>('/api/auth/me');
      } catch (error) {
        if (isUnauthenticated(error)) return null;
        throw error;
      }
    },
    staleTime: 60_000,
  });
  return { me: query.data ?? null, loading: query.isPending };
}

export function useSignOut() {
  const client = useQueryClient();
  return async () => {
    await api('/api/auth/logout', { method: 'POST' }).catch(() => undefined);
    client.setQueryData(['me'], null);
    client.removeQueries({ predicate: (q) => q.queryKey[0] !== 'me' });
  };
}

export const isLeader = (me: Me | null) => !!me && ['TEAM_LEADER', 'DIRECTOR', 'HEAD'].includes(me.role);
export const isManager = (me: Me | null) =>
  !!me && ['DIRECTOR', 'HEAD', 'ADMIN', 'TEAM_LEADER'].includes(me.role);
export const isAdmin = (me: Me | null) => !!me && me.role === 'ADMIN';
