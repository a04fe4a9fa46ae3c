/**
 * A benchmark's own processes (the app, a worker) talk to the benchmark over an IPC channel: the child reports what
 * it started with one message, answers questions ('stats', 'start-worker', 'reset') with a message holding the
 * question's answer field, and exits when told to stop or when the benchmark goes away. Both sides are here.
 */
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { AppReady, AppStats } from './app-process.ts';

export interface BenchChild<Ready> {
  /** The child's first message (e.g. its port). */
  ready: Ready;
  pid: number | undefined;
  /** Sends `question` and resolves with the `field` of the first answer that has it. */
  ask<T>(question: string, field: string, timeoutMs?: number): Promise<T>;
  /** Whether it has exited. */
  exited(): boolean;
  /** Asks it to stop and waits for it to exit (killed after 10 s); once, however often called. */
  stop(): Promise<void>;
}

/**
 * Forks `script` (a path beside this file) with tsx and `env` added to ours, and waits up to 30 s for its first
 * message; `isReady` says whether that message is the one expected.
 */
export async function forkBenchChild<Ready>(
  script: string,
  o: { name: string; env: Record<string, string | undefined>; execArgv?: string[]; isReady: (m: any) => boolean },
): Promise<BenchChild<Ready>> {
  const child = fork(fileURLToPath(new URL(script, import.meta.url)), [], {
    execArgv: ['--import', 'tsx', ...(o.execArgv ?? [])],
    env: { ...process.env, ...o.env },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const exitedP = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const exited = () => child.exitCode !== null || child.signalCode !== null;
  let stopping: Promise<void> | null = null;
  const stop = () =>
    (stopping ??= (async () => {
      if (exited()) return;
      if (child.connected) child.send('stop');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exitedP;
      clearTimeout(timer);
    })());
  const ask = <T>(question: string, field: string, timeoutMs = 10_000): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      if (!child.connected) return reject(new Error(`the ${o.name} has exited (code ${child.exitCode}, signal ${child.signalCode})`));
      const timer = setTimeout(() => {
        child.off('message', onMessage);
        reject(new Error(`the ${o.name} did not answer '${question}' within ${timeoutMs / 1000} s`));
      }, timeoutMs);
      const onMessage = (m: Record<string, unknown>) => {
        if (!(field in (m ?? {}))) return;
        clearTimeout(timer);
        child.off('message', onMessage);
        resolve(m[field] as T);
      };
      child.on('message', onMessage);
      child.send(question);
    });
  try {
    const ready = await new Promise<Ready>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the ${o.name} did not start within 30 s`)), 30_000);
      child.once('message', (m) => {
        clearTimeout(timer);
        if (o.isReady(m)) resolve(m as Ready);
        else reject(new Error(`unexpected message from the ${o.name}: ${JSON.stringify(m)}`));
      });
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`the ${o.name} exited before starting (code ${code}, signal ${signal})`));
      });
    });
    return { ready, pid: child.pid, ask, exited, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

/**
 * The child's side: answers each question named in `answers` with `{ [field]: answer }`, stops (then exits) on 'stop',
 * SIGTERM or when the parent goes away, leaves Ctrl-C to the parent, and sends `ready` last.
 */
export function serveParent(o: {
  ready: Record<string, unknown>;
  answers: Record<string, { field: string; answer: () => unknown }>;
  stop: () => Promise<void>;
}): void {
  const send = process.send!.bind(process);
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await o.stop();
    process.exit(0);
  };
  process.on('message', (m) => {
    if (m === 'stop') return void stop();
    const q = typeof m === 'string' ? o.answers[m] : undefined;
    if (q) void Promise.resolve(q.answer()).then((answer) => answer !== undefined && send({ [q.field]: answer }));
  });
  process.on('disconnect', () => void stop());
  process.on('SIGTERM', () => void stop());
  process.on('SIGINT', () => {}); // the parent handles Ctrl-C and stops us
  send(o.ready);
}

/** The BENCH_* variables a child needs, or a message saying who starts it. */
export function childEnv<K extends string>(script: string, names: K[]): Record<K, string> {
  const missing = names.filter((n) => !process.env[n]);
  if (missing.length || !process.send) {
    process.stderr.write(`bench/${script} is started by a benchmark (missing ${missing.join(', ') || 'the IPC channel'})\n`);
    process.exit(2);
  }
  return Object.fromEntries(names.map((n) => [n, process.env[n]!])) as Record<K, string>;
}

/** The app process (bench/app-process.ts) on the benchmark's database; stopped by the cleanups. */
export async function startAppProcess(o: {
  url: string;
  dataDir: string;
  kustomerUrl?: string;
  /** Kustomer's replies (and the emulator's) name no window end but on a 429: the app is told the window's length. */
  rateWindowMs?: number;
  worker?: 'on' | 'off' | 'deferred';
  trackJobs?: boolean;
  concurrency?: number;
  pollMs?: number;
  poolSize?: number;
  execArgv?: string[];
  /** More of the app's configuration (environment variables). */
  appEnv?: Record<string, string>;
}) {
  const child = await forkBenchChild<AppReady>('./app-process.ts', {
    name: 'app process',
    execArgv: o.execArgv,
    env: {
      BENCH_DATABASE_URL: o.url,
      BENCH_DATA_DIR: o.dataDir,
      BENCH_KUSTOMER_URL: o.kustomerUrl,
      BENCH_KUSTOMER_RATE_WINDOW_MS: o.rateWindowMs?.toString(),
      BENCH_WORKER: o.worker ?? 'on',
      BENCH_TRACK_JOBS: o.trackJobs ? '1' : undefined,
      BENCH_WORKER_CONCURRENCY: o.concurrency?.toString(),
      BENCH_POLL_MS: o.pollMs?.toString(),
      BENCH_POOL_SIZE: o.poolSize?.toString(),
      BENCH_APP_ENV: o.appEnv ? JSON.stringify(o.appEnv) : undefined,
    },
    isReady: (m) => typeof m?.port === 'number',
  });
  return {
    ...child,
    port: child.ready.port,
    stats: () => child.ask<AppStats>('stats', 'stats'),
    /** Starts the worker of an app started with worker 'deferred'; resolves with the epoch ms it runs from. */
    startWorker: () => child.ask<number>('start-worker', 'workerStarted', 30_000),
  };
}
export type AppProcess = Awaited<ReturnType<typeof startAppProcess>>;
