/**
 * Bridgedesk → destination: when a linked request is resolved, archived or reopened (by a person, a token or a
 * workflow, not by the destination itself), its conversations follow per the mapping.
 */
import { SYSTEM } from '../../core/actor.ts';
import type { RemoteStatus } from '../../core/destination.ts';
import { outboundStatus, SyncSettings } from '../../core/sync-settings.ts';
import type { Status } from '../../core/request.ts';
import { PROVIDERS, type ProviderId } from '../../connectors/registry.ts';
import type { Db } from '../../db/database.ts';
import { findConnection } from '../../db/repositories/destinations.ts';
import { findEscalation, recordPushedStatus, recordRemoteState } from '../../db/repositories/escalations.ts';
import { appendTimeline } from '../../db/repositories/timeline.ts';
import { enqueueJob, withTransaction } from '../../db/transaction.ts';
import { clientFor, type DestinationDeps } from '../destination-access.ts';
import { callDestination, nextAttempt, retriesLeft } from '../destination-failure.ts';

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
    const d = c.data as { before: Status; after: Status; origin?: string };
    const escalations = await db
      .selectFrom('escalations')
      .select(['id', 'provider'])
      .where('request_id', '=', c.request_id)
      .where('remote_id', 'is not', null)
      .execute();
    for (const esc of escalations) {
      if (d.origin === esc.provider) continue; // the destination asked for this change: do not echo it back
      const connection = await db.selectFrom('destination_connections').select('sync_settings').where('provider', '=', esc.provider).executeTakeFirst();
      if (!connection) continue;
      const target = outboundStatus(SyncSettings.parse(connection.sync_settings), d.before, d.after);
      if (target) await enqueueJob(db, PUSH_STATUS, { escalationId: esc.id, status: target }, { jobKey: `push:${esc.id}:${c.id}`, maxAttempts: 10 });
    }
  }
}

export async function pushStatus(deps: DestinationDeps, escalationId: string, status: RemoteStatus, attempt = 1) {
  const esc = await findEscalation(deps.db, escalationId);
  if (!esc?.remote_id) return;
  const provider = esc.provider as ProviderId;
  const connection = await findConnection(deps.db, provider);
  if (!connection || connection.status !== 'connected') return;
  const name = PROVIDERS[provider].displayName;
  const client = clientFor(deps, provider, connection.account, deps.secrets.open(connection.secretEncrypted), false);
  const log = (type: string, data: Record<string, unknown>) =>
    withTransaction(deps.db, (tx) =>
      appendTimeline(
        tx,
        esc.request_id,
        SYSTEM,
        [{ type, visibility: 'internal', data: { destination: name, conversationId: esc.remote_id, escalationId, ...data } }],
        deps.now(),
      ),
    );
  // Recorded before the call: the destination's webhook for this very change can arrive before the call returns.
  await recordPushedStatus(deps.db, escalationId, status, deps.now());
  const pushed = await callDestination(deps, provider, () => client.updateTicket(esc.remote_id!, { status }), { attempt });
  if (pushed.ok) {
    await recordRemoteState(deps.db, escalationId, pushed.value, deps.now());
    return log('sync.status_sent', { status });
  }
  const { failure } = pushed;
  if (retriesLeft(failure, attempt))
    return enqueueJob(deps.db, PUSH_STATUS, { escalationId, status, attempt: nextAttempt(failure, attempt) }, { runAt: failure.retryAt, maxAttempts: 10 });
  await log('sync.status_failed', { status, reason: failure.reason });
}
