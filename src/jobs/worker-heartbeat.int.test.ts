import os from 'node:os';
import type { Task } from 'graphile-worker';
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { createLogger } from '../logger.ts';
import { loadConfig } from '../config.ts';
import { enqueueJob, withTransaction } from '../db/transaction.ts';
import { createTestDatabase } from '../../test/support/test-database.ts';
import { fenced, startWorker } from './run-worker.ts';

const database = await createTestDatabase();
afterAll(() => database.drop());

const startTestWorker = (concurrency: number) =>
  startWorker({
    db: database.db,
    config: loadConfig({ LOG_LEVEL: 'silent', WORKER_CONCURRENCY: String(concurrency), BRIDGEDESK_WORKER_STALE_SECONDS: '1' }),
    connectionString: database.url,
    log: createLogger('silent'),
    now: () => new Date(),
  });

const jobCount = async (key: string) =>
  (await sql<{ n: number }>`select count(*)::int as n from graphile_worker.jobs where key = ${key}`.execute(database.db)).rows[0]!.n;

/** Waits until the job is gone: run and completed. */
async function untilDone(key: string) {
  while ((await jobCount(key)) > 0) await new Promise((r) => setTimeout(r, 100));
}

describe('worker heartbeat', () => {
  it('releases jobs locked by a worker that died without unlocking them', async () => {
    const { db } = database;
    // A job locked 10 minutes ago by a worker that no longer beats, as SIGKILL leaves it.
    await withTransaction(db, (tx) => enqueueJob(tx, 'prune-expired', {}, { jobKey: 'orphan' }));
    await sql`update graphile_worker._private_jobs set locked_by = 'worker-dead', locked_at = now() - interval '10 minutes' where key = 'orphan'`.execute(db);
    const worker = await startTestWorker(1);
    try {
      expect(await worker.releaseStale()).toContain('worker-dead');
      // Once released, the live worker picks the job up and completes it.
      await untilDone('orphan');
    } finally {
      await worker.stop();
    }
  });

  it('beats for the pool that locks its jobs, from the start, so a long job of a live worker is not released as an orphan', async () => {
    const { db } = database;
    const worker = await startTestWorker(2);
    try {
      // The id graphile-worker locks this process's jobs with.
      const lockedBy = new Promise<string>((resolve) => worker.runner.events.on('job:start', ({ job }) => resolve(job.locked_by!)));
      await withTransaction(db, (tx) => enqueueJob(tx, 'prune-expired', {}, { jobKey: 'probe' }));
      const mine = await lockedBy;
      const label = `${os.hostname()}:${process.pid}`;
      let beats: { worker_id: string }[] = [];
      for (let i = 0; i < 50 && !beats.some((b) => b.worker_id === mine); i++) {
        await new Promise((r) => setTimeout(r, 100));
        beats = await db.selectFrom('worker_heartbeats').select('worker_id').where('process_label', '=', label).execute();
      }
      expect(beats.map((b) => b.worker_id)).toContain(mine);
      // A job this live process has held for 3 minutes (a slow call, or its local queue): it is busy, not dead.
      await withTransaction(db, (tx) => enqueueJob(tx, 'prune-expired', {}, { jobKey: 'long-running', runAt: new Date(Date.now() + 3_600_000) }));
      await sql`update graphile_worker._private_jobs set locked_by = ${mine}, locked_at = now() - interval '3 minutes' where key = 'long-running'`.execute(db);
      await new Promise((r) => setTimeout(r, 1_500)); // longer than the stale time: only beating keeps it
      expect(await worker.releaseStale()).not.toContain(mine);
      const job = await sql<{ locked_by: string | null }>`select locked_by from graphile_worker.jobs where key = 'long-running'`.execute(db);
      expect(job.rows[0]?.locked_by).toBe(mine);
      await sql`delete from graphile_worker._private_jobs where key = 'long-running'`.execute(db);
    } finally {
      await worker.stop();
    }
  });

  it('releases a job its own live pool locked but never ran (a fetch whose reply was lost), and then runs it', async () => {
    const { db } = database;
    const worker = await startTestWorker(2);
    try {
      const lockedBy = new Promise<string>((resolve) => worker.runner.events.on('job:start', ({ job }) => resolve(job.locked_by!)));
      await withTransaction(db, (tx) => enqueueJob(tx, 'prune-expired', {}, { jobKey: 'probe-2' }));
      const mine = await lockedBy;
      // Locked under this live pool 10 minutes ago, longer than its local queue keeps a job, and run by none of its workers.
      await withTransaction(db, (tx) => enqueueJob(tx, 'prune-expired', {}, { jobKey: 'lost-fetch', runAt: new Date(Date.now() + 3_600_000) }));
      await sql`update graphile_worker._private_jobs set locked_by = ${mine}, locked_at = now() - interval '10 minutes', run_at = now() where key = 'lost-fetch'`.execute(
        db,
      );
      expect(await worker.releaseStale()).not.toContain(mine);
      expect(await worker.releaseLost()).toHaveLength(1);
      // Free again, the pool picks it up and completes it.
      await untilDone('lost-fetch');
    } finally {
      await worker.stop();
    }
  });

  it('fails rather than completes a job it lost while cut off from the database, so the row (and any reschedule in it) survives', async () => {
    const { db } = database;
    await withTransaction(db, (tx) => enqueueJob(tx, 'prune-expired', {}, { jobKey: 'taken-over' }));
    await sql`update graphile_worker._private_jobs set locked_by = 'pool-a', locked_at = now() where key = 'taken-over'`.execute(db);
    const { rows } = await sql<{ id: string }>`select id from graphile_worker._private_jobs where key = 'taken-over'`.execute(db);
    const helpers = { job: { id: rows[0]!.id, locked_by: 'pool-a' } } as unknown as Parameters<Task>[1];
    // While pool-a could not beat, another worker released the job and took it.
    const takenOver = async () => {
      await sql`update graphile_worker._private_jobs set locked_by = 'pool-b' where key = 'taken-over'`.execute(db);
    };
    const run = (missedBeat: boolean, task: Task) => fenced({ t: task }, () => missedBeat, db).t!({}, helpers);
    await expect(run(true, takenOver)).rejects.toThrow(/lost the job/);
    await sql`update graphile_worker._private_jobs set locked_by = 'pool-a' where key = 'taken-over'`.execute(db);
    await expect(run(true, async () => {})).resolves.toBeUndefined(); // still ours: completes
    await expect(run(false, takenOver)).resolves.toBeUndefined(); // beats never failed: nobody could have taken it
    await sql`delete from graphile_worker._private_jobs where key = 'taken-over'`.execute(db);
  });

  it('enqueues a job only when the transaction that wrote its data commits', async () => {
    const { db } = database;
    await expect(
      withTransaction(db, async (tx) => {
        await enqueueJob(tx, 'prune-expired', {}, { jobKey: 'rolled-back' });
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(await jobCount('rolled-back')).toBe(0);
  });
});
