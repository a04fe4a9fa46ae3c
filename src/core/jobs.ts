/**
 * Every background job: its name and its payload, one contract for both sides. Enqueuing (db/transaction.ts) takes
 * the payload type from here, and each task parses its payload with the same schema, so the two cannot drift.
 */
import { z } from 'zod';
import { PRIORITIES } from './request.ts';

/** A destination's id (the registry checks it is one); core does not know which destinations exist. */
const Provider = z.string().min(1);
/** Which try of a push this is: Bridgedesk schedules a push's retries itself (docs/adr/0004-connector-contract-and-retries.md). */
const attempt = z.number().int().min(1).default(1);

export const JOBS = {
  'deliver-escalation': z.object({ escalationId: z.uuid() }),
  'match-workflows': z.object({ entryIds: z.array(z.string()) }),
  'run-workflow': z.object({ runId: z.uuid() }),
  'approval-timeout': z.object({ approvalId: z.uuid() }),
  'send-email': z.object({ outboxId: z.uuid() }),
  // A connection's stored sync events, drained in batches; without a connection (cron, worker start): wakes every drain with events left.
  'drain-sync-events': z.object({ connectionId: z.uuid().optional(), lane: z.number().int().min(0).default(0) }),
  'poll-destination': z.object({ provider: Provider }),
  // Also run by cron, whose payload adds `_cron`.
  'check-webhook': z.object({ provider: Provider }),
  // wakeAt: with waiting, when the ticket wakes (the agent's pick, from the status change's entry); kept across retries.
  'push-status': z.object({ escalationId: z.uuid(), status: z.enum(['open', 'waiting', 'closed']), wakeAt: z.iso.datetime().optional(), attempt }),
  'push-priority': z.object({ escalationId: z.uuid(), priority: z.enum(PRIORITIES), attempt }),
  'push-comment': z.object({ escalationId: z.uuid(), entryId: z.string(), attempt }),
  'read-thread': z.object({ escalationId: z.uuid(), attempt }),
  // The files of a destination's note or message (timeline entry data.files), copied onto that entry.
  'fetch-remote-files': z.object({ escalationId: z.uuid(), entryId: z.string(), attempt }),
  'send-note': z.object({ escalationId: z.uuid(), entryId: z.string(), attempt }),
  'unlink-note': z.object({ escalationId: z.uuid(), entryId: z.string(), attempt }),
  'push-mapped-fields': z.object({ escalationId: z.uuid(), changedFields: z.array(z.string()).nullable().default(null), attempt }),
  'prune-expired': z.object({}),
  // Cron: uploads never attached, past ATTACHMENTS_UNATTACHED_GRACE_HOURS.
  'prune-attachments': z.object({}),
} as const;

export type JobName = keyof typeof JOBS;
/** What enqueuing a job takes (defaults may be left out). */
export type JobPayload<N extends JobName> = z.input<(typeof JOBS)[N]>;

/** A task's payload, checked against the job's contract. */
export const parseJob = <N extends JobName>(name: N, payload: unknown): z.output<(typeof JOBS)[N]> => JOBS[name].parse(payload) as z.output<(typeof JOBS)[N]>;
