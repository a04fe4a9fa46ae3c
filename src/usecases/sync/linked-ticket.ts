/** What a push to a linked ticket starts from: a request's escalations with tickets; for one, a client for its connection and its timeline entry. */
import { SYSTEM } from '../../core/actor.ts';
import { PROVIDERS, type ProviderId } from '../../connectors/registry.ts';
import { findConnection } from '../../db/repositories/destinations.ts';
import { findEscalation } from '../../db/repositories/escalations.ts';
import { appendTimeline } from '../../db/repositories/timeline.ts';
import { withTransaction } from '../../db/transaction.ts';
import type { Db } from '../../db/database.ts';
import { clientFor, type DestinationDeps } from '../destination-access.ts';

/** Null when the escalation has no ticket, was unlinked, or its connection is not connected: nothing to sync with. */
export async function linkedTicket(deps: DestinationDeps, escalationId: string) {
  const esc = await findEscalation(deps.db, escalationId);
  if (!esc?.remote_id || esc.state === 'unlinked') return null;
  const provider = esc.provider as ProviderId;
  const connection = await findConnection(deps.db, provider);
  if (!connection || connection.status !== 'connected') return null;
  const destination = PROVIDERS[provider].displayName;
  const ticketId = esc.remote_id;
  return {
    esc,
    ticketId,
    provider,
    destination,
    client: clientFor(deps, provider, connection.account, deps.secrets.open(connection.secretEncrypted), false),
    /** An internal entry by the system on the request's timeline, naming the destination, the ticket and the escalation. */
    log: (type: string, data: Record<string, unknown>) =>
      withTransaction(deps.db, (tx) =>
        appendTimeline(
          tx,
          esc.request_id,
          SYSTEM,
          [{ type, visibility: 'internal', data: { destination, conversationId: ticketId, escalationId, ...data } }],
          deps.now(),
        ),
      ),
  };
}

/** A request's escalations that have a ticket at their destination and were not unlinked: what a push from the request goes to. */
export function linkedEscalations(db: Db, requestId: string) {
  return db
    .selectFrom('escalations')
    .select(['id', 'provider'])
    .where('request_id', '=', requestId)
    .where('remote_id', 'is not', null)
    .where('state', '!=', 'unlinked')
    .execute();
}
