/**
 * The worker side of `npm run bench:workflows`, in its own process as `bridgedesk worker` runs it, so the load
 * generator and the Kustomer emulator (in the benchmark process) do not share its event loop or its CPU time.
 *
 *   BENCH_WORKER_MODE=workflows  the product's worker: startWorker (src/jobs/run-worker.ts), all of Bridgedesk's tasks
 *   BENCH_WORKER_MODE=noop       a bare graphile-worker runner whose only task does nothing (bench/noop-jobs.ts)
 *
 * Both use the same concurrency, poll interval and graphile-worker defaults. Started by bench/workflows.bench.ts with
 * an IPC channel: reports { ready, pid } once running; answers 'stats' with per-task job figures and its CPU time,
 * 'reset' by zeroing the figures; exits when told to stop or when the parent goes away.
 */
import { run, type Runner } from 'graphile-worker';
import { loadConfig } from '../src/config.ts';
import { createDb } from '../src/db/database.ts';
import { silentLogger } from '../src/db/migrate.ts';
import { startWorker } from '../src/jobs/run-worker.ts';
import { createLogger } from '../src/logger.ts';
import { trackJobs, type JobStats } from './job-stats.ts';
import { noopTaskList } from './noop-jobs.ts';

export interface WorkerProcessStats extends JobStats {
  /** process.cpuUsage(), microseconds */
  cpu: { user: number; system: number };
  rssBytes: number;
}

const url = process.env.BENCH_DATABASE_URL;
const dataDir = process.env.BENCH_DATA_DIR;
const mode = process.env.BENCH_WORKER_MODE;
if (!url || !dataDir || (mode !== 'noop' && mode !== 'workflows') || !process.send) {
  process.stderr.write('bench/worker-process.ts is started by bench/workflows.bench.ts\n');
  process.exit(2);
}

const config = loadConfig({
  LOG_LEVEL: 'silent',
  BRIDGEDESK_DATA_DIR: dataDir,
  BRIDGEDESK_PUBLIC_URL: 'https://desk.bench.example',
  KUSTOMER_BASE_URL: process.env.BENCH_KUSTOMER_URL,
  KUSTOMER_WEB_URL: process.env.BENCH_KUSTOMER_URL,
  WORKER_CONCURRENCY: process.env.BENCH_WORKER_CONCURRENCY,
  DATABASE_POOL_SIZE: process.env.BENCH_POOL_SIZE,
});
const pollIntervalMs = Number(process.env.BENCH_POLL_MS ?? 1000);

let stopWorker: () => Promise<void>;
let events: Runner['events'];
if (mode === 'workflows') {
  const { db } = createDb(url, config.poolSize);
  const worker = await startWorker({ db, config, connectionString: url, log: createLogger('silent'), now: () => new Date(), pollIntervalMs });
  events = worker.runner.events;
  stopWorker = async () => {
    await worker.stop().catch(() => {});
    await db.destroy();
  };
} else {
  const runner = await run({
    connectionString: url,
    concurrency: config.workerConcurrency,
    noHandleSignals: true,
    pollInterval: pollIntervalMs,
    logger: silentLogger,
    taskList: noopTaskList(),
  });
  events = runner.events;
  stopWorker = () => runner.stop().catch(() => {});
}
const jobs = trackJobs(events);

const stats = (): WorkerProcessStats => ({ ...jobs.stats(), cpu: process.cpuUsage(), rssBytes: process.memoryUsage.rss() });

let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  await stopWorker();
  process.exit(0);
};
process.on('message', (m) => {
  if (m === 'stop') void stop();
  else if (m === 'stats') process.send!({ stats: stats() });
  else if (m === 'reset') {
    jobs.reset();
    process.send!({ reset: true });
  }
});
process.on('disconnect', () => void stop());
process.on('SIGTERM', () => void stop());
process.on('SIGINT', () => {}); // the parent handles Ctrl-C and stops us
process.send({ ready: true, pid: process.pid });
