/** graphile-worker tasks of status sync: drain the received events, poll a destination, push a status, check the webhook. */
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
import { jobTask } from './job-task.ts';

export const readThreadTask = jobTask('read-thread', (deps: FetchFilesDeps, p) => readThread(deps, p.escalationId, p.attempt));

export const fetchRemoteFilesTask = jobTask('fetch-remote-files', (deps: FetchFilesDeps, p) => fetchRemoteFiles(deps, p.escalationId, p.entryId, p.attempt));

// An earlier try of these three (ours, or graphile-worker's after a crash) may have added the note: after the first, they look first.
export const sendNoteTask = jobTask('send-note', (deps: DestinationDeps, p, h) => sendNote(deps, p.escalationId, p.entryId, h.job.attempts > 1, p.attempt));

export const unlinkNoteTask = jobTask('unlink-note', (deps: DestinationDeps, p, h) =>
  postUnlinkNote(deps, p.escalationId, p.entryId, h.job.attempts > 1, p.attempt),
);

export const pushCommentTask = jobTask('push-comment', (deps: DestinationDeps, p, h) =>
  pushComment(deps, p.escalationId, p.entryId, h.job.attempts > 1, p.attempt),
);

export const drainSyncEventsTask = jobTask('drain-sync-events', (deps: DestinationDeps, { connectionId, lane }) =>
  connectionId ? drainEvents(deps, connectionId, lane) : wakeAllDrains(deps.db),
);

export const pollDestinationTask = jobTask('poll-destination', (deps: DestinationDeps, p) => pollDestination(deps, providerId(p.provider)));

export const pushStatusTask = jobTask('push-status', (deps: DestinationDeps, p) => pushStatus(deps, p.escalationId, p.status, p.attempt, p.wakeAt));

export const pushPriorityTask = jobTask('push-priority', (deps: DestinationDeps, p) => pushPriority(deps, p.escalationId, p.priority, p.attempt));

/** Payload `{provider}`; the cron's own `_cron` field is ignored. */
export const checkWebhookTask = jobTask('check-webhook', (deps: DestinationDeps & { publicUrl: string }, p) => checkWebhook(deps, providerId(p.provider)));
