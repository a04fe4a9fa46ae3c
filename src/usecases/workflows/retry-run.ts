/** Retries a failed run from the step that failed; the steps before it are not run again. */
import type { UserActor } from '../../core/actor.ts';
import { notFound } from '../../core/errors.ts';
import { moveRun } from '../../db/repositories/lifecycle-writes.ts';
import type { Db } from '../../db/database.ts';
import { appendTimeline } from '../../db/repositories/timeline.ts';
import { withTransaction } from '../../db/transaction.ts';
import { enqueueRun } from './match-workflows.ts';

export async function retryRun(db: Db, actor: UserActor, runId: string, now: Date) {
  await withTransaction(db, async (tx) => {
    const run = await tx.selectFrom('workflow_runs').selectAll().where('id', '=', runId).forUpdate().executeTakeFirst();
    if (!run) throw notFound('Workflow run');
    await moveRun(tx, runId, 'retry', { error: null, failed_step: null, updated_at: now });
    await appendTimeline(
      tx,
      run.request_id,
      actor,
      [{ type: 'workflow.retry_requested', visibility: 'internal', data: { runId, step: run.failed_step } }],
      now,
      runId,
    );
    await enqueueRun(tx, runId);
  });
}
