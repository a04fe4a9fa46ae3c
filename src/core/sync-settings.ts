/** Two-way status sync settings of a destination connection, and the status mapping rules. */
import { z } from 'zod';
import type { RemoteStatus } from './destination.ts';
import { STATUSES, type Status } from './request.ts';

const RemoteStatusSchema = z.enum(['open', 'waiting', 'closed']);

export const SyncSettings = z.strictObject({
  /** Destination → Bridgedesk status changes. */
  inbound: z.boolean().default(false),
  /** Bridgedesk → destination status changes. */
  outbound: z.boolean().default(false),
  /** Destination status → request status (null: leave the request alone). */
  inboundMap: z
    .strictObject({ open: z.enum(STATUSES).nullable(), waiting: z.enum(STATUSES).nullable(), closed: z.enum(STATUSES).nullable() })
    .default({ open: 'in_progress', waiting: 'waiting', closed: 'resolved' }),
  /** Request change → destination status (null: do not push). */
  outboundMap: z
    .strictObject({
      resolved: RemoteStatusSchema.nullable(),
      archived: RemoteStatusSchema.nullable(),
      reopened: RemoteStatusSchema.nullable(),
      /** Set to waiting (until the wake-up time the agent picks); leaving waiting for new or in progress undoes it. */
      waiting: RemoteStatusSchema.nullable().default('waiting'),
    })
    .default({ resolved: 'closed', archived: 'closed', reopened: 'open', waiting: 'waiting' }),
  /** Polling fallback interval; 0 turns polling off. */
  pollMinutes: z.number().int().min(0).max(1440).default(5),
  /** Public replies → conversation notes. (The conversation's notes and messages always reach the request: read-thread.ts.) */
  commentSync: z.boolean().default(false),
});
export type SyncSettings = z.infer<typeof SyncSettings>;

/** The request status a destination status change asks for, or null. */
export function inboundStatus(settings: SyncSettings, remote: RemoteStatus): Status | null {
  return settings.inbound ? settings.inboundMap[remote] : null;
}

/** The destination status a request status change asks for, or null. */
export function outboundStatus(settings: SyncSettings, before: Status, after: Status): RemoteStatus | null {
  if (!settings.outbound) return null;
  if (after === 'resolved') return settings.outboundMap.resolved;
  if (after === 'archived') return settings.outboundMap.archived;
  if (before === 'resolved' || before === 'archived') return settings.outboundMap.reopened;
  if (after === 'waiting') return settings.outboundMap.waiting;
  // Back from waiting to work: a conversation snoozed for it opens again (a snooze the agent no longer wants).
  if (before === 'waiting' && settings.outboundMap.waiting === 'waiting') return 'open';
  return null;
}

/** A destination event echoing a status Bridgedesk itself pushed moments ago is ours, not news. */
export const ECHO_WINDOW_MS = 5 * 60_000;
export function isEcho(pushed: { status: string | null; at: Date | null }, remote: RemoteStatus, now: Date): boolean {
  return pushed.status === remote && pushed.at !== null && now.getTime() - pushed.at.getTime() < ECHO_WINDOW_MS;
}
