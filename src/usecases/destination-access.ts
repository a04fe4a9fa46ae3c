/** Opens a client for a connected destination, and records refused credentials on the connection. */
import type { FileStorages } from '../storage/file-storage.ts';
import { type DestinationProvider, PROVIDER_IDS, PROVIDERS, type ProviderId, type TransportOptions } from '../connectors/registry.ts';
import { ConnectorError } from '../connectors/kit/errors.ts';
import type { DestinationClient } from '../core/destination.ts';
import { AppError } from '../core/errors.ts';
import type { Db } from '../db/database.ts';
import { postgresBudget } from '../db/rate-budget.ts';
import { addMissingPermission, findConnection, markInvalidCredentials, type ConnectionRow } from '../db/repositories/destinations.ts';
import { lazySecretBox, loadSecretKey, type SecretBox } from '../db/secret-box.ts';
import type { Config } from '../config.ts';

export interface DestinationDeps {
  db: Db;
  secrets: SecretBox;
  transports: Record<ProviderId, TransportOptions>;
  now: () => Date;
  /** First retry delay of work that calls out; doubles each attempt up to 5 minutes. (Default: 2 s; tests shorten it.) */
  retryBaseMs?: number;
  /** Where attachments are read from when files go to a destination (the worker's; absent where nothing is sent). */
  storage?: FileStorages;
}

/** Destination dependencies from configuration; tests replace the secrets or a provider's transport (e.g. the emulator's fetch). */
export function destinationDeps(
  config: Config,
  base: { db: Db; now: () => Date; secrets?: SecretBox; transports?: Partial<Record<ProviderId, Partial<TransportOptions>>> },
): DestinationDeps {
  const transport = (id: ProviderId): TransportOptions => {
    const c = config.destinations[id];
    return {
      baseUrlOverride: c.baseUrl,
      webUrlOverride: c.webUrl,
      timeoutMs: c.timeoutMs,
      rateWindowMs: c.rateWindowMs,
      now: base.now,
      ...base.transports?.[id],
    };
  };
  return {
    db: base.db,
    now: base.now,
    secrets: base.secrets ?? lazySecretBox(() => loadSecretKey(config.secretKey, config.dataDir), config.previousSecretKeys),
    transports: Object.fromEntries(PROVIDER_IDS.map((id) => [id, transport(id)])) as Record<ProviderId, TransportOptions>,
  };
}

export const budgetKey = (provider: string, account: string) => `${provider}:${account}`;

export function clientFor(deps: DestinationDeps, provider: ProviderId, account: string, secret: string, interactive: boolean): DestinationClient {
  const p: DestinationProvider = PROVIDERS[provider];
  return p.createClient({ account, secret, transport: deps.transports[provider], budget: postgresBudget(deps.db, budgetKey(provider, account)), interactive });
}

/** The stored connection and a client for it; a missing connection is a 404 to the caller. */
export async function openConnection(
  deps: DestinationDeps,
  provider: ProviderId,
  interactive: boolean,
): Promise<{ connection: ConnectionRow; client: DestinationClient }> {
  const connection = await findConnection(deps.db, provider);
  if (!connection) throw new AppError('not_found', `${PROVIDERS[provider].displayName} is not connected`);
  const secret = deps.secrets.open(connection.secretEncrypted);
  return { connection, client: clientFor(deps, provider, connection.account, secret, interactive) };
}

/**
 * Runs a call; a refused credential marks the connection so the settings page shows it until a new key is saved. A
 * valid key that lacks one permission only has that permission listed on the connection (see recordRefusal).
 */
export async function guardCredentials<T>(deps: DestinationDeps, provider: ProviderId, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof ConnectorError) await recordRefusal(deps, provider, err);
    throw err;
  }
}

/** What a refusal says about the connection: the key is invalid (auth), or it lacks one named permission. */
export async function recordRefusal(deps: { db: Db; now: () => Date }, provider: ProviderId, err: ConnectorError) {
  if (err.kind === 'auth') await markInvalidCredentials(deps.db, provider, err.detail.vendorMessage ?? `Refused with ${err.status}`, deps.now());
  else if (err.detail.reason === 'missing_permission' && err.detail.permission)
    await addMissingPermission(deps.db, provider, err.detail.permission, deps.now());
}

/** A connector failure as the API reports it to a person. */
export function toAppError(err: unknown, providerName: string): unknown {
  if (!(err instanceof ConnectorError)) return err;
  if (err.kind === 'auth') return new AppError('unprocessable', 'Invalid credentials', { reason: 'invalid_credentials', status: err.status });
  if (err.detail.reason === 'missing_permission')
    return new AppError('unprocessable', err.message, {
      reason: 'missing_permissions',
      missing: err.detail.permission ? [err.detail.permission] : [],
      status: err.status,
    });
  if (err.kind === 'retryable')
    return new AppError('upstream_unavailable', `${providerName} could not be reached: ${err.message}`, { reason: err.detail.reason });
  return new AppError('unprocessable', `${providerName} refused the request: ${err.message}`, { status: err.status });
}
