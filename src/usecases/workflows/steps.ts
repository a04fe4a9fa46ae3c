/** What each workflow step does. Each runs inside the run's transaction; waiting steps are resumed later. */
import { publicFilesOf } from '../attachments/request-files.ts';
import { SYSTEM } from '../../core/actor.ts';
import { AppError, unprocessable } from '../../core/errors.ts';
import { conditionsHold } from '../../core/workflow-conditions.ts';
import type { Step } from '../../core/workflow-definition.ts';
import { renderTemplate } from '../../core/workflow-template.ts';
import { destinationPriority } from '../../core/priority-map.ts';
import { PROVIDERS, providerId } from '../../connectors/registry.ts';
import type { Db, Tx } from '../../db/database.ts';
import { addCommentInTx } from '../add-comment.ts';
import { lockRequest } from '../../db/repositories/requests.ts';
import { changeRequestInTx } from '../change-request.ts';
import { insertEscalation } from '../submit-escalation.ts';
import { connectionPriorityMap } from '../priority-map.ts';
import { enqueueRun } from './match-workflows.ts';
import { notify } from './notify.ts';
import { loadSnapshot, type RequestSnapshot } from './request-snapshot.ts';
import { openApprovalStep, approvalOutcome } from './approval-step.ts';
import { LAST_PUBLIC_MESSAGE } from './linked-conversation.ts';
import { THREAD_WAIT_MS, threadReadPending } from './thread-wait.ts';
import { escalationOf } from './match-workflows.ts';
import { replyWaitStep } from './reply-wait-step.ts';

export interface WorkflowRunDeps {
  db: Db;
  now: () => Date;
  publicUrl: string;
  smtpConfigured: boolean;
}

export interface StepContext {
  run: { id: string; requestId: string; workflowId: string; workflowName: string; context: Record<string, unknown>; triggerEntryId: string };
  path: string;
  step: Step;
  /** The stored result of this step when it was left waiting; null on its first execution. */
  resuming: Record<string, unknown> | null;
}

export type StepOutcome =
  | {
      kind: 'done';
      result?: Record<string, unknown>;
      summary?: string;
      context?: Record<string, unknown>;
      /** Ends the run as cancelled (a rejection), saying why. */
      stopRun?: string;
      /** Ends the run as succeeded, skipping the steps after (its purpose met early), saying why. */
      endRun?: string;
    }
  | { kind: 'waiting'; result?: Record<string, unknown> }
  | { kind: 'failed'; error: string };

export async function executeStep(deps: WorkflowRunDeps, tx: Tx, ctx: StepContext): Promise<StepOutcome> {
  // Lock the request first: steps of concurrent runs on one request then read and change it one after another.
  await lockRequest(tx, ctx.run.requestId);
  const trigger = await tx.selectFrom('timeline_entries').select(['type', 'data']).where('id', '=', ctx.run.triggerEntryId).executeTakeFirst();
  const snap = await loadSnapshot(tx, ctx.run.requestId, deps.publicUrl, { escalationId: trigger ? escalationOf(trigger.data) : null });
  if (!snap) throw unprocessable('The request no longer exists');
  const values = { ...snap.values, 'workflow.name': ctx.run.workflowName };
  const render = (t: string) => renderTemplate(t, values);
  const now = deps.now();
  // A run started by the destination's own change acts on its behalf: its status changes are not pushed back there
  // (Close the loop sets "waiting" on a request that inbound sync may have resolved: pushed, that "reopened" would
  // reopen the conversation just marked done).
  const origin = trigger?.type.startsWith('sync.') && typeof trigger.data.origin === 'string' ? trigger.data.origin : undefined;
  const change = (patch: Parameters<typeof changeRequestInTx>[3]) => changeRequestInTx(tx, SYSTEM, ctx.run.requestId, patch, now, ctx.run.id, origin);
  const step = ctx.step;

  // Quoting the conversation's last message: a message sent with the change that started the run ("send and mark
  // done") is on the request once the thread read queued with that change is done; wait for it, a little
  // (thread-wait.ts: the read wakes the run; the deadline's job covers a read that fails).
  const beforeItsWork = !ctx.resuming || 'threadWaitSince' in ctx.resuming;
  if (snap.conversation && beforeItsWork && step.type !== 'branch' && JSON.stringify(step).includes(LAST_PUBLIC_MESSAGE)) {
    const since = ctx.resuming?.threadWaitSince ? new Date(String(ctx.resuming.threadWaitSince)) : now;
    if (now.getTime() - since.getTime() < THREAD_WAIT_MS && (await threadReadPending(tx, ctx.run.requestId, snap.conversation))) {
      await enqueueRun(tx, ctx.run.id, new Date(since.getTime() + THREAD_WAIT_MS));
      return { kind: 'waiting', result: { threadWaitSince: since.toISOString() } };
    }
    // The step's own work starts now: a step that waits itself must not mistake this wait for its own.
    if (ctx.resuming) ctx = { ...ctx, resuming: null };
  }

  switch (step.type) {
    case 'set_priority':
      await change({ priority: step.priority });
      return { kind: 'done', summary: `set priority to ${step.priority}` };
    case 'set_status':
      await change({ status: step.status });
      return { kind: 'done', summary: `set status to ${step.status.replace('_', ' ')}` };
    case 'add_tag':
    case 'remove_tag': {
      const tags = step.type === 'add_tag' ? [...new Set([...snap.tags, step.tag])] : snap.tags.filter((t) => t !== step.tag);
      await change({ tags });
      return { kind: 'done', summary: `${step.type === 'add_tag' ? 'added' : 'removed'} tag ${step.tag}` };
    }
    case 'assign': {
      await change({
        ...(step.assigneeId !== undefined ? { assigneeId: step.assigneeId } : {}),
        ...(step.inboxId !== undefined ? { inboxId: step.inboxId } : {}),
      });
      return { kind: 'done', summary: 'assigned the request' };
    }
    case 'add_comment':
      await addCommentInTx(tx, deps, SYSTEM, ctx.run.requestId, render(step.body), step.visibility, now, ctx.run.id);
      return { kind: 'done', summary: step.visibility === 'internal' ? 'added an internal note' : 'replied to the requester' };
    case 'notify':
      return notifyStep(deps, tx, snap, step, render);
    case 'branch': {
      const chosen = conditionsHold({ ...snap.subject, run: ctx.run.context }, step.condition) ? 'then' : 'else';
      return { kind: 'done', result: { chosen }, summary: `branch: took "${chosen === 'then' ? 'yes' : 'no'}"` };
    }
    case 'wait': {
      const until = ctx.resuming ? new Date(String(ctx.resuming.until)) : new Date(now.getTime() + step.minutes * 60_000);
      if (now >= until) return { kind: 'done', summary: `waited ${step.minutes} min` };
      if (!ctx.resuming) await enqueueRun(tx, ctx.run.id, until);
      return { kind: 'waiting', result: { until: until.toISOString() } };
    }
    case 'wait_for_reply':
      return replyWaitStep(tx, ctx, step, now);
    case 'approval':
      return ctx.resuming ? approvalOutcome(tx, ctx, snap, deps) : openApprovalStep(tx, ctx, snap, deps, render);
    case 'create_conversation':
      return conversationStep(tx, ctx, snap, step, render, now);
  }
}

