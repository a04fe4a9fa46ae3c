/**
 * Unlinking: an agent ends the link between a request and its conversation. From then on nothing syncs it (webhook
 * and poll events, thread reads and pushes all skip an unlinked escalation), both sides keep their history (the
 * escalation row keeps the conversation id and its last known state; nothing is deleted remotely), the request's
 * timeline says who unlinked it, and a note on the conversation tells the destination's agents.
 *
 * The note is posted exactly once, as escalation delivery and Note to Kustomer are: the unlink, its timeline entry
 * (which holds the note's text) and the job are one transaction; the note's external id is `<escalation id>:unlink`,
 * and a run that may follow one which reached the destination looks for it first. Unlinking twice (a double click,
 * a client's retry) changes nothing and queues nothing. The same conversation can be linked again later: that makes
 * a new escalation.
 */
import type { UserActor } from '../core/actor.ts';
import { SYSTEM } from '../core/actor.ts';
import { ESCALATION_LIFECYCLE } from '../core/escalation-lifecycle.ts';
import { requestUrl } from '../core/escalation.ts';
import { notFound } from '../core/errors.ts';
import { nextState } from '../core/lifecycle.ts';
import { formatRequestNumber } from '../core/request.ts';
import { PROVIDERS, type ProviderId } from '../connectors/registry.ts';
import { findConnection } from '../db/repositories/destinations.ts';
import { findEscalation, getEscalationView, lockEscalation, updateEscalation, type EscalationView } from '../db/repositories/escalations.ts';
import { appendTimeline } from '../db/repositories/timeline.ts';
import { enqueueJob, withTransaction } from '../db/transaction.ts';
import type { Db } from '../db/database.ts';
import { clientFor, type DestinationDeps } from './destination-access.ts';
import { callDestination, retryPush } from './destination-failure.ts';

export const UNLINK_NOTE = 'unlink-note';
const queueName = (escalationId: string) => `note:${escalationId}`;

/** The note the destination's agents read on the conversation. */
export const unlinkNote = (key: string, url: string, by: string) =>
  `Unlinked from Bridgedesk ${key} by ${by}: this conversation no longer syncs with the request (status, notes and replies stay where they are on both sides). ${url}`;

export async function unlinkEscalation(deps: { db: Db; now: () => Date; publicUrl: string }, actor: UserActor, id: string): Promise<EscalationView> {
  await withTransaction(deps.db, async (tx) => {
    const esc = await lockEscalation(tx, id);
    if (!esc) throw notFound('Escalation');
    if (esc.state === 'unlinked') return; // unlinked already: the first unlink's note is on its way or posted
    // The table refuses one still being sent (it may yet create its conversation) or one that created nothing (409).
    const state = nextState(ESCALATION_LIFECYCLE, esc.state, 'unlink');
    const now = deps.now();
    const request = await tx.selectFrom('requests').select(['number']).where('id', '=', esc.request_id).executeTakeFirstOrThrow();
    const key = formatRequestNumber(request.number);
    const destination = PROVIDERS[esc.provider as ProviderId].displayName;
    await updateEscalation(tx, esc, { state, unlinked_at: now, unlinked_by_id: actor.userId, next_attempt_at: null }, now);
    const note = unlinkNote(key, requestUrl(deps.publicUrl, key), actor.name);
    const [entryId] = await appendTimeline(
      tx,
      esc.request_id,
      actor,
      [
        {
          type: 'escalation.unlinked',
          visibility: 'internal',
          data: { escalationId: id, origin: esc.provider, destination, conversationId: esc.remote_id, url: esc.remote_url, note },
        },
      ],
      now,
    );
    await enqueueJob(tx, UNLINK_NOTE, { escalationId: id, entryId: entryId! }, { queueName: queueName(id), jobKey: `unlink:${id}` });
    // A workflow step waiting for this delivery to settle goes on (steps.ts reads the unlinked state as done).
    if (esc.workflow_run_id) await enqueueJob(tx, 'run-workflow', { runId: esc.workflow_run_id });
  });
  return (await getEscalationView(deps.db, id))!;
}

/** The job: posts the note on the (now unlinked) conversation. `mayExist`: an earlier run may have posted it. */
export async function postUnlinkNote(deps: DestinationDeps, escalationId: string, entryId: string, mayExist: boolean, attempt = 1): Promise<void> {
  const esc = await findEscalation(deps.db, escalationId);
  const entry =
    esc && (await deps.db.selectFrom('timeline_entries').select('data').where('id', '=', entryId).where('type', '=', 'escalation.unlinked').executeTakeFirst());
  if (!esc?.remote_id || !entry) return;
  const provider = esc.provider as ProviderId;
  const data = entry.data as { note?: string; destination?: string; url?: string | null };
  const record = (type: 'escalation.unlink_noted' | 'escalation.unlink_note_failed', extra: Record<string, unknown> = {}) =>
    withTransaction(deps.db, (tx) =>
      appendTimeline(
        tx,
        esc.request_id,
        SYSTEM,
        [{ type, visibility: 'internal', data: { escalationId, destination: data.destination, conversationId: esc.remote_id, url: data.url, ...extra } }],
        deps.now(),
      ),
    );
  const connection = await findConnection(deps.db, provider);
  if (!connection || connection.status !== 'connected')
    return void (await record('escalation.unlink_note_failed', { reason: `${data.destination ?? 'The destination'} is not connected` }));
  const client = clientFor(deps, provider, connection.account, deps.secrets.open(connection.secretEncrypted), false);
  const note = { body: String(data.note ?? ''), externalId: `${escalationId}:unlink` };
  const sent = await callDestination(deps, provider, () => client.addNote(esc.remote_id!, note, { mayExist: mayExist || attempt > 1 }), { attempt });
  if (sent.ok) return void (await record('escalation.unlink_noted'));
  const retried = await retryPush(deps.db, sent.failure, attempt, UNLINK_NOTE, { escalationId, entryId }, { queueName: queueName(escalationId) });
  if (!retried) await record('escalation.unlink_note_failed', { reason: sent.failure.reason });
}
