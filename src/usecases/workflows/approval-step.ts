/**
 * The approval step: asks the requester's manager, a named person, or a group (any one of them, or each in
 * turn), with a due time. The run waits holding no worker; a decision or the timeout job resumes it.
 */
import { SYSTEM } from '../../core/actor.ts';
import { unprocessable } from '../../core/errors.ts';
import type { Step } from '../../core/workflow-definition.ts';
import type { Tx } from '../../db/database.ts';
import { addFollower } from '../../db/repositories/requests.ts';
import { cancelOpenApprovals, moveApproval } from '../../db/repositories/lifecycle-writes.ts';
import { appendTimeline } from '../../db/repositories/timeline.ts';
import { enqueueJob } from '../../db/transaction.ts';
import { notify } from './notify.ts';
import type { RequestSnapshot } from './request-snapshot.ts';
import type { StepContext, StepOutcome, WorkflowRunDeps } from './steps.ts';

export const APPROVAL_TIMEOUT = 'approval-timeout';
type ApprovalStep = Extract<Step, { type: 'approval' }>;

/** The approver ids a step asks for this request, in the order asked (none: a manager step for a requester without one). */
export function approversOf(step: ApprovalStep, snap: RequestSnapshot): string[] {
  if (step.approver.type === 'manager') return snap.requesterManagerId ? [snap.requesterManagerId] : [];
  return step.approver.type === 'user' ? [step.approver.userId] : step.approver.userIds;
}

/** Asks one approver: the approval becomes pending, they are told, and its timeout is scheduled. */
export async function askApprover(tx: Tx, deps: { now: () => Date; publicUrl: string; smtpConfigured: boolean }, approvalId: string) {
  const a = await tx
    .selectFrom('approvals as a')
    .innerJoin('users as u', 'u.id', 'a.approver_id')
    .innerJoin('requests as r', 'r.id', 'a.request_id')
    .select(['a.id', 'a.due_at', 'a.message', 'a.request_id', 'u.id as user_id', 'u.name', 'u.email', 'u.role', 'r.number', 'r.title'])
    .where('a.id', '=', approvalId)
    .executeTakeFirstOrThrow();
  await moveApproval(tx, approvalId, 'ask');
  // A manager is often not staff: following the request lets them open what they are asked to approve.
  if (a.role === 'requester' && (await addFollower(tx, a.request_id, a.user_id))) {
    await appendTimeline(tx, a.request_id, SYSTEM, [{ type: 'request.follower_added', data: { user: { id: a.user_id, name: a.name } } }], deps.now());
  }
  await notify(tx, deps.smtpConfigured, {
    userId: a.user_id,
    email: a.email,
    requestId: a.request_id,
    kind: 'approval',
    title: `Approval needed: REQ-${a.number} ${a.title}`,
    body: a.message || 'A workflow is waiting for your approval.',
    link: `${deps.publicUrl}/approvals`,
  });
  if (a.due_at) await enqueueJob(tx, APPROVAL_TIMEOUT, { approvalId }, { jobKey: `approval:${approvalId}`, runAt: new Date(a.due_at) });
}

export async function openApprovalStep(
  tx: Tx,
  ctx: StepContext,
  snap: RequestSnapshot,
  deps: WorkflowRunDeps,
  render: (t: string) => string,
): Promise<StepOutcome> {
  const step = ctx.step as ApprovalStep;
  if (step.approver.type === 'manager' && !snap.requesterManagerId) throw unprocessable(`${snap.requesterName} has no manager to approve`);
  const approverIds = approversOf(step, snap);
  const active = await tx.selectFrom('users').select(['id', 'name']).where('id', 'in', approverIds).where('active', '=', true).execute();
  if (active.length !== approverIds.length) throw unprocessable('An approver no longer exists or is deactivated');
  const inSequence = step.approver.type === 'group' && step.approver.mode === 'all_in_sequence';
  const dueAt = step.dueInHours ? new Date(deps.now().getTime() + step.dueInHours * 3_600_000) : null;
  const message = step.message ? render(step.message) : '';
  const rows = await tx
    .insertInto('approvals')
    .values(
      approverIds.map((approverId, position) => ({
        run_id: ctx.run.id,
        request_id: ctx.run.requestId,
        step_path: ctx.path,
        approver_id: approverId,
        state: 'queued' as const,
        position,
        message,
        due_at: dueAt,
      })),
    )
    .returning(['id', 'position'])
    .execute();
  for (const r of rows) if (!inSequence || r.position === 0) await askApprover(tx, deps, r.id);
  const names = approverIds.map((id) => active.find((u) => u.id === id)!.name);
  await appendTimeline(
    tx,
    ctx.run.requestId,
    SYSTEM,
    [
      {
        type: 'workflow.waiting_approval',
        visibility: 'internal',
        data: {
          workflowName: ctx.run.workflowName,
          runId: ctx.run.id,
          approvers: inSequence ? [names[0]] : names,
          mode: inSequence ? 'sequence' : 'any',
          dueAt: dueAt?.toISOString() ?? null,
        },
      },
    ],
    deps.now(),
    ctx.run.id,
  );
  return { kind: 'waiting', result: { approverIds } };
}

/** Reads the decisions so far: a rejection or (any one / the last in sequence) approval settles the step. */
export async function approvalOutcome(tx: Tx, ctx: StepContext, snap: RequestSnapshot, deps: WorkflowRunDeps): Promise<StepOutcome> {
  const step = ctx.step as ApprovalStep;
  const rows = await tx.selectFrom('approvals').select(['state', 'approver_id']).where('run_id', '=', ctx.run.id).where('step_path', '=', ctx.path).execute();
  const rejected = rows.some((r) => r.state === 'rejected');
  const inSequence = step.approver.type === 'group' && step.approver.mode === 'all_in_sequence';
  const approved = inSequence
    ? rows.every((r) => r.state === 'approved' || r.state === 'expired') && rows.some((r) => r.state === 'approved')
    : rows.some((r) => r.state === 'approved');
  if (!rejected && !approved) return { kind: 'waiting', result: ctx.resuming ?? {} };
  // Settled: whoever else was still asked need not answer.
  await cancelOpenApprovals(tx, ctx.run.id, ctx.path);
  const outcome = rejected ? 'rejected' : 'approved';
  if (rejected && step.onReject === 'stop') {
    await notify(tx, deps.smtpConfigured, {
      userId: snap.requesterId,
      email: snap.requesterEmail,
      requestId: snap.id,
      kind: 'approval_rejected',
      title: `${snap.key} was not approved`,
      body: `The ${ctx.run.workflowName} workflow for "${snap.values['request.title']}" was rejected.`,
      link: snap.values['request.link']!,
    });
    return { kind: 'done', result: { outcome }, context: { approval: outcome }, summary: 'approval rejected', stopRun: 'rejected' };
  }
  return { kind: 'done', result: { outcome }, context: { approval: outcome }, summary: `approval ${outcome}` };
}
