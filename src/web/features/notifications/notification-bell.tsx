/**
 * The header's bell: the unread count (polled every 15 s) and, on click, the latest notifications. Choosing one
 * marks it read and opens its link; "Mark all read" clears the count.
 */
import { useState } from 'react';
import { useLocation } from 'wouter';
import { type AppNotification, useMarkAllNotificationsRead, useMarkNotificationRead, useNotifications } from '../../api/notifications.ts';
import { ErrorBanner } from '../../ui/states.tsx';
import { RelativeTime } from '../../ui/time.tsx';
import { notificationTarget } from './notification-link.ts';
import { useCloseOnOutsideClick } from '../../ui/use-close-on-outside-click.ts';

function BellIcon() {
  return (
    <svg
      width="16"
      height="16"
      viewBox="0 0 24 24"
      fill="none"
      stroke="currentColor"
      strokeWidth="2"
      strokeLinecap="round"
      strokeLinejoin="round"
      aria-hidden="true"
    >
      <path d="M18 8a6 6 0 0 0-12 0c0 7-3 9-3 9h18s-3-2-3-9" />
      <path d="M13.73 21a2 2 0 0 1-3.46 0" />
    </svg>
  );
}

function NotificationItem({ n, onOpen }: { n: AppNotification; onOpen: (n: AppNotification) => void }) {
  return (
    <li className={n.readAt ? 'notif-item' : 'notif-item unread'} data-testid="notification">
      <button type="button" onClick={() => onOpen(n)}>
        <span className="notif-dot" aria-hidden="true" />
        <span className="notif-text">
          <strong>{n.title}</strong>
          {n.body && <span className="notif-body">{n.body}</span>}
          <span className="muted small">
            <RelativeTime iso={n.createdAt} />
            {!n.readAt && <span className="visually-hidden"> (unread)</span>}
          </span>
        </span>
      </button>
    </li>
  );
}

export function NotificationBell() {
  const list = useNotifications();
  const markRead = useMarkNotificationRead();
  const markAll = useMarkAllNotificationsRead();
  const [open, setOpen] = useState(false);
  const [, navigate] = useLocation();
  const ref = useCloseOnOutsideClick<HTMLDivElement>(open, setOpen);
  const unread = list.data?.unread ?? 0;

  const openNotification = (n: AppNotification) => {
    if (!n.readAt) markRead.mutate(n.id);
    const target = notificationTarget(n.link, window.location.origin);
    setOpen(false);
    if (target?.kind === 'app') navigate(target.path);
    else if (target?.kind === 'external') window.open(target.href, '_blank', 'noopener');
  };

  return (
    <div
      className="notif"
      ref={ref}
      onKeyDown={(e) => {
        if (e.key === 'Escape' && open) {
          e.stopPropagation();
          setOpen(false);
        }
      }}
    >
      <button
        type="button"
        className="btn btn-ghost btn-small notif-button"
        aria-label={unread ? `Notifications, ${unread} unread` : 'Notifications'}
        aria-expanded={open}
        aria-haspopup="true"
        onClick={() => setOpen(!open)}
      >
        <BellIcon />
        {unread > 0 && (
          <span className="notif-count" data-testid="notifications-unread">
            {unread > 99 ? '99+' : unread}
          </span>
        )}
      </button>
      {open && (
        <div className="notif-panel" role="region" aria-label="Notifications">
          <div className="notif-head">
            <h2>Notifications</h2>
            <button type="button" className="btn btn-small btn-ghost" disabled={unread === 0 || markAll.isPending} onClick={() => markAll.mutate()}>
              Mark all read
            </button>
          </div>
          <ErrorBanner error={list.error} title="Cannot load notifications" onRetry={() => list.refetch()} />
          {list.data && list.data.items.length === 0 && <p className="muted notif-empty">Nothing yet. Approvals and workflow updates show up here.</p>}
          {list.data && list.data.items.length > 0 && (
            <ul className="notif-list">
              {list.data.items.map((n) => (
                <NotificationItem key={n.id} n={n} onOpen={openNotification} />
              ))}
            </ul>
          )}
        </div>
      )}
    </div>
  );
}
