/** Renders queues, teams, users, API keys (the current-token record) and webhooks as Kustomer resources (docs/kustomer.md §6, §16). */
import { rel, type ResourceObject } from './json-api.ts';
import type { ApiKeyRecord, OrgRecord, QueueRecord, TeamRecord, UserRecord, WebhookRecord } from './records.ts';

/** GET /v1/orgs/current. `name` is the org name (third-party code reads it); `displayName` and the rest are assumed. */
export const renderOrg = (o: OrgRecord): ResourceObject => ({
  type: 'org',
  id: o.id,
  attributes: { name: o.name, displayName: o.name, createdAt: o.createdAt, updatedAt: o.createdAt },
  links: { self: `/v1/orgs/${o.id}` },
});

export const renderQueue = (q: QueueRecord): ResourceObject => ({
  type: 'queue',
  id: q.id,
  attributes: {
    name: q.name,
    displayName: q.displayName,
    description: q.description,
    priority: q.priority,
    itemSize: 1,
    system: q.system,
    restrictTransfersByUsers: false,
    settings: {},
    deleted: q.deleted,
    createdAt: q.createdAt,
    updatedAt: q.updatedAt,
    modifiedAt: q.updatedAt,
  },
  relationships: { org: rel('org', q.orgId) },
  links: { self: `/v1/routing/queues/${q.id}` },
});

export const renderTeam = (t: TeamRecord): ResourceObject => ({
  type: 'team',
  id: t.id,
  attributes: {
    name: t.name,
    displayName: t.displayName,
    icon: null,
    members: [...t.members],
    createdAt: t.createdAt,
    updatedAt: t.updatedAt,
    modifiedAt: t.updatedAt,
  },
  relationships: { org: rel('org', t.orgId) },
  links: { self: `/v1/teams/${t.id}` },
});

export const renderUser = (u: UserRecord): ResourceObject => ({
  type: 'user',
  id: u.id,
  attributes: {
    name: u.name,
    displayName: u.displayName,
    email: u.email,
    mobile: null,
    userType: u.userType,
    roles: [...u.roles],
    createdAt: u.createdAt,
    updatedAt: u.updatedAt,
  },
  relationships: { org: rel('org', u.orgId) },
  links: { self: `/v1/users/${u.id}` },
});

/** GET /v1/auth/tokens/current. The `type` string is not documented ([I] docs/kustomer.md §6); "token" is our guess. */
export const renderToken = (k: ApiKeyRecord, userAgent: string | null): ResourceObject => ({
  type: 'token',
  id: k.id,
  attributes: {
    name: k.name,
    lastTokenChars: k.token.slice(-4),
    roles: [...k.roles],
    ipAddress: null,
    userAgent,
    createdAt: k.createdAt,
    updatedAt: k.createdAt,
    lastAccessedAt: k.lastAccessedAt,
  },
  relationships: { org: rel('org', k.orgId), user: rel('user', k.userId) },
  links: { self: '/v1/auth/tokens/current' },
});

export const renderWebhook = (w: WebhookRecord): ResourceObject => ({
  type: 'outbound_webhook',
  id: w.id,
  attributes: {
    name: w.name,
    url: w.url,
    events: [...w.events],
    headers: w.headers.map((h) => ({ ...h })),
    enabled: w.enabled,
    isError: w.isError,
    token: w.token,
    createdAt: w.createdAt,
    updatedAt: w.updatedAt,
    modifiedAt: w.updatedAt,
  },
  relationships: { org: rel('org', w.orgId) },
  links: { self: `/v1/outbound-webhooks/${w.id}` },
});
