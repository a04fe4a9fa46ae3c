/**
 * The Hono environment of the emulated API: per-request bindings from the pipeline (the call being logged, the
 * org the bearer key names even when the key is no longer valid) and the authenticated key set by `authenticate`.
 */
import type { Context } from 'hono';
import type { CallRecord } from './call-log.ts';
import type { Actor } from './emulator-deps.ts';
import { KustomerError, TITLES } from './kustomer-error.ts';
import type { ApiKeyRecord, OrgRecord, UserRecord } from './records.ts';
import { rolesGrant, type RequiredRole } from './required-roles.ts';

export interface AuthInfo {
  key: ApiKeyRecord;
  org: OrgRecord;
  user: UserRecord;
}

export interface ApiEnv {
  /** `bodyText`: the request body, read once by the pipeline for the call log; routes parse it from here. */
  Bindings: { call: CallRecord; keyOrg: OrgRecord | null; bodyText: string };
  Variables: { auth: AuthInfo };
}

export type ApiContext = Context<ApiEnv>;

export const actorOf = (c: ApiContext): Actor => ({ org: c.var.auth.org, userId: c.var.auth.user.id, client: 'api-gw' });

/**
 * Refuses a key without the endpoint's role with the org's chosen status (401 by default, as Kustomer's errors page
 * lists "missing role" under 401; documented). The body's shape is the recorded error shape; its code and words are
 * assumed (no recording of a missing role exists).
 */
export function requireRole(c: ApiContext, required: RequiredRole): void {
  const { key, org } = c.var.auth;
  if (rolesGrant(key.roles, required)) return;
  const status = org.settings.missingRoleStatus;
  throw new KustomerError(
    status,
    status === 403 ? 'forbidden' : 'unauthorized',
    `this API key is missing the role ${required.name} (or one of: ${required.grantedBy.join(', ')})`,
    {
      title: TITLES[status],
    },
  );
}
