/**
 * Takes in destination events: a webhook delivery (to the connection's secret URL, and authentic by its secret
 * header, current or previous within a rotation's grace, or by the provider's signature; refused when stale or dated
 * ahead) or a polled change. Each is stored raw in destination_events, unique on its event id, so a repeat is a
 * no-op; the drain (drain-events.ts) applies what is stored, in batches.
 *
 * A webhook delivery costs ONE database statement (bench:sync measures the endpoint at 1,000 deliveries a second): it
 * authenticates against the connection's stored credentials, de-duplicates and stores the event at once. What the
 * check needs (the connection's id and its opened secrets) is cached per process by the URL's token hash, and that
 * is safe because the cache is never trusted alone: the statement stores the event only if the connection's row
 * still holds exactly the credentials the cached copy was read from (the same ciphertexts, the same grace end), so a
 * rotation, a disconnect, a reconnect to another org or a re-keying by any process makes the statement store nothing,
 * and the delivery is checked again against a fresh read. The writers in this process also forget the cache
 * (`forgetWebhookAuth`), so the next delivery does not pay that extra read. The drain is woken after the statement
 * commits, by one job per burst, before the delivery is answered (wake-drain.ts).
 */
import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import { PROVIDERS, type ProviderId } from '../../connectors/registry.ts';
import type { DestinationEvent } from '../../core/destination.ts';
import { AppError } from '../../core/errors.ts';
import type { Db, Tx } from '../../db/database.ts';
import type { SecretBox } from '../../db/secret-box.ts';
import { enqueue } from '../../db/transaction.ts';
import { drainJob, laneOf, wakeDrain } from './wake-drain.ts';

/** Kustomer retries a failing delivery for about an hour (docs/kustomer.md §19); anything older is a replay, not a retry. */
export const MAX_EVENT_AGE_MS = 2 * 3_600_000;
/** Clocks drift a little; an event dated further ahead was not sent just now, and its date would outrank real ones. */
export const MAX_CLOCK_SKEW_MS = 5 * 60_000;

export const webhookTokenHash = (token: string) => createHash('sha256').update(token).digest('hex');

/**
 * Stores polled events (within the caller's transaction) and queues the drain in it too when any was new, so they
 * exist together. Returns how many were new; one already received (by the webhook, say) is not stored twice.
 */
export async function storeEvents(tx: Tx, connectionId: string, source: 'webhook' | 'poll', events: DestinationEvent[]): Promise<number> {
  if (!events.length) return 0;
  const rows = await tx
    .insertInto('destination_events')
    .values(events.map((event) => ({ connection_id: connectionId, event_id: event.eventId, source, payload: JSON.stringify(event), lane: laneOf(event) })))
    .onConflict((oc) => oc.columns(['connection_id', 'event_id']).doNothing())
    .returning('lane')
    .execute();
  for (const lane of new Set(rows.map((r) => r.lane))) await enqueue(tx, drainJob(connectionId, lane));
  return rows.length;
}

/** A connection's webhook credentials as stored (ciphertexts, to compare) and opened (to check deliveries with). */
interface WebhookAuth {
  connectionId: string;
  stored: { secret: string | null; previous: string | null; previousUntil: Date | null; signingKey: string | null };
  signingKey: string | null;
  secret: string | null;
  previous: string | null;
}

/** Per process and database, by provider and token hash; only connections that exist get an entry, so probing cannot grow it. */
const cache = new WeakMap<Db, Map<string, WebhookAuth>>();

/** Drops what this process cached of webhook credentials (after rotating, subscribing, reconnecting, re-keying). */
export function forgetWebhookAuth(db: Db): void {
  cache.get(db)?.clear();
}

/** Reads in flight, shared: a burst arriving at a cold process reads the credentials once, not once per delivery. */
const reading = new WeakMap<Db, Map<string, Promise<WebhookAuth | null>>>();

function readAuth(deps: { db: Db; secrets: SecretBox }, provider: ProviderId, tokenHash: string): Promise<WebhookAuth | null> {
  let byKey = reading.get(deps.db);
  if (!byKey) reading.set(deps.db, (byKey = new Map()));
  const key = `${provider}:${tokenHash}`;
  const pending = byKey.get(key);
  if (pending) return pending;
  const read = readAuthNow(deps, provider, tokenHash).finally(() => byKey.delete(key));
  byKey.set(key, read);
  return read;
}

