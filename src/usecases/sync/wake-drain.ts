/**
 * Wakes the drains of a connection's stored events (drain-events.ts): one graphile-worker job per connection and
 * lane, keyed so that a burst of deliveries queues one run, in its own named queue so two runs never overlap.
 *
 * A webhook delivery does not add the job in its own statement: every delivery would then write the same job row
 * (and NOTIFY), one after the other. Instead, once its event is committed, it asks this process's waker, which adds
 * the job only when none is waiting to run, with at most one such statement in flight per connection: deliveries
 * arriving meanwhile share the next one. That is enough, and nothing is missed: the wake-up a delivery waits for
 * starts after its event was committed, and a drain that starts after that reads it, whether the wake-up added a
 * job or found one still waiting (a job that has started is not "waiting": then a new one is added, graphile-worker
 * giving it the key). The delivery is answered only once its wake-up is done, so a 202 means the event is stored AND a
 * drain will read it; should the process die before, the sender retries, and the repeat wakes the drain again.
 */
import { sql } from 'kysely';
import type { DestinationEvent } from '../../core/destination.ts';
import type { Db } from '../../db/database.ts';
import { addJob, enqueue } from '../../db/transaction.ts';

/**
 * How many drains a connection has. A ticket's events always go to the same one (its lane), so they apply in the
 * order received; other tickets' events apply beside them: a job per event used to give that parallelism, and one
 * drain alone, waiting on each statement's round trip, applied far fewer events a second than webhooks bring.
 */
export const DRAIN_LANES = 4;

/** The lane of an event: by its ticket (a small string hash), 0 for events about no ticket. */
export function laneOf(event: DestinationEvent): number {
  const ticket = event.kind === 'ticket' ? event.remoteId : event.kind === 'message' ? event.ticketId : '';
  let h = 0;
  for (let i = 0; i < ticket.length; i++) h = (h * 31 + ticket.charCodeAt(i)) | 0;
  return Math.abs(h) % DRAIN_LANES;
}

const drainKey = (connectionId: string, lane: number) => `sync-drain:${connectionId}:${lane}`;

/** The drain job of a connection's lane, as an SQL expression to add within a statement or transaction. */
export const drainJob = (connectionId: string, lane: number) =>
  addJob('drain-sync-events', { connectionId, lane }, { jobKey: drainKey(connectionId, lane), queueName: drainKey(connectionId, lane) });

/** The drain job of a lane at a later time, unless one runs sooner (a retry's). */
export const drainJobAt = (connectionId: string, lane: number, at: Date) =>
  sql`select graphile_worker.add_job('drain-sync-events', ${JSON.stringify({ connectionId, lane })}::json, queue_name => ${drainKey(connectionId, lane)},
        run_at => ${at}::timestamptz, job_key => ${drainKey(connectionId, lane)}, job_key_mode => 'preserve_run_at')`;

/** Adds the drain job unless one is waiting to run now (read-only then: no write, no NOTIFY). */
async function wakeNow(db: Db, connectionId: string, lane: number): Promise<void> {
  await sql`select ${drainJob(connectionId, lane)}
             where not exists (select 1 from graphile_worker._private_jobs
                                where key = ${drainKey(connectionId, lane)} and is_available and run_at <= now())`.execute(db);
}

interface Waker {
  inFlight: Promise<void> | null;
  next: Promise<void> | null;
}
const wakers = new WeakMap<Db, Map<string, Waker>>();

/** Resolves once a wake-up that started after this call has finished. */
export function wakeDrain(db: Db, connectionId: string, lane: number): Promise<void> {
  let byLane = wakers.get(db);
  if (!byLane) wakers.set(db, (byLane = new Map()));
  let w = byLane.get(`${connectionId}:${lane}`);
  if (!w) byLane.set(`${connectionId}:${lane}`, (w = { inFlight: null, next: null }));
  const waker = w;
  const start = (): Promise<void> => {
    const run = wakeNow(db, connectionId, lane).finally(() => {
      if (waker.inFlight === run) waker.inFlight = null;
    });
    waker.inFlight = run;
    return run;
  };
  if (!waker.inFlight) return start();
  // One is in flight and may have started before the caller's event was committed: the caller needs the next one.
  waker.next ??= waker.inFlight
    .catch(() => {})
    .then(() => {
      waker.next = null;
      return start();
    });
  return waker.next;
}

/** Wakes every drain with events left (at worker start, and by cron): nothing waits for a delivery that never comes. */
export async function wakeAllDrains(db: Db): Promise<void> {
  const rows = await db.selectFrom('destination_events').select(['connection_id', 'lane']).distinct().where('processed_at', 'is', null).execute();
  for (const r of rows) await enqueue(db, drainJob(r.connection_id, r.lane));
}
