/** What an agent can do to an escalation after submitting it: retry, re-link, or link an existing conversation. */
import { remoteStateColumns } from '../core/ticket-details.ts';
import { PROVIDERS, type ProviderId } from '../connectors/registry.ts';
import type { UserActor } from '../core/actor.ts';
import { ESCALATION_LIFECYCLE } from '../core/escalation-lifecycle.ts';
import { conflict, notFound, unprocessable } from '../core/errors.ts';
import { nextState } from '../core/lifecycle.ts';
import { escalationInsert, findEscalation, getEscalationView, lockEscalation, updateEscalation, type EscalationView } from '../db/repositories/escalations.ts';
import { lockRequest } from '../db/repositories/requests.ts';
import { appendTimeline } from '../db/repositories/timeline.ts';
import { withTransaction } from '../db/transaction.ts';
import type { Queryable } from '../db/database.ts';
import { clientFor, guardCredentials, toAppError, type DestinationDeps } from './destination-access.ts';
import { holdersOf, holderView, readTicketRef, ticketIdOf } from './find-conversations.ts';
import { enqueueDelivery, escalationTarget, usableConnection } from './submit-escalation.ts';

/**
 * Starts delivery again from where it stopped (a failed escalation, or a link that could not be posted). With a
 * queue or team, a failed escalation that created nothing goes there instead (its queue was deleted in the
 * destination, say); the timeline says where it went before and now.
 */
export async function retryEscalation(
  deps: DestinationDeps,
  actor: UserActor,
  id: string,
  to: { queueId?: string; teamId?: string } = {},
): Promise<EscalationView> {
  await withTransaction(deps.db, async (tx) => {
    const esc = await lockEscalation(tx, id);
    if (!esc) throw notFound('Escalation');
    // The lifecycle table says where a retry leads and refuses it from any other state (409).
    const state = nextState(ESCALATION_LIFECYCLE, esc.state, esc.state === 'link_failed' ? 'retry_link' : 'retry');
    const provider = esc.provider as ProviderId;
    await usableConnection(tx, provider);
    const retarget = to.queueId !== undefined || to.teamId !== undefined;
    let target: Awaited<ReturnType<typeof escalationTarget>> | null = null;
    if (retarget) {
      if (esc.remote_id) throw conflict('The conversation already exists in its queue; re-link it instead of choosing another queue');
      if (Boolean(to.queueId) === Boolean(to.teamId)) throw unprocessable('Choose either a queue or a team', { field: 'queueId' });
      target = await escalationTarget(tx, { destination: provider, ...to });
    }
    const now = deps.now();
    await updateEscalation(
      tx,
      esc,
      {
        state,
        // a fresh budget of runs; look_first stays, so the next run still looks for what earlier ones made
        attempts: 0,
        last_error: null,
        last_error_kind: null,
        next_attempt_at: null,
        ...(target ? { target_kind: target.kind, target_remote_id: target.remoteId, target_name: target.name } : {}),
      },
      now,
    );
    const previous = esc.target_kind && esc.target_remote_id ? { kind: esc.target_kind, id: esc.target_remote_id, name: esc.target_name } : null;
    const data = target
      ? { escalationId: id, target: { kind: target.kind, id: target.remoteId, name: target.name }, previousTarget: previous }
      : { escalationId: id };
    await appendTimeline(tx, esc.request_id, actor, [{ type: 'escalation.retry_requested', visibility: 'internal', data }], now);
    await enqueueDelivery(tx, id);
  });
  return (await getEscalationView(deps.db, id))!;
}

/**
 * Checks what the agent pasted (a link in any of the destination's shapes, or an id; find-conversations.ts) against
 * the destination; returns what the escalation will point at.
 */
async function verifiedTicket(deps: DestinationDeps, provider: ProviderId, pasted: string) {
  const connection = await usableConnection(deps.db, provider);
  const client = clientFor(deps, provider, connection.account, deps.secrets.open(connection.secretEncrypted), true);
  const conversationId = ticketIdOf(readTicketRef(client, pasted), provider, connection.account);
  let ticket;
  try {
    ticket = await guardCredentials(deps, provider, () => client.getTicket(conversationId));
  } catch (err) {
    throw toAppError(err, PROVIDERS[provider].displayName);
  }
  if (!ticket) throw unprocessable(`No conversation ${conversationId} in ${PROVIDERS[provider].displayName}`, { field: 'conversationId' });
  return ticket;
}

/**
 * The other request a conversation is already linked to, refused (409, naming it) unless the agent confirmed: two
 * requests on one conversation is sometimes meant (a duplicate), never by accident. An unlinked escalation holds nothing.
 */
