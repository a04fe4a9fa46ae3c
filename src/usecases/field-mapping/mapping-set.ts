/** The admin's mapping set: which request field fills which destination field, read and replaced as a whole. */
import { PROVIDERS, type ProviderId } from '../../connectors/registry.ts';
import { AppError, unprocessable } from '../../core/errors.ts';
import { checkMappings, customFieldKeyOf, mappableRequestFields, requestFieldInfo, type MappingInput } from '../../core/field-mapping.ts';
import type { Queryable } from '../../db/database.ts';
import { listCustomFields } from '../../db/repositories/custom-fields.ts';
import { findConnection } from '../../db/repositories/destinations.ts';
import { withTransaction } from '../../db/transaction.ts';
import type { DestinationDeps } from '../destination-access.ts';
import type { RemoteFieldType } from '../../core/destination.ts';
import { listMappings, replaceMappings } from './store.ts';
import { listRemoteFields } from './remote-fields.ts';

export interface FieldMappingView {
  requestField: string;
  requestFieldLabel: string;
  remoteField: string;
  remoteType: RemoteFieldType;
  /** Present when the destination refused the attribute as unknown: since when it is left out, and its words. */
  refused?: { since: string; reason: string };
}

/** The stored mappings in form order (built-ins, then custom fields); none when the destination is not connected. */
export async function getFieldMappings(q: Queryable, provider: ProviderId): Promise<FieldMappingView[]> {
  const connection = await findConnection(q, provider);
  if (!connection) return [];
  const [mappings, defs] = await Promise.all([listMappings(q, connection.id), listCustomFields(q)]);
  const order = mappableRequestFields(defs).map((f) => f.requestField);
  const rank = (f: string) => (order.includes(f) ? order.indexOf(f) : order.length);
  return mappings
    .map((m) => ({
      requestField: m.requestField,
      // a custom field deleted since keeps its mapping row until the set is saved again: show its key
      requestFieldLabel: requestFieldInfo(m.requestField, defs)?.label ?? customFieldKeyOf(m.requestField) ?? m.requestField,
      remoteField: m.remoteField,
      remoteType: m.remoteType,
      ...(m.refused ? { refused: { since: m.refused.since.toISOString(), reason: m.refused.reason } } : {}),
    }))
    .sort((a, b) => rank(a.requestField) - rank(b.requestField) || a.requestField.localeCompare(b.requestField));
}

/**
 * Replaces the mapping set after checking every pair against the destination's current fields and our custom
 * field definitions. Any problem refuses the whole set with 422, listing each pair's problem.
 */
export async function replaceFieldMappings(deps: DestinationDeps, provider: ProviderId, items: MappingInput[]): Promise<FieldMappingView[]> {
  const connection = await findConnection(deps.db, provider);
  if (!connection) throw new AppError('not_found', `${PROVIDERS[provider].displayName} is not connected`);
  const remoteFields = items.length ? await listRemoteFields(deps, provider) : [];
  const defs = await listCustomFields(deps.db);
  const checked = checkMappings(items, defs, remoteFields, PROVIDERS[provider].displayName);
  if (!checked.ok) {
    const messages = checked.problems.map((p) => p.message);
    throw unprocessable(checked.problems.length === 1 ? messages[0]! : `${checked.problems.length} mappings cannot work: ${messages.join('. ')}`, {
      problems: checked.problems,
    });
  }
  await withTransaction(deps.db, (tx) => replaceMappings(tx, connection.id, checked.mappings, deps.now()));
  return getFieldMappings(deps.db, provider);
}
