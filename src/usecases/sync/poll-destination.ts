/**
 * The polling fallback of status sync: asks the destination for conversations changed since a stored cursor and
 * feeds them to the same processing as webhooks, so a missed webhook is caught. Reschedules itself. The same read
 * (readChangesSince) backfills what a webhook the destination disabled did not deliver (check-webhook.ts).
 */
import type { ProviderId } from '../../connectors/registry.ts';
import type { DestinationClient } from '../../core/destination.ts';
import { SyncSettings } from '../../core/sync-settings.ts';
import { detailsOf } from '../../core/ticket-details.ts';
import { findConnection } from '../../db/repositories/destinations.ts';
import { enqueueJob, withTransaction } from '../../db/transaction.ts';
import type { Queryable, Tx } from '../../db/database.ts';
import { clientFor, type DestinationDeps } from '../destination-access.ts';
import { destinationFailure } from '../destination-failure.ts';
import { storeEvents } from './receive-event.ts';

export const POLL_DESTINATION = 'poll-destination';
/** Changes within this much of the cursor are read again (same-millisecond writes); repeats are deduplicated. */
const OVERLAP_MS = 2_000;
/** Where the first read starts when nothing was read before. */
const FIRST_READ_MS = 3_600_000;
const POLL_FAILED = 'Polling failed: ';

export const schedulePoll = (q: Queryable, provider: ProviderId, runAt?: Date) =>
  enqueueJob(q, POLL_DESTINATION, { provider }, { jobKey: `poll:${provider}`, runAt });

/**
 * Reads every change since the connection's cursor (all pages, oldest first), stores those of linked conversations
 * as events and moves the cursor, all in one transaction; `then` runs in it too, told how many events were new.
 * Returns that number.
 * Throws the client's ConnectorError.
 */
export async function readChangesSince(
  deps: DestinationDeps,
  provider: ProviderId,
  connectionId: string,
  client: DestinationClient,
  then?: (tx: Tx, stored: number) => Promise<void>,
): Promise<number> {
  const row = await deps.db.selectFrom('destination_connections').select('poll_cursor').where('id', '=', connectionId).executeTakeFirstOrThrow();
  const now = deps.now();
  const since = row.poll_cursor ? new Date(new Date(row.poll_cursor).getTime() - OVERLAP_MS) : new Date(now.getTime() - FIRST_READ_MS);
  const tickets = await client.ticketsUpdatedSince(since);
  // Only conversations Bridgedesk linked matter (the rest of the org's traffic is not ours to store), and only states
  // newer than the one a linked request already has: older ones would not apply (apply-event.ts), so they are not news.
  const known = tickets.length
    ? await deps.db
        .selectFrom('escalations')
        .select(['remote_id', 'remote_updated_at'])
        .where('provider', '=', provider)
        .where('state', '!=', 'unlinked')
        .where(
          'remote_id',
          'in',
          tickets.map((t) => t.remoteId),
        )
        .execute()
    : [];
  const isNews = (t: { remoteId: string; updatedAt: string }) =>
    known.some((e) => e.remote_id === t.remoteId && (!e.remote_updated_at || new Date(e.remote_updated_at) < new Date(t.updatedAt)));
  const events = tickets.filter(isNews).map((t) => ({
    kind: 'ticket' as const,
    eventId: `poll:${t.remoteId}:${t.updatedAt}:${t.status}`,
    createdAt: t.updatedAt,
    remoteId: t.remoteId,
    status: t.status,
    updatedAt: t.updatedAt,
    details: detailsOf(t),
    threadMark: t.threadMark ?? null,
  }));
  return withTransaction(deps.db, async (tx) => {
    const stored = await storeEvents(tx, connectionId, 'poll', events);
    const newest = tickets.reduce((max, t) => (t.updatedAt > max ? t.updatedAt : max), since.toISOString());
    await tx.updateTable('destination_connections').set({ poll_cursor: newest }).where('id', '=', connectionId).execute();
    await then?.(tx, stored);
    return stored;
  });
}

export async function pollDestination(deps: DestinationDeps, provider: ProviderId): Promise<number> {
  const connection = await findConnection(deps.db, provider);
  if (!connection || connection.status !== 'connected') return 0;
  const row = await deps.db
    .selectFrom('destination_connections')
    .select(['sync_settings', 'last_sync_event_error'])
    .where('id', '=', connection.id)
    .executeTakeFirstOrThrow();
  const settings = SyncSettings.parse(row.sync_settings);
  if (!settings.inbound || settings.pollMinutes === 0) return 0;
  const now = deps.now();
  const client = clientFor(deps, provider, connection.account, deps.secrets.open(connection.secretEncrypted), false);
  // A poll that works again after failing ends an outage, during which the destination may have given up on our webhook.
  const recovering = row.last_sync_event_error?.startsWith(POLL_FAILED) ?? false;
  try {
    return await readChangesSince(deps, provider, connection.id, client, async (tx) => {
      await tx.updateTable('destination_connections').set({ last_sync_event_error: null }).where('id', '=', connection.id).execute();
      await schedulePoll(tx, provider, new Date(now.getTime() + settings.pollMinutes * 60_000));
      if (recovering) await enqueueJob(tx, CHECK_WEBHOOK, { provider }, { jobKey: `webhook-check:${provider}` });
    });
  } catch (err) {
    // The next poll is the retry: when the error says, else at the usual interval. Refused credentials stop polling.
    const failure = await destinationFailure(deps, provider, err, { fallbackMs: settings.pollMinutes * 60_000 });
    await withTransaction(deps.db, async (tx) => {
      await tx
        .updateTable('destination_connections')
        .set({ last_sync_event_error: `${POLL_FAILED}${failure.error.message}` })
        .where('id', '=', connection.id)
        .execute();
      if (failure.kind !== 'auth') await schedulePoll(tx, provider, failure.retryAt);
    });
    return 0;
  }
}

/** The job that checks the webhook subscription (check-webhook.ts); named here so polling can queue it without a cycle. */
export const CHECK_WEBHOOK = 'check-webhook';
