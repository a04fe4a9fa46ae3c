/**
 * Applies a connection's stored destination events (webhook deliveries and polled changes) in batches: one job run
 * drains up to DRAIN_BATCH events per transaction until none is left, instead of one job and one transaction per
 * event. The job is woken per burst (wake-drain.ts), and runs alone per connection (its own queue).
 *
 * A batch is applied in the order received; a ticket's state is written only from events newer than the stored one
 * (the destination's updatedAt: apply-event.ts), so an event that arrives after a newer one changes nothing, and a
 * change seen twice (webhook and poll) is written once. Users' names are looked up before the transaction (a call out must not
 * hold the rows). When a batch fails, its events are applied one by one, so one bad event holds up no other: it is
 * retried with a backoff (attempts, retry_at) and, after MAX_ATTEMPTS, kept with its error, processed, and the error
 * shown on the connection's sync card.
 */
import { PROVIDERS, type ProviderId } from '../../connectors/registry.ts';
import type { DestinationEvent } from '../../core/destination.ts';
import { SyncSettings } from '../../core/sync-settings.ts';
import type { EscalationRow } from '../../db/schema.ts';
import { sql } from 'kysely';
import { withTransaction } from '../../db/transaction.ts';
import type { DestinationDeps } from '../destination-access.ts';
import { applyEvent, ticketOf, type ApplyContext } from './apply-event.ts';
import { queueThreadRead } from './read-thread.ts';
import { findTargetNames, findUserNames, unnamedUsers } from './remote-names.ts';
import { drainJobAt, releaseDrainKey } from './wake-drain.ts';

export const DRAIN_BATCH = 100;
/**
 * A woken drain waits this long before its first batch, so a burst's events are applied together (fewer, fuller
 * transactions: bench:sync took 1,070–1,213 deliveries/s instead of 932–1,085 with the worker applying meanwhile,
 * at 102–111 drain runs for 9,000 events instead of 170–207). It adds as much to how soon a Kustomer change shows
 * on an open page (p99 176 ms in that bench, the goal 2 s).
 */
const DRAIN_GATHER_MS = 150;
/** Tries of one event before it is given up (kept with its error); the backoff doubles from 2 s. */
export const MAX_ATTEMPTS = 8;

interface Stored {
  id: string;
  event: DestinationEvent;
}

/**
 * Drains a lane until no event is due, gives up the job's key, and drains once more: an event whose wake-up found
 * this drain holding the key is read by that last pass (wake-drain.ts). Events waiting for a retry get a run at their
 * time. Returns how many events were applied.
 */
export async function drainEvents(deps: DestinationDeps, connectionId: string, lane: number): Promise<number> {
  const drain = async () => {
    let applied = 0;
    for (;;) {
      const n = await drainBatch(deps, connectionId, lane);
      applied += n;
      // A short batch: nothing more, or the rest taken by another drain of the lane (its last pass, or the next one).
      if (n < DRAIN_BATCH) return applied;
    }
  };
  await new Promise((resolve) => setTimeout(resolve, DRAIN_GATHER_MS));
  let applied = await drain();
  await releaseDrainKey(deps.db, connectionId, lane);
  applied += await drain();
  const { rows } = await sql<{ at: Date | null }>`select min(retry_at) as at from destination_events
    where connection_id = ${connectionId} and lane = ${lane} and processed_at is null and retry_at > now()`.execute(deps.db);
  if (rows[0]?.at) await drainJobAt(connectionId, lane, rows[0].at).execute(deps.db);
  return applied;
}

/** One batch of a lane's due events; returns how many it took (applied, or failed and left for a retry). */
async function drainBatch(deps: DestinationDeps, connectionId: string, lane: number): Promise<number> {
  const rows = await deps.db
    .selectFrom('destination_events')
    .select(['id', 'payload'])
    .where('connection_id', '=', connectionId)
    .where('lane', '=', lane)
    .where('processed_at', 'is', null)
    .where((eb) => eb.or([eb('retry_at', 'is', null), eb('retry_at', '<=', sql<Date>`now()`)]))
    .orderBy('id')
    .limit(DRAIN_BATCH)
    .execute();
  if (!rows.length) return 0;
  const connection = await deps.db
    .selectFrom('destination_connections')
    .select(['provider', 'sync_settings'])
    .where('id', '=', connectionId)
    .executeTakeFirstOrThrow();
  const provider = connection.provider as ProviderId;
  const batch: Stored[] = rows.map((r) => ({ id: r.id, event: r.payload as DestinationEvent }));
  const tickets = [...new Set(batch.map((b) => ticketOf(b.event)).filter((t) => t !== null))];
  // Outside the transaction: the names its events need (a call to the destination must not hold the rows).
  const stored = tickets.length
    ? await deps.db
        .selectFrom('escalations')
        .select(['remote_id', 'remote_details'])
        .where('provider', '=', provider)
        .where('remote_id', 'in', tickets)
        .execute()
    : [];
  const storedOf = new Map(stored.map((e) => [e.remote_id!, e.remote_details]));
  const details = batch.flatMap(({ event }) =>
    event.kind === 'ticket' && storedOf.has(event.remoteId) ? [{ details: event.details, stored: storedOf.get(event.remoteId)! }] : [],
  );
  const targets = await findTargetNames(
    deps.db,
    provider,
    details.map((d) => d.details),
  );
  const names = { users: await findUserNames(deps, provider, unnamedUsers(details, targets)), targets };
  const base = { deps, provider, destination: PROVIDERS[provider].displayName, settings: SyncSettings.parse(connection.sync_settings), names };
  try {
    return await applyBatch(deps, base, batch, tickets);
  } catch {
    // One by one: the event that fails is retried later on its own; the others are applied now.
    let taken = 0;
    for (const one of batch) {
      try {
        taken += await applyBatch(
          deps,
          base,
          [one],
          [ticketOf(one.event)].filter((t) => t !== null),
        );
      } catch (err) {
        await recordFailure(deps, connectionId, one.id, err);
        taken += 1;
      }
    }
    return taken;
  }
}

