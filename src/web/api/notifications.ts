/** In-app notifications (the header bell, polled) and, for admins, the email outbox. */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { ApiError, get, post } from './client.ts';
import { keys } from './keys.ts';
import type { AppNotification, NotificationList, Outbox, OutboxEmail } from '../../server/schemas/notification.ts';

export type { AppNotification, OutboxEmail };

export const NOTIFICATION_POLL_MS = 15_000;

export function useNotifications() {
  return useQuery({
    queryKey: keys.notifications,
    queryFn: () => get<NotificationList>('/notifications'),
    refetchInterval: NOTIFICATION_POLL_MS,
    retry: (count, err) => !(err instanceof ApiError && err.status === 404) && count < 2,
  });
}

/** Marks at once in the cache (the bell's count drops on click), then refetches. */
function useMarkNotifications<T>(path: (arg: T) => string, mark: (list: NotificationList, arg: T, at: string) => NotificationList) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (arg: T) => post<void>(path(arg)),
    onMutate: async (arg) => {
      await qc.cancelQueries({ queryKey: keys.notifications });
      qc.setQueryData<NotificationList>(keys.notifications, (old) => (old ? mark(old, arg, new Date().toISOString()) : old));
    },
    onSettled: () => qc.invalidateQueries({ queryKey: keys.notifications }),
  });
}

export const useMarkNotificationRead = () =>
  useMarkNotifications<string>(
    (id) => `/notifications/${id}/read`,
    (list, id, at) => {
      const target = list.items.find((n) => n.id === id);
      if (!target || target.readAt) return list;
      return { items: list.items.map((n) => (n.id === id ? { ...n, readAt: at } : n)), unread: Math.max(0, list.unread - 1) };
    },
  );

export const useMarkAllNotificationsRead = () =>
  useMarkNotifications<void>(
    () => '/notifications/read-all',
    (list, _arg, at) => ({ items: list.items.map((n) => (n.readAt ? n : { ...n, readAt: at })), unread: 0 }),
  );

export function useEmailOutbox() {
  return useQuery({
    queryKey: keys.emailOutbox,
    queryFn: () => get<Outbox>('/email-outbox'),
    refetchInterval: 30_000,
  });
}
