/**
 * Wakes the drain of a connection's stored events (drain-events.ts): one graphile-worker job per connection, keyed
 * so that a burst of deliveries queues one run, in its own named queue so two runs never overlap.
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
import type { Db } from '../../db/database.ts';
import { addJob, enqueue } from '../../db/transaction.ts';

const drainKey = (connectionId: string) => `sync-drain:${connectionId}`;

/** The drain job of a connection, as an SQL expression to add within a statement or transaction. */
export const drainJob = (connectionId: string) =>
  addJob('drain-sync-events', { connectionId }, { jobKey: drainKey(connectionId), queueName: drainKey(connectionId) });

/** Adds the drain job unless one is waiting to run now (read-only then: no write, no NOTIFY). */
async function wakeNow(db: Db, connectionId: string): Promise<void> {
  const key = drainKey(connectionId);
  await sql`select ${drainJob(connectionId)}
             where not exists (select 1 from graphile_worker._private_jobs where key = ${key} and is_available and run_at <= now())`.execute(db);
}

interface Waker {
  inFlight: Promise<void> | null;
  next: Promise<void> | null;
}
const wakers = new WeakMap<Db, Map<string, Waker>>();

/** Resolves once a wake-up that started after this call has finished. */
export function wakeDrain(db: Db, connectionId: string): Promise<void> {
  let byConnection = wakers.get(db);
  if (!byConnection) wakers.set(db, (byConnection = new Map()));
  let w = byConnection.get(connectionId);
  if (!w) byConnection.set(connectionId, (w = { inFlight: null, next: null }));
  const waker = w;
  const start = (): Promise<void> => {
    const run = wakeNow(db, connectionId).finally(() => {
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

/** Wakes the drain of every connection with events left to apply (at worker start, and by cron): nothing waits for a delivery that never comes. */
export async function wakeAllDrains(db: Db): Promise<void> {
  const rows = await db.selectFrom('destination_events').select('connection_id').distinct().where('processed_at', 'is', null).execute();
  for (const r of rows) await enqueue(db, drainJob(r.connection_id));
}
