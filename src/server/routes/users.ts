/** People: the staff directory, and admins adding, changing and deactivating accounts. */
import { z } from '@hono/zod-openapi';
import { sql } from 'kysely';
import { isStaff } from '../../core/actor.ts';
import { conflict, forbidden, notFound, unprocessable } from '../../core/errors.ts';
import { withTransaction } from '../../db/transaction.ts';
import { removeUserFromInboxes } from '../../db/repositories/inboxes.ts';
import { deleteUserSessions } from '../../db/repositories/sessions.ts';
import { countActiveAdmins, findUserByEmail, findUserById, insertUser, isInManagerChain, listUsers, toUser, updateUser } from '../../db/repositories/users.ts';
import type { Queryable } from '../../db/database.ts';
import { requireUser } from '../auth/guards.ts';
import { hashPassword } from '../auth/passwords.ts';
import { errors, IdParam, json, jsonBody, jsonItems, router, securedRoute } from '../openapi.ts';
import { NewUserBody, RoleSchema, UserChangesBody, UserSchema } from '../schemas/user.ts';

export const userRoutes = router();

const UserListQuery = z.object({
  role: RoleSchema.optional(),
  q: z.string().trim().max(200).optional().openapi({ description: 'Part of the name or email, any case' }),
  active: z.enum(['true', 'false']).optional(),
});

/** Serializes changes that could remove the last admin, so two admins demoting each other cannot both succeed. */
const lockAdmins = (q: Queryable) => sql`select pg_advisory_xact_lock(hashtext('bridgedesk:admins'))`.execute(q);
/** Serializes manager changes, so two changes that together close a loop cannot both pass the check. */
const lockManagers = (q: Queryable) => sql`select pg_advisory_xact_lock(hashtext('bridgedesk:managers'))`.execute(q);

async function checkManagerExists(q: Queryable, managerId: string) {
  if (!(await findUserById(q, managerId))) throw unprocessable('managerId: no such user', { field: 'managerId' });
}

userRoutes.openapi(
  securedRoute('staff', {
    method: 'get',
    path: '/users',
    tags: ['Users'],
    summary: 'List people (staff only), by name',
    request: { query: UserListQuery },
    responses: { 200: jsonItems(UserSchema), ...errors(400, 401, 403) },
  }),
  async (c) => {
    const query = c.req.valid('query');
    const rows = await listUsers(c.var.deps.db, {
      role: query.role,
      q: query.q || undefined,
      active: query.active === undefined ? undefined : query.active === 'true',
    });
    return c.json({ items: rows.map(toUser) }, 200);
  },
);

userRoutes.openapi(
  securedRoute('user', {
    method: 'get',
    path: '/users/{id}',
    tags: ['Users'],
    summary: 'One person (staff see anyone; others only themselves)',
    request: { params: IdParam },
    responses: { 200: json(UserSchema), ...errors(400, 401, 403, 404) },
  }),
  async (c) => {
    const actor = requireUser(c);
    const { id } = c.req.valid('param');
    if (!isStaff(actor) && actor.userId !== id.toLowerCase()) throw forbidden('You can only see your own profile');
    const row = await findUserById(c.var.deps.db, id);
    if (!row) throw notFound('User');
    return c.json(toUser(row), 200);
  },
);

userRoutes.openapi(
  securedRoute('admin', {
    method: 'post',
    path: '/users',
    tags: ['Users'],
    summary: 'Add a person (admin)',
    request: { body: jsonBody(NewUserBody) },
    responses: { 201: json(UserSchema, 'Created'), ...errors(400, 401, 403, 409, 422) },
  }),
  async (c) => {
    const { db } = c.var.deps;
    const body = c.req.valid('json');
    const passwordHash = body.password === undefined ? null : await hashPassword(body.password);
    const row = await withTransaction(db, async (tx) => {
      if (await findUserByEmail(tx, body.email)) throw conflict('A user with this email exists', { field: 'email' });
      if (body.managerId) await checkManagerExists(tx, body.managerId);
      return insertUser(tx, {
        email: body.email,
        name: body.name,
        role: body.role,
        passwordHash,
        managerId: body.managerId ?? null,
        department: body.department ?? null,
        title: body.title ?? null,
        location: body.location ?? null,
      });
    });
    return c.json(toUser(row), 201);
  },
);

userRoutes.openapi(
  securedRoute('admin', {
    method: 'patch',
    path: '/users/{id}',
    tags: ['Users'],
    summary: 'Change a person (admin): profile, role, password, manager, or deactivate',
    request: { params: IdParam, body: jsonBody(UserChangesBody) },
    responses: { 200: json(UserSchema), ...errors(400, 401, 403, 404, 409, 422) },
  }),
  async (c) => {
    const { db, now } = c.var.deps;
    const id = c.req.valid('param').id.toLowerCase();
    const { password, ...body } = c.req.valid('json');
    const passwordHash = password === undefined ? undefined : await hashPassword(password);
    const losesAdmin = (body.role !== undefined && body.role !== 'admin') || body.active === false;
    const row = await withTransaction(db, async (tx) => {
      // Advisory locks first, always in this order, so concurrent changes cannot deadlock.
      if (losesAdmin) await lockAdmins(tx);
      if (body.managerId) await lockManagers(tx);
      const current = await findUserById(tx, id);
      if (!current) throw notFound('User');

      if (body.email !== undefined && body.email !== current.email.toLowerCase()) {
        const other = await findUserByEmail(tx, body.email);
        if (other && other.id !== id) throw conflict('A user with this email exists', { field: 'email' });
      }
      if (body.managerId) {
        if (body.managerId.toLowerCase() === id) throw unprocessable('managerId: a user cannot be their own manager', { field: 'managerId' });
        await checkManagerExists(tx, body.managerId);
        if (await isInManagerChain(tx, body.managerId, id)) {
          throw unprocessable('managerId: this user already manages that person (directly or through others), which would make a loop', {
            field: 'managerId',
          });
        }
      }
      if (losesAdmin && current.role === 'admin' && current.active && (await countActiveAdmins(tx, { except: id })) === 0) {
        throw conflict('This is the last active admin; make someone else an admin first');
      }

      const updated = await updateUser(tx, id, { ...body, passwordHash }, now());
      if (!updated) throw notFound('User');
      // Inboxes are worked by staff only.
      if (body.role === 'requester' && current.role !== 'requester') await removeUserFromInboxes(tx, id);
      if (body.active === false || passwordHash !== undefined) await deleteUserSessions(tx, id);
      return updated;
    });
    return c.json(toUser(row), 200);
  },
);
