/** Personal API tokens: list, create (text shown once), revoke. */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { del, getItems, post } from './client.ts';
import { keys } from './keys.ts';
import type { ApiToken, CreatedApiToken, NewApiTokenBody } from '../../server/schemas/api-token.ts';

export function useApiTokens() {
  return useQuery({ queryKey: keys.apiTokens, queryFn: () => getItems<ApiToken>('/api-tokens') });
}

export function useCreateApiToken() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: NewApiTokenBody) => post<CreatedApiToken>('/api-tokens', body),
    onSuccess: () => qc.invalidateQueries({ queryKey: keys.apiTokens }),
  });
}

export function useRevokeApiToken() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => del<void>(`/api-tokens/${id}`),
    onSuccess: () => qc.invalidateQueries({ queryKey: keys.apiTokens }),
  });
}
