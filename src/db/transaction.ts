/** The one way to run work atomically, and to enqueue a job inside that same work. */
import { sql } from 'kysely';
import type { Db, Queryable, Tx } from './database.ts';

export function withTransaction<T>(db: Db, fn: (tx: Tx) => Promise<T>): Promise<T> {
  return db.transaction().execute(fn);
}

export interface EnqueueOptions {
  /** Deduplicates: a second job with the same key replaces the pending one instead of adding another. */
  jobKey?: string;
  queueName?: string;
  runAt?: Date;
  maxAttempts?: number;
  priority?: number;
}

/**
 * Adds a graphile-worker job on the caller's connection, so the job exists exactly when the data it works on
 * does: enqueue inside the transaction that writes that data.
 */
export async function enqueueJob(q: Queryable, task: string, payload: unknown, opts: EnqueueOptions = {}): Promise<void> {
  await sql`select graphile_worker.add_job(
    identifier => ${task}::text,
    payload => ${JSON.stringify(payload)}::json,
    queue_name => ${opts.queueName ?? null}::text,
    run_at => ${opts.runAt ?? null}::timestamptz,
    max_attempts => ${opts.maxAttempts ?? null}::int,
    job_key => ${opts.jobKey ?? null}::text,
    priority => ${opts.priority ?? null}::int
  )`.execute(q);
}
