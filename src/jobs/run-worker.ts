/** Starts graphile-worker with Bridgedesk's tasks, plus the heartbeat that frees jobs of dead workers. */
import os from 'node:os';
import { Logger as WorkerLogger, makeWorkerUtils, parseCronItems, run, type TaskList } from 'graphile-worker';
import type { Logger } from 'pino';
import type { Db } from '../db/database.ts';
import { pruneExpired, PRUNE_EXPIRED } from './prune-expired.ts';
import { startHeartbeat } from './worker-heartbeat.ts';

export interface WorkerDeps {
  db: Db;
  connectionString: string;
  concurrency: number;
  log: Logger;
  now: () => Date;
}

export function taskList(deps: WorkerDeps): TaskList {
  return { [PRUNE_EXPIRED]: pruneExpired(deps.db, deps.now) };
}

export async function startWorker(deps: WorkerDeps) {
  const { log } = deps;
  const logger = new WorkerLogger((scope) => (level, message, meta) => {
    const method = level === 'error' ? 'error' : level === 'warning' ? 'warn' : 'debug';
    log[method]({ scope, ...meta }, message);
  });
  const runner = await run({
    connectionString: deps.connectionString,
    concurrency: deps.concurrency,
    noHandleSignals: true,
    pollInterval: 1000,
    logger,
    taskList: taskList(deps),
    parsedCronItems: parseCronItems([{ task: PRUNE_EXPIRED, match: '17 * * * *', options: { backfillPeriod: 0 } }]),
  });
  const utils = await makeWorkerUtils({ connectionString: deps.connectionString, logger });
  const heartbeat = startHeartbeat({
    db: deps.db,
    runner,
    utils,
    label: `${os.hostname()}:${process.pid}`,
    onError: (err) => log.warn({ err }, 'worker heartbeat failed'),
  });
  return {
    runner,
    releaseStale: heartbeat.releaseStale,
    async stop() {
      await heartbeat.stop();
      await runner.stop();
      await utils.release();
    },
  };
}
