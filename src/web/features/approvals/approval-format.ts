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
