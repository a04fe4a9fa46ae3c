/**
 * Wakes the drains of a connection's stored events (drain-events.ts): a graphile-worker job per connection and lane,
 * under a job key, so that a burst of deliveries runs one drain of a lane, not one job per delivery.
 *
 * The protocol, and why nothing is missed:
 * - A running drain keeps its key until it has drained everything; then it gives the key up (`releaseDrainKey`) and
 *   drains once more before it ends.
 * - A wake-up adds the job only when no job with the key is running or due to run (`wakeNow`, read-only otherwise:
 *   no write, no NOTIFY). It runs after the event it is for was committed: so either it finds a drain that still
 *   holds the key, whose last pass, after it gave the key up, reads the event; or it adds a job that reads it.
 * - A webhook delivery does not add the job in its own statement (every delivery would write the same job row, one
 *   after the other, and a check made before its commit could miss the last pass of a drain). Once its event is
 *   committed it asks this process's waker, which runs at most one wake-up statement per lane at a time: deliveries
 *   arriving meanwhile share the next one, which starts after their commits. The delivery is answered once its
 *   wake-up is done, so a 202 means the event is stored AND a drain will read it; should the process die before, the
 *   sender retries, and the repeat wakes the drain again. A cron sweep wakes any lane left with events all the same.
 * - No named queue: a job waiting behind a running one in a graphile-worker queue is only fetched at the next poll
 *   (a second later), not when the other ends. Two drains of a lane overlap only briefly (one's last pass, the
 *   next's start) and take disjoint events (FOR UPDATE SKIP LOCKED).
 */
import { sql } from 'kysely';
import type { DestinationEvent } from '../../core/destination.ts';
import type { Db } from '../../db/database.ts';
import { addJob } from '../../db/transaction.ts';

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

const keyPrefix = (connectionId: string) => `sync-drain:${connectionId}:`;
const drainKey = (connectionId: string, lane: number) => `${keyPrefix(connectionId)}${lane}`;

/** The drain job of a connection's lane, as an SQL expression to add within a statement or transaction. */
export const drainJob = (connectionId: string, lane: number) => addJob('drain-sync-events', { connectionId, lane }, { jobKey: drainKey(connectionId, lane) });

/** The drain job of a lane at a later time, unless one runs sooner (a retry's). */
export const drainJobAt = (connectionId: string, lane: number, at: Date) =>
  sql`select graphile_worker.add_job('drain-sync-events', ${JSON.stringify({ connectionId, lane })}::json,
        run_at => ${at}::timestamptz, job_key => ${drainKey(connectionId, lane)}, job_key_mode => 'preserve_run_at')`;

/**
 * A drain gives up its key: a wake-up from now on adds a job. (graphile-worker's remove_job: a running job keeps
 * running without its key, and is not retried should it fail, which loses nothing: each event retries on its own
 * and the sweep wakes a lane left with events; a job added meanwhile is deleted, as the caller's last pass covers
 * every event committed before it was added.)
 */
export const releaseDrainKey = (db: Db, connectionId: string, lane: number) =>
  sql`select graphile_worker.remove_job(${drainKey(connectionId, lane)})`.execute(db);

/** Adds the lanes' drain jobs, each unless one holding its key is running or due now (a retry's, later, is brought forward). */
async function wakeNow(db: Db, connectionId: string, lanes: readonly number[]): Promise<void> {
  const key = sql`${keyPrefix(connectionId)} || l`;
  await sql`select (graphile_worker.add_job('drain-sync-events', json_build_object('connectionId', ${connectionId}::text, 'lane', l), job_key => ${key})).id
              from unnest(${[...lanes]}::int[]) l
             where not exists (select 1 from graphile_worker._private_jobs
                                where key = ${key} and (locked_at is not null or (run_at <= now() and attempts < max_attempts)))`.execute(db);
}

interface Waker {
  inFlight: Promise<void> | null;
  /** The wake-up to run once the one in flight is done, and the lanes it is for. */
  next: { lanes: Set<number>; done: Promise<void> } | null;
}
const wakers = new WeakMap<Db, Map<string, Waker>>();

/** Resolves once a wake-up of the lane that started after this call has finished (one statement for all lanes asked meanwhile). */
export function wakeDrain(db: Db, connectionId: string, lane: number): Promise<void> {
  let byConnection = wakers.get(db);
  if (!byConnection) wakers.set(db, (byConnection = new Map()));
  let w = byConnection.get(connectionId);
  if (!w) byConnection.set(connectionId, (w = { inFlight: null, next: null }));
  const waker = w;
  const start = (lanes: readonly number[]): Promise<void> => {
    const run = wakeNow(db, connectionId, lanes).finally(() => {
      if (waker.inFlight === run) waker.inFlight = null;
    });
    waker.inFlight = run;
    return run;
  };
  if (!waker.inFlight) return start([lane]);
  // One is in flight and may have started before the caller's event was committed: the caller needs the next one.
  if (!waker.next) {
    const lanes = new Set<number>();
    const done = waker.inFlight
      .catch(() => {})
      .then(() => {
        waker.next = null;
        return start([...lanes]);
      });
    waker.next = { lanes, done };
  }
  waker.next.lanes.add(lane);
  return waker.next.done;
}

/** Wakes every drain with events left (at worker start, and by cron): nothing waits for a delivery that never comes. */
export async function wakeAllDrains(db: Db): Promise<void> {
  const rows = await db.selectFrom('destination_events').select(['connection_id', 'lane']).distinct().where('processed_at', 'is', null).execute();
  for (const id of new Set(rows.map((r) => r.connection_id)))
    await wakeNow(
      db,
      id,
      rows.filter((r) => r.connection_id === id).map((r) => r.lane),
    );
}
