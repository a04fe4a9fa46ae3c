/** Personal API tokens for scripts: create (shown once), list, revoke. */

import { notFound } from '../../core/errors.ts';
import { insertToken, listTokens, revokeToken, toApiToken } from '../../db/repositories/api-tokens.ts';
import { requireUser } from '../auth/guards.ts';
import { API_TOKEN_PREFIX, randomToken, sha256 } from '../auth/secrets.ts';
import { errors, IdParam, json, jsonBody, jsonItems, router, securedRoute } from '../openapi.ts';
import { ApiTokenSchema, CreatedApiTokenSchema, NewApiTokenSchema } from '../schemas/api-token.ts';

export const apiTokenRoutes = router();

apiTokenRoutes.openapi(
  securedRoute('user', {
    method: 'get',
    path: '/api-tokens',
    tags: ['API tokens'],
    summary: 'Your API tokens (never the token text)',
    responses: { 200: jsonItems(ApiTokenSchema), ...errors(401) },
  }),
  async (c) => {
    const actor = requireUser(c);
    return c.json({ items: await listTokens(c.var.deps.db, actor.userId) }, 200);
  },
);

apiTokenRoutes.openapi(
  securedRoute('user', {
    method: 'post',
    path: '/api-tokens',
    tags: ['API tokens'],
    summary: 'Create a personal API token; the reply is the only time its text is shown',
    request: { body: jsonBody(NewApiTokenSchema) },
    responses: { 201: json(CreatedApiTokenSchema), ...errors(400, 401, 403) },
  }),
  async (c) => {
    const actor = requireUser(c);
    const { db, now } = c.var.deps;
    const body = c.req.valid('json');
    const token = API_TOKEN_PREFIX + randomToken();
    const expiresAt = body.expiresInDays ? new Date(now().getTime() + body.expiresInDays * 86_400_000) : null;
    const row = await insertToken(db, { userId: actor.userId, name: body.name, tokenHash: sha256(token), lastFour: token.slice(-4), expiresAt });
    return c.json({ ...toApiToken(row), token }, 201);
  },
);

apiTokenRoutes.openapi(
  securedRoute('user', {
    method: 'delete',
    path: '/api-tokens/{id}',
    tags: ['API tokens'],
    summary: 'Revoke one of your API tokens',
    request: { params: IdParam },
    responses: { 204: { description: 'Revoked' }, ...errors(401, 403, 404) },
  }),
  async (c) => {
    const actor = requireUser(c);
    const { db, now } = c.var.deps;
    if (!(await revokeToken(db, actor.userId, c.req.valid('param').id, now()))) throw notFound('API token');
    return c.body(null, 204);
  },
);
