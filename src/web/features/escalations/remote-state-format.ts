/**
 * Words for the linked conversation's state in the destination (the escalation card and the list's column):
 * "Snoozed until Tue 10:00", "Ana Ruiz · Tier 2", "High (4)", "Waiting on Kustomer for 2 h". Pure: unit-tested in
 * remote-state-format.test.ts.
 */
import type { EscalationSummary } from '../../../server/schemas/request.ts';
import type { RemoteTicketState } from '../../../server/schemas/escalation.ts';
import { priorityLabel } from '../../ui/format.ts';
import { destinationPriorityLabel, shortId } from './escalation-format.ts';

const DAY_MS = 86_400_000;

/** "10:00" today, "Tue 10:00" within the week, "12 Mar 10:00" later. */
export function wakeTime(iso: string, now: Date): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const time = d.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });
  if (d.toDateString() === now.toDateString()) return time;
  const day =
    Math.abs(d.getTime() - now.getTime()) < 6 * DAY_MS
      ? d.toLocaleDateString(undefined, { weekday: 'short' })
      : d.toLocaleDateString(undefined, { day: 'numeric', month: 'short' });
  return `${day} ${time}`;
}

/** Open / Snoozed until Tue 10:00 / Done: Kustomer's own words (docs/kustomer.md §9). */
export function remoteStatusText(r: Pick<RemoteTicketState, 'status' | 'snoozedUntil'>, now: Date): string {
  if (r.status === 'open') return 'Open';
  if (r.status === 'closed') return 'Done';
  return r.snoozedUntil ? `Snoozed until ${wakeTime(r.snoozedUntil, now)}` : 'Snoozed';
}

/** "45 min", "2 h", "3 d": how long something has lasted. */
export function duration(sinceIso: string, now: Date): string {
  const minutes = Math.max(0, Math.floor((now.getTime() - Date.parse(sinceIso)) / 60_000));
  if (minutes < 60) return `${Math.max(1, minutes)} min`;
  const hours = Math.floor(minutes / 60);
  return hours < 48 ? `${hours} h` : `${Math.floor(hours / 24)} d`;
}

type Assignee = RemoteTicketState['assignee'];
/** The person ("Ana Ruiz"), or their short id when Bridgedesk cannot name them; null when no one. */
export const personText = (a: Assignee): string | null => (a?.userId ? (a.userName ?? `User ${shortId(a.userId)}`) : null);
export const teamText = (a: Assignee): string | null => (a?.teamId ? (a.teamName ?? `Team ${shortId(a.teamId)}`) : null);

/** "Ana Ruiz · Tier 2", "Tier 2 (team)", "Unassigned". */
export function assigneeText(a: Assignee): string {
  const [person, team] = [personText(a), teamText(a)];
  return person && team ? `${person} · ${team}` : (person ?? (team ? `${team} (team)` : 'Unassigned'));
}

export const queueText = (q: RemoteTicketState['queue']): string | null => (q ? (q.name ?? `Queue ${shortId(q.id)}`) : null);

/** "High (4)": as the admin's priority map names it; "4 — High" when no request priority maps to it. */
export function remotePriorityText(r: Pick<RemoteTicketState, 'priority' | 'priorityName'>): string | null {
  if (r.priority === null) return null;
  return r.priorityName ? `${priorityLabel(r.priorityName)} (${r.priority})` : destinationPriorityLabel(r.priority);
}

/** The request is still ours to finish: a resolved or archived one waits on no one. */
export const requestAwaits = (status: string): boolean => status !== 'resolved' && status !== 'archived';

/**
 * The list column's second line: "Kustomer: Open · 2 h" (open there that long), "Kustomer: Snoozed until Tue 10:00",
 * "Kustomer: Done". Not "Open in Kustomer": the card's link says that.
 */
export function remoteCellText(e: EscalationSummary, destination: string, now: Date): string | null {
  if (!e.remoteStatus) return null;
  const status = remoteStatusText({ status: e.remoteStatus as RemoteTicketState['status'], snoozedUntil: e.remoteSnoozedUntil }, now);
  return `${destination}: ${status}${e.remoteStatus === 'open' && e.remoteOpenSince ? ` · ${duration(e.remoteOpenSince, now)}` : ''}`;
}
