/**
 * Keeps the status-sync webhook alive. Kustomer disables an outbound webhook after repeated failed deliveries
 * (`enabled: false`, `isError: true`; docs.digitalgenius.com add-digitalgenius-kustomer-webhook, developer.kustomer.com
 * list-outbound-webhooks: documented, not recorded), and then sends nothing: inbound sync would stop without a word.
 * So, periodically and after an outage (a poll that works again, a worker start), Bridgedesk reads its subscription;
 * when it is disabled or gone it turns it back on (or creates it again), then reads every change since the stored
 * cursor through the polling path, so no status change made meanwhile is lost, records what happened for the sync
 * card and tells the admins in the app.
 */
import { ConnectorError } from '../../connectors/kit/errors.ts';
import { PROVIDERS, type ProviderId } from '../../connectors/registry.ts';
import type { DestinationClient } from '../../core/destination.ts';
import { SyncSettings } from '../../core/sync-settings.ts';
import { findConnection } from '../../db/repositories/destinations.ts';
import { clientFor, type DestinationDeps } from '../destination-access.ts';
import { destinationFailure } from '../destination-failure.ts';
import { notify } from '../workflows/notify.ts';
import { CHECK_WEBHOOK, readChangesSince } from './poll-destination.ts';
import { forgetWebhookAuth } from './receive-event.ts';

export { CHECK_WEBHOOK };
/** How often the worker checks (graphile-worker cron). Kustomer retries a failing delivery for about an hour before it gives up (documented: developer.kustomer.com docs/events/delivery-and-retries). */
export const CHECK_WEBHOOK_CRON = '*/10 * * * *';

/** Kustomer retries a failing delivery for about an hour; twice that, and a change is either delivered or failing. */
const SETTLED_MS = 2 * 3_600_000;

export type WebhookCheck = 'ok' | 'repaired' | 'not_subscribed' | 'failed';

type Deps = DestinationDeps & { publicUrl: string };

