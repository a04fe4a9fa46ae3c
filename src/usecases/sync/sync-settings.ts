/**
 * The admin's side of status sync: read and change the settings. Turning inbound sync on subscribes Bridgedesk's
 * secret webhook URL in the destination through its API, with a per-connection secret the destination sends back in
 * a custom header, or, when the key may not, explains how to do it by hand. The secret rotates without downtime: the
 * previous one stays accepted for a grace period.
 */
import { randomBytes } from 'node:crypto';
import { ConnectorError } from '../../connectors/kit/errors.ts';
import { PROVIDERS, type ProviderId } from '../../connectors/registry.ts';
import { AppError } from '../../core/errors.ts';
import { SyncSettings } from '../../core/sync-settings.ts';
import { findConnection } from '../../db/repositories/destinations.ts';
import { withTransaction } from '../../db/transaction.ts';
import { clientFor, toAppError, type DestinationDeps } from '../destination-access.ts';
import { schedulePoll } from './poll-destination.ts';
import { forgetWebhookAuth, webhookTokenHash } from './receive-event.ts';

type Deps = DestinationDeps & { publicUrl: string };

/** How long the previous webhook secret is still accepted after a rotation (deliveries already queued carry it). */
export const WEBHOOK_SECRET_GRACE_MS = 24 * 3_600_000;

const newSecret = () => randomBytes(32).toString('base64url');

export async function syncView(deps: Deps, provider: ProviderId) {
  const connection = await findConnection(deps.db, provider);
  if (!connection) throw new AppError('not_found', `${PROVIDERS[provider].displayName} is not connected`);
  const r = await deps.db.selectFrom('destination_connections').selectAll().where('id', '=', connection.id).executeTakeFirstOrThrow();
  const token = r.webhook_token_encrypted ? deps.secrets.open(r.webhook_token_encrypted) : null;
  const lastEvent = await deps.db
    .selectFrom('destination_events')
    .select((eb) => eb.fn.max('received_at').as('at'))
    .where('connection_id', '=', connection.id)
    .executeTakeFirst();
  const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null);
  const graceUntil = r.webhook_previous_secret_until && new Date(r.webhook_previous_secret_until) > deps.now() ? r.webhook_previous_secret_until : null;
  return {
    settings: SyncSettings.parse(r.sync_settings),
    webhook: {
      url: token ? `${deps.publicUrl}/api/v1/webhooks/${provider}/${token}` : null,
      subscribed: r.webhook_remote_id !== null,
      setupNote: r.webhook_setup_note,
      // The header to add by hand when Bridgedesk could not subscribe; shown to admins like the secret URL itself.
      secretHeader: r.webhook_secret_encrypted ? { name: PROVIDERS[provider].webhookSecretHeader, value: deps.secrets.open(r.webhook_secret_encrypted) } : null,
      secretRotatedAt: iso(r.webhook_secret_rotated_at),
      previousSecretValidUntil: iso(graceUntil),
      checkedAt: iso(r.webhook_checked_at),
      checkError: r.webhook_check_error,
      disabledAt: iso(r.webhook_disabled_at),
      repairedAt: iso(r.webhook_repaired_at),
      repair: r.webhook_repair,
      backfilled: r.webhook_backfilled,
    },
    lastEventAt: lastEvent?.at ? new Date(lastEvent.at).toISOString() : null,
    lastPollCursor: r.poll_cursor ? new Date(r.poll_cursor).toISOString() : null,
    lastError: r.last_sync_event_error,
  };
}

const manualSteps = (provider: ProviderId, reason: string) =>
  `Bridgedesk could not create the webhook (${reason}). In Kustomer, open Settings → Platform → Outbound webhooks, ` +
  `add a webhook with the URL shown here, the header ${PROVIDERS[provider].webhookSecretHeader} with the value shown here, and the events ` +
  `kustomer.conversation.create, kustomer.conversation.update and kustomer.message.create. Until then, changes arrive by polling.`;

