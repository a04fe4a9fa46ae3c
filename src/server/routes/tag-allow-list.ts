/** Settings → Integrations → a destination: which request tags may reach its conversations (admin). */
import { setTagAllowList, tagAllowListView } from '../../usecases/tag-allow-list.ts';
import { errors, json, jsonBody, ProviderParam, routeProvider, router, securedRoute } from '../openapi.ts';
import { TagAllowListBody, TagAllowListSchema } from '../schemas/tag-allow-list.ts';

export const tagAllowListRoutes = router();
const tags = ['Integrations'];
const path = '/integrations/{provider}/tag-allow-list';

tagAllowListRoutes.openapi(
  securedRoute('admin', {
    method: 'get',
    path,
    tags,
    summary: 'Which request tags go to Kustomer conversations at escalation (empty: none)',
    request: { params: ProviderParam },
    responses: { 200: json(TagAllowListSchema), ...errors(401, 403, 404) },
  }),
  async (c) => c.json(await tagAllowListView(c.var.deps.db, routeProvider(c)), 200),
);

tagAllowListRoutes.openapi(
  securedRoute('admin', {
    method: 'put',
    path,
    tags,
    summary: 'Set which request tags go to Kustomer conversations at escalation',
    description: 'Replaces the list. A tag goes only when Kustomer has a tag of that name (any case); an empty list sends none.',
    request: { params: ProviderParam, body: jsonBody(TagAllowListBody) },
    responses: { 200: json(TagAllowListSchema), ...errors(400, 401, 403, 404) },
  }),
  async (c) => c.json(await setTagAllowList(c.var.deps.db, routeProvider(c), c.req.valid('json').tags, c.var.deps.now()), 200),
);