export async function checkWebhook(deps: Deps, provider: ProviderId): Promise<WebhookCheck> {
  const connection = await findConnection(deps.db, provider);
  if (!connection || connection.status !== 'connected') return 'not_subscribed';
  const row = await deps.db.selectFrom('destination_connections').selectAll().where('id', '=', connection.id).executeTakeFirstOrThrow();
  const now = deps.now();
  // A rotation's grace is over: the previous secret is dropped, not just ignored.
  if (row.webhook_previous_secret_until && new Date(row.webhook_previous_secret_until) <= now) {
    await deps.db
      .updateTable('destination_connections')
      .set({ webhook_previous_secret_encrypted: null, webhook_previous_secret_until: null })
      .where('id', '=', row.id)
      .execute();
  }
  // Only a webhook Bridgedesk subscribed through the API can be read back; one added by hand has no id here.
  if (!SyncSettings.parse(row.sync_settings).inbound || !row.webhook_remote_id || !row.webhook_token_encrypted) return 'not_subscribed';
  const name = PROVIDERS[provider].displayName;
  const client = clientFor(deps, provider, connection.account, deps.secrets.open(connection.secretEncrypted), false);
  const url = `${deps.publicUrl}/api/v1/webhooks/${provider}/${deps.secrets.open(row.webhook_token_encrypted)}`;
  const secret = row.webhook_secret_encrypted ? deps.secrets.open(row.webhook_secret_encrypted) : null;
  try {
    const sub = await client.getSubscription(row.webhook_remote_id);
    // A repair whose backfill failed (the search was refused, say) is finished before anything else.
    const pending = row.webhook_repaired_at !== null && row.webhook_backfilled === null && row.webhook_repair !== null;
    if (sub?.enabled && !pending) {
      // With polling off nothing else moves the cursor, and a later backfill would read everything since the webhook
      // was subscribed. While the webhook works, changes older than Kustomer's retry hour (plus margin) have arrived.
      const settled = new Date(now.getTime() - SETTLED_MS);
      const cursor =
        SyncSettings.parse(row.sync_settings).pollMinutes === 0 && (!row.poll_cursor || new Date(row.poll_cursor) < settled) ? { poll_cursor: settled } : {};
      await deps.db
        .updateTable('destination_connections')
        .set({ webhook_checked_at: now, webhook_check_error: null, ...cursor })
        .where('id', '=', row.id)
        .execute();
      return 'ok';
    }
    let repair = row.webhook_repair;
    let deleted = false;
    if (!sub?.enabled) {
      const disabledAt = sub?.changedAt ? new Date(sub.changedAt) : now;
      // A refusal here is about the webhook permissions (the update and create roles), not the key as a whole.
      const fixed = await turnBackOn(client, row.webhook_remote_id, sub !== null, url, secret).catch((err: unknown) => {
        throw err instanceof ConnectorError && err.kind === 'auth'
          ? new ConnectorError('permanent', `${name} refused to turn the webhook back on: ${err.message}`, err.detail)
          : err;
      });
      repair = fixed.repair;
      deleted = sub === null;
      await deps.db
        .updateTable('destination_connections')
        .set({
          webhook_remote_id: fixed.remoteId,
          ...(fixed.repair === 're-created' ? { webhook_signing_key_encrypted: fixed.signingKey ? deps.secrets.seal(fixed.signingKey) : null } : {}),
          webhook_disabled_at: disabledAt,
          webhook_repaired_at: now,
          webhook_repair: fixed.repair,
          // Null until the backfill below is done: a check that finds it null finishes it.
          webhook_backfilled: null,
          webhook_checked_at: now,
          webhook_check_error: null,
        })
        .where('id', '=', row.id)
        .execute();
      forgetWebhookAuth(deps.db);
    }
    // On again first, then the backfill: a change made in between arrives both ways, and events apply once, in order.
    await readChangesSince(deps, provider, row.id, client, async (tx, backfilled) => {
      await tx
        .updateTable('destination_connections')
        .set({ webhook_backfilled: backfilled, webhook_checked_at: now, webhook_check_error: null })
        .where('id', '=', row.id)
        .execute();
      const what = deleted ? `The status sync webhook was deleted in ${name}` : `${name} disabled the status sync webhook`;
      const done = repair === 're-created' ? 'created it again' : 're-enabled it';
      const admins = await tx.selectFrom('users').select('id').where('role', '=', 'admin').where('active', '=', true).execute();
      for (const a of admins) {
        await notify(tx, false, {
          userId: a.id,
          requestId: null,
          kind: 'sync.webhook_repaired',
          title: what,
          body: `${what} (found ${now.toISOString()}). Bridgedesk ${done} and read ${backfilled} ${backfilled === 1 ? 'change' : 'changes'} made meanwhile, so no status change is lost.`,
          link: `${deps.publicUrl}/settings/integrations/${provider}`,
        });
      }
    });
    return 'repaired';
  } catch (err) {
    // No retry of its own: the next check (cron, every 10 minutes) is the retry.
    const failure = await destinationFailure(deps, provider, err);
    await deps.db
      .updateTable('destination_connections')
      .set({ webhook_checked_at: now, webhook_check_error: `Checking the webhook failed: ${failure.error.message}` })
      .where('id', '=', row.id)
      .execute();
    return 'failed';
  }
}

/**
 * Enables the subscription again (with the current secret header); when it is gone, or the destination refuses the
 * update (the update endpoint is not confirmed for Kustomer), creates it anew in its place.
 */
async function turnBackOn(
  client: DestinationClient,
  remoteId: string,
  exists: boolean,
  url: string,
  secret: string | null,
): Promise<{ remoteId: string; repair: 're-enabled' | 're-created'; signingKey?: string | null }> {
  if (exists) {
    try {
      await client.updateSubscription(remoteId, { enabled: true, ...(secret ? { secret } : {}) });
      return { remoteId, repair: 're-enabled' };
    } catch (err) {
      // Refused (the update endpoint is unconfirmed, or the key lacks its role): create it anew instead.
      if (!(err instanceof ConnectorError) || err.kind === 'retryable') throw err;
    }
    // Out of the way first: Kustomer allows 5 webhooks per org (help.kustomer.com outbound webhooks).
    await client.unsubscribe(remoteId).catch(() => {});
  }
  if (!secret) throw new ConnectorError('permanent', 'the webhook has no secret to subscribe with; rotate the webhook secret');
  const created = await client.subscribe(url, secret);
  return { remoteId: created.remoteId, repair: 're-created', signingKey: created.signingKey };
}
