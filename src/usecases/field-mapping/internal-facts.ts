/**
 * Reads a request's internal facts (core/internal-facts.ts) for the mapped values: whose approval it awaits and its
 * last internal update. Each is read only when a mapping needs it. The assignee comes with the request itself.
 */
import { internalUpdateText, pendingApprovalText } from '../../core/internal-facts.ts';
import type { Queryable } from '../../db/database.ts';

/** "Awaiting approval by …" for the approvals still pending on the request's live runs; null when none. */
export async function readPendingApproval(q: Queryable, requestId: string): Promise<string | null> {
  const rows = await q
    .selectFrom('approvals as a')
    .innerJoin('workflow_runs as r', 'r.id', 'a.run_id')
    .innerJoin('users as u', 'u.id', 'a.approver_id')
    .select(['a.run_id', 'u.name'])
    .where('a.request_id', '=', requestId)
    .where('a.state', '=', 'pending')
    // a run that ended no longer waits, whatever its approval rows say
    .where('r.state', 'in', ['running', 'waiting'])
    .orderBy('a.created_at')
    .orderBy('a.position')
    .execute();
  const byRun = new Map<string, string[]>();
  for (const r of rows) byRun.set(r.run_id, [...(byRun.get(r.run_id) ?? []), r.name]);
  return pendingApprovalText([...byRun.values()].map((approverNames) => ({ approverNames })));
}

/** The newest internal note (by a person or a workflow step) as "Author: text" and its time; null when none. */
export async function readLastInternalUpdate(q: Queryable, requestId: string): Promise<{ text: string; at: string } | null> {
  const row = await q
    .selectFrom('timeline_entries as t')
    .leftJoin('users as u', 'u.id', 't.actor_user_id')
    .select(['t.data', 't.created_at', 'u.name'])
    .where('t.request_id', '=', requestId)
    .where('t.type', '=', 'comment.internal_note')
    .orderBy('t.id', 'desc')
    .limit(1)
    .executeTakeFirst();
  if (!row) return null;
  const body = typeof (row.data as { body?: unknown }).body === 'string' ? (row.data as { body: string }).body : '';
  const at = new Date(row.created_at);
  return { text: internalUpdateText({ authorName: row.name, body, at }), at: at.toISOString() };
}
