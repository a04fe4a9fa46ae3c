/** Starts graphile-worker with Bridgedesk's tasks, plus the heartbeat that frees jobs of dead workers. */
import { EventEmitter } from 'node:events';
import os from 'node:os';
import { Logger as WorkerLogger, makeWorkerUtils, parseCronItems, run, type TaskList, type WorkerEvents } from 'graphile-worker';
import type { Logger } from 'pino';
import type { Db } from '../db/database.ts';
import { pruneExpired, PRUNE_EXPIRED } from './prune-expired.ts';
import { DELIVER_ESCALATION, deliverEscalationTask } from './deliver-escalation.ts';
import { APPROVAL_TIMEOUT, approvalTimeoutTask, MATCH_WORKFLOWS, matchWorkflowsTask, RUN_WORKFLOW, runWorkflowTask } from './workflow-tasks.ts';
import { SEND_EMAIL } from '../usecases/workflows/notify.ts';
import { sendEmailTask } from './send-email.ts';
import { PUSH_MAPPED_FIELDS, pushMappedFieldsTask } from './push-mapped-fields.ts';
import { APPLY_SYNC_EVENT, applySyncEventTask, POLL_DESTINATION, pollDestinationTask, PUSH_COMMENT, pushCommentTask, PUSH_STATUS, pushStatusTask } from './sync-tasks.ts';
import type { Config } from '../config.ts';
import { destinationDeps } from '../usecases/destination-access.ts';
import type { TransportOptions } from '../connectors/registry.ts';
import type { SecretBox } from '../db/secret-box.ts';
import { startHeartbeat } from './worker-heartbeat.ts';

export interface WorkerDeps {
  db: Db;
  config: Config;
  connectionString: string;
  log: Logger;
  now: () => Date;
  /** Tests point a provider at an in-process emulator. */
  transports?: { kustomer?: Partial<TransportOptions> };
  secrets?: SecretBox;
  /** First delivery retry delay (tests shorten it). */
  retryBaseMs?: number;
  /** How often to look for jobs scheduled for later (retries); new jobs arrive at once by LISTEN/NOTIFY. (Default: 1 s.) */
  pollIntervalMs?: number;
}

export function taskList(deps: WorkerDeps): TaskList {
  const destinations = { ...destinationDeps(deps.config, deps), publicUrl: deps.config.publicUrl, retryBaseMs: deps.retryBaseMs };
  const workflows = { db: deps.db, now: deps.now, publicUrl: deps.config.publicUrl, smtpConfigured: deps.config.smtp !== null };
  return {
    [PRUNE_EXPIRED]: pruneExpired(deps.db, deps.now),
    [DELIVER_ESCALATION]: deliverEscalationTask(destinations),
    [MATCH_WORKFLOWS]: matchWorkflowsTask(workflows),
    [RUN_WORKFLOW]: runWorkflowTask(workflows),
    [APPROVAL_TIMEOUT]: approvalTimeoutTask(workflows),
    [APPLY_SYNC_EVENT]: applySyncEventTask(destinations),
    [POLL_DESTINATION]: pollDestinationTask(destinations),
    [PUSH_STATUS]: pushStatusTask(destinations),
    [PUSH_COMMENT]: pushCommentTask(destinations),
    [PUSH_MAPPED_FIELDS]: pushMappedFieldsTask(destinations),
    ...(deps.config.smtp ? { [SEND_EMAIL]: sendEmailTask(deps.db, deps.config.smtp) } : {}),
  };
}

export async function startWorker(deps: WorkerDeps) {
  const { log } = deps;
  const logger = new WorkerLogger((scope) => (level, message, meta) => {
    const method = level === 'error' ? 'error' : level === 'warning' ? 'warn' : 'debug';
    log[method]({ scope, ...meta }, message);
  });
  const utils = await makeWorkerUtils({ connectionString: deps.connectionString, logger });
  // The heartbeat listens before run(): run() creates the workers, and announces them, before it resolves.
  const events: WorkerEvents = new EventEmitter();
  const heartbeat = startHeartbeat({
    staleAfterMs: deps.config.workerStaleAfterMs,
    db: deps.db,
    events,
    utils,
    label: `${os.hostname()}:${process.pid}`,
    onError: (err) => log.warn({ err }, 'worker heartbeat failed'),
  });
  const runner = await run({
    connectionString: deps.connectionString,
    concurrency: deps.config.workerConcurrency,
    noHandleSignals: true,
    pollInterval: deps.pollIntervalMs ?? 1000,
    logger,
    events,
    taskList: taskList(deps),
    parsedCronItems: parseCronItems([{ task: PRUNE_EXPIRED, match: '17 * * * *', options: { backfillPeriod: 0 } }]),
  }).catch(async (err: unknown) => {
    await heartbeat.stop();
    await utils.release();
    throw err;
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
