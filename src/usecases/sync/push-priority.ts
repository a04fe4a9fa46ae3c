/**
 * Bridgedesk → destination: when a linked request's priority changes and outbound sync is on, its conversations
 * take the priority the admin's priority map gives (Settings → Kustomer; Kustomer's default low 2, medium 3,
 * high 4, urgent 5). The destination never changes a request's priority (inbound sync maps statuses only), so
 * there is no echo to suppress.
 */
import { recordPushReply } from './ticket-state.ts';
import { destinationPriority } from '../../core/priority-map.ts';
import { PRIORITIES, type Priority } from '../../core/request.ts';
import type { Db } from '../../db/database.ts';
import { enqueueJob } from '../../db/transaction.ts';
import type { DestinationDeps } from '../destination-access.ts';
import { callDestination, retryPush } from '../destination-failure.ts';
import { connectionPriorityMap } from '../priority-map.ts';
import { linkedPushes, linkedTicket } from './linked-ticket.ts';

export const PUSH_PRIORITY = 'push-priority';

/** One queue per escalation keeps its pushes (and their retries) in order. */
const priorityQueue = (escalationId: string) => `priority-push:${escalationId}`;

const isPriority = (v: unknown): v is Priority => (PRIORITIES as readonly unknown[]).includes(v);

/** Called for new timeline entries: queues a push for each priority change of a request with linked conversations. */
export async function queuePriorityPushes(db: Db, entryIds: string[]): Promise<number> {
  let queued = 0;
  for (const p of await linkedPushes(db, entryIds, 'request.priority_changed', ['failed'])) {
    const after = (p.data as { after?: unknown }).after;
    if (!isPriority(after) || !p.settings.outbound) continue;
    // One queue per escalation keeps pushes in order; the job key makes a repeated call for one entry a no-op.
    await enqueueJob(
      db,
      PUSH_PRIORITY,
      { escalationId: p.escalationId, priority: after },
      { jobKey: `push-priority:${p.escalationId}:${p.entryId}`, queueName: priorityQueue(p.escalationId), maxAttempts: 10 },
    );
    queued++;
  }
  return queued;
}

/** Sets the conversation's priority from the request priority, through the connection's map as it is now. */
export async function pushPriority(deps: DestinationDeps, escalationId: string, priority: Priority, attempt = 1): Promise<void> {
  const linked = await linkedTicket(deps, escalationId);
  if (!linked) return;
  const { client, ticketId, provider } = linked;
  const remotePriority = destinationPriority(await connectionPriorityMap(deps.db, provider), priority);
  const log = (type: string, data: Record<string, unknown>) => linked.log(type, { priority, remotePriority, ...data });
  const pushed = await callDestination(deps, provider, () => client.updateTicket(ticketId, { priority: remotePriority }), { attempt });
  if (pushed.ok) {
    await recordPushReply(deps, linked, pushed.value);
    await log('sync.priority_sent', {});
    return;
  }
  const { failure } = pushed;
  const opts = { queueName: priorityQueue(escalationId), maxAttempts: 10 };
  if (!(await retryPush(deps.db, failure, attempt, PUSH_PRIORITY, { escalationId, priority }, opts)))
    await log('sync.priority_failed', { reason: failure.reason });
}