/** Applies the batch's events that no other drain holds, in one transaction; returns how many. */
async function applyBatch(
  deps: DestinationDeps,
  base: Omit<ApplyContext, 'now' | 'linked' | 'threadReads' | 'requestStatus'>,
  batch: Stored[],
  tickets: string[],
): Promise<number> {
  return withTransaction(deps.db, async (tx) => {
    // Still unprocessed (the drain of a worker that lost its job, say, may have applied some meanwhile).
    const open = new Set(
      (
        await tx
          .selectFrom('destination_events')
          .select('id')
          .where(
            'id',
            'in',
            batch.map((b) => b.id),
          )
          .where('processed_at', 'is', null)
          .forUpdate()
          .skipLocked()
          .execute()
      ).map((r) => r.id),
    );
    if (!open.size) return 0;
    // Locked in one order (by id) by every batch: two writers of the same escalations cannot deadlock.
    const escalations: EscalationRow[] = tickets.length
      ? await tx
          .selectFrom('escalations')
          .selectAll()
          .where('provider', '=', base.provider)
          .where('remote_id', 'in', tickets)
          // An unlinked escalation follows its conversation no more: its later changes never reach the request.
          .where('state', '!=', 'unlinked')
          .orderBy('id')
          .forUpdate()
          .execute()
      : [];
    const linked = new Map<string, EscalationRow[]>();
    for (const e of escalations) linked.set(e.remote_id!, [...(linked.get(e.remote_id!) ?? []), e]);
    const requestIds = [...new Set(escalations.map((e) => e.request_id))];
    const requests = requestIds.length ? await tx.selectFrom('requests').select(['id', 'status']).where('id', 'in', requestIds).execute() : [];
    const ctx: ApplyContext = {
      ...base,
      now: deps.now(),
      linked,
      threadReads: new Set(),
      requestStatus: new Map(requests.map((r) => [r.id, r.status])),
    };
    // In the order received, as one job per event applied them: an event that arrives after a newer one of its ticket
    // is late and changes nothing (apply-event.ts), even when both fall in the same batch.
    for (const { id, event } of batch) if (open.has(id)) await applyEvent(ctx, tx, event);
    for (const escalationId of ctx.threadReads) await queueThreadRead(tx, escalationId);
    if (ctx.threadReads.size)
      await tx
        .updateTable('escalations')
        .set({ thread_read_at: ctx.now })
        .where('id', 'in', [...ctx.threadReads])
        .execute();
    await tx
      .updateTable('destination_events')
      .set({ processed_at: ctx.now, error: null, retry_at: null })
      .where('id', 'in', [...open])
      .execute();
    return open.size;
  });
}
async function recordFailure(deps: DestinationDeps, connectionId: string, eventRowId: string, err: unknown): Promise<void> {
  const message = (err instanceof Error ? err.message : String(err)).slice(0, 1000);
  // Retried after 2, 4, 8 ... seconds (at most 10 minutes); given up after MAX_ATTEMPTS tries, its error kept.
  const { rows } = await sql<{ attempts: number }>`update destination_events
      set attempts = attempts + 1, error = ${message},
          retry_at = case when attempts + 1 < ${MAX_ATTEMPTS} then now() + least(600, power(2, attempts + 1)) * interval '1 second' end,
          processed_at = case when attempts + 1 >= ${MAX_ATTEMPTS} then ${deps.now()}::timestamptz end
    where id = ${eventRowId} returning attempts`.execute(deps.db);
  if ((rows[0]?.attempts ?? 0) >= MAX_ATTEMPTS) {
    await deps.db
      .updateTable('destination_connections')
      .set({ last_sync_event_error: `An event could not be applied after ${MAX_ATTEMPTS} tries: ${message}` })
      .where('id', '=', connectionId)
      .execute();
  }
}
