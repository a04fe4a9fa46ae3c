/**
 * The floor of any engine built on graphile-worker: jobs that do nothing, run by a bare graphile-worker runner with
 * the same concurrency and poll interval as the product's worker. They are enqueued in bulk (add_jobs, 500 per
 * statement) so that the enqueueing is never what limits the rate: the figure is how fast graphile-worker itself
 * gets through a backlog on this machine and this database.
 */
import { sql } from 'kysely';
import type { TaskList } from 'graphile-worker';
import type { Db } from '../src/db/database.ts';

export const NOOP_TASK = 'bench-noop';
const BATCH = 500;

export const noopTaskList = (): TaskList => ({ [NOOP_TASK]: async () => {} });

/** Enqueues `count` no-op jobs, BATCH per statement (each batch is visible to the workers as soon as it commits). */
export async function enqueueNoopJobs(db: Db, count: number): Promise<void> {
  for (let done = 0; done < count; done += BATCH) {
    const n = Math.min(BATCH, count - done);
    await sql`select count(*) from graphile_worker.add_jobs(array(
      select row(${NOOP_TASK}::text, '{}'::json, null, null, null, null, null, null)::graphile_worker.job_spec from generate_series(1, ${n}::int)
    ))`.execute(db);
  }
}
