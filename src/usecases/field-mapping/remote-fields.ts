/** The custom fields a destination's tickets can carry (Kustomer: conversation custom attributes, from its metadata). */
import { ConnectorError } from '../../connectors/kit/errors.ts';
import { PROVIDERS, type ProviderId } from '../../connectors/registry.ts';
import type { RemoteField } from '../../core/destination.ts';
import { unprocessable } from '../../core/errors.ts';
import { type DestinationDeps, openConnection, toAppError } from '../destination-access.ts';
import { destinationFailure } from '../destination-failure.ts';

/**
 * Asks the destination (a person is waiting: interactive) for its ticket fields, sorted by label. A 401 marks the
 * connection "invalid credentials"; a 403 only means this key may not read field definitions (an optional
 * permission), so it is reported without touching the connection.
 */
export async function listRemoteFields(deps: DestinationDeps, provider: ProviderId): Promise<RemoteField[]> {
  const { connection, client } = await openConnection(deps, provider, true);
  const name = PROVIDERS[provider].displayName;
  try {
    const fields = await client.listTicketFields();
    return fields.sort((a, b) => a.label.localeCompare(b.label) || a.name.localeCompare(b.name));
  } catch (err) {
    if (err instanceof ConnectorError && err.kind === 'auth' && err.status === 403) {
      throw unprocessable(`${name} refused to list conversation attributes: the API key lacks the permission to read metadata`, {
        reason: 'missing_permissions',
        missing: connection.missingPermissions,
      });
    }
    // A person is waiting: no retry, the failure is reported to them (after the policy marks the connection).
    throw toAppError((await destinationFailure(deps, provider, err)).error, name);
  }
}
