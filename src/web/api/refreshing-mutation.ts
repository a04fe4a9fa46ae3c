/** The common mutation: call the API, then refetch what it changed. */
import { type QueryKey, useMutation, useQueryClient } from '@tanstack/react-query';

export function useRefreshingMutation<TArg, TOut>(refresh: QueryKey, mutationFn: (arg: TArg) => Promise<TOut>) {
  const qc = useQueryClient();
  return useMutation({ mutationFn, onSuccess: () => qc.invalidateQueries({ queryKey: refresh }) });
}
