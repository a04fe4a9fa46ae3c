/**
 * Names for the ids a destination's ticket carries (its events name no one): queues and teams from the synced
 * targets, people from the destination's users. People are looked up BEFORE the transaction that writes the state
 * (`findUserNames`: a call to the destination must not hold row locks while it waits), through the connector's one
 * name cache per process (the thread's authors are named from the same cache: `nameUsers` in the connector contract),
 * which reads the user list through the shared rate budget, at most once a minute on a miss: never one call per event.
 */
import type { ProviderId } from '../../connectors/registry.ts';
import type { TicketDetails } from '../../core/destination.ts';
import type { Queryable } from '../../db/database.ts';
import { findConnection } from '../../db/repositories/destinations.ts';
import { clientFor, type DestinationDeps } from '../destination-access.ts';

/** The user ids of these details that neither they, the stored details (same id) nor the synced directory name. */
export function unnamedUsers(pairs: { details: TicketDetails | undefined; stored: TicketDetails | null }[], known: ReadonlyMap<string, string>): string[] {
  const ids = new Set<string>();
  for (const { details, stored } of pairs) {
    const id = details?.assignee?.userId;
    if (id && !details.assignee?.userName && !(stored?.assignee?.userId === id && stored.assignee.userName) && !known.has(`user:${id}`)) ids.add(id);
  }
  return [...ids];
}

/** Names of these users; empty when there is nothing to ask, or the destination cannot say now (the card shows ids). */
export async function findUserNames(deps: DestinationDeps, provider: ProviderId, ids: readonly string[]): Promise<Map<string, string>> {
  if (!ids.length) return new Map();
  const connection = await findConnection(deps.db, provider);
  if (!connection?.account || !connection.secretEncrypted || connection.status !== 'connected') return new Map();
  const client = clientFor(deps, provider, connection.account, deps.secrets.open(connection.secretEncrypted), false);
  // A key without the user-read role, or a rate limit: unnamed this time; the cache says when to ask again.
  return (await client.nameUsers?.(ids).catch(() => null)) ?? new Map();
}

/**
 * Names of the queues and teams these details name, from the synced targets, and of their users and sub-statuses,
 * from the directory the last connect or re-sync read (docs/kustomer.md §28): by `kind:id` (queue, team, user,
 * sub_status). No call to the destination.
 */
export async function findTargetNames(q: Queryable, provider: ProviderId, all: (TicketDetails | null | undefined)[]): Promise<Map<string, string>> {
  const ids = [...new Set(all.flatMap((d) => [d?.queue?.id, d?.assignee?.teamId]).filter((x): x is string => !!x))];
  const directoryIds = [...new Set(all.flatMap((d) => [d?.assignee?.userId, d?.subStatus]).filter((x): x is string => !!x))];
  const targets = ids.length
    ? await q
        .selectFrom('destination_targets as t')
        .innerJoin('destination_connections as c', 'c.id', 't.connection_id')
        .select(['t.kind', 't.remote_id', 't.name'])
        .where('c.provider', '=', provider)
        .where('t.remote_id', 'in', ids)
        .execute()
    : [];
  const directory = directoryIds.length
    ? await q
        .selectFrom('destination_directory as d')
        .innerJoin('destination_connections as c', 'c.id', 'd.connection_id')
        .select(['d.kind', 'd.remote_id', 'd.name'])
        .where('c.provider', '=', provider)
        .where('d.kind', 'in', ['user', 'sub_status'])
        .where('d.remote_id', 'in', directoryIds)
        .execute()
    : [];
  return new Map([...targets, ...directory].map((t) => [`${t.kind}:${t.remote_id}`, t.name]));
}

/** The details with every name Bridgedesk can give: the event's own, the directory's, the stored one for the same id, or one found before. */
export function nameDetails(
  details: TicketDetails,
  stored: TicketDetails | null,
  names: { users: ReadonlyMap<string, string>; targets: ReadonlyMap<string, string> },
): TicketDetails {
  const { assignee, queue } = details;
  const userId = assignee?.userId ?? null;
  const userName = userId
    ? (assignee?.userName ??
      names.targets.get(`user:${userId}`) ??
      (stored?.assignee?.userId === userId ? stored.assignee.userName : null) ??
      names.users.get(userId) ??
      null)
    : null;
  return {
    ...details,
    // A sub-status is an id in the destination (docs/kustomer.md §28): its label, when the directory has it.
    subStatus: details.subStatus && (names.targets.get(`sub_status:${details.subStatus}`) ?? details.subStatus),
    queue: queue && { id: queue.id, name: names.targets.get(`queue:${queue.id}`) ?? queue.name },
    assignee: assignee && { ...assignee, userName, teamName: (assignee.teamId && names.targets.get(`team:${assignee.teamId}`)) || assignee.teamName },
  };
}
