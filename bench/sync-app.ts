/**
 * The app side of `npm run bench:sync`: the real Bridgedesk server and graphile-worker in one process, as
 * `bridgedesk start` runs them (one database pool for both), so the load generator, the Kustomer emulator and
 * Postgres run elsewhere and the process's CPU time is the app's alone.
 * Started by bench/sync.bench.ts with an IPC channel; reports { port, pid } once listening; answers 'stats' with its
 * CPU time, memory and per-task job figures, and 'start-worker' (when started with BENCH_DEFER_WORKER=1) with
 * { workerStarted }; exits when told to stop or when the parent goes away.
 */
import pino from 'pino';
import { listen } from '../src/cli/serve.ts';
import { loadConfig } from '../src/config.ts';
import { createDb } from '../src/db/database.ts';
import { startWorker } from '../src/jobs/run-worker.ts';
import { createLogger } from '../src/logger.ts';
import { createApp } from '../src/server/app.ts';
import { benchAppDeps } from './app-deps.ts';

export interface SyncTaskStats {
  completed: number;
  errors: number;
  /** sum of the time the task function ran, ms */
  runMs: number;
  /** sum of the time from the job's run_at to its start, ms */
  waitMs: number;
}

export interface SyncAppStats {
  /** process.cpuUsage(), microseconds */
  cpu: { user: number; system: number };
  maxRssBytes: number;
  tasks: Record<string, SyncTaskStats>;
  /** performance.timeOrigin + performance.now() of the last job completion (epoch ms) */
  lastCompleteAt: number | null;
}

const url = process.env.BENCH_DATABASE_URL;
const dataDir = process.env.BENCH_DATA_DIR;
const kustomerUrl = process.env.BENCH_KUSTOMER_URL;
if (!url || !dataDir || !kustomerUrl || !process.send) {
  process.stderr.write('bench/sync-app.ts is started by bench/sync.bench.ts\n');
  process.exit(2);
}

const config = loadConfig({
  LOG_LEVEL: 'silent',
  BRIDGEDESK_DATA_DIR: dataDir,
  BRIDGEDESK_PUBLIC_URL: 'https://desk.bench.example',
  KUSTOMER_BASE_URL: kustomerUrl,
  KUSTOMER_WEB_URL: kustomerUrl,
  WORKER_CONCURRENCY: process.env.BENCH_WORKER_CONCURRENCY,
  DATABASE_POOL_SIZE: process.env.BENCH_POOL_SIZE,
});
const { db } = createDb(url, config.poolSize);
const app = createApp(benchAppDeps(db, config));
const server = await listen(app, 0, '127.0.0.1');

const epochMs = () => performance.timeOrigin + performance.now();
const tasks: Record<string, SyncTaskStats> = {};
let lastCompleteAt: number | null = null;
const started = new Map<string, number>();

const runWorker = async () => {
  const w = await startWorker({
    db,
    config,
    connectionString: url,
    // Job failures (graphile-worker logs them as errors) go to stderr: a benchmark must not hide them.
    log: createLogger(process.env.BENCH_APP_LOG ?? 'error', pino.destination(2)),
    now: () => new Date(),
    pollIntervalMs: Number(process.env.BENCH_POLL_MS ?? 1000),
  });
  w.runner.events.on('job:start', ({ job }) => {
    const at = epochMs();
    started.set(job.id, at);
    const s = (tasks[job.task_identifier] ??= { completed: 0, errors: 0, runMs: 0, waitMs: 0 });
    s.waitMs += Math.max(0, at - new Date(job.run_at).getTime());
  });
  w.runner.events.on('job:complete', ({ job, error }) => {
    const at = epochMs();
    lastCompleteAt = at;
    const s = (tasks[job.task_identifier] ??= { completed: 0, errors: 0, runMs: 0, waitMs: 0 });
    const t0 = started.get(job.id);
    started.delete(job.id);
    if (t0 !== undefined) s.runMs += at - t0;
    if (error) s.errors += 1;
    else s.completed += 1;
  });
  return w;
};
// BENCH_DEFER_WORKER=1: only the server at first; the worker starts on 'start-worker' (a backlog posted before).
let worker: Awaited<ReturnType<typeof startWorker>> | null = process.env.BENCH_DEFER_WORKER === '1' ? null : await runWorker();

const stats = (): SyncAppStats => ({
  cpu: process.cpuUsage(),
  maxRssBytes: process.resourceUsage().maxRSS * 1024,
  tasks: structuredClone(tasks),
  lastCompleteAt,
});

let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  await worker?.stop().catch(() => {});
  await server.close();
  await db.destroy();
  process.exit(0);
};
process.on('message', (m) => {
  if (m === 'stop') void stop();
  else if (m === 'stats') process.send!({ stats: stats() });
  else if (m === 'start-worker' && !worker) {
    void runWorker().then((w) => {
      worker = w;
      process.send!({ workerStarted: epochMs() });
    });
  }
});
process.on('disconnect', () => void stop());
process.on('SIGTERM', () => void stop());
process.on('SIGINT', () => {}); // the parent handles Ctrl-C and stops us
process.send({ port: server.port, pid: process.pid });
