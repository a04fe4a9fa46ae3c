/**
 * The calling key, its user, and the org directory: GET /v1/auth/tokens/current, /v1/users/current, /v1/users,
 * /v1/teams, /v1/routing/queues (docs/kustomer.md §5), and the key's org: GET /v1/orgs/current (§4). Page sizes: 100 max for queues, 500 for users and teams (§12).
 */
import type { Hono } from 'hono';
import { requireRole, type ApiEnv } from '../api-env.ts';
import { kustomerError } from '../kustomer-error.ts';
import { listReply } from '../pagination.ts';
import { renderOrg, renderQueue, renderTeam, renderToken, renderUser } from '../render-directory.ts';
import { REQUIRED } from '../required-roles.ts';
import { inOrg, type EmulatorStore } from '../store.ts';

const USER_FILTERS = ['userType', 'email', 'pending', 'deleted'] as const;

export function registerDirectoryRoutes(app: Hono<ApiEnv>, deps: { store: EmulatorStore }): void {
  const { store } = deps;

  // Any valid key, whatever its roles (D-QS, A-TOKCUR).
  app.get('/v1/auth/tokens/current', (c) => c.json({ data: renderToken(c.var.auth.key, c.req.header('user-agent') ?? null) }));

  // The key's org (YextSolutions/kustomer-conversations-connector reads data.attributes.name from it; third-party
  // code). Any valid key may read it: assumed, no source names a role for it.
  app.get('/v1/orgs/current', (c) => c.json({ data: renderOrg(c.var.auth.org) }));

  app.get('/v1/users/current', (c) => c.json({ data: renderUser(c.var.auth.user) }));

  app.get('/v1/users', (c) => {
    requireRole(c, REQUIRED.userRead);
    const url = new URL(c.req.url);
    const filters = USER_FILTERS.filter((f) => url.searchParams.has(f));
    // A-USERS: these filters can't be combined.
    if (filters.length > 1) throw kustomerError(400, `the filters ${filters.join(', ')} cannot be combined`, { parameter: filters[1] });
    let users = inOrg(store.users, c.var.auth.org.id);
    const userType = url.searchParams.get('userType');
    const email = url.searchParams.get('email');
    if (userType) users = users.filter((u) => u.userType === userType);
    if (email) users = users.filter((u) => u.email?.toLowerCase() === email.toLowerCase());
    return listReply(c, users.map(renderUser), 500, url);
  });

  app.get('/v1/teams', (c) => {
    requireRole(c, REQUIRED.teamRead);
    return listReply(c, inOrg(store.teams, c.var.auth.org.id).map(renderTeam), 500);
  });

  app.get('/v1/routing/queues', (c) => {
    requireRole(c, REQUIRED.queueRead);
    return listReply(c, inOrg(store.queues, c.var.auth.org.id).map(renderQueue), 100);
  });
}
