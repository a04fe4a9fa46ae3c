/** Approvers decide; the timeout job decides for them when the due time passes. Either way the run resumes. */
import type { UserActor } from '../../core/actor.ts';
import { SYSTEM } from '../../core/actor.ts';
import { forbidden, notFound } from '../../core/errors.ts';
import type { Step, WorkflowDefinition } from '../../core/workflow-definition.ts';
import type { Db, Tx } from '../../db/database.ts';
import { moveApproval } from '../../db/repositories/lifecycle-writes.ts';
import { appendTimeline } from '../../db/repositories/timeline.ts';
import { withTransaction } from '../../db/transaction.ts';
import { askApprover } from './approval-step.ts';
import { enqueueRun } from './match-workflows.ts';

interface Deps {
  db: Db;
  now: () => Date;
  publicUrl: string;
  smtpConfigured: boolean;
}

async function context(tx: Tx, approvalId: string) {
  const a = await tx.selectFrom('approvals').selectAll().where('id', '=', approvalId).forUpdate().executeTakeFirst();
  if (!a) return null;
  const run = await tx
    .selectFrom('workflow_runs as r')
    .innerJoin('workflows as w', 'w.id', 'r.workflow_id')
    .innerJoin('workflow_versions as v', 'v.id', 'r.version_id')
    .select(['r.id', 'w.name', 'v.definition'])
    .where('r.id', '=', a.run_id)
    .executeTakeFirstOrThrow();
  return { a, run };
}

/** Asks the next approver of an "all in sequence" group, if there is one. */
async function askNext(tx: Tx, deps: Deps, runId: string, path: string) {
  const next = await tx
    .selectFrom('approvals')
    .select('id')
    .where('run_id', '=', runId)
    .where('step_path', '=', path)
    .where('state', '=', 'queued')
    .orderBy('position')
    .executeTakeFirst();
  if (next) await askApprover(tx, deps, next.id);
}

/** Only the designated approver decides, and a decision counts once. */
export async function decideApproval(deps: Deps, actor: UserActor, approvalId: string, decision: 'approve' | 'reject', comment: string | null) {
  await withTransaction(deps.db, async (tx) => {
    const found = await context(tx, approvalId);
    if (!found) throw notFound('Approval');
    const { a, run } = found;
    if (a.approver_id !== actor.userId) throw forbidden('Only the designated approver can decide');
    const now = deps.now();
    const state = decision === 'approve' ? 'approved' : 'rejected';
    await moveApproval(tx, approvalId, decision, { decided_at: now, comment });
    await appendTimeline(
      tx,
      a.request_id,
      actor,
      [
        {
          type: 'workflow.approval_decided',
          visibility: 'internal',
          data: { workflowName: run.name, runId: run.id, approvalId, decision: state, by: actor.name, comment },
        },
      ],
      now,
      run.id,
    );
    if (state === 'approved') await askNext(tx, deps, run.id, a.step_path);
    await enqueueRun(tx, run.id);
  });
}

function stepAt(def: WorkflowDefinition, path: string): Step | null {
  const parts = path.split('.');
  let list: Step[] = def.steps;
  let step: Step | null = null;
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i]!;
    if (p === 'then' || p === 'else') {
      if (step?.type !== 'branch') return null;
      list = step[p];
      continue;
    }
    step = list[Number(p)] ?? null;
  }
  return step;
}

/** The due time passed with the approval still pending: reject, approve, or ask the approver's manager instead. */
export async function expireApproval(deps: Deps, approvalId: string) {
  await withTransaction(deps.db, async (tx) => {
    const found = await context(tx, approvalId);
    if (!found || found.a.state !== 'pending') return;
    const { a, run } = found;
    const now = deps.now();
    const step = stepAt(run.definition as WorkflowDefinition, a.step_path);
    let onTimeout = step?.type === 'approval' ? step.onTimeout : 'reject';
    let fallbackTo: { id: string; name: string } | null = null;
    if (onTimeout === 'escalate_to_manager') {
      const approver = await tx
        .selectFrom('users as u')
        .leftJoin('users as m', 'm.id', 'u.manager_id')
        .select(['m.id', 'm.name', 'm.active'])
        .where('u.id', '=', a.approver_id)
        .executeTakeFirst();
      if (approver?.id && approver.active) fallbackTo = { id: approver.id, name: approver.name! };
      else onTimeout = 'reject';
    }
    const note = 'No decision by the due time';
    if (fallbackTo) {
      await moveApproval(tx, approvalId, 'expire', { decided_at: now, comment: note });
      const hours = step?.type === 'approval' && step.dueInHours ? step.dueInHours : 24;
      const row = await tx
        .insertInto('approvals')
        .values({
          run_id: a.run_id,
          request_id: a.request_id,
          step_path: a.step_path,
          approver_id: fallbackTo.id,
          state: 'queued',
          position: a.position,
          message: a.message,
          due_at: new Date(now.getTime() + hours * 3_600_000),
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      await askApprover(tx, deps, row.id);
    } else {
      await moveApproval(tx, approvalId, onTimeout === 'approve' ? 'approve' : 'reject', { decided_at: now, comment: note });
      if (onTimeout === 'approve') await askNext(tx, deps, run.id, a.step_path);
    }
    await appendTimeline(
      tx,
      a.request_id,
      SYSTEM,
      [
        {
          type: 'workflow.approval_expired',
          visibility: 'internal',
          data: {
            workflowName: run.name,
            runId: run.id,
            approvalId,
            outcome: fallbackTo ? 'escalated' : onTimeout === 'approve' ? 'approved' : 'rejected',
            fallbackTo: fallbackTo?.name ?? null,
          },
        },
      ],
      now,
      run.id,
    );
    await enqueueRun(tx, run.id);
  });
}
