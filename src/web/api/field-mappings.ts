/**
 * Field mapping with Kustomer: the conversation custom attributes Kustomer defines (read live from its metadata),
 * which request field fills which attribute (admins; the PUT replaces the whole set and answers 422 with
 * `details.problems` when a pair cannot work), and the values escalating a request will send (staff).
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, ApiError, getItems } from './client.ts';

import type {
  FieldMapping,
  FieldMappingsBody,
  MappedValue,
  MappingInput,
  MappingProblem,
  RemoteField,
  RemoteFieldType,
} from '../../server/schemas/field-mapping.ts';

export type { FieldMapping, MappedValue, MappingInput, MappingProblem, RemoteField, RemoteFieldType };

const PATH = '/integrations/kustomer';
/** Not under ['integrations', 'kustomer']: the connection's own invalidations and cancels must not touch these. */
export const fieldMappingKeys = {
  remoteFields: ['field-mapping', 'kustomer', 'fields'] as const,
  mappings: ['field-mapping', 'kustomer', 'mappings'] as const,
  mappedValues: (requestId: string) => ['field-mapping', 'mapped-values', requestId] as const,
};

/** Kustomer's conversation attributes; each read asks Kustomer, so they are kept a minute. */
export function useKustomerFields() {
  return useQuery({
    queryKey: fieldMappingKeys.remoteFields,
    queryFn: () => getItems<RemoteField>(`${PATH}/fields`),
    staleTime: 60_000,
    // A refused key or a missing permission does not get better by asking again at once.
    retry: (count, err) => !(err instanceof ApiError && err.status >= 400 && err.status < 500) && count < 2,
  });
}

export function useFieldMappings() {
  return useQuery({
    queryKey: fieldMappingKeys.mappings,
    queryFn: () => getItems<FieldMapping>(`${PATH}/field-mappings`),
  });
}

/** Replaces the whole set; nothing is saved when any pair cannot work (see `mappingProblems`). */
export function useSaveFieldMappings() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (items: MappingInput[]) =>
      api<{ items: FieldMapping[] }>('PUT', `${PATH}/field-mappings`, { items } satisfies FieldMappingsBody).then((r) => r.items),
    onSuccess: (items) => {
      qc.setQueryData(fieldMappingKeys.mappings, items);
      // What requests send has changed.
      void qc.invalidateQueries({ queryKey: ['field-mapping', 'mapped-values'] });
    },
  });
}

/** The values escalating this request sends; read afresh each time the Escalate form opens. */
export function useMappedValues(requestId: string) {
  return useQuery({
    queryKey: fieldMappingKeys.mappedValues(requestId),
    queryFn: () => getItems<MappedValue>(`/requests/${requestId}/mapped-values`),
    staleTime: 0,
  });
}

/** The refused pairs of a 422 from the PUT; empty for any other error (or none). */
export function mappingProblems(err: unknown): MappingProblem[] {
  if (!(err instanceof ApiError) || err.status !== 422 || !err.details || typeof err.details !== 'object') return [];
  const problems = (err.details as { problems?: unknown }).problems;
  if (!Array.isArray(problems)) return [];
  return problems.filter(
    (p): p is MappingProblem =>
      !!p && typeof p === 'object' && typeof p.requestField === 'string' && typeof p.remoteField === 'string' && typeof p.message === 'string',
  );
}
