/**
 * Bearer-key authentication (docs/kustomer.md §2): `Authorization: Bearer <key>` with one space. A missing, unknown, revoked or
 * expired key is 401. The request's host is checked against the key's org the way Kustomer routes by host: an org
 * host (`<org>.api.kustomerapp.com`) naming another org, or a regional host (`api.kustomerapp.com`,
 * `api.prod2.kustomerapp.com`, …) of another pod, is 401 with a pod/region message like Kustomer's (D-REG).
 * Any other host (localhost, an IP, the emulator's own name) is not checked.
 */
import type { MiddlewareHandler } from 'hono';
import type { ApiEnv } from './api-env.ts';
import { kustomerError } from './kustomer-error.ts';
import type { ApiKeyRecord, OrgRecord } from './records.ts';
import type { EmulatorStore } from './store.ts';

const BEARER = /^Bearer (\S+)$/;

/** The key a request names, valid or not (the pipeline uses it to pick the org's error shape and budget). */
export function keyNamedBy(store: EmulatorStore, req: Request): ApiKeyRecord | undefined {
  const token = BEARER.exec(req.headers.get('authorization') ?? '')?.[1];
  return token === undefined ? undefined : store.keysByToken.get(token);
}

/** pod of a regional host, or org name of an org host; null for any other host. */
export function kustomerHost(hostname: string): { pod: string } | { org: string } | null {
  const h = hostname.toLowerCase();
  if (h === 'api.kustomerapp.com') return { pod: 'prod1' };
  const regional = /^api\.(prod\d+)\.kustomerapp\.com$/.exec(h);
  if (regional) return { pod: regional[1]! };
  const org = /^([a-z0-9-]+)\.api\.kustomerapp\.com$/.exec(h);
  return org ? { org: org[1]! } : null;
}

function checkHost(store: EmulatorStore, keyOrg: OrgRecord, hostname: string): void {
  const host = kustomerHost(hostname);
  if (!host) return;
  if ('pod' in host) {
    if (host.pod !== keyOrg.settings.pod)
      throw kustomerError(401, `Auth token associated with pod ${keyOrg.settings.pod} but request is being handled by ${host.pod}`);
    return;
  }
  if (host.org === keyOrg.name) return;
  const hostOrg = store.orgByName(host.org);
  if (hostOrg && hostOrg.settings.pod !== keyOrg.settings.pod) {
    throw kustomerError(401, `Auth token associated with pod ${keyOrg.settings.pod} but request is being handled by ${hostOrg.settings.pod}`);
  }
  throw kustomerError(401, `Auth token associated with org ${keyOrg.name} but request is being handled by org ${host.org}`);
}

export function authenticate(deps: { store: EmulatorStore; now: () => Date }): MiddlewareHandler<ApiEnv> {
  return async (c, next) => {
    const header = c.req.header('authorization');
    if (!header) throw kustomerError(401, 'missing Authorization header (expected "Bearer <API key>")');
    const key = keyNamedBy(deps.store, c.req.raw);
    if (!BEARER.test(header) || !key) throw kustomerError(401, 'invalid auth token');
    const now = deps.now();
    if (key.revokedAt) throw kustomerError(401, 'auth token has been revoked');
    if (key.expiresAt && Date.parse(key.expiresAt) <= now.getTime()) throw kustomerError(401, 'auth token has expired');
    const org = deps.store.orgs.get(key.orgId);
    const user = deps.store.users.get(key.userId);
    if (!org || !user) throw kustomerError(401, 'invalid auth token');
    checkHost(deps.store, org, new URL(c.req.url).hostname);
    key.lastAccessedAt = now.toISOString();
    c.env.call.keyId = key.id;
    c.set('auth', { key, org, user });
    await next();
  };
}
