/** Workflow, run and approval views for the API. */
import { sql } from 'kysely';
import { formatRequestNumber } from '../../core/request.ts';
import type { WorkflowDefinition } from '../../core/workflow-definition.ts';
import type { Queryable } from '../database.ts';

const iso = (d: Date | string | null) => (d === null ? null : new Date(d).toISOString());

export async function listWorkflowViews(q: Queryable, id?: string) {
  let query = q
    .selectFrom('workflows as w')
    .innerJoin('workflow_versions as v', 'v.id', 'w.current_version_id')
    .select(['w.id', 'w.name', 'w.description', 'w.enabled', 'w.created_at', 'w.updated_at', 'v.version', 'v.definition'])
    .select([
      sql<number>`(select count(*)::int from workflow_runs r where r.workflow_id = w.id)`.as('runs'),
      sql<number>`(select count(*)::int from workflow_runs r where r.workflow_id = w.id and r.state = 'running')`.as('running'),
      sql<number>`(select count(*)::int from workflow_runs r where r.workflow_id = w.id and r.state = 'waiting')`.as('waiting'),
      sql<number>`(select count(*)::int from workflow_runs r where r.workflow_id = w.id and r.state = 'failed')`.as('failed'),
    ])
    .orderBy('w.name');
  if (id) query = query.where('w.id', '=', id);
  const rows = await query.execute();
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    description: r.description,
    enabled: r.enabled,
    version: r.version,
    definition: r.definition as WorkflowDefinition,
    createdAt: iso(r.created_at)!,
    updatedAt: iso(r.updated_at)!,
    stats: { runs: r.runs, running: r.running, waiting: r.waiting, failed: r.failed },
  }));
}

export async function listVersions(q: Queryable, workflowId: string) {
  const rows = await q
    .selectFrom('workflow_versions as v')
    .leftJoin('users as u', 'u.id', 'v.created_by_id')
    .select(['v.id', 'v.version', 'v.created_at', 'u.name'])
    .where('v.workflow_id', '=', workflowId)
    .orderBy('v.version', 'desc')
    .execute();
  return rows.map((r) => ({ id: r.id, version: r.version, createdAt: iso(r.created_at)!, createdBy: r.name }));
}

export async function listRunViews(q: Queryable, where: { workflowId?: string; requestId?: string; runId?: string }, limit = 50) {
  let query = q
    .selectFrom('workflow_runs as r')
    .innerJoin('workflows as w', 'w.id', 'r.workflow_id')
    .innerJoin('workflow_versions as v', 'v.id', 'r.version_id')
    .innerJoin('requests as rq', 'rq.id', 'r.request_id')
    .select([
      'r.id',
      'r.workflow_id',
      'w.name',
      'v.version',
      'r.request_id',
      'rq.number',
      'r.state',
      'r.error',
      'r.failed_step',
      'r.created_at',
      'r.finished_at',
    ])
    .orderBy('r.created_at', 'desc')
    .limit(limit);
  if (where.workflowId) query = query.where('r.workflow_id', '=', where.workflowId);
  if (where.requestId) query = query.where('r.request_id', '=', where.requestId);
  if (where.runId) query = query.where('r.id', '=', where.runId);
  const runs = await query.execute();
  if (!runs.length) return [];
  const steps = await q
    .selectFrom('workflow_run_steps')
    .selectAll()
    .where(
      'run_id',
      'in',
      runs.map((r) => r.id),
    )
    .orderBy('started_at')
    .execute();
  return runs.map((r) => ({
    id: r.id,
    workflowId: r.workflow_id,
    workflowName: r.name,
    version: r.version,
    requestId: r.request_id,
    requestKey: formatRequestNumber(r.number),
    state: r.state,
    error: r.error,
    failedStep: r.failed_step,
    createdAt: iso(r.created_at)!,
    finishedAt: iso(r.finished_at),
    steps: steps
      .filter((s) => s.run_id === r.id)
      .map((s) => ({
        path: s.path,
        type: s.type,
        name: (s.result as { name?: string }).name ?? null,
        state: s.state,
        result: s.result,
        error: s.error,
        startedAt: iso(s.started_at)!,
        finishedAt: iso(s.finished_at),
      })),
  }));
}

/**
 * Approvals with their workflow, request and approver. `state`: pending (asked now), decided, or waiting (pending
 * plus queued: the later approvers of an "all in sequence" step, asked in turn), oldest first for a request.
 */
export async function listApprovalViews(
  q: Queryable,
  where: { approverId?: string; state?: 'pending' | 'decided' | 'waiting'; id?: string; requestId?: string },
) {
  let query = q
    .selectFrom('approvals as a')
    .innerJoin('workflow_runs as r', 'r.id', 'a.run_id')
    .innerJoin('workflows as w', 'w.id', 'r.workflow_id')
    .innerJoin('requests as rq', 'rq.id', 'a.request_id')
    .innerJoin('users as req', 'req.id', 'rq.requester_id')
    .innerJoin('users as ap', 'ap.id', 'a.approver_id')
    .select([
      'a.id',
      'a.run_id',
      'w.name as workflow_name',
      'rq.id as request_id',
      'rq.number',
      'rq.title',
      'rq.priority',
      'rq.status',
      'req.id as requester_id',
      'req.name as requester_name',
      'ap.id as approver_id',
      'ap.name as approver_name',
      'a.state',
      'a.message',
      'a.due_at',
      'a.decided_at',
      'a.comment',
      'a.created_at',
    ])
    // When the approver was asked: a later approver of a sequence when the one before them decided, else when created.
    .select(
      sql<Date | null>`(select max(p.decided_at) from approvals p where p.run_id = a.run_id and p.step_path = a.step_path and p.position < a.position)`.as(
        'previous_decided_at',
      ),
    )
    .orderBy('a.created_at', where.requestId ? 'asc' : 'desc')
    .orderBy('a.position')
    .limit(200);
  if (where.approverId) query = query.where('a.approver_id', '=', where.approverId);
  if (where.requestId) query = query.where('a.request_id', '=', where.requestId);
  if (where.state === 'waiting') query = query.where('a.state', 'in', ['pending', 'queued']);
  if (where.id) query = query.where('a.id', '=', where.id);
  if (where.state === 'pending') query = query.where('a.state', '=', 'pending');
  if (where.state === 'decided') query = query.where('a.state', 'in', ['approved', 'rejected', 'expired', 'cancelled']);
  const rows = await query.execute();
  return rows.map((r) => ({
    id: r.id,
    runId: r.run_id,
    workflowName: r.workflow_name,
    request: {
      id: r.request_id,
      key: formatRequestNumber(r.number),
      title: r.title,
      priority: r.priority,
      status: r.status,
      requester: { id: r.requester_id, name: r.requester_name },
    },
    approver: { id: r.approver_id, name: r.approver_name },
    state: r.state,
    message: r.message,
    dueAt: iso(r.due_at),
    decidedAt: iso(r.decided_at),
    comment: r.comment,
    createdAt: iso(r.created_at)!,
    askedAt: r.state === 'queued' ? null : iso(r.previous_decided_at ?? r.created_at),
  }));
}
