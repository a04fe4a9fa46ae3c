/**
 * Field mapping: which request fields fill which Kustomer conversation custom attributes (admin), and the values a
 * request will send (staff, shown on the Escalate form).
 */
import { z } from '@hono/zod-openapi';
import { offeredProviders } from '../../connectors/registry.ts';
import { findConnection } from '../../db/repositories/destinations.ts';
import { getFieldMappings, listRemoteFields, mappedValues, replaceFieldMappings, suggestFieldMappings } from '../../usecases/field-mapping/index.ts';
import { errors, IdParam, jsonBody, jsonItems, ProviderParam, requestIdOr404, routeProvider, router, securedRoute } from '../openapi.ts';
import {
  FieldMappingSchema,
  FieldMappingsBodySchema,
  MappedValueSchema,
  MappingProblemsError,
  MappingSuggestionSchema,
  RemoteFieldSchema,
} from '../schemas/field-mapping.ts';

export const fieldMappingRoutes = router();
const tags = ['Field mapping'];
const path = '/integrations/{provider}';

fieldMappingRoutes.openapi(
  securedRoute('admin', {
    method: 'get',
    path: `${path}/fields`,
    tags,
    summary: 'The conversation custom attributes defined in Kustomer (read live from its metadata)',
    request: { params: ProviderParam },
    responses: { 200: jsonItems(RemoteFieldSchema), ...errors(401, 403, 404, 422, 502) },
  }),
  async (c) => c.json({ items: await listRemoteFields(c.var.deps, routeProvider(c)) }, 200),
);

fieldMappingRoutes.openapi(
  securedRoute('admin', {
    method: 'get',
    path: `${path}/field-mappings`,
    tags,
    summary: 'Which request field fills which conversation attribute (empty when Kustomer is not connected)',
    request: { params: ProviderParam },
    responses: { 200: jsonItems(FieldMappingSchema), ...errors(401, 403, 404) },
  }),
  async (c) => c.json({ items: await getFieldMappings(c.var.deps.db, routeProvider(c)) }, 200),
);

fieldMappingRoutes.openapi(
  securedRoute('admin', {
    method: 'get',
    path: `${path}/field-mappings/suggestions`,
    tags,
    summary: "A default mapping suggested from Kustomer's conversation attributes, for the fields not mapped yet",
    description:
      'Reads Kustomer\'s metadata live and pairs each unmapped request field (built-ins, internal facts, active custom fields) with the unused attribute whose name or label says the same and whose type can hold it, e.g. `bridgedeskStatusStr` ("Request status") → status. Nothing is saved: send the pairs you keep with the PUT.',
    request: { params: ProviderParam },
    responses: { 200: jsonItems(MappingSuggestionSchema), ...errors(401, 403, 404, 422, 502) },
  }),
  async (c) => c.json({ items: await suggestFieldMappings(c.var.deps, routeProvider(c)) }, 200),
);

fieldMappingRoutes.openapi(
  securedRoute('admin', {
    method: 'put',
    path: `${path}/field-mappings`,
    tags,
    summary: "Replace the whole mapping set; each pair is checked against Kustomer's attributes and our custom fields",
    description:
      'Answers 422 when any pair cannot work (unknown field on either side, a field used twice, or types that do not fit, e.g. "Order total is a number; orderNumberStr holds text"), with `details.problems` listing each pair and its problem. Nothing is saved then.',
    request: {
      params: ProviderParam,
      body: jsonBody(FieldMappingsBodySchema),
    },
    responses: {
      200: jsonItems(FieldMappingSchema),
      422: {
        description: 'Some pairs cannot work (details.problems), or Kustomer refused to list its attributes',
        content: { 'application/json': { schema: MappingProblemsError } },
      },
      ...errors(400, 401, 403, 404, 502),
    },
  }),
  async (c) => c.json({ items: await replaceFieldMappings(c.var.deps, routeProvider(c), c.req.valid('json').items) }, 200),
);

fieldMappingRoutes.openapi(
  securedRoute('staff', {
    method: 'get',
    path: '/requests/{id}/mapped-values',
    tags,
    summary: 'The custom attribute values escalating this request will send to Kustomer (mapped fields that have a value)',
    request: {
      params: IdParam,
      query: z.object({
        destination: z.string().optional().openapi({ description: 'A destination id (GET /integrations); default: the first offered one that is connected' }),
      }),
    },
    responses: {
      200: jsonItems(MappedValueSchema),
      ...errors(401, 403, 404),
    },
  }),
  async (c) => {
    const { db, config } = c.var.deps;
    const requestId = await requestIdOr404(c, c.req.valid('param').id);
    const wanted = c.req.valid('query').destination;
    const candidates = wanted === undefined ? offeredProviders(config) : [routeProvider(c, wanted)];
    const connection = (await Promise.all(candidates.map((p) => findConnection(db, p)))).find(Boolean);
    return c.json({ items: connection ? await mappedValues(db, connection.id, requestId, config.publicUrl) : [] }, 200);
  },
);
