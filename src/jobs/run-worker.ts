/** Starts graphile-worker with Bridgedesk's tasks, plus the heartbeat that frees jobs of dead workers. */
import { EventEmitter } from 'node:events';
import os from 'node:os';
import {
  Logger as WorkerLogger,
  makeWorkerUtils,
  parseCronItems,
  run,
  type Runner,
  type RunnerOptions,
  type Task,
  type TaskList,
  type WorkerEvents,
} from 'graphile-worker';
import { sql } from 'kysely';
import pg from 'pg';
import type { Logger } from 'pino';
import type { JobName, JobPayload } from '../core/jobs.ts';
import type { Db } from '../db/database.ts';
import { pruneExpired } from './prune-expired.ts';
import { deliverEscalationTask } from './deliver-escalation.ts';
import { approvalTimeoutTask, matchWorkflowsTask, runWorkflowTask } from './workflow-tasks.ts';
import { sendEmailTask } from './send-email.ts';
import { pushMappedFieldsTask } from './push-mapped-fields.ts';
import {
  checkWebhookTask,
  drainSyncEventsTask,
  pollDestinationTask,
  pushCommentTask,
  pushPriorityTask,
  pushStatusTask,
  readThreadTask,
  fetchRemoteFilesTask,
  sendNoteTask,
  unlinkNoteTask,
} from './sync-tasks.ts';
import { CHECK_WEBHOOK_CRON } from '../usecases/sync/check-webhook.ts';
import type { Config } from '../config.ts';
import { destinationDeps } from '../usecases/destination-access.ts';
import { offeredProviders, type TransportOptions } from '../connectors/registry.ts';
import type { SecretBox } from '../db/secret-box.ts';
import { startHeartbeat } from './worker-heartbeat.ts';
import { createFileStorages, type FileStorages } from '../storage/file-storage.ts';
import { PRUNE_ATTACHMENTS_CRON, pruneAttachmentsTask } from './prune-attachments.ts';

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
  /** Attachment storage (default: from configuration, on `connectionString`). */
  storage?: FileStorages;
}

export function taskList(deps: WorkerDeps): TaskList {
  const storage = deps.storage ?? createFileStorages(deps.config, deps.connectionString);
  const destinations = {
    ...destinationDeps(deps.config, deps),
    publicUrl: deps.config.publicUrl,
    retryBaseMs: deps.retryBaseMs,
    storage,
    attachmentLimits: deps.config.attachments,
  };
  const workflows = { db: deps.db, now: deps.now, publicUrl: deps.config.publicUrl, smtpConfigured: deps.config.smtp !== null };
  const attachments = { db: deps.db, now: deps.now, limits: deps.config.attachments, storage };
  // Every task is named in the job contract (core/jobs.ts): a task nobody can enqueue, or a typo, does not compile.
  const tasks: Partial<Record<JobName, TaskList[string]>> = {
    'prune-expired': pruneExpired(deps.db, deps.now),
    'deliver-escalation': deliverEscalationTask(destinations),
    'match-workflows': matchWorkflowsTask(workflows),
    'run-workflow': runWorkflowTask(workflows),
    'approval-timeout': approvalTimeoutTask(workflows),
    'drain-sync-events': drainSyncEventsTask(destinations),
    'poll-destination': pollDestinationTask(destinations),
    'push-status': pushStatusTask(destinations),
    'push-priority': pushPriorityTask(destinations),
    'push-comment': pushCommentTask(destinations),
    'read-thread': readThreadTask(destinations),
    'send-note': sendNoteTask(destinations),
    'fetch-remote-files': fetchRemoteFilesTask(destinations),
    'unlink-note': unlinkNoteTask(destinations),
    'check-webhook': checkWebhookTask(destinations),
    'push-mapped-fields': pushMappedFieldsTask(destinations),
    'prune-attachments': pruneAttachmentsTask(attachments),
    ...(deps.config.smtp ? { 'send-email': sendEmailTask(deps.db, deps.config.smtp) } : {}),
  };
  return tasks;
}

