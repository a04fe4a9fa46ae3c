/**
 * Starts workflow runs for new timeline events. One run per workflow per event, however often the event is
 * delivered or however many workers race: the run's key is (workflow, triggering entry), unique in Postgres.
 * A workflow whose own change (directly or through other workflows) produced the event is not started again.
 */
import { SYSTEM } from '../../core/actor.ts';
import { conditionsHold } from '../../core/workflow-conditions.ts';
import type { WorkflowDefinition } from '../../core/workflow-definition.ts';
import { eventsFromEntry, triggerMatches } from '../../core/workflow-events.ts';
import type { Db, Queryable } from '../../db/database.ts';
import { appendTimeline } from '../../db/repositories/timeline.ts';
import { addJob, enqueue, withTransaction } from '../../db/transaction.ts';
import { loadSnapshot } from './request-snapshot.ts';

export const RUN_WORKFLOW = 'run-workflow';
/** Longest chain of workflows triggering each other before Bridgedesk stops it. */
const MAX_CHAIN = 5;

/** The job that runs (or resumes) a workflow run; its key keeps one pending per run. */
export const runJob = (runId: string, runAt?: Date) => addJob(RUN_WORKFLOW, { runId }, { jobKey: `run:${runId}`, runAt, maxAttempts: 25 });

export const enqueueRun = (q: Queryable, runId: string, runAt?: Date) => enqueue(q, runJob(runId, runAt));

/** The escalation a timeline entry is about, if it names one (sync and escalation entries do). */
export const escalationOf = (data: Record<string, unknown>): string | null => (typeof data.escalationId === 'string' ? data.escalationId : null);

export async function matchWorkflows(deps: { db: Db; publicUrl: string }, entryIds: string[]): Promise<number> {
  const { db } = deps;
  const workflows = await db
    .selectFrom('workflows as w')
    .innerJoin('workflow_versions as v', 'v.id', 'w.current_version_id')
    .select(['w.id', 'w.name', 'v.id as version_id', 'v.definition'])
    .where('w.enabled', '=', true)
    .execute();
  if (!workflows.length) return 0;
  const entries = await db
    .selectFrom('timeline_entries as t')
    .leftJoin('users as u', 'u.id', 't.actor_user_id')
    .select(['t.id', 't.request_id', 't.type', 't.data', 't.caused_by_run_id', 'u.role'])
    .where('t.id', 'in', entryIds)
    .execute();
  let started = 0;
  for (const entry of entries) {
    const events = eventsFromEntry({ type: entry.type, data: entry.data }, entry.role ?? null);
    const candidates = workflows.filter((w) => events.some((e) => triggerMatches((w.definition as WorkflowDefinition).trigger, e)));
    if (!candidates.length) continue;
    // An entry about a linked conversation names its escalation: the conditions look at that conversation.
    const snapshot = await loadSnapshot(db, entry.request_id, deps.publicUrl, { escalationId: escalationOf(entry.data) });
    if (!snapshot) continue;
    const cause = entry.caused_by_run_id
      ? await db.selectFrom('workflow_runs').select(['workflow_id', 'chain']).where('id', '=', entry.caused_by_run_id).executeTakeFirst()
      : undefined;
    const chain = cause ? [...cause.chain, cause.workflow_id] : [];
    for (const w of candidates) {
      const def = w.definition as WorkflowDefinition;
      if (!conditionsHold({ ...snapshot.subject, run: {} }, def.trigger.conditions)) continue;
      await withTransaction(db, async (tx) => {
        if (chain.includes(w.id) || chain.length >= MAX_CHAIN) {
          await appendTimeline(tx, entry.request_id, SYSTEM, [
            { type: 'workflow.loop_prevented', visibility: 'internal', data: { workflowId: w.id, workflowName: w.name, triggerEntryId: entry.id } },
          ]);
          return;
        }
        const run = await tx
          .insertInto('workflow_runs')
          .values({
            workflow_id: w.id,
            version_id: w.version_id,
            request_id: entry.request_id,
            trigger_entry_id: entry.id,
            state: 'running',
            chain,
            context: JSON.stringify({}),
          })
          .onConflict((oc) => oc.columns(['workflow_id', 'trigger_entry_id']).doNothing())
          .returning('id')
          .executeTakeFirst();
        if (!run) return;
        started += 1;
        await appendTimeline(
          tx,
          entry.request_id,
          SYSTEM,
          [{ type: 'workflow.started', visibility: 'internal', data: { workflowId: w.id, workflowName: w.name, runId: run.id } }],
          undefined,
          run.id,
        );
        await enqueueRun(tx, run.id);
      });
    }
  }
  return started;
}
