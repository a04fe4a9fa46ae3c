/** People, inboxes, services and custom field definitions: read everywhere, changed on the admin pages. */
import { useQuery } from '@tanstack/react-query';
import { getItems, patch, post } from './client.ts';
import { keys } from './keys.ts';
import { useRefreshingMutation } from './refreshing-mutation.ts';
import type { Role } from '../../core/actor.ts';
import type { CustomField, CustomFieldInput, Inbox, InboxInput, Service, ServiceInput } from '../../server/schemas/catalog.ts';
import type { User, UserInput } from '../../server/schemas/user.ts';

export type { CustomFieldInput, InboxInput, ServiceInput, UserInput };

const FIVE_MINUTES = 5 * 60_000;

export function useUsers(filter: { role?: Role; q?: string; active?: boolean } = {}, options: { enabled?: boolean } = {}) {
  const query = { role: filter.role, q: filter.q, active: filter.active === undefined ? undefined : String(filter.active) };
  return useQuery({
    queryKey: keys.userList(JSON.stringify(query)),
    queryFn: () => getItems<User>('/users', query),
    staleTime: 60_000,
    enabled: options.enabled ?? true,
  });
}

export function useInboxes(options: { enabled?: boolean } = {}) {
  return useQuery({
    queryKey: keys.inboxes,
    queryFn: () => getItems<Inbox>('/inboxes'),
    staleTime: FIVE_MINUTES,
    enabled: options.enabled ?? true,
  });
}

export function useServices(includeInactive = false) {
  return useQuery({
    queryKey: keys.services(includeInactive),
    queryFn: () => getItems<Service>('/services', { includeInactive: includeInactive || undefined }),
    staleTime: FIVE_MINUTES,
  });
}

export function useCustomFields(includeInactive = false) {
  return useQuery({
    queryKey: keys.customFields(includeInactive),
    queryFn: () =>
      getItems<CustomField>('/custom-fields', { includeInactive: includeInactive || undefined }).then((items) =>
        items.sort((a, b) => a.position - b.position || a.label.localeCompare(b.label)),
      ),
    staleTime: FIVE_MINUTES,
  });
}

/** Create (no id) or change (id) one admin-managed record, then refresh its lists. */
const useSave = <TInput, TOut>(path: string, invalidate: readonly unknown[]) =>
  useRefreshingMutation(invalidate, ({ id, input }: { id?: string; input: TInput }) => (id ? patch<TOut>(`${path}/${id}`, input) : post<TOut>(path, input)));

export const useSaveUser = () => useSave<UserInput, User>('/users', keys.users);

export const useSaveInbox = () => useSave<InboxInput, Inbox>('/inboxes', keys.inboxes);

export const useSaveService = () => useSave<ServiceInput, Service>('/services', ['services']);

export const useSaveCustomField = () => useSave<CustomFieldInput, CustomField>('/custom-fields', ['custom-fields']);
