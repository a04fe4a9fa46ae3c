/** Connect, re-sync, choose targets, disconnect: the admin's side of a destination connection. */
import { PROVIDERS, type ProviderId } from '../connectors/registry.ts';
import type { UserActor } from '../core/actor.ts';
import { AppError, unprocessable } from '../core/errors.ts';
import {
  clearTargets,
  deleteConnection,
  findConnection,
  listTargets,
  recordSyncError,
  setTargetsEnabled,
  syncTargets,
  upsertConnection,
  type TargetRow,
} from '../db/repositories/destinations.ts';
import type { Db, Tx } from '../db/database.ts';
import type { DestinationClient, DirectoryEntry } from '../core/destination.ts';
import { listDirectory, replaceDirectory } from '../db/repositories/destination-directory.ts';
import { createChoices } from '../core/escalation-extras.ts';
import { withTransaction } from '../db/transaction.ts';
import { forgetWebhookAuth } from './sync/receive-event.ts';
import { clientFor, type DestinationDeps, guardCredentials, openConnection, toAppError } from './destination-access.ts';

export interface ConnectionStatus {
  status: 'not_connected' | 'connected' | 'invalid_credentials';
  account: string | null;
  keyLastFour: string | null;
  statusReason: string | null;
  statusChangedAt: string | null;
  missingPermissions: string[];
  /** Those of missingPermissions escalation cannot work without (found at connect, or when a call was refused for one). */
  missingRequiredPermissions: string[];
  lastSyncedAt: string | null;
  lastSyncError: string | null;
  contactEmailField: string | null;
  queues: Omit<TargetRow, 'kind'>[];
  teams: Omit<TargetRow, 'kind'>[];
  assignees: ReturnType<typeof createChoices>['assignees'];
  subStatuses: ReturnType<typeof createChoices>['subStatuses'];
}

export async function connectionStatus(deps: DestinationDeps, provider: ProviderId): Promise<ConnectionStatus> {
  const c = await findConnection(deps.db, provider);
  if (!c) {
    return {
      status: 'not_connected',
      account: null,
      keyLastFour: null,
      statusReason: null,
      statusChangedAt: null,
      missingPermissions: [],
      missingRequiredPermissions: [],
      lastSyncedAt: null,
      lastSyncError: null,
      contactEmailField: null,
      queues: [],
      teams: [],
      ...createChoices([], []),
    };
  }
  const targets = await listTargets(deps.db, c.id);
  const strip = ({ kind: _kind, ...t }: TargetRow) => t;
  return {
    status: c.status,
    account: c.account,
    keyLastFour: c.secretLastFour,
    statusReason: c.statusReason,
    statusChangedAt: c.statusChangedAt,
    missingPermissions: c.missingPermissions,
    missingRequiredPermissions: c.missingPermissions.filter((m) => PROVIDERS[provider].isRequiredPermission(m)),
    lastSyncedAt: c.lastSyncedAt,
    lastSyncError: c.lastSyncError,
    contactEmailField: c.contactEmailField,
    queues: targets.filter((t) => t.kind === 'queue').map(strip),
    teams: targets.filter((t) => t.kind === 'team').map(strip),
    // What a workflow's conversation step may assign and set at create (the Escalate form offers the same).
    ...createChoices(await listDirectory(deps.db, c.id), targets),
  };
}

/**
 * Checks the key against the provider before storing anything: a refused key is "Invalid credentials", a key of
 * another account says whose it is, a key without the permissions escalation needs says which, an unreachable host
 * says so. Then loads queues and teams.
 */
