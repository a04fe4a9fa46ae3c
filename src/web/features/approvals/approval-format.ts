/** Words for approvals: states and when one is due. Pure: unit-tested in approval-format.test.ts. */
import type { ApprovalState } from '../../api/approvals.ts';
import { humanize, plural } from '../../ui/format.ts';

const STATE_LABELS: Record<ApprovalState, string> = {
  queued: 'Queued',
  pending: 'Pending',
  approved: 'Approved',
  rejected: 'Rejected',
  cancelled: 'No longer needed',
  expired: 'Expired',
};
export const approvalStateLabel = (s: string): string => STATE_LABELS[s as ApprovalState] ?? humanize(s);

function span(ms: number): string {
  const minutes = Math.round(ms / 60_000);
  if (minutes < 60) return `${Math.max(1, minutes)} min`;
  const hours = Math.round(minutes / 60);
  if (hours < 48) return `${hours} ${plural(hours, 'hour')}`;
  const days = Math.round(hours / 24);
  return `${days} ${plural(days, 'day')}`;
}

/** "Due in 5 hours", "Overdue by 2 days"; null without a due time. */
export function dueText(dueAt: string | null, now: Date = new Date()): { text: string; overdue: boolean } | null {
  if (!dueAt) return null;
  const ms = new Date(dueAt).getTime() - now.getTime();
  if (Number.isNaN(ms)) return null;
  return ms >= 0 ? { text: `Due in ${span(ms)}`, overdue: false } : { text: `Overdue by ${span(-ms)}`, overdue: true };
}

/**
 * When an approver was asked, for "Awaiting Morgan Manager since 10:42": the time of day when it was today, else
 * the day and time ("3 Jun, 10:42"). `clock` formats a time of day (the viewer's by default).
 */
export function sinceText(
  iso: string,
  now: Date = new Date(),
  clock: (d: Date) => string = (d) => d.toLocaleTimeString(undefined, { hour: 'numeric', minute: '2-digit' }),
): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const sameDay = d.getFullYear() === now.getFullYear() && d.getMonth() === now.getMonth() && d.getDate() === now.getDate();
  if (sameDay) return clock(d);
  const day = d.toLocaleDateString(undefined, { day: 'numeric', month: 'short', ...(d.getFullYear() === now.getFullYear() ? {} : { year: 'numeric' }) });
  return `${day}, ${clock(d)}`;
}

/** "Awaiting Morgan Manager since 10:42" for the one asked now; "Then Dana Director" for one asked after them. */
export function awaitingText(
  a: { state: string; approver: { name: string }; askedAt: string | null; createdAt: string },
  now: Date = new Date(),
  clock?: (d: Date) => string,
): string {
  return a.state === 'queued' ? `Then ${a.approver.name}` : `Awaiting ${a.approver.name} since ${sinceText(a.askedAt ?? a.createdAt, now, clock)}`;
}
