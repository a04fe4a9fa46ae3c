/** The one way to run work atomically, and to enqueue a job inside that same work. */
import { sql, type OperationNodeSource, type RawBuilder } from 'kysely';
import type { JobName, JobPayload } from '../core/jobs.ts';
import type { Db, Queryable, Tx } from './database.ts';

export function withTransaction<T>(db: Db, fn: (tx: Tx) => Promise<T>): Promise<T> {
  return db.transaction().execute(fn);
}

export interface EnqueueOptions {
  /** Deduplicates: a second job with the same key replaces the pending one instead of adding another. */
  jobKey?: string;
  /** With `jobKey`: `preserve_run_at` replaces the pending job's payload but keeps its run time (a debounce that a steady stream cannot postpone forever). */
  jobKeyMode?: 'replace' | 'preserve_run_at';
  queueName?: string;
  runAt?: Date;
  maxAttempts?: number;
  priority?: number;
}

/** A job to add, as an SQL expression: composed into a larger statement, it is added by the statement that writes its data. */
export function addJob<N extends JobName>(task: N, payload: JobPayload<N>, opts: EnqueueOptions = {}): RawBuilder<unknown> {
  return addJobWith(task, sql`${JSON.stringify(payload)}::json`, opts);
}

/** `addJob` with a payload the statement computes (a json expression). */
export function addJobWith(task: JobName, payload: RawBuilder<unknown>, opts: EnqueueOptions = {}): RawBuilder<unknown> {
  return sql`(graphile_worker.add_job(
    identifier => ${task}::text,
    payload => ${payload},
    queue_name => ${opts.queueName ?? null}::text,
    run_at => ${opts.runAt ?? null}::timestamptz,
    max_attempts => ${opts.maxAttempts ?? null}::int,
    job_key => ${opts.jobKey ?? null}::text,
    priority => ${opts.priority ?? null}::int${
      opts.jobKeyMode
        ? sql`,
    job_key_mode => ${opts.jobKeyMode}::text`
        : sql``
    }
  )).id`;
}

/**
 * Adds a graphile-worker job on the caller's connection, so the job exists exactly when the data it works on
 * does: enqueue inside the transaction that writes that data.
 */
export async function enqueueJob<N extends JobName>(q: Queryable, task: N, payload: JobPayload<N>, opts: EnqueueOptions = {}): Promise<void> {
  await enqueue(q, addJob(task, payload, opts));
}

/** Adds a job built by `addJob` (or a helper that names its task and options). */
export async function enqueue(q: Queryable, job: RawBuilder<unknown>): Promise<void> {
  await sql`select ${job}`.execute(q);
}

/**
 * Runs data-modifying queries (as named CTEs) and adds jobs in one statement: atomic without a transaction, and one
 * round trip instead of BEGIN, a statement each and COMMIT. The jobs may read the CTEs (say, the ids they inserted);
 * the queries all see the database as it was before the statement, not each other's changes. A null write is skipped.
 */
export async function writeTogether(q: Queryable, writes: Record<string, OperationNodeSource | null>, jobs: (RawBuilder<unknown> | null)[]): Promise<void> {
  const ctes = sql.join(Object.entries(writes).flatMap(([name, query]) => (query ? [sql`${sql.id(name)} as (${query})`] : [])));
  const added = jobs.filter((j) => j !== null);
  await sql`with ${ctes} select ${added.length ? sql.join(added) : sql`1`}`.execute(q);
}