async function notifyStep(
  deps: WorkflowRunDeps,
  tx: Tx,
  snap: RequestSnapshot,
  step: Extract<Step, { type: 'notify' }>,
  render: (t: string) => string,
): Promise<StepOutcome> {
  let userId: string | null = null;
  let email: string | null;
  if (step.to === 'requester') {
    userId = snap.requesterId;
    email = snap.requesterEmail;
  } else if (step.to === 'assignee') {
    if (!snap.assigneeId) return { kind: 'done', summary: 'no assignee to notify' };
    const a = await tx.selectFrom('users').select(['id', 'email']).where('id', '=', snap.assigneeId).executeTakeFirstOrThrow();
    userId = a.id;
    email = a.email;
  } else {
    email = step.email ?? null;
  }
  await notify(tx, deps.smtpConfigured, {
    userId,
    email,
    requestId: snap.id,
    kind: 'workflow',
    title: render(step.subject),
    body: render(step.body),
    link: snap.values['request.link']!,
  });
  return { kind: 'done', summary: `notified ${step.to === 'email' ? email : step.to}` };
}

/** Hands the conversation to the escalation delivery (exactly one conversation, whatever fails) and waits for it. */
async function conversationStep(
  tx: Tx,
  ctx: StepContext,
  snap: RequestSnapshot,
  step: Extract<Step, { type: 'create_conversation' }>,
  render: (t: string) => string,
  now: Date,
): Promise<StepOutcome> {
  const destination = providerId(step.destination);
  if (!ctx.resuming) {
    // "from the request": through the admin's priority map of the destination (its settings page)
    const priority = step.priority === 'from_request' ? destinationPriority(await connectionPriorityMap(tx, destination), snap.priority) : step.priority;
    try {
      const { id: escalationId } = await insertEscalation(
        tx,
        SYSTEM,
        ctx.run.requestId,
        {
          destination,
          queueId: step.queueId,
          teamId: step.teamId,
          assigneeUserId: step.assigneeUserId,
          assigneeTeamId: step.assigneeTeamId,
          subStatusId: step.subStatusId,
          channel: step.channel,
          priority,
          subject: render(step.subject).slice(0, 256),
          message: render(step.message),
          confirm: true,
          // A workflow's conversation takes every public file the request has (an agent chooses in the dialog).
          attachmentIds: (await publicFilesOf(tx, ctx.run.requestId)).map((f) => f.id),
        },
        now,
        ctx.run.id,
      );
      return { kind: 'waiting', result: { escalationId } };
    } catch (err) {
      if (err instanceof AppError) return { kind: 'failed', error: err.message };
      throw err;
    }
  }
  const esc = await tx
    .selectFrom('escalations')
    .select(['state', 'remote_id', 'remote_url', 'last_error', 'next_attempt_at'])
    .where('id', '=', String(ctx.resuming.escalationId))
    .executeTakeFirstOrThrow();
  const result = { escalationId: ctx.resuming.escalationId, conversationId: esc.remote_id, url: esc.remote_url };
  if (esc.state === 'linked') return { kind: 'done', result, summary: `created ${PROVIDERS[destination].displayName} conversation ${esc.remote_id}` };
  // The conversation exists but its back-link could not be posted: the step's purpose is met; agents can re-link.
  if (esc.state === 'link_failed' && !esc.next_attempt_at)
    return { kind: 'done', result, summary: `created conversation ${esc.remote_id} (back-link failed: ${esc.last_error})` };
  if (esc.state === 'failed') return { kind: 'failed', error: `The conversation could not be created: ${esc.last_error}` };
  // An agent unlinked it before the back-link settled: the conversation exists, and nobody wants the step to wait.
  if (esc.state === 'unlinked') return { kind: 'done', result, summary: `created conversation ${esc.remote_id} (since unlinked)` };
  return { kind: 'waiting', result: ctx.resuming };
}
