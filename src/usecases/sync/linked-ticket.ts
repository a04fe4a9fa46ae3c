/** What a push to a linked ticket starts from: new entries with the escalations they go to; for one, a client for its connection and its timeline entry. */
import { SYSTEM } from '../../core/actor.ts';
import type { EscalationState } from '../../core/escalation.ts';
import { SyncSettings } from '../../core/sync-settings.ts';
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

/**
 * New timeline entries of one type, each with an escalation of its request that has a ticket at its destination and
 * was not unlinked (nor is in a state of `skip`), and that connection's sync settings: what a push from the request goes to.
 */
export async function linkedPushes(db: Db, entryIds: string[], type: string, skip: EscalationState[] = []) {
  if (!entryIds.length) return [];
  const rows = await db
    .selectFrom('timeline_entries as t')
    .innerJoin('escalations as e', 'e.request_id', 't.request_id')
    .innerJoin('destination_connections as c', 'c.provider', 'e.provider')
    .select(['t.id as entryId', 't.data', 'e.id as escalationId', 'e.provider', 'c.sync_settings'])
    .where('t.id', 'in', entryIds)
    .where('t.type', '=', type)
    .where('e.remote_id', 'is not', null)
    .where('e.state', 'not in', ['unlinked', ...skip])
    .orderBy('t.id')
    .execute();
  return rows.map(({ sync_settings, ...row }) => ({ ...row, settings: SyncSettings.parse(sync_settings) }));
}
