/** graphile-worker tasks of the workflow engine: match events, run steps, expire approvals. */
import type { Task } from 'graphile-worker';
import { parseJob } from '../core/jobs.ts';
import { expireApproval } from '../usecases/workflows/decide-approval.ts';
import { matchWorkflows } from '../usecases/workflows/match-workflows.ts';
import { runWorkflow } from '../usecases/workflows/run-workflow.ts';
import { queueStatusPushes } from '../usecases/sync/push-status.ts';
import { queueCommentPushes } from '../usecases/sync/push-comment.ts';
import { queuePriorityPushes } from '../usecases/sync/push-priority.ts';
import { queueFieldPushes } from '../usecases/field-mapping/index.ts';
import type { WorkflowRunDeps } from '../usecases/workflows/steps.ts';

/** New timeline events: start the workflows they trigger, and queue status, priority, comment and mapped-field pushes to linked conversations. */
export const matchWorkflowsTask =
  (deps: WorkflowRunDeps): Task =>
  async (payload) => {
    const { entryIds } = parseJob('match-workflows', payload);
    await matchWorkflows(deps, entryIds);
    await queueStatusPushes(deps.db, entryIds);
    await queuePriorityPushes(deps.db, entryIds);
    await queueCommentPushes(deps.db, entryIds);
    await queueFieldPushes(deps.db, entryIds);
  };

export const runWorkflowTask =
  (deps: WorkflowRunDeps): Task =>
  async (payload) => {
    await runWorkflow(deps, parseJob('run-workflow', payload).runId);
  };

export const approvalTimeoutTask =
  (deps: WorkflowRunDeps): Task =>
  async (payload) => {
    await expireApproval(deps, parseJob('approval-timeout', payload).approvalId);
  };
