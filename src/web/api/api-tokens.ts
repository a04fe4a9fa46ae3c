/** Personal API tokens: list, create (text shown once), revoke. */
import { useQuery } from '@tanstack/react-query';
import { del, getItems, post } from './client.ts';
import { keys } from './keys.ts';
import { useRefreshingMutation } from './refreshing-mutation.ts';
import type { ApiToken, CreatedApiToken, NewApiTokenBody } from '../../server/schemas/api-token.ts';

export function useApiTokens() {
  return useQuery({ queryKey: keys.apiTokens, queryFn: () => getItems<ApiToken>('/api-tokens') });
}

export const useCreateApiToken = () => useRefreshingMutation(keys.apiTokens, (body: NewApiTokenBody) => post<CreatedApiToken>('/api-tokens', body));

export const useRevokeApiToken = () => useRefreshingMutation(keys.apiTokens, (id: string) => del<void>(`/api-tokens/${id}`));