async function readAuthNow(deps: { db: Db; secrets: SecretBox }, provider: ProviderId, tokenHash: string): Promise<WebhookAuth | null> {
  const row = await deps.db
    .selectFrom('destination_connections')
    .select(['id', 'webhook_signing_key_encrypted', 'webhook_secret_encrypted', 'webhook_previous_secret_encrypted', 'webhook_previous_secret_until'])
    .where('provider', '=', provider)
    .where('webhook_token_hash', '=', tokenHash)
    .executeTakeFirst();
  let byKey = cache.get(deps.db);
  if (!byKey) cache.set(deps.db, (byKey = new Map()));
  if (!row) {
    byKey.delete(`${provider}:${tokenHash}`);
    return null;
  }
  const open = (c: string | null) => (c ? deps.secrets.open(c) : null);
  const auth: WebhookAuth = {
    connectionId: row.id,
    stored: {
      secret: row.webhook_secret_encrypted,
      previous: row.webhook_previous_secret_encrypted,
      previousUntil: row.webhook_previous_secret_until ? new Date(row.webhook_previous_secret_until) : null,
      signingKey: row.webhook_signing_key_encrypted,
    },
    signingKey: open(row.webhook_signing_key_encrypted),
    secret: open(row.webhook_secret_encrypted),
    previous: open(row.webhook_previous_secret_encrypted),
  };
  byKey.set(`${provider}:${tokenHash}`, auth);
  return auth;
}

/**
 * The one statement: stores the event for the connection whose row still holds the credentials `auth` was read
 * from, unless its id was stored before. `authentic` false: the row changed (or is gone) since.
 */
async function storeDelivery(db: Db, provider: ProviderId, tokenHash: string, auth: WebhookAuth, event: DestinationEvent) {
  const s = auth.stored;
  const { rows } = await sql<{ authentic: boolean; fresh: boolean }>`
    with connection as (
      select id from destination_connections
       where provider = ${provider} and webhook_token_hash = ${tokenHash} and id = ${auth.connectionId}
         and webhook_secret_encrypted is not distinct from ${s.secret}::text
         and webhook_previous_secret_encrypted is not distinct from ${s.previous}::text
         and webhook_previous_secret_until is not distinct from ${s.previousUntil}::timestamptz
         and webhook_signing_key_encrypted is not distinct from ${s.signingKey}::text),
    stored as (
      insert into destination_events (connection_id, event_id, source, payload, lane)
      select id, ${event.eventId}, 'webhook', ${JSON.stringify(event)}::jsonb, ${laneOf(event)}::smallint from connection
      on conflict (connection_id, event_id) do nothing
      returning id)
    select exists (select 1 from connection) as authentic, exists (select 1 from stored) as fresh`.execute(db);
  return rows[0]!;
}

export async function receiveWebhook(
  deps: { db: Db; secrets: SecretBox; now: () => Date },
  provider: ProviderId,
  token: string,
  rawBody: string,
  headers: Headers,
): Promise<'accepted' | 'duplicate'> {
  const tokenHash = webhookTokenHash(token);
  // The same answer for an unknown URL and a bad signature: nothing tells a prober which part was wrong. (Made only
  // when refusing: an error's stack trace is a measurable share of an accepted delivery's CPU.)
  const refused = () => new AppError('unauthenticated', 'Webhook not accepted');
  let auth = cache.get(deps.db)?.get(`${provider}:${tokenHash}`) ?? null;
  const cached = auth !== null;
  for (let attempt = 0; attempt < 2; attempt++) {
    auth ??= await readAuth(deps, provider, tokenHash);
    if (!auth) throw refused();
    const now = deps.now();
    const secrets = [auth.secret, auth.stored.previousUntil && auth.stored.previousUntil > now ? auth.previous : null].filter((x) => x !== null);
    const event = PROVIDERS[provider].readWebhook(rawBody, headers, { signingKey: auth.signingKey, secrets });
    // Refused by a cached copy: the credentials may have changed since (a rotation in another process); look again.
    if (!event) {
      if (cached && attempt === 0) {
        auth = null;
        continue;
      }
      throw refused();
    }
    const age = now.getTime() - Date.parse(event.createdAt);
    if (!(age < MAX_EVENT_AGE_MS)) throw new AppError('bad_request', 'Event is too old to accept (replayed?)');
    if (!(age > -MAX_CLOCK_SKEW_MS)) throw new AppError('bad_request', 'Event is dated in the future (clocks apart by more than 5 minutes?)');
    const stored = await storeDelivery(deps.db, provider, tokenHash, auth, event);
    if (!stored.authentic) {
      auth = null;
      continue;
    }
    // Woken on a repeat too: the first delivery's wake-up may have failed after it was stored (it was answered 5xx).
    await wakeDrain(deps.db, auth.connectionId, laneOf(event));
    return stored.fresh ? 'accepted' : 'duplicate';
  }
  throw refused();
}
