/**
 * The admin's side of status sync: read and change the settings. Turning inbound sync on subscribes Bridgedesk's
 * secret webhook URL in the destination through its API, or, when the key may not, explains how to do it by hand.
 */
import { randomBytes } from 'node:crypto';
import { ConnectorError } from '../../connectors/kit/errors.ts';
import { PROVIDERS, type ProviderId } from '../../connectors/registry.ts';
import { AppError } from '../../core/errors.ts';
import { SyncSettings } from '../../core/sync-settings.ts';
import { findConnection } from '../../db/repositories/destinations.ts';
import { withTransaction } from '../../db/transaction.ts';
import { clientFor, type DestinationDeps } from '../destination-access.ts';
import { schedulePoll } from './poll-destination.ts';
import { webhookTokenHash } from './receive-event.ts';

type Deps = DestinationDeps & { publicUrl: string };

export async function syncView(deps: Deps, provider: ProviderId) {
  const connection = await findConnection(deps.db, provider);
  if (!connection) throw new AppError('not_found', `${PROVIDERS[provider].displayName} is not connected`);
  const r = await deps.db.selectFrom('destination_connections').selectAll().where('id', '=', connection.id).executeTakeFirstOrThrow();
  const token = r.webhook_token_encrypted ? deps.secrets.open(r.webhook_token_encrypted) : null;
  const lastEvent = await deps.db.selectFrom('destination_events').select((eb) => eb.fn.max('received_at').as('at')).where('connection_id', '=', connection.id).executeTakeFirst();
  return {
    settings: SyncSettings.parse(r.sync_settings),
    webhook: {
      url: token ? `${deps.publicUrl}/api/v1/webhooks/${provider}/${token}` : null,
      subscribed: r.webhook_remote_id !== null,
      setupNote: r.webhook_setup_note,
    },
    lastEventAt: lastEvent?.at ? new Date(lastEvent.at).toISOString() : null,
    lastPollCursor: r.poll_cursor ? new Date(r.poll_cursor).toISOString() : null,
    lastError: r.last_sync_event_error,
  };
}

export async function updateSyncSettings(deps: Deps, provider: ProviderId, input: unknown) {
  const parsed = SyncSettings.safeParse(input);
  if (!parsed.success) throw new AppError('validation_failed', `Invalid sync settings: ${parsed.error.issues[0]?.path.join('.')}: ${parsed.error.issues[0]?.message}`);
  const settings = parsed.data;
  const connection = await findConnection(deps.db, provider);
  if (!connection) throw new AppError('not_found', `${PROVIDERS[provider].displayName} is not connected`);
  const row = await deps.db.selectFrom('destination_connections').selectAll().where('id', '=', connection.id).executeTakeFirstOrThrow();
  const client = clientFor(deps, provider, connection.account, deps.secrets.open(connection.secretEncrypted), true);
  const patch: Record<string, unknown> = { sync_settings: JSON.stringify(settings), updated_at: deps.now() };

  if (settings.inbound && !row.webhook_remote_id) {
    const token = row.webhook_token_encrypted ? deps.secrets.open(row.webhook_token_encrypted) : randomBytes(24).toString('base64url');
    const url = `${deps.publicUrl}/api/v1/webhooks/${provider}/${token}`;
    Object.assign(patch, { webhook_token_hash: webhookTokenHash(token), webhook_token_encrypted: deps.secrets.seal(token) });
    try {
      const sub = await client.subscribe(url);
      Object.assign(patch, { webhook_remote_id: sub.remoteId, webhook_signing_key_encrypted: sub.signingKey ? deps.secrets.seal(sub.signingKey) : null, webhook_setup_note: null });
    } catch (err) {
      if (!(err instanceof ConnectorError)) throw err;
      // The key may lack the webhook permission: sync still works by polling, and the admin can add the webhook by hand.
      patch.webhook_setup_note =
        `Bridgedesk could not create the webhook (${err.message}). In Kustomer, open Settings → Platform → Outbound webhooks, ` +
        `add a webhook with the URL shown here and the events kustomer.conversation.create, kustomer.conversation.update and ` +
        `kustomer.message.create. Until then, changes arrive by polling.`;
    }
  }
  if (!settings.inbound && row.webhook_remote_id) {
    await client.unsubscribe(row.webhook_remote_id).catch(() => {});
    Object.assign(patch, { webhook_remote_id: null, webhook_signing_key_encrypted: null, webhook_setup_note: null });
  }
  await withTransaction(deps.db, async (tx) => {
    await tx.updateTable('destination_connections').set(patch).where('id', '=', connection.id).execute();
    if (settings.inbound && settings.pollMinutes > 0) await schedulePoll(tx, provider);
  });
  return syncView(deps, provider);
}
