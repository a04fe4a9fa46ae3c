/**
 * Postgres restarts under a running process (failover, maintenance, a crash): nothing may crash, and a delivery under
 * way when the database went away is finished once it is back, with exactly one conversation. Uses its own embedded
 * Postgres, since it stops it.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { serveEmulator } from '../connectors/kustomer/emulator/index.ts';
import { loadConfig } from '../config.ts';
import { createDb } from '../db/database.ts';
import { startEmbeddedPostgres } from '../db/embedded-postgres.ts';
import { migrate } from '../db/migrate.ts';
import { enqueueJob, withTransaction } from '../db/transaction.ts';
import { createLogger } from '../logger.ts';
import { workerDelivery } from '../../test/support/connected-request.ts';
import { waitFor } from '../../test/support/test-app.ts';
import { startWorker } from './run-worker.ts';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'bridgedesk-pg-restart-'));
fs.chmodSync(tmp, 0o755); // as root, Postgres runs as `postgres` and must reach its folder
const dataDir = path.join(tmp, 'postgres');
let server = await startEmbeddedPostgres({ dataDir });
const url = server.url;
const { db } = createDb(url, 5);
await migrate(db, url);
const emulator = await serveEmulator({ port: 0 });
const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const fn of cleanups.reverse()) await fn().catch(() => {});
  await db.destroy();
  await emulator.close();
  await server.stop();
  fs.rmSync(tmp, { recursive: true, force: true });
});

async function restartPostgres(downMs: number) {
  await server.stop({ mode: 'immediate' });
  await new Promise((r) => setTimeout(r, downMs));
  server = await startEmbeddedPostgres({ dataDir, port: server.port });
}

describe('Postgres restarting under a running process', () => {
  it('does not crash a process holding a connection when the server goes away, and the pool reconnects', async () => {
    await db.connection().execute(async (conn) => {
      await sql`select 1`.execute(conn);
      // The socket of this checked-out connection closes: an 'error' with no listener would crash the process.
      await server.stop({ mode: 'immediate' });
      await new Promise((r) => setTimeout(r, 500));
    });
    server = await startEmbeddedPostgres({ dataDir, port: server.port });
    const { rows } = await sql<{ one: number }>`select 1 as one`.execute(db);
    expect(rows[0]!.one).toBe(1);
  }, 60_000);

  it('does not take live workers for dead because nobody could beat while Postgres was down', async () => {
    const config = loadConfig({
      LOG_LEVEL: 'silent',
      DATABASE_URL: url,
      BRIDGEDESK_SECRET_KEY: randomBytes(32).toString('base64'),
      BRIDGEDESK_WORKER_STALE_SECONDS: '2',
    });
    const worker = await startWorker({ db, config, connectionString: url, log: createLogger('silent'), now: () => new Date() });
    cleanups.push(() => worker.stop());
    // Another process's worker, alive and on a long job when Postgres went away.
    await sql`insert into worker_heartbeats (worker_id, process_label, seen_at) values ('worker-elsewhere', 'elsewhere:1', now())`.execute(db);
    await withTransaction(db, (tx) => enqueueJob(tx, 'prune-expired', {}, { jobKey: 'held-elsewhere', runAt: new Date(Date.now() + 3_600_000) }));
    await sql`update graphile_worker._private_jobs set locked_by = 'worker-elsewhere', locked_at = now() where key = 'held-elsewhere'`.execute(db);
    await restartPostgres(3_000); // down longer than the stale time
    const lockedBy = async () =>
      (await sql<{ locked_by: string | null }>`select locked_by from graphile_worker._private_jobs where key = 'held-elsewhere'`.execute(db)).rows[0]
        ?.locked_by;
    expect(await worker.releaseStale()).not.toContain('worker-elsewhere');
    expect(await lockedBy()).toBe('worker-elsewhere');
    // Once Postgres has been up for the stale time, a worker that still has not beaten is dead after all.
    await waitFor(async () => (await worker.releaseStale()).includes('worker-elsewhere') || (await lockedBy()) === null || undefined, 20_000);
    expect(await lockedBy()).toBeNull();
    await sql`delete from graphile_worker._private_jobs where key = 'held-elsewhere'`.execute(db);
    await worker.stop();
  }, 60_000);

  it('keeps a worker running through the restart and finishes the delivery it was in, with one conversation', async () => {
    const { request, escalate, start } = await workerDelivery(db, url, emulator, { staleSeconds: 2, title: 'Restart test' });

    const worker = await start();
    cleanups.push(() => worker.stop());
    // Kustomer commits the conversation and holds its reply; Postgres goes away meanwhile, so the delivery can record
    // neither its result nor its failure until it is back.
    emulator.control.injectFault({ kind: 'slow', delayMs: 3_000, count: 1, method: 'POST', pathPrefix: '/v1/conversations' });
    const escalation = await escalate();
    await waitFor(async () => emulator.control.conversations('acme').some((c) => c.attributes.externalId === escalation.id) || undefined, 20_000);
    await restartPostgres(5_000);

    const linked = await waitFor(async () => {
      const r = await db
        .selectFrom('escalations')
        .select(['state', 'remote_id'])
        .where('id', '=', escalation.id)
        .executeTakeFirst()
        .catch(() => undefined);
      return r?.state === 'linked' ? r : undefined;
    }, 60_000);
    const conversations = emulator.control.conversations('acme').filter((c) => c.attributes.externalId === escalation.id);
    expect(conversations).toHaveLength(1);
    expect(linked.remote_id).toBe(conversations[0]!.id);
    const types = (await db.selectFrom('timeline_entries').select('type').where('request_id', '=', request.id).execute()).map((e) => e.type);
    expect(types.filter((t) => t === 'escalation.created')).toHaveLength(1);
    expect(types.filter((t) => t === 'escalation.linked')).toHaveLength(1);
  }, 90_000);
});
