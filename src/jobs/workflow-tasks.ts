/** graphile-worker tasks of the workflow engine: match events, run steps, expire approvals. */
import { expireApproval } from '../usecases/workflows/decide-approval.ts';
import { matchWorkflows } from '../usecases/workflows/match-workflows.ts';
import { runWorkflow } from '../usecases/workflows/run-workflow.ts';
import { queueStatusPushes } from '../usecases/sync/push-status.ts';
import { queueCommentPushes } from '../usecases/sync/push-comment.ts';
import { queuePriorityPushes } from '../usecases/sync/push-priority.ts';
import { queueFieldPushes } from '../usecases/field-mapping/index.ts';
import type { WorkflowRunDeps } from '../usecases/workflows/steps.ts';
import { jobTask } from './job-task.ts';

/** New timeline events: start the workflows they trigger, and queue status, priority, comment and mapped-field pushes to linked conversations. */
export const matchWorkflowsTask = jobTask('match-workflows', async (deps: WorkflowRunDeps, { entryIds }) => {
  await matchWorkflows(deps, entryIds);
  await queueStatusPushes(deps.db, entryIds);
  await queuePriorityPushes(deps.db, entryIds);
  await queueCommentPushes(deps.db, entryIds);
  await queueFieldPushes(deps.db, entryIds);
});

export const runWorkflowTask = jobTask('run-workflow', (deps: WorkflowRunDeps, p) => runWorkflow(deps, p.runId));

export const approvalTimeoutTask = jobTask('approval-timeout', (deps: WorkflowRunDeps, p) => expireApproval(deps, p.approvalId));