export async function updateSyncSettings(deps: Deps, provider: ProviderId, input: unknown) {
  const parsed = SyncSettings.safeParse(input);
  if (!parsed.success)
    throw new AppError('validation_failed', `Invalid sync settings: ${parsed.error.issues[0]?.path.join('.')}: ${parsed.error.issues[0]?.message}`);
  const settings = parsed.data;
  const connection = await findConnection(deps.db, provider);
  if (!connection) throw new AppError('not_found', `${PROVIDERS[provider].displayName} is not connected`);
  const row = await deps.db.selectFrom('destination_connections').selectAll().where('id', '=', connection.id).executeTakeFirstOrThrow();
  const client = clientFor(deps, provider, connection.account, deps.secrets.open(connection.secretEncrypted), true);
  const patch: Record<string, unknown> = { sync_settings: JSON.stringify(settings), updated_at: deps.now() };

  if (settings.inbound && !row.webhook_remote_id) {
    const token = row.webhook_token_encrypted ? deps.secrets.open(row.webhook_token_encrypted) : randomBytes(24).toString('base64url');
    const secret = row.webhook_secret_encrypted ? deps.secrets.open(row.webhook_secret_encrypted) : newSecret();
    const url = `${deps.publicUrl}/api/v1/webhooks/${provider}/${token}`;
    Object.assign(patch, {
      webhook_token_hash: webhookTokenHash(token),
      webhook_token_encrypted: deps.secrets.seal(token),
      webhook_secret_encrypted: deps.secrets.seal(secret),
    });
    // The backfill after an outage reads from this cursor; with polling off nothing else would ever set it.
    if (!row.poll_cursor) patch.poll_cursor = deps.now();
    try {
      const sub = await client.subscribe(url, secret);
      Object.assign(patch, {
        webhook_remote_id: sub.remoteId,
        webhook_signing_key_encrypted: sub.signingKey ? deps.secrets.seal(sub.signingKey) : null,
        webhook_setup_note: null,
      });
    } catch (err) {
      if (!(err instanceof ConnectorError)) throw err;
      // The key may lack the webhook permission: sync still works by polling, and the admin can add the webhook by hand.
      patch.webhook_setup_note = manualSteps(provider, err.message);
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
  forgetWebhookAuth(deps.db);
  return syncView(deps, provider);
}

/**
 * "Rotate webhook secret": a new secret goes to the destination's webhook (or, for a webhook added by hand, is shown
 * to paste), and the previous one stays accepted for WEBHOOK_SECRET_GRACE_MS, so no delivery is refused meanwhile.
 */
export async function rotateWebhookSecret(deps: Deps, provider: ProviderId) {
  const connection = await findConnection(deps.db, provider);
  const name = PROVIDERS[provider].displayName;
  if (!connection) throw new AppError('not_found', `${name} is not connected`);
  const row = await deps.db.selectFrom('destination_connections').selectAll().where('id', '=', connection.id).executeTakeFirstOrThrow();
  if (!row.webhook_token_encrypted) throw new AppError('conflict', `There is no webhook to rotate: turn ${name} → Bridgedesk on first`);
  const now = deps.now();
  const secret = newSecret();
  const patch: Record<string, unknown> = {
    webhook_secret_encrypted: deps.secrets.seal(secret),
    webhook_previous_secret_encrypted: row.webhook_secret_encrypted,
    webhook_previous_secret_until: row.webhook_secret_encrypted ? new Date(now.getTime() + WEBHOOK_SECRET_GRACE_MS) : null,
    webhook_secret_rotated_at: now,
    updated_at: now,
  };
  if (row.webhook_remote_id) {
    const client = clientFor(deps, provider, connection.account, deps.secrets.open(connection.secretEncrypted), true);
    const remoteId = row.webhook_remote_id;
    try {
      await client.updateSubscription(remoteId, { secret });
    } catch (err) {
      if (!(err instanceof ConnectorError) || err.kind === 'retryable') throw toAppError(err, name);
      // The update endpoint is not confirmed for Kustomer, and the key may lack its role: subscribe the same URL anew
      // with the new secret instead.
      const url = `${deps.publicUrl}/api/v1/webhooks/${provider}/${deps.secrets.open(row.webhook_token_encrypted)}`;
      await client.unsubscribe(remoteId).catch(() => {});
      try {
        const sub = await client.subscribe(url, secret);
        Object.assign(patch, { webhook_remote_id: sub.remoteId, webhook_signing_key_encrypted: sub.signingKey ? deps.secrets.seal(sub.signingKey) : null });
      } catch (again) {
        throw toAppError(again, name);
      }
    }
  }
  await deps.db.updateTable('destination_connections').set(patch).where('id', '=', connection.id).execute();
  forgetWebhookAuth(deps.db);
  return syncView(deps, provider);
}
