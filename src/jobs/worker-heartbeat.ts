/**
 * Keeps a heartbeat per graphile-worker worker pool and releases the jobs of pools that stopped beating.
 * Without this, a worker killed with SIGKILL keeps its jobs locked for graphile-worker's 4-hour timeout.
 */
import type { WorkerEvents, WorkerUtils } from 'graphile-worker';
import { sql } from 'kysely';
import type { Db } from '../db/database.ts';

export function startHeartbeat(opts: {
  db: Db;
  /**
   * The runner's event emitter, given to graphile-worker's run(): listen before run() is called, since run()
   * creates its pool (and emits pool:create) before it resolves.
   */
  events: WorkerEvents;
  utils: WorkerUtils;
  label: string;
  /** A worker silent for this long is taken for dead and its jobs are released. */
  staleAfterMs: number;
  /**
   * A job one of this process's live pools has held locked this long without running it is lost to it, and released.
   * Longer than the local queue keeps a job before handing it back (its ttl), so a job waiting there is never taken.
   */
  lostAfterMs: number;
  onError: (err: unknown) => void;
  onLostJobs: (jobIds: string[]) => void;
}) {
  const { db, events, utils, label } = opts;
  const STALE_AFTER_MS = opts.staleAfterMs;
  const HEARTBEAT_EVERY_MS = Math.max(500, Math.min(10_000, Math.floor(STALE_AFTER_MS / 4)));
  // graphile-worker locks a job with the id of the worker pool (`locked_by`), not of the worker inside it: the pool
  // id is what a heartbeat must vouch for, and what forceUnlockWorkers releases.
  const workerIds = new Set<string>();
  events.on('pool:create', ({ workerPool }) => {
    workerIds.add(workerPool.id);
    beat().catch(opts.onError);
  });
  events.on('pool:release', ({ workerPool }) => {
    workerIds.delete(workerPool.id);
    void db.deleteFrom('worker_heartbeats').where('worker_id', '=', workerPool.id).execute().catch(opts.onError);
  });

  // The jobs this process's workers run, and for a while after they end (their completion is written a moment later).
  const running = new Map<string, number>();
  const COMPLETION_GRACE_MS = 60_000;
  events.on('job:start', ({ job }) => running.set(job.id, (running.get(job.id) ?? 0) + 1));
  events.on('job:complete', ({ job }) => {
    setTimeout(() => {
      const n = (running.get(job.id) ?? 1) - 1;
      if (n > 0) running.set(job.id, n);
      else running.delete(job.id);
    }, COMPLETION_GRACE_MS).unref();
  });

  /**
   * Jobs locked under a live pool of this process that none of its workers runs: the local queue's fetch locked them,
   * but its reply was lost (Postgres stopped at that moment), so the pool never knew of them. Its heartbeat vouches
   * for the pool, so nothing else would free them before graphile-worker's 4-hour lock timeout (seen in test:chaos).
   */
  async function releaseLost(): Promise<string[]> {
    if (workerIds.size === 0) return [];
    const ids = [...workerIds];
    const lostAfter = sql`make_interval(secs => ${opts.lostAfterMs / 1000})`;
    const { rows } = await sql<{ id: string }>`select id::text from graphile_worker._private_jobs
      where locked_by = any(${ids}::text[]) and locked_at < now() - ${lostAfter}`.execute(db);
    const lost = rows.map((r) => r.id).filter((id) => !running.has(id));
    if (!lost.length) return [];
    const freed = await sql<{ id: string }>`update graphile_worker._private_jobs set locked_by = null, locked_at = null
      where id = any(${lost}::bigint[]) and locked_by = any(${ids}::text[]) and locked_at < now() - ${lostAfter} returning id::text`.execute(db);
    return freed.rows.map((r) => r.id);
  }

  /** When a beat last failed (performance.now()); -Infinity when none has. */
  let lastFailedBeat = -Infinity;

  async function beat() {
    if (workerIds.size === 0) return;
    const ids = [...workerIds];
    await sql`insert into worker_heartbeats (worker_id, process_label, seen_at)
      select unnest(${ids}::text[]), ${label}, now()
      on conflict (worker_id) do update set seen_at = now()`
      .execute(db)
      .catch((err: unknown) => {
        lastFailedBeat = performance.now();
        throw err;
      });
  }

  async function releaseStale() {
    const staleTime = sql`make_interval(secs => ${STALE_AFTER_MS / 1000})`;
    // Nobody could beat while Postgres was down: until it has been up for the stale time, silence proves nothing.
    // (Releasing the job of a live worker loses work: graphile-worker deletes a completed job by id, and a reschedule
    // that went into the released row goes with it.)
    const judged = sql`now() - pg_postmaster_start_time() > ${staleTime}`;
    const stale = await sql<{ worker_id: string }>`delete from worker_heartbeats
      where seen_at < now() - ${staleTime} and ${judged} returning worker_id`.execute(db);
    // Jobs locked by a worker that never got to beat (killed within its first seconds) are found by lock age.
    const orphans = await sql<{ locked_by: string }>`select distinct locked_by from graphile_worker.jobs j
      where locked_by is not null and locked_at < now() - ${staleTime} and ${judged}
        and not exists (select 1 from worker_heartbeats h where h.worker_id = j.locked_by)`.execute(db);
    const ids = [...new Set([...stale.rows.map((r) => r.worker_id), ...orphans.rows.map((r) => r.locked_by)])];
    if (ids.length) await utils.forceUnlockWorkers(ids);
    return ids;
  }

  const timer = setInterval(() => {
    beat()
      .then(releaseStale)
      .then(releaseLost)
      .then((freed) => freed.length && opts.onLostJobs(freed))
      .catch(opts.onError);
  }, HEARTBEAT_EVERY_MS);
  timer.unref();
  return {
    releaseStale,
    releaseLost,
    /** Whether a beat failed since `since` (performance.now()): other workers may then have taken this one for dead. */
    missedBeatSince: (since: number) => lastFailedBeat >= since,
    async stop() {
      clearInterval(timer);
      if (workerIds.size)
        await db
          .deleteFrom('worker_heartbeats')
          .where('worker_id', 'in', [...workerIds])
          .execute()
          .catch(() => {});
    },
  };
}
