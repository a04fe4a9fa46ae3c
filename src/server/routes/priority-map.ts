/** Settings → Integrations → a destination: which of its priorities each request priority becomes (admin). */

import { priorityMapView, setPriorityMap } from '../../usecases/priority-map.ts';
import { errors, json, jsonBody, ProviderParam, routeProvider, router, securedRoute } from '../openapi.ts';
import { Levels, PriorityMapSchema, ProblemsError } from '../schemas/priority-map.ts';

export const priorityMapRoutes = router();
const tags = ['Integrations'];
const path = '/integrations/{provider}/priority-map';

priorityMapRoutes.openapi(
  securedRoute('admin', {
    method: 'get',
    path,
    tags,
    summary: 'Which Kustomer priority each request priority becomes (escalation default, workflows, priority sync)',
    request: { params: ProviderParam },
    responses: { 200: json(PriorityMapSchema), ...errors(401, 403, 404) },
  }),
  async (c) => c.json(await priorityMapView(c.var.deps.db, routeProvider(c)), 200),
);

priorityMapRoutes.openapi(
  securedRoute('admin', {
    method: 'put',
    path,
    tags,
    summary: 'Change which Kustomer priority each request priority becomes',
    description: 'Each value must be a whole number from 1 to 5, else 422 with `details.problems` naming each priority. Sending the default map resets it.',
    request: { params: ProviderParam, body: jsonBody(Levels) },
    responses: {
      200: json(PriorityMapSchema),
      422: { description: 'A value is not a Kustomer priority (details.problems)', content: { 'application/json': { schema: ProblemsError } } },
      ...errors(400, 401, 403, 404),
    },
  }),
  async (c) => c.json(await setPriorityMap(c.var.deps, routeProvider(c), c.req.valid('json')), 200),
);
