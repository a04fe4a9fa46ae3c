/**
 * The polling fallback of status sync: asks the destination for conversations changed since a stored cursor and
 * feeds them to the same processing as webhooks, so a missed webhook is caught. Reschedules itself.
 */
import type { ProviderId } from '../../connectors/registry.ts';
import { ConnectorError } from '../../connectors/kit/errors.ts';
import { SyncSettings } from '../../core/sync-settings.ts';
import { findConnection, markInvalidCredentials } from '../../db/repositories/destinations.ts';
import { enqueueJob, withTransaction } from '../../db/transaction.ts';
import type { Queryable } from '../../db/database.ts';
import { clientFor, type DestinationDeps } from '../destination-access.ts';
import { storeEvent } from './receive-event.ts';

export const POLL_DESTINATION = 'poll-destination';
/** Changes within this much of the cursor are read again (same-millisecond writes); repeats are deduplicated. */
const OVERLAP_MS = 2_000;

export const schedulePoll = (q: Queryable, provider: ProviderId, runAt?: Date) =>
  enqueueJob(q, POLL_DESTINATION, { provider }, { jobKey: `poll:${provider}`, runAt });

export async function pollDestination(deps: DestinationDeps, provider: ProviderId): Promise<number> {
  const connection = await findConnection(deps.db, provider);
  if (!connection || connection.status !== 'connected') return 0;
  const row = await deps.db.selectFrom('destination_connections').select(['sync_settings', 'poll_cursor']).where('id', '=', connection.id).executeTakeFirstOrThrow();
  const settings = SyncSettings.parse(row.sync_settings);
  if (!settings.inbound || settings.pollMinutes === 0) return 0;
  const now = deps.now();
  const since = row.poll_cursor ? new Date(new Date(row.poll_cursor).getTime() - OVERLAP_MS) : new Date(now.getTime() - 3_600_000);
  const client = clientFor(deps, provider, connection.account, deps.secrets.open(connection.secretEncrypted), false);
  let stored = 0;
  try {
    const tickets = await client.ticketsUpdatedSince(since);
    // Only conversations Bridgedesk linked matter; the rest of the org's traffic is not ours to store.
    const linked = new Set(
      tickets.length
        ? (await deps.db.selectFrom('escalations').select('remote_id').where('provider', '=', provider).where('remote_id', 'in', tickets.map((t) => t.remoteId)).execute()).map((r) => r.remote_id)
        : [],
    );
    await withTransaction(deps.db, async (tx) => {
      for (const t of tickets.filter((x) => linked.has(x.remoteId))) {
        const event = { kind: 'ticket' as const, eventId: `poll:${t.remoteId}:${t.updatedAt}:${t.status}`, createdAt: t.updatedAt, remoteId: t.remoteId, status: t.status, updatedAt: t.updatedAt };
        if (await storeEvent(tx, connection.id, 'poll', event)) stored += 1;
      }
      const newest = tickets.reduce((max, t) => (t.updatedAt > max ? t.updatedAt : max), since.toISOString());
      await tx.updateTable('destination_connections').set({ poll_cursor: newest, last_sync_event_error: null }).where('id', '=', connection.id).execute();
      await schedulePoll(tx, provider, new Date(now.getTime() + settings.pollMinutes * 60_000));
    });
  } catch (err) {
    if (!(err instanceof ConnectorError)) throw err;
    if (err.kind === 'auth') await markInvalidCredentials(deps.db, provider, err.detail.vendorMessage ?? 'Refused', now);
    const retryAt = new Date(now.getTime() + (err.detail.retryAfterMs ?? settings.pollMinutes * 60_000));
    await withTransaction(deps.db, async (tx) => {
      await tx.updateTable('destination_connections').set({ last_sync_event_error: `Polling failed: ${err.message}` }).where('id', '=', connection.id).execute();
      if (err.kind !== 'auth') await schedulePoll(tx, provider, retryAt);
    });
  }
  return stored;
}
