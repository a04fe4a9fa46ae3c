/**
 * Bridgedesk → destination: when a linked request is resolved, archived or reopened (by a person, a token or a
 * workflow, not by the destination itself), its conversations follow per the mapping.
 */
import type { RemoteStatus } from '../../core/destination.ts';
import { outboundStatus, SyncSettings } from '../../core/sync-settings.ts';
import type { Status } from '../../core/request.ts';
import type { Db } from '../../db/database.ts';
import { recordPushedStatus } from '../../db/repositories/escalations.ts';
import { recordPushReply } from './ticket-state.ts';
import { enqueueJob } from '../../db/transaction.ts';
import type { DestinationDeps } from '../destination-access.ts';
import { callDestination, retryPush } from '../destination-failure.ts';
import { linkedEscalations, linkedTicket } from './linked-ticket.ts';

export const PUSH_STATUS = 'push-status';

/** Called for new timeline entries: queues a push for each status change that should reach a destination. */
export async function queueStatusPushes(db: Db, entryIds: string[]) {
  const changes = await db
    .selectFrom('timeline_entries')
    .select(['id', 'request_id', 'data'])
    .where('id', 'in', entryIds)
    .where('type', '=', 'request.status_changed')
    .execute();
  for (const c of changes) {
    const d = c.data as { before: Status; after: Status; origin?: string; wakeAt?: string };
    const escalations = await linkedEscalations(db, c.request_id);
    for (const esc of escalations) {
      if (d.origin === esc.provider) continue; // the destination asked for this change: do not echo it back
      const connection = await db.selectFrom('destination_connections').select('sync_settings').where('provider', '=', esc.provider).executeTakeFirst();
      if (!connection) continue;
      const target = outboundStatus(SyncSettings.parse(connection.sync_settings), d.before, d.after);
      const wakeAt = target === 'waiting' && d.wakeAt ? { wakeAt: d.wakeAt } : {};
      // The job key (escalation, entry) makes a repeated call for one entry a no-op: one push per change.
      if (target) await enqueueJob(db, PUSH_STATUS, { escalationId: esc.id, status: target, ...wakeAt }, { jobKey: `push:${esc.id}:${c.id}`, maxAttempts: 10 });
    }
  }
}

export async function pushStatus(deps: DestinationDeps, escalationId: string, status: RemoteStatus, attempt = 1, wakeAt?: string) {
  const linked = await linkedTicket(deps, escalationId);
  if (!linked) return;
  const { client, ticketId, log } = linked;
  // Recorded before the call: the destination's webhook for this very change can arrive before the call returns.
  await recordPushedStatus(deps.db, escalationId, status, deps.now());
  const pushed = await callDestination(deps, linked.provider, () => client.updateTicket(ticketId, { status, ...(wakeAt ? { wakeAt } : {}) }), { attempt });
  if (pushed.ok) {
    await recordPushReply(deps, linked, pushed.value);
    return log('sync.status_sent', { status, ...(wakeAt ? { wakeAt } : {}) });
  }
  const { failure } = pushed;
  const retried = await retryPush(deps.db, failure, attempt, PUSH_STATUS, { escalationId, status, ...(wakeAt ? { wakeAt } : {}) }, { maxAttempts: 10 });
  if (!retried) await log('sync.status_failed', { status, reason: failure.reason });
}
