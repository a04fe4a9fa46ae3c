/**
 * Conversations (docs/kustomer.md §5): create, list, get by id or externalId, and update by PUT or PATCH (both merge;
 * PUT ?replace=true replaces the writable fields, docs/kustomer.md §7).
 */
import type { Hono } from 'hono';
import { CreateConversationBody, UpdateConversationBody } from '../../wire.ts';
import { actorOf, requireRole, type ApiContext, type ApiEnv } from '../api-env.ts';
import { createConversation, updateConversation } from '../conversation-writes.ts';
import type { EmulatorDeps } from '../emulator-deps.ts';
import { kustomerError } from '../kustomer-error.ts';
import { listReply } from '../pagination.ts';
import { renderConversation } from '../render-records.ts';
import { readJsonBody } from '../request-body.ts';
import { REQUIRED } from '../required-roles.ts';
import { findInOrg, inOrg } from '../store.ts';
import { readPathRef } from './path-lookup.ts';

export function registerConversationRoutes(app: Hono<ApiEnv>, deps: EmulatorDeps): void {
  const { store } = deps;

  app.post('/v1/conversations', async (c) => {
    requireRole(c, REQUIRED.conversationCreate);
    const body = readJsonBody(c, CreateConversationBody);
    return c.json({ data: renderConversation(createConversation(deps, actorOf(c), body)) }, 201);
  });

  // Creation order by default; sort=desc reverses it (sorted by id, not update time, docs/kustomer.md §11).
  app.get('/v1/conversations', (c) => {
    requireRole(c, REQUIRED.conversationRead);
    const url = new URL(c.req.url);
    const sort = url.searchParams.get('sort');
    if (sort !== null && sort !== 'asc' && sort !== 'desc') throw kustomerError(400, 'sort must be asc or desc', { parameter: 'sort' });
    const convs = inOrg(store.conversations, c.var.auth.org.id);
    if (sort === 'desc') convs.reverse();
    return listReply(c, convs.map(renderConversation), 100, url);
  });

  app.get('/v1/conversations/:ref', (c) => {
    requireRole(c, REQUIRED.conversationRead);
    const ref = readPathRef(c.req.url, 3);
    const found =
      ref.by === 'externalId'
        ? inOrg(store.conversations, c.var.auth.org.id).find((v) => v.externalId === ref.value)
        : ref.by === 'id'
          ? findInOrg(store.conversations, c.var.auth.org.id, ref.value)
          : undefined;
    if (!found) throw kustomerError(404, `no conversation with ${ref.by} ${ref.value}`, { parameter: ref.by });
    return c.json({ data: renderConversation(found) });
  });

  const update = async (c: ApiContext, replace: boolean) => {
    requireRole(c, REQUIRED.conversationUpdate);
    const body = readJsonBody(c, UpdateConversationBody);
    return c.json({ data: renderConversation(updateConversation(deps, actorOf(c), c.req.param('id') ?? '', body, { replace, api: true })) });
  };
  app.put('/v1/conversations/:id', (c) => update(c, c.req.query('replace') === 'true'));
  app.patch('/v1/conversations/:id', (c) => update(c, false));
}
