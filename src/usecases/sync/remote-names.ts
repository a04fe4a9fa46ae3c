/**
 * Names for the ids a destination's ticket carries (its events name no one): queues and teams from the synced
 * targets, people from the destination's user list, read through the shared rate budget at most once a minute per
 * connection and process, and only when an id is not known yet: never one call per event.
 */
import type { ProviderId } from '../../connectors/registry.ts';
import type { TicketDetails } from '../../core/destination.ts';
import type { Queryable } from '../../db/database.ts';
import { findConnection } from '../../db/repositories/destinations.ts';
import { clientFor, type DestinationDeps } from '../destination-access.ts';

const REFRESH_MS = 60_000;
const people = new Map<string, { readAt: number; names: Map<string, string> }>();

async function personName(deps: DestinationDeps, provider: ProviderId, userId: string): Promise<string | null> {
  const connection = await findConnection(deps.db, provider);
  if (!connection?.account || !connection.secretEncrypted || connection.status !== 'connected') return null;
  const key = `${provider}:${connection.account}`;
  const cached = people.get(key);
  if (cached?.names.has(userId) || (cached && deps.now().getTime() - cached.readAt < REFRESH_MS)) return cached.names.get(userId) ?? null;
  const client = clientFor(deps, provider, connection.account, deps.secrets.open(connection.secretEncrypted), false);
  if (!client.listAgents) return null;
  try {
    const names = new Map((await client.listAgents()).map((a) => [a.remoteId, a.name]));
    people.set(key, { readAt: deps.now().getTime(), names });
    return names.get(userId) ?? null;
  } catch {
    // A key without the user-read role, or a rate limit: the card shows the assignee unnamed; the next miss tries again.
    people.set(key, { readAt: deps.now().getTime(), names: cached?.names ?? new Map() });
    return null;
  }
}

/** The details with every name Bridgedesk can give; names already stored for the same ids are kept without a call. */
export async function nameDetails(
  deps: DestinationDeps,
  q: Queryable,
  provider: ProviderId,
  details: TicketDetails,
  stored: TicketDetails | null,
): Promise<TicketDetails> {
  const { assignee, queue } = details;
  const ids = [queue?.id, assignee?.teamId].filter((x): x is string => !!x);
  const targets = ids.length
    ? await q
        .selectFrom('destination_targets as t')
        .innerJoin('destination_connections as c', 'c.id', 't.connection_id')
        .select(['t.kind', 't.remote_id', 't.name'])
        .where('c.provider', '=', provider)
        .where('t.remote_id', 'in', ids)
        .execute()
    : [];
  const target = (kind: string, id: string | null | undefined) => targets.find((t) => t.kind === kind && t.remote_id === id)?.name ?? null;
  const userId = assignee?.userId ?? null;
  // The directory the last connect or re-sync read (its users) names most assignees without a call.
  const synced =
    userId && !assignee?.userName
      ? ((
          await q
            .selectFrom('destination_directory as d')
            .innerJoin('destination_connections as c', 'c.id', 'd.connection_id')
            .select('d.name')
            .where('c.provider', '=', provider)
            .where('d.kind', '=', 'user')
            .where('d.remote_id', '=', userId)
            .executeTakeFirst()
        )?.name ?? null)
      : null;
  const known = assignee?.userName ?? synced ?? (stored?.assignee?.userId === userId ? stored.assignee.userName : null);
  const userName = userId ? (known ?? (await personName(deps, provider, userId))) : null;
  // A sub-status is an id in the destination (docs/kustomer.md §28): its label, when the directory has it.
  const subStatus =
    details.subStatus &&
    ((
      await q
        .selectFrom('destination_directory as d')
        .innerJoin('destination_connections as c', 'c.id', 'd.connection_id')
        .select('d.name')
        .where('c.provider', '=', provider)
        .where('d.kind', '=', 'sub_status')
        .where('d.remote_id', '=', details.subStatus)
        .executeTakeFirst()
    )?.name ??
      details.subStatus);
  return {
    ...details,
    subStatus,
    queue: queue && { id: queue.id, name: target('queue', queue.id) ?? queue.name },
    assignee: assignee && { ...assignee, userName, teamName: target('team', assignee.teamId) ?? assignee.teamName },
  };
}
