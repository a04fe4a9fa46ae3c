/**
 * Where a notification's link goes: Bridgedesk's own pages open in the app (also when the link was made with
 * another public URL, e.g. behind a proxy); anything else is external. Pure: unit-tested in notification-link.test.ts.
 */
const APP_PATHS = /^\/(requests|approvals|workflows|admin|settings)(\/|$)/;

export type NotificationTarget = { kind: 'app'; path: string } | { kind: 'external'; href: string } | null;

export function notificationTarget(link: string | null, origin: string): NotificationTarget {
  if (!link) return null;
  if (link.startsWith('/') && !link.startsWith('//')) return { kind: 'app', path: link };
  let url: URL;
  try {
    url = new URL(link);
  } catch {
    return null;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
  if (url.origin === origin || APP_PATHS.test(url.pathname)) return { kind: 'app', path: `${url.pathname}${url.search}${url.hash}` };
  return { kind: 'external', href: url.href };
}
