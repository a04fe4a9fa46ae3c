/**
 * Bridgedesk → destination: when a linked request is resolved, archived or reopened (by a person, a token or a
 * workflow, not by the destination itself), its conversations follow per the mapping.
 */
import type { RemoteStatus } from '../../core/destination.ts';
import { outboundStatus } from '../../core/sync-settings.ts';
import type { Status } from '../../core/request.ts';
import type { Db } from '../../db/database.ts';
import { recordPushedStatus } from '../../db/repositories/escalations.ts';
import { recordPushReply } from './ticket-state.ts';
import { enqueueJob } from '../../db/transaction.ts';
import type { DestinationDeps } from '../destination-access.ts';
import { callDestination, retryPush } from '../destination-failure.ts';
import { linkedPushes, linkedTicket } from './linked-ticket.ts';

export const PUSH_STATUS = 'push-status';

/** Called for new timeline entries: queues a push for each status change that should reach a destination. */
export async function queueStatusPushes(db: Db, entryIds: string[]) {
  for (const p of await linkedPushes(db, entryIds, 'request.status_changed')) {
    const d = p.data as { before: Status; after: Status; origin?: string; wakeAt?: string };
    if (d.origin === p.provider) continue; // the destination asked for this change: do not echo it back
    const target = outboundStatus(p.settings, d.before, d.after);
    const wakeAt = target === 'waiting' && d.wakeAt ? { wakeAt: d.wakeAt } : {};
    // The job key (escalation, entry) makes a repeated call for one entry a no-op: one push per change.
    if (target)
      await enqueueJob(
        db,
        PUSH_STATUS,
        { escalationId: p.escalationId, status: target, ...wakeAt },
        { jobKey: `push:${p.escalationId}:${p.entryId}`, maxAttempts: 10 },
      );
  }
}

export async function pushStatus(deps: DestinationDeps, escalationId: string, status: RemoteStatus, attempt = 1, wakeAt?: string) {
  const linked = await linkedTicket(deps, escalationId);
  if (!linked) return;
  const { client, ticketId, log } = linked;
  const wake = wakeAt ? { wakeAt } : {};
  // Recorded before the call: the destination's webhook for this very change can arrive before the call returns.
  await recordPushedStatus(deps.db, escalationId, status, deps.now());
  const pushed = await callDestination(deps, linked.provider, () => client.updateTicket(ticketId, { status, ...wake }), { attempt });
  if (pushed.ok) {
    await recordPushReply(deps, linked, pushed.value);
    return log('sync.status_sent', { status, ...wake });
  }
  const { failure } = pushed;
  const retried = await retryPush(deps.db, failure, attempt, PUSH_STATUS, { escalationId, status, ...wake }, { maxAttempts: 10 });
  if (!retried) await log('sync.status_failed', { status, reason: failure.reason });
}
