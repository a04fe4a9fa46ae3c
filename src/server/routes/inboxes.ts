/** Team inboxes: the queues requests land in, and who works each one. */

import { conflict, notFound, unprocessable } from '../../core/errors.ts';
import type { Queryable } from '../../db/database.ts';
import { withTransaction } from '../../db/transaction.ts';
import { findInboxById, findInboxIdByName, insertInbox, listInboxes, lockInbox, setInboxMembers, updateInbox } from '../../db/repositories/inboxes.ts';
import { findUsersByIds } from '../../db/repositories/users.ts';
import { errors, IdParam, json, jsonBody, jsonItems, router, securedRoute } from '../openapi.ts';
import { InboxChangesBody, InboxSchema, NewInboxBody } from '../schemas/catalog.ts';

export const inboxRoutes = router();

/**
 * Checks that every member is an agent or admin and returns the ids without repeats. Their rows stay locked until
 * the transaction ends, so a concurrent demotion to requester waits and then takes them out of the inbox.
 */
async function checkMembers(q: Queryable, ids: string[]): Promise<string[]> {
  const unique = [...new Set(ids.map((id) => id.toLowerCase()))];
  const rows = await findUsersByIds(q, unique, { lockShared: true });
  const found = new Set(rows.map((r) => r.id));
  const unknown = unique.filter((id) => !found.has(id));
  if (unknown.length) throw unprocessable(`memberIds: no such user: ${unknown.join(', ')}`, { field: 'memberIds', ids: unknown });
  const requesters = rows.filter((r) => r.role === 'requester').map((r) => r.id);
  if (requesters.length) {
    throw unprocessable(`memberIds: members must be agents or admins, not: ${requesters.join(', ')}`, { field: 'memberIds', ids: requesters });
  }
  return unique;
}

const nameTaken = () => conflict('An inbox with this name exists', { field: 'name' });

inboxRoutes.openapi(
  securedRoute('staff', {
    method: 'get',
    path: '/inboxes',
    tags: ['Inboxes'],
    summary: 'Team inboxes and their members (staff), by name',
    responses: { 200: jsonItems(InboxSchema), ...errors(401, 403) },
  }),
  async (c) => {
    return c.json({ items: await listInboxes(c.var.deps.db) }, 200);
  },
);

inboxRoutes.openapi(
  securedRoute('admin', {
    method: 'post',
    path: '/inboxes',
    tags: ['Inboxes'],
    summary: 'Create a team inbox (admin)',
    request: { body: jsonBody(NewInboxBody) },
    responses: { 201: json(InboxSchema, 'Created'), ...errors(400, 401, 403, 409, 422) },
  }),
  async (c) => {
    const body = c.req.valid('json');
    const inbox = await withTransaction(c.var.deps.db, async (tx) => {
      if (await findInboxIdByName(tx, body.name)) throw nameTaken();
      const members = await checkMembers(tx, body.memberIds ?? []);
      const id = await insertInbox(tx, { name: body.name, description: body.description });
      await setInboxMembers(tx, id, members);
      return findInboxById(tx, id);
    });
    if (!inbox) throw notFound('Inbox');
    return c.json(inbox, 201);
  },
);

inboxRoutes.openapi(
  securedRoute('admin', {
    method: 'patch',
    path: '/inboxes/{id}',
    tags: ['Inboxes'],
    summary: 'Rename or describe a team inbox, or replace its members (admin)',
    request: {
      params: IdParam,
      body: jsonBody(InboxChangesBody),
    },
    responses: { 200: json(InboxSchema), ...errors(400, 401, 403, 404, 409, 422) },
  }),
  async (c) => {
    const { db, now } = c.var.deps;
    const id = c.req.valid('param').id.toLowerCase();
    const body = c.req.valid('json');
    const inbox = await withTransaction(db, async (tx) => {
      if (!(await lockInbox(tx, id))) throw notFound('Inbox');
      if (body.name !== undefined) {
        const other = await findInboxIdByName(tx, body.name);
        if (other && other !== id) throw nameTaken();
      }
      const members = body.memberIds && (await checkMembers(tx, body.memberIds));
      await updateInbox(tx, id, { name: body.name, description: body.description }, now());
      if (members) await setInboxMembers(tx, id, members);
      return findInboxById(tx, id);
    });
    if (!inbox) throw notFound('Inbox');
    return c.json(inbox, 200);
  },
);