export async function connectDestination(deps: DestinationDeps, actor: UserActor, provider: ProviderId, input: { account: string; secret: string }) {
  const p = PROVIDERS[provider];
  const account = p.normaliseAccount(input.account);
  if (!account)
    throw unprocessable(`${p.accountLabel} must be a single name of letters, digits and dashes (the part before .kustomerapp.com)`, { field: 'orgName' });
  const secret = input.secret.trim();
  const client = clientFor(deps, provider, account, secret, true);
  let targets;
  let check;
  try {
    check = await client.checkKey();
    // The key names its own account (Kustomer: GET /v1/orgs/current): a key of another org would file every
    // escalation there, so it is refused, saying whose it is.
    if (check.account && check.account.toLowerCase() !== account) {
      throw new AppError('unprocessable', `This key belongs to ${check.account}`, { reason: 'wrong_account', field: 'orgName', account: check.account });
    }
    if (check.missingRequired.length) {
      throw new AppError('unprocessable', `The API key lacks permissions Bridgedesk needs: ${check.missingRequired.join(', ')}`, {
        reason: 'missing_permissions',
        missing: check.missingRequired,
      });
    }
    targets = await client.listTargets();
  } catch (err) {
    throw toAppError(err, p.displayName);
  }
  const directory = await readDirectory(client);
  const now = deps.now();
  await withTransaction(deps.db, async (tx) => {
    const previous = await findConnection(tx, provider);
    const id = await upsertConnection(tx, {
      provider,
      account,
      secretEncrypted: deps.secrets.seal(secret),
      secretLastFour: secret.slice(-4),
      missingPermissions: check.missing,
      userId: actor.userId,
      now,
    });
    if (previous && previous.account !== account) {
      await clearTargets(tx, id);
      // Another org is another connection: the old org's webhook URL, signing key and secret header (still registered
      // there) must open nothing now, so all are forgotten; turning inbound sync on again subscribes a new URL in the new org.
      await tx
        .updateTable('destination_connections')
        .set({
          webhook_token_hash: null,
          webhook_token_encrypted: null,
          webhook_remote_id: null,
          webhook_signing_key_encrypted: null,
          webhook_setup_note: null,
          // and the secret header it sends, with what the webhook checks found there
          webhook_secret_encrypted: null,
          webhook_previous_secret_encrypted: null,
          webhook_previous_secret_until: null,
          webhook_secret_rotated_at: null,
          webhook_checked_at: null,
          webhook_check_error: null,
          webhook_disabled_at: null,
          webhook_repaired_at: null,
          webhook_repair: null,
          webhook_backfilled: null,
        })
        .where('id', '=', id)
        .execute();
    }
    await syncTargets(tx, id, targets, now);
    if (directory) await replaceDirectory(tx, id, directory, now);
  });
  forgetWebhookAuth(deps.db);
  return connectionStatus(deps, provider);
}

/**
 * The destination's users, tags and sub-statuses (the Escalate form's pickers and tag matching): a failure to read
 * them never fails a connect or re-sync of queues and teams; null keeps what was stored.
 */
async function readDirectory(client: DestinationClient): Promise<DirectoryEntry[] | null> {
  if (!client.listDirectory) return [];
  try {
    return await client.listDirectory();
  } catch {
    return null;
  }
}

/** Refreshes queues and teams (and users, tags, sub-statuses) from the provider; a failure is recorded on the connection and reported. */
export async function resyncDestination(deps: DestinationDeps, provider: ProviderId) {
  const { connection, client } = await openConnection(deps, provider, true);
  try {
    const targets = await guardCredentials(deps, provider, () => client.listTargets());
    const directory = await readDirectory(client);
    await withTransaction(deps.db, async (tx) => {
      await syncTargets(tx, connection.id, targets, deps.now());
      if (directory) await replaceDirectory(tx, connection.id, directory, deps.now());
    });
  } catch (err) {
    const mapped = toAppError(err, PROVIDERS[provider].displayName);
    await recordSyncError(deps.db, connection.id, (mapped as Error).message, deps.now());
    throw mapped;
  }
  return connectionStatus(deps, provider);
}

/**
 * Enables or disables queues and teams and, when given, sets the customer email field: all of it or, when any part
 * is refused, nothing.
 */
export async function setDestinationTargets(
  deps: DestinationDeps,
  provider: ProviderId,
  changes: { kind: 'queue' | 'team'; remoteId: string; enabled: boolean }[],
  contactEmailField?: string | null,
) {
  const connection = await findConnection(deps.db, provider);
  if (!connection) throw new AppError('not_found', `${PROVIDERS[provider].displayName} is not connected`);
  await withTransaction(deps.db, async (tx) => {
    if (contactEmailField !== undefined) await writeContactEmailField(tx, connection.id, contactEmailField, deps.now());
    const unknown = await setTargetsEnabled(tx, connection.id, changes);
    if (unknown.length) throw unprocessable('Unknown queues or teams, or ones no longer in the destination: re-sync and try again', { unknown });
  });
  return connectionStatus(deps, provider);
}

export async function disconnectDestination(deps: DestinationDeps, provider: ProviderId) {
  if (!(await deleteConnection(deps.db, provider))) throw new AppError('not_found', `${PROVIDERS[provider].displayName} is not connected`);
  forgetWebhookAuth(deps.db);
}

async function writeContactEmailField(q: Db | Tx, connectionId: string, key: string | null, now: Date) {
  if (key !== null) {
    const field = await q.selectFrom('custom_fields').select(['type', 'active']).where('key', '=', key).executeTakeFirst();
    if (!field || !field.active || field.type !== 'text')
      throw unprocessable('The customer email must come from an active text custom field', { field: 'contactEmailField' });
  }
  await q.updateTable('destination_connections').set({ contact_email_field: key, updated_at: now }).where('id', '=', connectionId).execute();
}