/**
 * Guards each task against finishing a job this pool no longer holds. When this process could not beat for a
 * while, another worker may have released the job and run or rescheduled it meanwhile; graphile-worker would then
 * delete the row on completion, reschedule and all. Failing instead leaves it alone: a failure is only recorded
 * where the lock is still this pool's.
 */
export function fenced(tasks: TaskList, missedBeatSince: (since: number) => boolean, db: Db): TaskList {
  return Object.fromEntries(
    Object.entries(tasks).map(([name, task]) => [
      name,
      async (payload: unknown, helpers: Parameters<Task>[1]) => {
        const started = performance.now();
        await (task as Task)(payload, helpers);
        if (!missedBeatSince(started)) return;
        const { rows } = await sql<{ locked_by: string | null }>`select locked_by from graphile_worker._private_jobs where id = ${helpers.job.id}`.execute(db);
        if (rows[0]?.locked_by !== helpers.job.locked_by)
          throw new Error('This worker lost the job while it was cut off from the database; the job is left to whoever holds it now');
      },
    ]),
  );
}

/** How long the local queue keeps fetched jobs before handing them back (graphile-worker's default). */
const LOCAL_QUEUE_TTL_MS = 5 * 60_000;

export async function startWorker(input: WorkerDeps) {
  // The storage's pool is this worker's to close, unless the caller gave one.
  const ownStorage = input.storage ? null : createFileStorages(input.config, input.connectionString);
  const deps: WorkerDeps = { ...input, storage: input.storage ?? ownStorage! };
  const { log } = deps;
  const logger = new WorkerLogger((scope) => (level, message, meta) => {
    const method = level === 'error' ? 'error' : level === 'warning' ? 'warn' : 'debug';
    log[method]({ scope, ...meta }, message);
  });
  // Our own pool, not one graphile-worker makes from the connection string: graphile removes its pool's error
  // listeners on stop and ends the pool without waiting, so a connection the server closes meanwhile (a restart, a
  // dropped database) raised an uncaught 'error' and crashed a stopping process. This pool keeps its listeners and
  // stop() waits for it to end.
  const pgPool = new pg.Pool({ connectionString: deps.connectionString, max: 12 });
  pgPool.on('error', (err) => log.warn({ err }, 'worker database connection lost'));
  pgPool.on('connect', (client) => client.on('error', () => {}));
  const utils = await makeWorkerUtils({ pgPool, logger }).catch(async (err: unknown) => {
    await pgPool.end();
    throw err;
  });
  // The heartbeat listens before run(): run() creates the workers, and announces them, before it resolves.
  const events: WorkerEvents = new EventEmitter();
  const heartbeat = startHeartbeat({
    staleAfterMs: deps.config.workerStaleAfterMs,
    db: deps.db,
    events,
    utils,
    label: `${os.hostname()}:${process.pid}`,
    onError: (err) => log.warn({ err }, 'worker heartbeat failed'),
    onLostJobs: (jobIds) => log.warn({ jobIds }, 'released jobs this worker had locked but never ran (a fetch whose reply was lost)'),
    lostAfterMs: LOCAL_QUEUE_TTL_MS + 60_000,
  });
  const providers = offeredProviders(deps.config);
  const options: RunnerOptions = {
    pgPool,
    concurrency: deps.config.workerConcurrency,
    noHandleSignals: true,
    pollInterval: deps.pollIntervalMs ?? 1000,
    logger,
    events,
    taskList: fenced(taskList(deps), heartbeat.missedBeatSince, deps.db),
    parsedCronItems: parseCronItems([
      { task: 'prune-expired' satisfies JobName, match: '17 * * * *', options: { backfillPeriod: 0 } },
      { task: 'prune-attachments' satisfies JobName, match: PRUNE_ATTACHMENTS_CRON, options: { backfillPeriod: 0 } },
      // Sync events whose drain was never woken (none is known to get lost: a safety net; usecases/sync/wake-drain.ts).
      { task: 'drain-sync-events' satisfies JobName, match: '* * * * *', options: { backfillPeriod: 0, jobKey: 'sync-drains' } },
      // A destination may have disabled the sync webhook after failed deliveries (usecases/sync/check-webhook.ts).
      ...providers.map((provider) => ({
        task: 'check-webhook' satisfies JobName,
        match: CHECK_WEBHOOK_CRON,
        payload: { provider },
        options: { backfillPeriod: 0, jobKey: `webhook-check:${provider}` },
      })),
    ]),
    // Unbatched, a job's outcome that cannot be recorded (the database went away) is an unhandled rejection that
    // kills the process; batched, graphile-worker stops the pool instead, and we start a new one below.
    // The local queue fetches (and locks, under this pool's id, which the heartbeat vouches for) up to one job per
    // slot in one query, instead of every idle slot racing for each new job: far fewer fetches per job under load.
    preset: {
      worker: { completeJobBatchDelay: 0, failJobBatchDelay: 0, localQueue: { size: Math.max(2, deps.config.workerConcurrency), ttl: LOCAL_QUEUE_TTL_MS } },
    },
  };
  let runner = await run(options).catch(async (err: unknown) => {
    await heartbeat.stop();
    await utils.release();
    await pgPool.end();
    throw err;
  });
  let stopping = false;
  // A pool that stops on its own (lost its database mid-job) is replaced, once the database answers again; the jobs
  // its workers held are released by the heartbeat like a dead process's.
  // The pool that stopped on its own and is not replaced yet: stop() must not stop it again (graphile throws).
  let stoppedOnItsOwn: Runner | null = null;
  const restartWhenStopped = (current: Runner) => {
    const restart = async () => {
      if (current === runner) stoppedOnItsOwn = current;
      if (stopping || current !== runner) return;
      log.error('worker pool stopped unexpectedly (database connection lost?); starting a new one');
      for (let attempt = 0; !stopping; attempt++) {
        await new Promise((r) => setTimeout(r, Math.min(10_000, 500 * 2 ** attempt)));
        if (stopping) return;
        try {
          runner = await run(options);
          restartWhenStopped(runner);
          log.info('worker pool restarted');
          return;
        } catch (err) {
          log.warn({ err }, 'could not start a new worker pool yet');
        }
      }
    };
    current.promise.then(restart, restart);
  };
  restartWhenStopped(runner);
  // Events stored while no worker ran (or by a version that queued one job per event) are drained now.
  await utils
    .addJob('drain-sync-events' satisfies JobName, {} satisfies JobPayload<'drain-sync-events'>, { jobKey: 'sync-drains' })
    .catch((err: unknown) => log.warn({ err }, 'could not queue the sync drains'));
  // A worker starting may end an outage of Bridgedesk itself, long enough for Kustomer to give up on the webhook.
  for (const provider of providers)
    await utils
      .addJob('check-webhook' satisfies JobName, { provider } satisfies JobPayload<'check-webhook'>, { jobKey: `webhook-check:${provider}` })
      .catch((err: unknown) => log.warn({ err }, 'could not queue the webhook check'));
  // graphile-worker 0.17 rejects, with no one to catch it, when a pool that lost its database (and is being
  // replaced above) cannot hand its local queue back: the jobs stay locked under the dead pool's id, which has no
  // heartbeat any more, so releaseStale frees them after the stale time. Only that rejection is absorbed here.
  const absorbLocalQueueReturn = (reason: unknown) => {
    if (reason instanceof Error && reason.message.startsWith('Error occurred whilst returning jobs from local queue')) {
      log.warn({ err: reason }, 'a stopped worker pool could not return its queued jobs; they are released after the stale time');
      return;
    }
    throw reason;
  };
  process.on('unhandledRejection', absorbLocalQueueReturn);
  return {
    get runner() {
      return runner;
    },
    releaseStale: heartbeat.releaseStale,
    releaseLost: heartbeat.releaseLost,
    async stop() {
      stopping = true;
      process.off('unhandledRejection', absorbLocalQueueReturn);
      // Beats go on while running jobs finish, or another worker would take them for a dead process's.
      if (runner !== stoppedOnItsOwn) await runner.stop();
      await heartbeat.stop();
      await utils.release();
      await pgPool.end();
      await ownStorage?.close();
    },
  };
}
