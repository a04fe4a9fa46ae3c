/** graphile-worker tasks of status sync: drain the received events, poll a destination, push a status, check the webhook. */
import type { Task } from 'graphile-worker';
import { parseJob } from '../core/jobs.ts';
import { providerId } from '../connectors/registry.ts';
import type { DestinationDeps } from '../usecases/destination-access.ts';
import { drainEvents } from '../usecases/sync/drain-events.ts';
import { wakeAllDrains } from '../usecases/sync/wake-drain.ts';
import { pollDestination } from '../usecases/sync/poll-destination.ts';
import { pushStatus } from '../usecases/sync/push-status.ts';
import { pushComment } from '../usecases/sync/push-comment.ts';
import { pushPriority } from '../usecases/sync/push-priority.ts';
import { checkWebhook } from '../usecases/sync/check-webhook.ts';
import { readThread } from '../usecases/sync/read-thread.ts';
import { fetchRemoteFiles, type FetchFilesDeps } from '../usecases/sync/fetch-remote-files.ts';
import { sendNote } from '../usecases/sync/send-note.ts';
import { postUnlinkNote } from '../usecases/unlink-escalation.ts';

export const readThreadTask =
  (deps: FetchFilesDeps): Task =>
  async (payload) => {
    const p = parseJob('read-thread', payload);
    await readThread(deps, p.escalationId, p.attempt);
  };

export const fetchRemoteFilesTask =
  (deps: FetchFilesDeps): Task =>
  async (payload) => {
    const p = parseJob('fetch-remote-files', payload);
    await fetchRemoteFiles(deps, p.escalationId, p.entryId, p.attempt);
  };

export const sendNoteTask =
  (deps: DestinationDeps): Task =>
  async (payload, helpers) => {
    const p = parseJob('send-note', payload);
    // An earlier try (ours, or graphile-worker's after a crash) may have added the note.
    await sendNote(deps, p.escalationId, p.entryId, helpers.job.attempts > 1, p.attempt);
  };

export const unlinkNoteTask =
  (deps: DestinationDeps): Task =>
  async (payload, helpers) => {
    const p = parseJob('unlink-note', payload);
    // An earlier try (ours, or graphile-worker's after a crash) may have posted the note.
    await postUnlinkNote(deps, p.escalationId, p.entryId, helpers.job.attempts > 1, p.attempt);
  };

export const drainSyncEventsTask =
  (deps: DestinationDeps): Task =>
  async (payload) => {
    const { connectionId, lane } = parseJob('drain-sync-events', payload);
    if (connectionId) await drainEvents(deps, connectionId, lane);
    else await wakeAllDrains(deps.db);
  };

export const pollDestinationTask =
  (deps: DestinationDeps): Task =>
  async (payload) => {
    await pollDestination(deps, providerId(parseJob('poll-destination', payload).provider));
  };

export const pushCommentTask =
  (deps: DestinationDeps): Task =>
  async (payload, helpers) => {
    const p = parseJob('push-comment', payload);
    // An earlier try (ours, or graphile-worker's after a crash) may have added the note.
    await pushComment(deps, p.escalationId, p.entryId, helpers.job.attempts > 1, p.attempt);
  };

export const pushStatusTask =
  (deps: DestinationDeps): Task =>
  async (payload) => {
    const p = parseJob('push-status', payload);
    await pushStatus(deps, p.escalationId, p.status, p.attempt, p.wakeAt);
  };

export const pushPriorityTask =
  (deps: DestinationDeps): Task =>
  async (payload) => {
    const p = parseJob('push-priority', payload);
    await pushPriority(deps, p.escalationId, p.priority, p.attempt);
  };

/** Payload `{provider}`; the cron's own `_cron` field is ignored. */
export const checkWebhookTask =
  (deps: DestinationDeps & { publicUrl: string }): Task =>
  async (payload) => {
    await checkWebhook(deps, providerId(parseJob('check-webhook', payload).provider));
  };
