/**
 * GET /v1/tags and GET /v1/sub-statuses (docs/kustomer.md §28): the org's tags and its conversation and custom-object
 * sub-statuses, paginated (100 a page assumed for both, as most lists: docs/kustomer.md §12).
 */
import type { Hono } from 'hono';
import { requireRole, type ApiEnv } from '../api-env.ts';
import { listReply } from '../pagination.ts';
import { REQUIRED } from '../required-roles.ts';
import { inOrg, type EmulatorStore } from '../store.ts';
import { renderSubStatus, renderTag } from '../tags-and-sub-statuses.ts';

export function registerTagRoutes(app: Hono<ApiEnv>, deps: { store: EmulatorStore }): void {
  app.get('/v1/tags', (c) => {
    requireRole(c, REQUIRED.tagRead);
    return listReply(c, inOrg(deps.store.tags, c.var.auth.org.id).map(renderTag), 100);
  });

  app.get('/v1/sub-statuses', (c) => {
    requireRole(c, REQUIRED.subStatusRead);
    const url = new URL(c.req.url);
    const type = url.searchParams.get('resourceType');
    const all = inOrg(deps.store.subStatuses, c.var.auth.org.id).filter((s) => !type || s.resourceType === type);
    return listReply(c, all.map(renderSubStatus), 100, url);
  });
}
