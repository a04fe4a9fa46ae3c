/**
 * A step that quotes the linked conversation's last reply ({{conversation.last_public_message}}) waits, a little,
 * until the conversation's thread is read: a message sent with the very change that started the run ("send and mark
 * done" in Kustomer) reaches the request by a thread read queued with that change (read-thread.ts), which may still
 * be on its way when the run starts. The read wakes the run when it is done; a deadline bounds the wait when it fails.
 */
import { sql } from 'kysely';
import type { Queryable } from '../../db/database.ts';
import { enqueueRun } from './match-workflows.ts';

/** How long a quoting step waits for the thread read at most, then quotes what the request has. */
export const THREAD_WAIT_MS = 2 * 60_000;

/** Whether a read of the conversation's thread is wanted and not done (migration 020). */
export async function threadReadPending(q: Queryable, requestId: string, conversation: { provider: string; remoteId: string }): Promise<boolean> {
  const row = await q
    .selectFrom('escalations')
    .select('id')
    .where('request_id', '=', requestId)
    .where('provider', '=', conversation.provider)
    .where('remote_id', '=', conversation.remoteId)
    .where('thread_read_wanted_at', 'is not', null)
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}

/** The read is done: runs of the request waiting on it go on now (their job key replaces the deadline's job). */
export async function wakeThreadWaits(q: Queryable, requestId: string): Promise<void> {
  const { rows } = await sql<{ id: string }>`select r.id from workflow_runs r
    where r.request_id = ${requestId} and r.state = 'waiting'
      and exists (select 1 from workflow_run_steps s where s.run_id = r.id and s.state = 'waiting' and s.result ? 'threadWaitSince')`.execute(q);
  for (const r of rows) await enqueueRun(q, r.id);
}
