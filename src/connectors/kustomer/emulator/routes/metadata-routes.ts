/**
 * GET /v1/metadata/{resource} (docs/kustomer.md §5, §8): the org's custom-attribute properties, seeded by the controls.
 * The resource's `type` and `id` strings are not documented; ours are "metadata" and "<orgId>:<resource>".
 */
import type { Hono } from 'hono';
import { requireRole, type ApiEnv } from '../api-env.ts';
import { kustomerError } from '../kustomer-error.ts';
import { REQUIRED } from '../required-roles.ts';
import type { EmulatorStore } from '../store.ts';

const RESOURCES = /^(conversation|customer|message|company|kobject\.[\w-]+)$/;

export function registerMetadataRoutes(app: Hono<ApiEnv>, deps: { store: EmulatorStore }): void {
  app.get('/v1/metadata/:resource', (c) => {
    requireRole(c, REQUIRED.metadataRead);
    const resource = c.req.param('resource');
    if (!RESOURCES.test(resource)) throw kustomerError(404, `no metadata for "${resource}"`);
    const org = c.var.auth.org;
    const properties = deps.store.metadata.get(`${org.id}:${resource}`) ?? {};
    return c.json({
      data: {
        type: 'metadata',
        id: `${org.id}:${resource}`,
        attributes: { name: resource, properties: structuredClone(properties) },
        relationships: { org: { data: { type: 'org', id: org.id } } },
        links: { self: `/v1/metadata/${resource}` },
      },
    });
  });
}
