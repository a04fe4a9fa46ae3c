/** Settings → Integrations → Kustomer: which Kustomer priority each request priority becomes (admin). */
import { createRoute } from '@hono/zod-openapi';
import { priorityMapView, setPriorityMap } from '../../usecases/priority-map.ts';
import { allow, errors, json, jsonBody, router, security } from '../openapi.ts';
import { Levels, PriorityMapSchema, ProblemsError } from '../schemas/priority-map.ts';

export const priorityMapRoutes = router();
const tags = ['Integrations'];
const path = '/integrations/kustomer/priority-map';

priorityMapRoutes.openapi(
  createRoute({
    method: 'get',
    path,
    tags,
    summary: 'Which Kustomer priority each request priority becomes (escalation default, workflows, priority sync)',
    security,
    middleware: [allow('admin')] as const,
    responses: { 200: json(PriorityMapSchema), ...errors(401, 403) },
  }),
  async (c) => c.json(await priorityMapView(c.var.deps.db, 'kustomer'), 200),
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
    request: { body: jsonBody(Levels) },
    responses: {
      200: json(PriorityMapSchema),
      422: { description: 'A value is not a Kustomer priority (details.problems)', content: { 'application/json': { schema: ProblemsError } } },
      ...errors(400, 401, 403, 404),
    },
  }),
  async (c) => c.json(await setPriorityMap(c.var.deps, 'kustomer', c.req.valid('json')), 200),
);
