/**
 * The one writer of workflow-run and approval states. Each move is one guarded update (`where state in` the states
 * the event may start from), so a move the lifecycle table forbids, or one a concurrent writer made stale, changes
 * nothing and is refused with the table's error.
 */
import type { Updateable } from 'kysely';
import { APPROVAL_LIFECYCLE, type ApprovalEvent } from '../../core/approval-lifecycle.ts';
import { illegalTransition, type Lifecycle, sourcesOf } from '../../core/lifecycle.ts';
import { RUN_LIFECYCLE, type RunEvent } from '../../core/run-lifecycle.ts';
import type { Queryable } from '../database.ts';
import type { ApprovalsTable, WorkflowRunsTable } from '../schema-workflows.ts';

/** Where `event` leads; these writers move by event alone, so each of their events has one target. */
function targetOf<S extends string, E extends string>(l: Lifecycle<S, E>, event: E): S {
  const targets = new Set(l.transitions.filter((t) => t.event === event).map((t) => t.to));
  if (targets.size !== 1) throw new Error(`${l.name}: "${event}" has ${targets.size} targets`);
  return [...targets][0]!;
}

/** Moves a run by `event`, with the other columns that change with it. */
export async function moveRun(q: Queryable, runId: string, event: RunEvent, set: Omit<Updateable<WorkflowRunsTable>, 'state'> = {}): Promise<void> {
  const moved = await q
    .updateTable('workflow_runs')
    .set({ ...set, state: targetOf(RUN_LIFECYCLE, event) })
    .where('id', '=', runId)
    .where('state', 'in', sourcesOf(RUN_LIFECYCLE, event))
    .returning('id')
    .executeTakeFirst();
  if (!moved) {
    const row = await q.selectFrom('workflow_runs').select('state').where('id', '=', runId).executeTakeFirst();
    throw illegalTransition(RUN_LIFECYCLE, row?.state, event);
  }
}

/** Moves one approval by `event`, with the other columns that change with it. */
export async function moveApproval(q: Queryable, approvalId: string, event: ApprovalEvent, set: Omit<Updateable<ApprovalsTable>, 'state'> = {}): Promise<void> {
  const moved = await q
    .updateTable('approvals')
    .set({ ...set, state: targetOf(APPROVAL_LIFECYCLE, event) })
    .where('id', '=', approvalId)
    .where('state', 'in', sourcesOf(APPROVAL_LIFECYCLE, event))
    .returning('id')
    .executeTakeFirst();
  if (!moved) {
    const row = await q.selectFrom('approvals').select('state').where('id', '=', approvalId).executeTakeFirst();
    throw illegalTransition(APPROVAL_LIFECYCLE, row?.state, event);
  }
}

/** Cancels every approval of a step still open (queued or pending): the step was settled without them. */
export async function cancelOpenApprovals(q: Queryable, runId: string, stepPath: string): Promise<void> {
  await q
    .updateTable('approvals')
    .set({ state: targetOf(APPROVAL_LIFECYCLE, 'cancel') })
    .where('run_id', '=', runId)
    .where('step_path', '=', stepPath)
    .where('state', 'in', sourcesOf(APPROVAL_LIFECYCLE, 'cancel'))
    .execute();
}
