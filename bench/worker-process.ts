/**
 * The worker side of `npm run bench:workflows`, in its own process as `bridgedesk worker` runs it, so the load
 * generator and the Kustomer emulator (in the benchmark process) do not share its event loop or its CPU time.
 *
 *   BENCH_WORKER_MODE=workflows  the product's worker: startWorker (src/jobs/run-worker.ts), all of Bridgedesk's tasks
 *   BENCH_WORKER_MODE=noop       a bare graphile-worker runner whose only task does nothing (bench/noop-jobs.ts)
 *
 * Both use the same concurrency, poll interval and graphile-worker defaults. Started by bench/workflows.bench.ts through
 * bench/child-process.ts: reports { ready, pid } once running; answers 'stats' with per-task job figures and its CPU
 * time, 'reset' by zeroing the figures.
 */
import { run, type Runner } from 'graphile-worker';
import { loadConfig } from '../src/config.ts';
import { createDb } from '../src/db/database.ts';
import { silentLogger } from '../src/db/migrate.ts';
import { startWorker } from '../src/jobs/run-worker.ts';
import { createLogger } from '../src/logger.ts';
import { childEnv, serveParent } from './child-process.ts';
import { trackJobs, type JobStats } from './job-stats.ts';
import { noopTaskList } from './noop-jobs.ts';

export interface WorkerProcessStats extends JobStats {
  /** process.cpuUsage(), microseconds */
  cpu: { user: number; system: number };
  rssBytes: number;
}

const {
  BENCH_DATABASE_URL: url,
  BENCH_DATA_DIR: dataDir,
  BENCH_WORKER_MODE: mode,
} = childEnv('worker-process.ts', ['BENCH_DATABASE_URL', 'BENCH_DATA_DIR', 'BENCH_WORKER_MODE']);
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

serveParent({
  ready: { ready: true, pid: process.pid },
  answers: {
    stats: { field: 'stats', answer: (): WorkerProcessStats => ({ ...jobs.stats(), cpu: process.cpuUsage(), rssBytes: process.memoryUsage.rss() }) },
    reset: { field: 'reset', answer: () => (jobs.reset(), true) },
  },
  stop: stopWorker,
});
