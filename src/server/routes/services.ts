/** The service catalog: what people can ask for, and the inbox each kind of request lands in. */
import { isStaff } from '../../core/actor.ts';
import { conflict, notFound, unprocessable } from '../../core/errors.ts';
import type { Queryable } from '../../db/database.ts';
import { withTransaction } from '../../db/transaction.ts';
import { inboxExists } from '../../db/repositories/inboxes.ts';
import { findServiceById, findServiceByName, insertService, listServices, toService, updateService } from '../../db/repositories/services.ts';
import { requireUser } from '../auth/guards.ts';
import { errors, IdParam, json, jsonBody, jsonItems, router, securedRoute } from '../openapi.ts';
import { IncludeInactiveQuery, NewServiceBody, ServiceChangesBody, ServiceSchema } from '../schemas/catalog.ts';

export const serviceRoutes = router();

async function checkInbox(q: Queryable, inboxId: string | null | undefined) {
  if (inboxId && !(await inboxExists(q, inboxId))) throw unprocessable('defaultInboxId: no such inbox', { field: 'defaultInboxId' });
}

const nameTaken = () => conflict('A service with this name exists', { field: 'name' });

serviceRoutes.openapi(
  securedRoute('user', {
    method: 'get',
    path: '/services',
    tags: ['Services'],
    summary: 'The service catalog, by name (only active services unless staff ask for inactive ones too)',
    request: { query: IncludeInactiveQuery },
    responses: { 200: jsonItems(ServiceSchema), ...errors(400, 401) },
  }),
  async (c) => {
    const actor = requireUser(c);
    const includeInactive = c.req.valid('query').includeInactive === 'true' && isStaff(actor);
    return c.json({ items: await listServices(c.var.deps.db, { includeInactive }) }, 200);
  },
);

serviceRoutes.openapi(
  securedRoute('admin', {
    method: 'post',
    path: '/services',
    tags: ['Services'],
    summary: 'Add a service to the catalog (admin)',
    request: {
      body: jsonBody(NewServiceBody),
    },
    responses: { 201: json(ServiceSchema, 'Created'), ...errors(400, 401, 403, 409, 422) },
  }),
  async (c) => {
    const body = c.req.valid('json');
    const row = await withTransaction(c.var.deps.db, async (tx) => {
      if (await findServiceByName(tx, body.name)) throw nameTaken();
      await checkInbox(tx, body.defaultInboxId);
      return insertService(tx, body);
    });
    return c.json(toService(row), 201);
  },
);

serviceRoutes.openapi(
  securedRoute('admin', {
    method: 'patch',
    path: '/services/{id}',
    tags: ['Services'],
    summary: 'Change a service, or retire it with active: false (admin)',
    request: {
      params: IdParam,
      body: jsonBody(ServiceChangesBody),
    },
    responses: { 200: json(ServiceSchema), ...errors(400, 401, 403, 404, 409, 422) },
  }),
  async (c) => {
    const { db, now } = c.var.deps;
    const id = c.req.valid('param').id.toLowerCase();
    const body = c.req.valid('json');
    const row = await withTransaction(db, async (tx) => {
      if (!(await findServiceById(tx, id, { forUpdate: true }))) throw notFound('Service');
      if (body.name !== undefined) {
        const other = await findServiceByName(tx, body.name);
        if (other && other.id !== id) throw nameTaken();
      }
      await checkInbox(tx, body.defaultInboxId);
      return updateService(tx, id, body, now());
    });
    if (!row) throw notFound('Service');
    return c.json(toService(row), 200);
  },
);
