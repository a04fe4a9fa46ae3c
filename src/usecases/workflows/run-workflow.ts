/**
 * Runs a workflow's steps, durably. Each step executes in one transaction that also stores its result, under a
 * lock on the run: a finished step is never run again, and a worker killed mid-run leaves the run to resume after
 * its last finished step. Steps that wait (approval, conversation delivery, a timed wait) hold no worker: they put
 * the run in `waiting`, and a decision, the delivery's end or a scheduled job resumes it.
 */
import { SYSTEM } from '../../core/actor.ts';
import type { Step, WorkflowDefinition } from '../../core/workflow-definition.ts';
import type { Tx } from '../../db/database.ts';
import { moveRun } from '../../db/repositories/lifecycle-writes.ts';
import { appendTimeline } from '../../db/repositories/timeline.ts';
import { withTransaction } from '../../db/transaction.ts';
import type { StepState } from '../../db/schema-workflows.ts';
import { executeStep, type StepOutcome, type WorkflowRunDeps } from './steps.ts';
import { AppError } from '../../core/errors.ts';

interface Located {
  path: string;
  step: Step;
}

/** The next step to work on, following branch decisions already stored; null when the run is complete. */
function nextStep(steps: Step[], prefix: string, done: Map<string, { state: StepState; result: Record<string, unknown> }>): Located | null {
  for (let i = 0; i < steps.length; i++) {
    const path = `${prefix}${i}`;
    const step = steps[i]!;
    const row = done.get(path);
    if (row && (row.state === 'succeeded' || row.state === 'skipped')) {
      if (step.type === 'branch') {
        const chosen = row.result.chosen === 'then' ? step.then : step.else;
        const inner = nextStep(chosen, `${path}.${row.result.chosen}.`, done);
        if (inner) return inner;
      }
      continue;
    }
    return { path, step };
  }
  return null;
}

export async function runWorkflow(deps: WorkflowRunDeps, runId: string): Promise<void> {
  // Bounded: a run has at most a few dozen steps; each loop turn finishes one.
  for (let turn = 0; turn < 500; turn++) {
    const outcome = await withTransaction(deps.db, (tx) => advance(deps, tx, runId));
    if (outcome !== 'continue') return;
  }
}

async function advance(deps: WorkflowRunDeps, tx: Tx, runId: string): Promise<'continue' | 'stop'> {
  const run = await tx.selectFrom('workflow_runs').selectAll().where('id', '=', runId).forUpdate().executeTakeFirst();
  if (!run || (run.state !== 'running' && run.state !== 'waiting')) return 'stop';
  const wf = await tx
    .selectFrom('workflow_versions as v')
    .innerJoin('workflows as w', 'w.id', 'v.workflow_id')
    .select(['v.definition', 'w.name'])
    .where('v.id', '=', run.version_id)
    .executeTakeFirstOrThrow();
  const def = wf.definition as WorkflowDefinition;
  const rows = await tx.selectFrom('workflow_run_steps').select(['path', 'state', 'result']).where('run_id', '=', runId).execute();
  const done = new Map(rows.map((r) => [r.path, { state: r.state, result: r.result as Record<string, unknown> }]));
  const next = nextStep(def.steps, '', done);
  const now = deps.now();
  const log = (type: string, data: Record<string, unknown>) =>
    appendTimeline(
      tx,
      run.request_id,
      SYSTEM,
      [{ type, visibility: 'internal', data: { workflowId: run.workflow_id, workflowName: wf.name, runId, ...data } }],
      now,
      runId,
    );
  const finish = (event: 'succeed' | 'fail' | 'cancel', extra: { error?: string; failedStep?: string } = {}) =>
    // A failed run is not finished: it can be retried from the failed step.
    moveRun(tx, runId, event, {
      updated_at: now,
      finished_at: event === 'fail' ? null : now,
      error: extra.error ?? null,
      failed_step: extra.failedStep ?? null,
    });

  if (!next) {
    await finish('succeed');
    await log('workflow.finished', { state: 'succeeded' });
    return 'stop';
  }
  const existing = done.get(next.path);
  let outcome: StepOutcome;
  try {
    outcome = await executeStep(deps, tx, {
      run: {
        id: runId,
        requestId: run.request_id,
        workflowId: run.workflow_id,
        workflowName: wf.name,
        context: run.context,
        triggerEntryId: run.trigger_entry_id,
      },
      path: next.path,
      step: next.step,
      resuming: existing?.state === 'waiting' ? existing.result : null,
    });
  } catch (err) {
    // A rule of the domain said no (an approver that no longer exists, a request field gone): the run fails at this
    // step and can be retried from it. Anything else is a bug or an outage: the job retries the whole turn.
    if (!(err instanceof AppError)) throw err;
    outcome = { kind: 'failed', error: err.message };
  }
  const saveStep = (state: StepState, result: Record<string, unknown>, error: string | null = null) =>
    tx
      .insertInto('workflow_run_steps')
      .values({
        run_id: runId,
        path: next.path,
        type: next.step.type,
        state,
        result: JSON.stringify({ name: next.step.name ?? null, ...result }),
        error,
        started_at: now,
        finished_at: state === 'waiting' ? null : now,
      })
      .onConflict((oc) =>
        oc
          .columns(['run_id', 'path'])
          .doUpdateSet({ state, result: JSON.stringify({ name: next.step.name ?? null, ...result }), error, finished_at: state === 'waiting' ? null : now }),
      )
      .execute();

  switch (outcome.kind) {
    case 'done':
      await saveStep('succeeded', outcome.result ?? {});
      if (outcome.context) {
        await tx
          .updateTable('workflow_runs')
          .set({ context: JSON.stringify({ ...run.context, ...outcome.context }) })
          .where('id', '=', runId)
          .execute();
      }
      if (outcome.summary)
        await log('workflow.step_done', { step: { path: next.path, type: next.step.type, name: next.step.name ?? null }, summary: outcome.summary });
      if (run.state !== 'running') await moveRun(tx, runId, 'resume', { updated_at: now });
      if (outcome.stopRun) {
        await finish('cancel');
        await log('workflow.finished', { state: 'cancelled', reason: outcome.stopRun });
        return 'stop';
      }
      if (outcome.endRun) {
        // The step's purpose is met early (the requester answered): the run ends well, skipping what follows.
        await finish('succeed');
        await log('workflow.finished', { state: 'succeeded', reason: outcome.endRun });
        return 'stop';
      }
      return 'continue';
    case 'waiting':
      await saveStep('waiting', outcome.result ?? existing?.result ?? {});
      await moveRun(tx, runId, 'wait', { updated_at: now });
      return 'stop';
    case 'failed':
      await saveStep('failed', existing?.result ?? {}, outcome.error);
      await finish('fail', { error: outcome.error, failedStep: next.path });
      await log('workflow.failed', { error: outcome.error, step: { path: next.path, type: next.step.type, name: next.step.name ?? null } });
      return 'stop';
  }
}
