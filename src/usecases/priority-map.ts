/**
 * The admin's priority map of a destination connection: which destination priority each request priority becomes
 * when Bridgedesk creates a conversation (the Escalate form's default, a workflow's "from the request", the test
 * escalation) or pushes a priority change (sync).
 */
import { PROVIDERS, type ProviderId } from '../connectors/registry.ts';
import { AppError, unprocessable } from '../core/errors.ts';
import { effectivePriorityMap, PriorityMap, priorityMapProblems, type PriorityRange } from '../core/priority-map.ts';
import type { Queryable } from '../db/database.ts';
import { findConnection } from '../db/repositories/destinations.ts';

export interface PriorityMapView {
  /** What is used now. */
  map: PriorityMap;
  /** The provider's own default (for "reset"). */
  defaultMap: PriorityMap;
  range: PriorityRange;
  /** False when the admin never changed it (or it equals the default). */
  customised: boolean;
}

const sameMap = (a: PriorityMap, b: PriorityMap) => a.low === b.low && a.medium === b.medium && a.high === b.high && a.urgent === b.urgent;

/** The map a provider's connection uses now (the provider's default when not connected or never changed). */
export async function connectionPriorityMap(q: Queryable, provider: ProviderId): Promise<PriorityMap> {
  const p = PROVIDERS[provider];
  const row = await q.selectFrom('destination_connections').select('priority_map').where('provider', '=', provider).executeTakeFirst();
  return effectivePriorityMap(row?.priority_map ?? null, p.defaultPriorityMap, p.priorityRange);
}

export async function priorityMapView(q: Queryable, provider: ProviderId): Promise<PriorityMapView> {
  const p = PROVIDERS[provider];
  const map = await connectionPriorityMap(q, provider);
  return { map, defaultMap: { ...p.defaultPriorityMap }, range: { ...p.priorityRange }, customised: !sameMap(map, p.defaultPriorityMap) };
}

/** Saves the admin's map; a number outside the destination's range is refused with 422, naming each priority. */
export async function setPriorityMap(deps: { db: Queryable; now: () => Date }, provider: ProviderId, map: PriorityMap): Promise<PriorityMapView> {
  const p = PROVIDERS[provider];
  const connection = await findConnection(deps.db, provider);
  if (!connection) throw new AppError('not_found', `${p.displayName} is not connected`);
  const problems = priorityMapProblems(map, p.priorityRange);
  if (problems.length) throw unprocessable(problems.map((x) => x.message).join('. '), { problems });
  // The default is stored as "none", so a later change of the provider's default reaches it.
  const stored = sameMap(map, p.defaultPriorityMap) ? null : JSON.stringify(PriorityMap.parse(map));
  await deps.db.updateTable('destination_connections').set({ priority_map: stored, updated_at: deps.now() }).where('id', '=', connection.id).execute();
  return priorityMapView(deps.db, provider);
}
