/**
 * Things only the test controls create (Kustomer's API has no endpoint the client would use for them): orgs, API
 * keys with their machine users, queues, teams, users and custom-attribute metadata.
 */
import { mintApiKeyToken } from './api-key-token.ts';
import type { EmulatorDeps } from './emulator-deps.ts';
import { created, newObjectId } from './object-id.ts';
import type { ApiKeyRecord, MetadataPropertyRecord, OrgRecord, OrgSettings, QueueRecord, TeamRecord, UserRecord } from './records.ts';
import { findInOrg } from './store.ts';

export const DEFAULT_ORG_SETTINGS: OrgSettings = {
  rateLimitPerMinute: 1000,
  searchRateLimitPerMinute: 100,
  missingRoleStatus: 401,
  errorShape: 'jsonapi',
  rateLimitResetFormat: 'epochSeconds',
  rateLimitResetOn: '429',
  noteCreatesPerConversationPerMinute: 120,
  updatesPerConversationPerMinute: 600,
  pod: 'prod1',
  maxAttachmentBytes: 25 * 1024 * 1024,
};

/** Every org has the system queue DEFAULT_QUEUE (docs/kustomer.md §6 "Queue"). */
export function createOrg(deps: EmulatorDeps, input: { name: string } & Partial<OrgSettings>): OrgRecord {
  const { name, ...settings } = input;
  if (deps.store.orgByName(name)) throw new Error(`emulator: org "${name}" already exists`);
  const at = deps.now().toISOString();
  const org: OrgRecord = { id: newObjectId(deps.now()), name, settings: { ...DEFAULT_ORG_SETTINGS, ...settings }, createdAt: at };
  deps.store.orgs.set(org.id, org);
  createQueue(deps, org, { name: 'DEFAULT_QUEUE', displayName: 'Default Queue', system: true });
  return org;
}

export function updateOrgSettings(org: OrgRecord, settings: Partial<OrgSettings>): OrgRecord {
  org.settings = { ...org.settings, ...settings };
  return org;
}

export function createUser(
  deps: EmulatorDeps,
  org: OrgRecord,
  input: { name: string; email?: string | null; userType?: UserRecord['userType']; roles?: string[] },
): UserRecord {
  const user: UserRecord = {
    ...created(deps),
    orgId: org.id,
    name: input.name,
    displayName: input.name,
    email: input.email ?? null,
    userType: input.userType ?? 'user',
    roles: [...(input.roles ?? [])],
  };
  deps.store.users.set(user.id, user);
  return user;
}

/** A key is its own machine user with fixed roles (docs/kustomer.md §3); the token is shown once, here. */
export function createApiKey(deps: EmulatorDeps, org: OrgRecord, input: { roles: string[]; expiresAt?: Date | string | null; name?: string }): ApiKeyRecord {
  const now = deps.now();
  const name = input.name ?? `API key ${deps.store.keys.size + 1}`;
  const user = createUser(deps, org, { name, userType: 'machine', roles: input.roles });
  const id = newObjectId(now);
  const expiresAt = input.expiresAt ? new Date(input.expiresAt) : null;
  const token = mintApiKeyToken({ id, userId: user.id, orgId: org.id, roles: input.roles, issuedAt: now, expiresAt });
  const key: ApiKeyRecord = {
    id,
    orgId: org.id,
    userId: user.id,
    name,
    token,
    roles: [...input.roles],
    expiresAt: expiresAt?.toISOString() ?? null,
    revokedAt: null,
    createdAt: now.toISOString(),
    lastAccessedAt: null,
  };
  deps.store.keys.set(id, key);
  deps.store.keysByToken.set(token, key);
  return key;
}

/** By key id or by the key string. */
export function revokeApiKey(deps: EmulatorDeps, keyOrId: string): ApiKeyRecord {
  const key = deps.store.keys.get(keyOrId) ?? deps.store.keysByToken.get(keyOrId);
  if (!key) throw new Error('emulator: no such API key');
  key.revokedAt = deps.now().toISOString();
  return key;
}

/** An admin editing the key's roles in Kustomer: what was granted at connect may not be granted now. */
export function setApiKeyRoles(deps: EmulatorDeps, keyOrId: string, roles: string[]): ApiKeyRecord {
  const key = deps.store.keys.get(keyOrId) ?? deps.store.keysByToken.get(keyOrId);
  if (!key) throw new Error('emulator: no such API key');
  key.roles = [...roles];
  return key;
}

export function createQueue(
  deps: EmulatorDeps,
  org: OrgRecord,
  input: { name: string; displayName?: string; description?: string | null; priority?: number; system?: boolean },
): QueueRecord {
  const queue: QueueRecord = {
    ...created(deps),
    orgId: org.id,
    name: input.name,
    displayName: input.displayName ?? input.name,
    description: input.description ?? null,
    priority: input.priority ?? 1,
    system: input.system ?? false,
    deleted: false,
  };
  deps.store.queues.set(queue.id, queue);
  return queue;
}

/**
 * Marks a queue deleted. It stays in GET /v1/routing/queues with `deleted: true` (whether Kustomer lists deleted
 * queues is unknown; listing them makes the client prove it filters), and new conversations can't use it.
 */
export function deleteQueue(deps: EmulatorDeps, org: OrgRecord, id: string): QueueRecord {
  const queue = findInOrg(deps.store.queues, org.id, id);
  if (!queue) throw new Error(`emulator: no queue ${id} in org ${org.name}`);
  if (queue.system) throw new Error('emulator: the system queue cannot be deleted');
  queue.deleted = true;
  queue.updatedAt = deps.now().toISOString();
  return queue;
}

export function createTeam(deps: EmulatorDeps, org: OrgRecord, input: { name: string; displayName?: string; members?: string[] }): TeamRecord {
  const team: TeamRecord = {
    ...created(deps),
    orgId: org.id,
    name: input.name,
    displayName: input.displayName ?? input.name,
    members: [...(input.members ?? [])],
  };
  deps.store.teams.set(team.id, team);
  return team;
}

/** "totalOrdersNum" → "Total Orders": the display-name default the spec describes (docs/kustomer.md §8). */
export function defaultDisplayName(name: string): string {
  const base = name.replace(/(Str|Txt|Num|At|Bool|Url|Id|Tree)$/, '');
  return base.replace(/([a-z0-9])([A-Z])/g, '$1 $2').replace(/^./, (c) => c.toUpperCase());
}

/** Replaces the org's custom-attribute metadata for one resource (conversation, customer, message, company). */
export function setMetadata(
  deps: EmulatorDeps,
  org: OrgRecord,
  resource: string,
  properties: Record<string, { type: string; displayName?: string; enumeration?: unknown[]; multi?: boolean; target?: string }>,
): Record<string, MetadataPropertyRecord> {
  const at = deps.now().toISOString();
  const stored = Object.fromEntries(
    Object.entries(properties).map(([name, p]) => [name, { ...p, displayName: p.displayName ?? defaultDisplayName(name), modifiedAt: at }]),
  );
  deps.store.metadata.set(`${org.id}:${resource}`, stored);
  return stored;
}
