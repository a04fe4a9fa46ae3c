/**
 * "Wait for the requester's reply": the run waits until the requester answers publicly or the time is up, holding no
 * worker. One job per run (its key, `run:<id>`) is scheduled for the deadline; a requester's reply replaces it with
 * one that runs at once (graphile-worker replaces a pending job with the same key), so the timeout job is gone the
 * moment they answer and the step ends exactly once. What decides is the timeline, not which job woke the run: the
 * step looks for a requester's public reply written after it began waiting, so a reply that lands while the timeout
 * job runs, or a wake-up that went missing, changes nothing.
 */
import { sql } from 'kysely';
import type { Step } from '../../core/workflow-definition.ts';
import type { Queryable, Tx } from '../../db/database.ts';
import { durationText } from '../../core/duration.ts';
import { enqueueRun } from './match-workflows.ts';
import type { StepContext, StepOutcome } from './steps.ts';

type ReplyWait = Extract<Step, { type: 'wait_for_reply' }>;

/** A public reply by someone who is not staff: the requester (or a follower they brought in) answering. */
async function requesterReplied(q: Queryable, requestId: string, afterEntryId: string): Promise<boolean> {
  const row = await q
    .selectFrom('timeline_entries as t')
    .innerJoin('users as u', 'u.id', 't.actor_user_id')
    .select('t.id')
    .where('t.request_id', '=', requestId)
    .where('t.type', '=', 'comment.public_reply')
    .where('t.id', '>', afterEntryId)
    .where('u.role', 'not in', ['admin', 'agent'])
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}

export async function replyWaitStep(tx: Tx, ctx: StepContext, step: ReplyWait, now: Date): Promise<StepOutcome> {
  const { requestId, id: runId } = ctx.run;
  if (!ctx.resuming) {
    // The request is locked (executeStep): no reply of it commits between this read and the step's own commit.
    const last = await tx
      .selectFrom('timeline_entries')
      .select((eb) => eb.fn.max('id').as('id'))
      .where('request_id', '=', requestId)
      .executeTakeFirst();
    const until = new Date(now.getTime() + step.minutes * 60_000);
    await enqueueRun(tx, runId, until);
    return { kind: 'waiting', result: { until: until.toISOString(), afterEntryId: String(last?.id ?? '0') } };
  }
  const until = new Date(String(ctx.resuming.until));
  const afterEntryId = String(ctx.resuming.afterEntryId);
  if (await requesterReplied(tx, requestId, afterEntryId)) {
    const result = { ...ctx.resuming, reply: 'received' };
    if (step.onReply === 'stop')
      return { kind: 'done', result, context: { reply: 'received' }, summary: 'the requester replied', endRun: 'the requester replied' };
    return { kind: 'done', result, context: { reply: 'received' }, summary: 'the requester replied' };
  }
  if (now >= until) {
    return { kind: 'done', result: { ...ctx.resuming, reply: 'none' }, context: { reply: 'none' }, summary: `no reply within ${durationText(step.minutes)}` };
  }
  // Woken early (the reply was not the requester's, or a wake-up raced a retry): wait on, with the deadline's job back.
  await enqueueRun(tx, runId, until);
  return { kind: 'waiting', result: ctx.resuming };
}

/**
 * A requester answered publicly: every run of the request waiting for their reply is woken now, in the reply's own
 * transaction. Its pending deadline job is replaced (same job key), so no timeout fires after the answer.
 */
export async function wakeReplyWaits(tx: Tx, requestId: string): Promise<void> {
  const { rows } = await sql<{ id: string }>`select r.id from workflow_runs r
    where r.request_id = ${requestId} and r.state = 'waiting'
      and exists (select 1 from workflow_run_steps s where s.run_id = r.id and s.type = 'wait_for_reply' and s.state = 'waiting')`.execute(tx);
  for (const r of rows) await enqueueRun(tx, r.id);
}
