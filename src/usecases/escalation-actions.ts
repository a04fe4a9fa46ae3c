/** What an agent can do to an escalation after submitting it: retry, re-link, or link an existing conversation. */
import { PROVIDERS, type ProviderId } from '../connectors/registry.ts';
import type { UserActor } from '../core/actor.ts';
import { conflict, notFound, unprocessable } from '../core/errors.ts';
import { findEscalation, getEscalationView, lockEscalation, updateEscalation, type EscalationView } from '../db/repositories/escalations.ts';
import { lockRequest } from '../db/repositories/requests.ts';
import { appendTimeline } from '../db/repositories/timeline.ts';
import { withTransaction } from '../db/transaction.ts';
import { clientFor, guardCredentials, toAppError, type DestinationDeps } from './destination-access.ts';
import { enqueueDelivery, usableConnection } from './submit-escalation.ts';

/** Starts delivery again from where it stopped (a failed escalation, or a link that could not be posted). */
export async function retryEscalation(deps: DestinationDeps, actor: UserActor, id: string): Promise<EscalationView> {
  await withTransaction(deps.db, async (tx) => {
    const esc = await lockEscalation(tx, id);
    if (!esc) throw notFound('Escalation');
    if (esc.state !== 'failed' && esc.state !== 'link_failed') throw conflict(`Only a failed escalation can be retried (this one is ${esc.state})`);
    await usableConnection(tx, esc.provider as ProviderId);
    const now = deps.now();
    await updateEscalation(tx, id, { state: esc.remote_id ? 'created' : 'sending', attempts: esc.attempts > 0 ? 1 : 0, last_error: null, last_error_kind: null, next_attempt_at: null }, now);
    await appendTimeline(tx, esc.request_id, actor, [{ type: 'escalation.retry_requested', visibility: 'internal', data: { escalationId: id } }], now);
    await enqueueDelivery(tx, id);
  });
  return (await getEscalationView(deps.db, id))!;
}

/** Checks a conversation id against the destination; returns what the escalation will point at. */
async function verifiedTicket(deps: DestinationDeps, provider: ProviderId, conversationId: string) {
  const connection = await usableConnection(deps.db, provider);
  const client = clientFor(deps, provider, connection.account, deps.secrets.open(connection.secretEncrypted), true);
  let ticket;
  try {
    ticket = await guardCredentials(deps, provider, () => client.getTicket(conversationId.trim()));
  } catch (err) {
    throw toAppError(err, PROVIDERS[provider].displayName);
  }
  if (!ticket) throw unprocessable(`No conversation ${conversationId} in ${PROVIDERS[provider].displayName}`, { field: 'conversationId' });
  return ticket;
}

/**
 * Points an escalation at a conversation by hand (the back-link failed, or the agent found the right one), after
 * checking it exists; the delivery then posts the back-link note on it.
 */
export async function relinkEscalation(deps: DestinationDeps, actor: UserActor, id: string, conversationId: string): Promise<EscalationView> {
  const esc = await findEscalation(deps.db, id);
  if (!esc) throw notFound('Escalation');
  if (esc.state === 'sending') throw conflict('This escalation is still being delivered; wait for it to finish or fail');
  const ticket = await verifiedTicket(deps, esc.provider as ProviderId, conversationId);
  await withTransaction(deps.db, async (tx) => {
    const now = deps.now();
    await lockEscalation(tx, id);
    await updateEscalation(tx, id, { remote_id: ticket.remoteId, remote_url: ticket.url, remote_status: ticket.status, remote_updated_at: new Date(ticket.updatedAt), state: 'created', message_posted: true, attempts: 1, last_error: null, last_error_kind: null, next_attempt_at: null, linked_at: null }, now);
    await appendTimeline(tx, esc.request_id, actor, [
      { type: 'escalation.relinked', visibility: 'internal', data: { escalationId: id, conversationId: ticket.remoteId, url: ticket.url, previousConversationId: esc.remote_id } },
    ], now);
    await enqueueDelivery(tx, id);
  });
  return (await getEscalationView(deps.db, id))!;
}

/** Links a request to a conversation that already exists in the destination, without creating one. */
export async function linkExistingConversation(deps: DestinationDeps, actor: UserActor, requestId: string, provider: ProviderId, conversationId: string): Promise<EscalationView> {
  const ticket = await verifiedTicket(deps, provider, conversationId);
  const id = await withTransaction(deps.db, async (tx) => {
    const now = deps.now();
    if (!(await lockRequest(tx, requestId))) throw notFound('Request');
    const taken = await tx.selectFrom('escalations').select('id').where('request_id', '=', requestId).where('provider', '=', provider).where('remote_id', '=', ticket.remoteId).executeTakeFirst();
    if (taken) throw conflict('This request is already linked to that conversation', { escalationId: taken.id });
    const row = await tx
      .insertInto('escalations')
      .values({
        request_id: requestId,
        provider,
        origin: 'linked_existing',
        target_kind: ticket.targetQueueId ? 'queue' : null,
        target_remote_id: ticket.targetQueueId,
        subject: ticket.subject ?? '',
        priority: ticket.priority,
        state: 'created',
        remote_id: ticket.remoteId,
        remote_url: ticket.url,
        remote_status: ticket.status,
        remote_updated_at: ticket.updatedAt,
        contact_remote_id: ticket.contactId,
        message_posted: true,
        attempts: 1,
        requested_by_id: actor.userId,
        created_at: now,
        updated_at: now,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await appendTimeline(tx, requestId, actor, [
      { type: 'escalation.linked_existing', visibility: 'internal', data: { escalationId: row.id, conversationId: ticket.remoteId, url: ticket.url, destination: PROVIDERS[provider].displayName } },
    ], now);
    await enqueueDelivery(tx, row.id);
    return row.id;
  });
  return (await getEscalationView(deps.db, id))!;
}
