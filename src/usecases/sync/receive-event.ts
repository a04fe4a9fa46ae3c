/**
 * Takes in destination events: a webhook delivery (to the connection's secret URL, and authentic by its secret
 * header, current or previous within a rotation's grace, or by the provider's signature; refused when stale or dated
 * ahead) or a polled change. Stores each raw in destination_events, unique on its event
 * id, and enqueues its processing in the same transaction, so the webhook is answered fast and a repeat is a no-op.
 */
import { createHash } from 'node:crypto';
import { PROVIDERS, type ProviderId } from '../../connectors/registry.ts';
import type { DestinationEvent } from '../../core/destination.ts';
import { AppError } from '../../core/errors.ts';
import type { Db, Tx } from '../../db/database.ts';
import type { SecretBox } from '../../db/secret-box.ts';
import { enqueueJob, withTransaction } from '../../db/transaction.ts';

export const APPLY_SYNC_EVENT = 'apply-sync-event';
/** Kustomer retries a failing delivery for about an hour (docs/kustomer.md §19); anything older is a replay, not a retry. */
export const MAX_EVENT_AGE_MS = 2 * 3_600_000;
/** Clocks drift a little; an event dated further ahead was not sent just now, and its date would outrank real ones. */
export const MAX_CLOCK_SKEW_MS = 5 * 60_000;

export const webhookTokenHash = (token: string) => createHash('sha256').update(token).digest('hex');

/** Returns false for an event already received (it is not applied twice). */
export async function storeEvent(tx: Tx, connectionId: string, source: 'webhook' | 'poll', event: DestinationEvent): Promise<boolean> {
  const row = await tx
    .insertInto('destination_events')
    .values({ connection_id: connectionId, event_id: event.eventId, source, payload: JSON.stringify(event) })
    .onConflict((oc) => oc.columns(['connection_id', 'event_id']).doNothing())
    .returning('id')
    .executeTakeFirst();
  if (!row) return false;
  await enqueueJob(tx, APPLY_SYNC_EVENT, { eventRowId: row.id }, { jobKey: `sync-event:${row.id}` });
  return true;
}

/** The webhook secrets a delivery may carry now: the current one, and the previous one until its grace ends. */
export function acceptedSecrets(
  deps: { secrets: SecretBox },
  row: { webhook_secret_encrypted: string | null; webhook_previous_secret_encrypted: string | null; webhook_previous_secret_until: Date | null },
  now: Date,
): string[] {
  const out: string[] = [];
  if (row.webhook_secret_encrypted) out.push(deps.secrets.open(row.webhook_secret_encrypted));
  if (row.webhook_previous_secret_encrypted && row.webhook_previous_secret_until && new Date(row.webhook_previous_secret_until) > now) {
    out.push(deps.secrets.open(row.webhook_previous_secret_encrypted));
  }
  return out;
}

export async function receiveWebhook(
  deps: { db: Db; secrets: SecretBox; now: () => Date },
  provider: ProviderId,
  token: string,
  rawBody: string,
  headers: Headers,
): Promise<'accepted' | 'duplicate'> {
  const connection = await deps.db
    .selectFrom('destination_connections')
    .select(['id', 'webhook_signing_key_encrypted', 'webhook_secret_encrypted', 'webhook_previous_secret_encrypted', 'webhook_previous_secret_until'])
    .where('provider', '=', provider)
    .where('webhook_token_hash', '=', webhookTokenHash(token))
    .executeTakeFirst();
  // The same answer for an unknown URL and a bad signature: nothing tells a prober which part was wrong.
  const refused = new AppError('unauthenticated', 'Webhook not accepted');
  if (!connection) throw refused;
  const signingKey = connection.webhook_signing_key_encrypted ? deps.secrets.open(connection.webhook_signing_key_encrypted) : null;
  const secrets = acceptedSecrets(deps, connection, deps.now());
  const event = PROVIDERS[provider].readWebhook(rawBody, headers, { signingKey, secrets });
  if (!event) throw refused;
  const age = deps.now().getTime() - Date.parse(event.createdAt);
  if (!(age < MAX_EVENT_AGE_MS)) throw new AppError('bad_request', 'Event is too old to accept (replayed?)');
  if (!(age > -MAX_CLOCK_SKEW_MS)) throw new AppError('bad_request', 'Event is dated in the future (clocks apart by more than 5 minutes?)');
  const fresh = await withTransaction(deps.db, async (tx) => {
    const stored = await storeEvent(tx, connection.id, 'webhook', event);
    await tx.updateTable('destination_connections').set({ last_inbound_at: deps.now() }).where('id', '=', connection.id).execute();
    return stored;
  });
  return fresh ? 'accepted' : 'duplicate';
}
