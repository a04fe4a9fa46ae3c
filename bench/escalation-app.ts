/**
 * The app side of `npm run bench:escalation`: the real Bridgedesk server (API) and graphile-worker (deliveries) in
 * one process, as `bridgedesk start` runs them, so its CPU time and memory are the app's alone (the load generator,
 * the Kustomer emulator and Postgres run elsewhere).
 * Started by bench/escalation.bench.ts with an IPC channel; reports { port, pid, rss } once listening; answers 'stats'
 * with its CPU time and memory, and 'start-worker' (when started with BENCH_DEFER_WORKER=1) with { workerStarted };
 * exits when told to stop or when the parent goes away.
 */
import pino from 'pino';
import { listen } from '../src/cli/serve.ts';
import { loadConfig } from '../src/config.ts';
import { createDb } from '../src/db/database.ts';
import { startWorker } from '../src/jobs/run-worker.ts';
import { createLogger } from '../src/logger.ts';
import { createApp } from '../src/server/app.ts';
import { benchAppDeps } from './app-deps.ts';

export interface AppStats {
  /** process.cpuUsage(), microseconds */
  cpu: { user: number; system: number };
  rssBytes: number;
  /** peak resident set size over the process's life (process.resourceUsage().maxRSS) */
  maxRssBytes: number;
}

const url = process.env.BENCH_DATABASE_URL;
const dataDir = process.env.BENCH_DATA_DIR;
const kustomerUrl = process.env.BENCH_KUSTOMER_URL;
if (!url || !dataDir || !kustomerUrl || !process.send) {
  process.stderr.write('bench/escalation-app.ts is started by bench/escalation.bench.ts\n');
  process.exit(2);
}

const config = loadConfig({
  LOG_LEVEL: 'silent',
  BRIDGEDESK_DATA_DIR: dataDir,
  BRIDGEDESK_PUBLIC_URL: 'https://desk.bench.example',
  KUSTOMER_BASE_URL: kustomerUrl,
  KUSTOMER_WEB_URL: kustomerUrl,
  KUSTOMER_RATE_WINDOW_MS: process.env.BENCH_KUSTOMER_RATE_WINDOW_MS,
  WORKER_CONCURRENCY: process.env.BENCH_WORKER_CONCURRENCY,
  DATABASE_POOL_SIZE: process.env.BENCH_POOL_SIZE,
});
const { db } = createDb(url, config.poolSize);
const app = createApp(benchAppDeps(db, config));
const server = await listen(app, 0, '127.0.0.1');
const runWorker = () =>
  startWorker({
    db,
    config,
    connectionString: url,
    // Job failures (graphile-worker logs them as errors) go to stderr: a benchmark must not hide them.
    log: createLogger(process.env.BENCH_APP_LOG ?? 'error', pino.destination(2)),
    now: () => new Date(),
    pollIntervalMs: Number(process.env.BENCH_POLL_MS ?? 1000),
  });
// BENCH_DEFER_WORKER=1: only the server at first; the worker starts on 'start-worker' (a backlog submitted before).
let worker: Awaited<ReturnType<typeof startWorker>> | null = process.env.BENCH_DEFER_WORKER === '1' ? null : await runWorker();

const stats = (): AppStats => ({
  cpu: process.cpuUsage(),
  rssBytes: process.memoryUsage.rss(),
  maxRssBytes: process.resourceUsage().maxRSS * 1024,
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
      process.send!({ workerStarted: true });
    });
  }
});
process.on('disconnect', () => void stop());
process.on('SIGTERM', () => void stop());
process.on('SIGINT', () => {}); // the parent handles Ctrl-C and stops us
process.send({ port: server.port, pid: process.pid, rss: process.memoryUsage.rss() });
