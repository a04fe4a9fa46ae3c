/**
 * The app side of `bench:api`, `bench:escalation` and `bench:sync`: the real Bridgedesk server on 127.0.0.1 and, as
 * `bridgedesk start` runs them, graphile-worker in the same process (one database pool for both), so the load
 * generator, the Kustomer emulator and Postgres run elsewhere and this process's CPU time and memory are the app's.
 * Started through bench/child-process.ts; reports { port, pid, rss } once listening; answers 'stats' with its CPU
 * time, memory and (BENCH_TRACK_JOBS=1) per-task job figures, and 'start-worker' (BENCH_WORKER=deferred) with the
 * epoch ms its worker runs from.
 *
 *   BENCH_WORKER  on (default) | off (the server only: bench:api) | deferred (started on 'start-worker': a backlog)
 *   BENCH_APP_ENV more configuration, as a JSON object of environment variables
 */
import pino from 'pino';
import { listen } from '../src/cli/serve.ts';
import { loadConfig } from '../src/config.ts';
import { createDb } from '../src/db/database.ts';
import { startWorker } from '../src/jobs/run-worker.ts';
import { createLogger } from '../src/logger.ts';
import { createApp } from '../src/server/app.ts';
import { benchAppDeps } from './app-deps.ts';
import { childEnv, serveParent } from './child-process.ts';
import { epochMs, trackJobs, type JobStats } from './job-stats.ts';

export interface AppStats extends JobStats {
  /** process.cpuUsage(), microseconds */
  cpu: { user: number; system: number };
  rssBytes: number;
  /** peak resident set size over the process's life (process.resourceUsage().maxRSS) */
  maxRssBytes: number;
}

export interface AppReady {
  port: number;
  pid: number;
  /** RSS once listening, before any load */
  rss: number;
}

const env = childEnv('app-process.ts', ['BENCH_DATABASE_URL', 'BENCH_DATA_DIR']);
const config = loadConfig({
  LOG_LEVEL: 'silent',
  BRIDGEDESK_DATA_DIR: env.BENCH_DATA_DIR,
  BRIDGEDESK_PUBLIC_URL: 'https://desk.bench.example',
  KUSTOMER_BASE_URL: process.env.BENCH_KUSTOMER_URL,
  KUSTOMER_WEB_URL: process.env.BENCH_KUSTOMER_URL,
  KUSTOMER_RATE_WINDOW_MS: process.env.BENCH_KUSTOMER_RATE_WINDOW_MS,
  WORKER_CONCURRENCY: process.env.BENCH_WORKER_CONCURRENCY,
  DATABASE_POOL_SIZE: process.env.BENCH_POOL_SIZE,
  // Any other setting a benchmark needs (bench:attachments: its limits), as JSON.
  ...(JSON.parse(process.env.BENCH_APP_ENV ?? '{}') as Record<string, string>),
});
const { db } = createDb(env.BENCH_DATABASE_URL, config.poolSize);
const app = createApp(benchAppDeps(db, config));
const server = await listen(app, 0, '127.0.0.1');

const noJobs = { stats: (): JobStats => ({ tasks: {}, firstStartAt: null, lastCompleteAt: null }) };
let jobs = noJobs;
const runWorker = async () => {
  const w = await startWorker({
    db,
    config,
    connectionString: env.BENCH_DATABASE_URL,
    // Job failures (graphile-worker logs them as errors) go to stderr: a benchmark must not hide them.
    log: createLogger(process.env.BENCH_APP_LOG ?? 'error', pino.destination(2)),
    now: () => new Date(),
    pollIntervalMs: Number(process.env.BENCH_POLL_MS ?? 1000),
  });
  // Instrumentation only where it is reported: a few object updates per job.
  if (process.env.BENCH_TRACK_JOBS === '1') jobs = trackJobs(w.runner.events);
  return w;
};
const mode = process.env.BENCH_WORKER ?? 'on';
let worker: Awaited<ReturnType<typeof startWorker>> | null = mode === 'on' ? await runWorker() : null;

serveParent({
  ready: { port: server.port, pid: process.pid, rss: process.memoryUsage.rss() } satisfies AppReady,
  answers: {
    stats: {
      field: 'stats',
      answer: (): AppStats => ({
        ...jobs.stats(),
        cpu: process.cpuUsage(),
        rssBytes: process.memoryUsage.rss(),
        maxRssBytes: process.resourceUsage().maxRSS * 1024,
      }),
    },
    'start-worker': {
      field: 'workerStarted',
      answer: async () => {
        if (worker || mode !== 'deferred') return undefined;
        worker = await runWorker();
        return epochMs();
      },
    },
  },
  async stop() {
    await worker?.stop().catch(() => {});
    await server.close();
    await db.destroy();
  },
});
