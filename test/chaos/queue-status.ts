/**
 * The chaos run's view of the job queue: what is still work (pending), what graphile-worker superseded, and how the
 * run is doing (drain status, a summary for the progress line, what is stuck when the drain times out).
 */
import type pg from 'pg';

/**
 * A job graphile-worker superseded: while it was locked, a new job took its key (add_job's replace mode), so it was
 * given max attempts and no key, to be deleted when it finishes; its worker was SIGKILLed first, so the released row
 * stays, never to run again. Its work went on in the newer job (chaos.ts checks it is done), so it is not stuck work.
 */
const SUPERSEDED = `(attempts >= max_attempts and key is null and last_error is null and locked_by is null)`;
/**
 * A row graphile-worker will never run again: superseded, or superseded and then failed (the run it was locked for
 * failed after its key was taken, e.g. a deadlock: it keeps max attempts and gets the error). A job cannot spend its
 * attempts by failing within a chaos run (the backoff is exp(attempt) seconds), so a keyless row at max attempts with
 * an error was superseded too. Its work went on in the newer job; chaos.ts checks it is done and shows the error.
 */
export const NEVER_AGAIN = `(${SUPERSEDED} or (attempts >= max_attempts and key is null and locked_by is null))`;
/**
 * Jobs that still have to run: everything but superseded rows and timers: approval due times set far ahead, and the
 * next sync poll (it reschedules itself every minute for ever: only a poll running or due is work).
 */
export const PENDING_JOB = `(not ${NEVER_AGAIN} and (locked_by is not null or run_at <= now() + case task_identifier when 'poll-destination' then interval '0' else interval '10 minutes' end or task_identifier not in ('approval-timeout', 'poll-destination')))`;

export async function drainStatus(pool: pg.Pool, workflowId: string) {
  const esc = await pool.query<{ state: string; n: number; unsettled: number }>(
    `select state, count(*)::int n, count(*) filter (where state in ('sending', 'created') or (state = 'link_failed' and next_attempt_at is not null))::int unsettled from escalations group by 1`,
  );
  const runs = await pool.query<{ state: string; n: number }>('select state, count(*)::int n from workflow_runs where workflow_id = $1 group by 1', [
    workflowId,
  ]);
  const approvals = await pool.query<{ n: number }>(`select count(*)::int n from approvals where state in ('pending', 'queued')`);
  const jobs = await pool.query<{ n: number; locked: number }>(
    `select count(*) filter (where ${PENDING_JOB})::int n, count(*) filter (where locked_by is not null)::int locked from graphile_worker.jobs`,
  );
  return {
    escalations: Object.fromEntries(esc.rows.map((r) => [r.state, r.n])),
    unsettledEscalations: esc.rows.reduce((s, r) => s + r.unsettled, 0),
    runs: Object.fromEntries(runs.rows.map((r) => [r.state, r.n])),
    pendingApprovals: approvals.rows[0]!.n,
    jobs: jobs.rows[0]!.n,
    locked: jobs.rows[0]!.locked,
  };
}

export async function queueSummary(pool: pg.Pool): Promise<string> {
  try {
    const { rows } = await pool.query<{ task: string; n: number }>(
      `select task_identifier task, count(*)::int n from graphile_worker.jobs where ${PENDING_JOB} group by 1 order by 2 desc`,
    );
    return `; queued: ${rows.map((r) => `${r.task} ${r.n}`).join(', ') || 'none'}`;
  } catch {
    return '; (database unreachable)';
  }
}

export async function stuckDetail(pool: pg.Pool): Promise<string> {
  try {
    const { rows } = await pool.query(
      `select task_identifier task, count(*)::int n, min(run_at) next_run, max(attempts) attempts, count(locked_by)::int locked, max(last_error) last_error
         from graphile_worker.jobs where ${PENDING_JOB} group by 1`,
    );
    const esc = await pool.query(`select id, state, attempts, next_attempt_at, last_error from escalations where state <> 'linked' limit 5`);
    return `\n  jobs: ${JSON.stringify(rows)}\n  escalations not linked: ${JSON.stringify(esc.rows)}`;
  } catch (err) {
    return `\n  (could not read the queue: ${(err as Error).message})`;
  }
}
