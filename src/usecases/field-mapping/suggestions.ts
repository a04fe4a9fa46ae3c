/** A default mapping suggested from the destination's attribute definitions (core/mapping-suggestions.ts), for what is not mapped yet. */
import type { ProviderId } from '../../connectors/registry.ts';
import { suggestMappings, type MappingSuggestion } from '../../core/mapping-suggestions.ts';
import { listCustomFields } from '../../db/repositories/custom-fields.ts';
import { findConnection } from '../../db/repositories/destinations.ts';
import type { DestinationDeps } from '../destination-access.ts';
import { listRemoteFields } from './remote-fields.ts';
import { listMappings } from './store.ts';

/** Reads the destination's attributes (live, as the mapping card does) and suggests pairs for the unmapped fields. */
export async function suggestFieldMappings(deps: DestinationDeps, provider: ProviderId): Promise<MappingSuggestion[]> {
  const remoteFields = await listRemoteFields(deps, provider);
  const connection = await findConnection(deps.db, provider);
  const [defs, saved] = await Promise.all([listCustomFields(deps.db), connection ? listMappings(deps.db, connection.id) : []]);
  return suggestMappings(
    defs.filter((d) => d.active),
    remoteFields,
    { requestFields: saved.map((m) => m.requestField), remoteFields: saved.map((m) => m.remoteField) },
  );
}