async function refuseLinkedElsewhere(q: Queryable, provider: ProviderId, conversationId: string, requestId: string, confirm: boolean) {
  if (confirm) return;
  const holder = (await holdersOf(q, provider, [conversationId])).find((h) => h.request_id !== requestId);
  if (!holder) return;
  const linkedTo = holderView(holder);
  throw conflict(`Conversation ${conversationId} is already linked to ${linkedTo.requestKey} "${holder.title}"; send confirm: true to link it here too`, {
    linkedTo,
  });
}

/**
 * Points an escalation at a conversation by hand (the back-link failed, or the agent found the right one), after
 * checking it exists; the delivery then posts the back-link note on it.
 */
export async function relinkEscalation(deps: DestinationDeps, actor: UserActor, id: string, pasted: string, confirm = false): Promise<EscalationView> {
  const esc = await findEscalation(deps.db, id);
  if (!esc) throw notFound('Escalation');
  // Still being delivered: its own delivery will create or find the conversation; the table refuses a re-link now.
  const relinked = nextState(ESCALATION_LIFECYCLE, esc.state, 'relink');
  const ticket = await verifiedTicket(deps, esc.provider as ProviderId, pasted);
  await refuseLinkedElsewhere(deps.db, esc.provider as ProviderId, ticket.remoteId, esc.request_id, confirm);
  await withTransaction(deps.db, async (tx) => {
    const now = deps.now();
    const locked = (await lockEscalation(tx, id)) ?? esc;
    await updateEscalation(
      tx,
      locked,
      {
        remote_id: ticket.remoteId,
        remote_url: ticket.url,
        ...remoteStateColumns(ticket),
        state: relinked,
        message_posted: true,
        attempts: 0,
        // the conversation may hold our back-link already: the next run looks before it posts
        look_first: true,
        last_error: null,
        last_error_kind: null,
        next_attempt_at: null,
        linked_at: null,
      },
      now,
    );
    await appendTimeline(
      tx,
      esc.request_id,
      actor,
      [
        {
          type: 'escalation.relinked',
          visibility: 'internal',
          data: { escalationId: id, conversationId: ticket.remoteId, url: ticket.url, previousConversationId: esc.remote_id },
        },
      ],
      now,
    );
    await enqueueDelivery(tx, id);
  });
  return (await getEscalationView(deps.db, id))!;
}

/** Links a request to a conversation that already exists in the destination, without creating one. */
export async function linkExistingConversation(
  deps: DestinationDeps,
  actor: UserActor,
  requestId: string,
  provider: ProviderId,
  /** A link to the conversation in any of the destination's shapes, or its id. */
  pasted: string,
  confirm = false,
): Promise<EscalationView> {
  const ticket = await verifiedTicket(deps, provider, pasted);
  const id = await withTransaction(deps.db, async (tx) => {
    const now = deps.now();
    if (!(await lockRequest(tx, requestId))) throw notFound('Request');
    const taken = await tx
      .selectFrom('escalations')
      .select('id')
      .where('request_id', '=', requestId)
      .where('provider', '=', provider)
      .where('remote_id', '=', ticket.remoteId)
      // An unlinked one is history: the conversation can be linked again.
      .where('state', '!=', 'unlinked')
      .executeTakeFirst();
    if (taken) throw conflict('This request is already linked to that conversation', { escalationId: taken.id });
    await refuseLinkedElsewhere(tx, provider, ticket.remoteId, requestId, confirm);
    const row = await escalationInsert(tx, {
      request_id: requestId,
      provider,
      origin: 'linked_existing',
      target_kind: ticket.queue ? 'queue' : null,
      target_remote_id: ticket.queue?.id ?? null,
      subject: ticket.subject ?? '',
      priority: ticket.priority,
      state: 'created',
      remote_id: ticket.remoteId,
      remote_url: ticket.url,
      ...remoteStateColumns(ticket),
      contact_remote_id: ticket.contactId,
      message_posted: true,
      // the conversation may hold our back-link already: the first run looks before it posts
      look_first: true,
      requested_by_id: actor.userId,
      created_at: now,
      updated_at: now,
    })
      .returning('id')
      .executeTakeFirstOrThrow();
    await appendTimeline(
      tx,
      requestId,
      actor,
      [
        {
          type: 'escalation.linked_existing',
          visibility: 'internal',
          data: { escalationId: row.id, conversationId: ticket.remoteId, url: ticket.url, destination: PROVIDERS[provider].displayName },
        },
      ],
      now,
    );
    await enqueueDelivery(tx, row.id);
    return row.id;
  });
  return (await getEscalationView(deps.db, id))!;
}
