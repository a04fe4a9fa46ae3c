/** Which request tags may reach Kustomer conversations (admins); the Escalate form shows what happens to each tag. */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, get } from './client.ts';
import type { TagAllowListView } from '../../server/schemas/tag-allow-list.ts';

export type { TagAllowListView };

const path = (provider: string) => `/integrations/${provider}/tag-allow-list`;
const key = (provider: string) => ['tag-allow-list', provider] as const;

export function useTagAllowList(provider: string) {
  return useQuery({ queryKey: key(provider), queryFn: () => get<TagAllowListView>(path(provider)) });
}

export function useSaveTagAllowList(provider: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (tags: string[]) => api<TagAllowListView>('PUT', path(provider), { tags }),
    onSuccess: (view) => {
      qc.setQueryData(key(provider), view);
      // the Escalate form says which tags go
      void qc.invalidateQueries({ queryKey: ['escalations', 'options'] });
    },
  });
}
