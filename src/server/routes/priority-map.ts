/** Settings → Integrations → a destination: which of its priorities each request priority becomes (admin). */
import { createRoute, z } from '@hono/zod-openapi';
import { priorityMapView, setPriorityMap } from '../../usecases/priority-map.ts';
import { allow, errors, json, jsonBody, ProviderParam, routeProvider, router, security } from '../openapi.ts';

export const priorityMapRoutes = router();
const tags = ['Integrations'];
const path = '/integrations/{provider}/priority-map';

// Any number passes the shape; the range (1–5 for Kustomer) and whole numbers are checked by the use case (422).
const Levels = z.strictObject({
  low: z.number().openapi({ example: 2 }),
  medium: z.number().openapi({ example: 3 }),
  high: z.number().openapi({ example: 4 }),
  urgent: z.number().openapi({ example: 5 }),
});

const PriorityMapSchema = z
  .object({
    map: Levels.openapi({ description: 'The Kustomer priority each request priority becomes now' }),
    defaultMap: Levels.openapi({ description: "Kustomer's default map (3 is Kustomer's normal priority): low 2, medium 3, high 4, urgent 5" }),
    range: z.object({ min: z.number(), max: z.number() }),
    customised: z.boolean().openapi({ description: 'Whether the map differs from the default' }),
  })
  .openapi('KustomerPriorityMap');

const ProblemsError = z
  .object({
    error: z.object({
      code: z.string(),
      message: z.string(),
      details: z.object({ problems: z.array(z.object({ priority: z.enum(['low', 'medium', 'high', 'urgent']), message: z.string() })) }).optional(),
    }),
  })
  .openapi('PriorityMapError');

priorityMapRoutes.openapi(
  createRoute({
    method: 'get',
    path,
    tags,
    summary: 'Which Kustomer priority each request priority becomes (escalation default, workflows, priority sync)',
    security,
    middleware: [allow('admin')] as const,
    request: { params: ProviderParam },
    responses: { 200: json(PriorityMapSchema), ...errors(401, 403, 404) },
  }),
  async (c) => c.json(await priorityMapView(c.var.deps.db, routeProvider(c)), 200),
);

priorityMapRoutes.openapi(
  createRoute({
    method: 'put',
    path,
    tags,
    summary: 'Change which Kustomer priority each request priority becomes',
    description: 'Each value must be a whole number from 1 to 5, else 422 with `details.problems` naming each priority. Sending the default map resets it.',
    security,
    middleware: [allow('admin')] as const,
    request: { params: ProviderParam, body: jsonBody(Levels) },
    responses: {
      200: json(PriorityMapSchema),
      422: { description: 'A value is not a Kustomer priority (details.problems)', content: { 'application/json': { schema: ProblemsError } } },
      ...errors(400, 401, 403, 404),
    },
  }),
  async (c) => c.json(await setPriorityMap(c.var.deps, routeProvider(c), c.req.valid('json')), 200),
);
