/** Saved views: a person's named request lists (filters, sort and order), listed, saved and deleted by their owner. */

import { conflict, notFound, unprocessable } from '../../core/errors.ts';
import { countSavedViews, deleteSavedView, insertSavedView, listSavedViews } from '../../db/repositories/saved-views.ts';
import { requireUser } from '../auth/guards.ts';
import { errors, IdParam, json, jsonBody, jsonItems, router, securedRoute } from '../openapi.ts';
import { NewSavedViewSchema, SavedViewSchema } from '../schemas/saved-view.ts';

export const savedViewRoutes = router();
const tags = ['Saved views'];
/** Enough for anyone's working set; a cap keeps one person from filling the table. */
const MAX_VIEWS = 50;

savedViewRoutes.openapi(
  securedRoute('user', {
    method: 'get',
    path: '/saved-views',
    tags,
    summary: 'Your saved request-list views, by name',
    responses: { 200: jsonItems(SavedViewSchema), ...errors(401) },
  }),
  async (c) => {
    const actor = requireUser(c);
    return c.json({ items: await listSavedViews(c.var.deps.db, actor.userId) }, 200);
  },
);

savedViewRoutes.openapi(
  securedRoute('user', {
    method: 'post',
    path: '/saved-views',
    tags,
    summary: 'Save the current list (filters, sort, order) under a name',
    request: { body: jsonBody(NewSavedViewSchema) },
    responses: { 201: json(SavedViewSchema, 'Saved'), ...errors(400, 401, 409, 422) },
  }),
  async (c) => {
    const actor = requireUser(c);
    const { db, now } = c.var.deps;
    const body = c.req.valid('json');
    if ((await countSavedViews(db, actor.userId)) >= MAX_VIEWS) throw unprocessable(`You can keep at most ${MAX_VIEWS} views; delete one first`);
    const view = await insertSavedView(db, { userId: actor.userId, name: body.name, query: body.query, at: now() });
    if (!view) throw conflict(`You already have a view named “${body.name}”`, { field: 'name' });
    return c.json(view, 201);
  },
);

savedViewRoutes.openapi(
  securedRoute('user', {
    method: 'delete',
    path: '/saved-views/{id}',
    tags,
    summary: 'Delete one of your saved views',
    request: { params: IdParam },
    responses: { 204: { description: 'Deleted' }, ...errors(401, 404) },
  }),
  async (c) => {
    const actor = requireUser(c);
    if (!(await deleteSavedView(c.var.deps.db, actor.userId, c.req.valid('param').id))) throw notFound('Saved view');
    return c.body(null, 204);
  },
);
