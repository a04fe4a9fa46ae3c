/** Requests: file, list, open, change, comment, follow, and read the timeline. */
import { z } from '@hono/zod-openapi';
import { isStaff } from '../../core/actor.ts';
import { AppError, forbidden, notFound } from '../../core/errors.ts';
import { decodeCursor, encodeCursor } from '../../core/request-list.ts';
import { canSeeRequest, parseRequestNumber } from '../../core/request.ts';
import { visibleTo } from '../../core/timeline.ts';
import { countRequests, listRequests } from '../../db/repositories/request-list.ts';
import { findRequestAccess, findRequestView, isFollower, listFollowers, type RequestRef, type RequestView } from '../../db/repositories/requests.ts';
import { listTimeline } from '../../db/repositories/timeline.ts';
import { addComment } from '../../usecases/add-comment.ts';
import { bulkChangeRequests } from '../../usecases/bulk-change-requests.ts';
import { changeRequest } from '../../usecases/change-request.ts';
import { createRequest } from '../../usecases/create-request.ts';
import { setFollowing } from '../../usecases/follow-request.ts';
import type { Context } from 'hono';
import type { UserActor } from '../../core/actor.ts';
import { requireUser } from '../auth/guards.ts';
import type { AppEnv } from '../context.ts';
import { errors, IdParam, json, jsonBody, router, securedRoute } from '../openapi.ts';
import {
  BulkChangeSchema,
  BulkOutcomeSchema,
  CreateRequestSchema,
  ListRequestsQuery,
  NewCommentSchema,
  PatchRequestSchema,
  RequestDetailSchema,
  RequestListSchema,
  RequestSchema,
  TimelineEntrySchema,
  TimelinePageSchema,
} from '../schemas/request.ts';

export const requestRoutes = router();
const tags = ['Requests'];

const RefParam = z.object({
  ref: z
    .string()
    .max(40)
    .openapi({ param: { name: 'ref', in: 'path' }, description: 'Request id or number (REQ-42)', example: 'REQ-42' }),
});
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A path reference: a UUID or a number (REQ-42, 42); anything else names no request. */
function requestRef(ref: string): RequestRef {
  if (UUID.test(ref)) return { id: ref };
  const number = parseRequestNumber(ref);
  if (!number) throw notFound('Request');
  return { number };
}

/**
 * Opens a request the caller may see; one not visible is reported exactly like one that does not exist.
 * One query for the view; the followers are consulted only for a requester who is not the request's requester,
 * the one case where following decides (staff see every request).
 */
async function visibleRequestView(c: Context<AppEnv>, actor: UserActor, ref: string): Promise<RequestView> {
  const { db } = c.var.deps;
  const view = await findRequestView(db, requestRef(ref));
  if (!view) throw notFound('Request');
  const follows = !isStaff(actor) && actor.userId !== view.requester.id && (await isFollower(db, view.id, actor.userId));
  if (!canSeeRequest(actor, { requesterId: view.requester.id }, follows)) throw notFound('Request');
  return view;
}

/** Like visibleRequestView, for routes that only need the id: one small query (id, requester, following). */
async function visibleRequestId(c: Context<AppEnv>, actor: UserActor, ref: string): Promise<string> {
  const access = await findRequestAccess(c.var.deps.db, requestRef(ref), isStaff(actor) ? undefined : actor.userId);
  if (!access || !canSeeRequest(actor, { requesterId: access.requesterId }, access.following)) throw notFound('Request');
  return access.id;
}

requestRoutes.openapi(
  securedRoute('user', {
    method: 'post',
    path: '/requests',
    tags,
    summary: "File a request (agents may file on a requester's behalf)",
    request: { body: jsonBody(CreateRequestSchema) },
    responses: { 201: json(RequestSchema, 'Created'), ...errors(400, 401, 403, 422) },
  }),
  async (c) => {
    const actor = requireUser(c);
    const { db, now, config } = c.var.deps;
    const { attachmentIds, ...input } = c.req.valid('json');
    return c.json(await createRequest(db, actor, input, now(), { ids: attachmentIds ?? [], limits: config.attachments }), 201);
  },
);

requestRoutes.openapi(
  securedRoute('user', {
    method: 'get',
    path: '/requests',
    tags,
    summary: 'List requests with filters, a sort, the total and keyset pagination (requesters see only their own)',
    description: 'Page with ?cursor=<nextCursor> and the same filters, sort and order. `total` comes with the first page.',
    request: { query: ListRequestsQuery },
    responses: { 200: json(RequestListSchema), ...errors(400, 401, 403) },
  }),
  async (c) => {
    const actor = requireUser(c);
    const q = c.req.valid('query');
    const staff = isStaff(actor);
    // Escalations are staff business (their routes are staff-only): a requester may not sort them out either.
    if (q.escalation && !staff) throw forbidden('Only staff can filter by escalation');
    const after = q.cursor ? decodeCursor(q.cursor, q.sort, q.order) : undefined;
    if (after === null) throw new AppError('bad_request', 'cursor must come from a previous page with the same sort and order', { cursor: q.cursor });
    const filters = {
      status: q.status,
      priority: q.priority,
      serviceId: q.serviceId,
      tag: q.tag?.toLowerCase(),
      assigneeId: q.assigneeId === 'me' ? actor.userId : q.assigneeId,
      inboxId: q.inboxId,
      requesterId: q.requesterId,
      visibleToRequester: staff ? undefined : actor.userId,
      text: q.q || undefined,
      escalation: q.escalation,
    };
    const { db } = c.var.deps;
    const [rows, total] = await Promise.all([
      listRequests(db, { ...filters, sort: q.sort, order: q.order, after, limit: q.limit + 1 }),
      after ? null : countRequests(db, filters),
    ]);
    const more = rows.length > q.limit;
    const page = more ? rows.slice(0, q.limit) : rows;
    const items = page.map(({ cursor: _, ...r }) => ({ ...r, escalation: staff ? r.escalation : null }));
    return c.json({ items, nextCursor: more ? encodeCursor(page[page.length - 1]!.cursor) : null, total }, 200);
  },
);

requestRoutes.openapi(
  securedRoute('user', {
    method: 'post',
    path: '/bulk/requests',
    tags,
    summary: 'Change many requests at once: status, priority, assignee, tags added or removed',
    description:
      'Each request is changed as PATCH /requests/{id} would (same authorization, one timeline entry per change), in its own transaction: ' +
      'requests you may not change are skipped and listed with the reason; the others are changed.',
    request: { body: jsonBody(BulkChangeSchema) },
    responses: { 200: json(BulkOutcomeSchema), ...errors(400, 401, 422) },
  }),
  async (c) => {
    const actor = requireUser(c);
    const { db, now } = c.var.deps;
    const body = c.req.valid('json');
    return c.json(await bulkChangeRequests(db, actor, body.ids, body.changes, now()), 200);
  },
);

requestRoutes.openapi(
  securedRoute('user', {
    method: 'get',
    path: '/requests/{ref}',
    tags,
    summary: 'Open a request by id or number',
    request: { params: RefParam },
    responses: { 200: json(RequestDetailSchema), ...errors(401, 404) },
  }),
  async (c) => {
    const actor = requireUser(c);
    const view = await visibleRequestView(c, actor, c.req.valid('param').ref);
    const followers = await listFollowers(c.var.deps.db, view.id);
    return c.json({ ...view, followers }, 200);
  },
);

requestRoutes.openapi(
  securedRoute('user', {
    method: 'patch',
    path: '/requests/{id}',
    tags,
    summary: 'Change status, priority, assignee, inbox, service, tags, custom fields, title or description',
    description: 'Requesters may only resolve or reopen their own requests. Each real change is appended to the timeline.',
    request: { params: IdParam, body: jsonBody(PatchRequestSchema) },
    responses: { 200: json(RequestSchema), ...errors(400, 401, 403, 404, 422) },
  }),
  async (c) => {
    const actor = requireUser(c);
    const { db, now } = c.var.deps;
    return c.json(await changeRequest(db, actor, c.req.valid('param').id, c.req.valid('json'), now()), 200);
  },
);

requestRoutes.openapi(
  securedRoute('user', {
    method: 'post',
    path: '/requests/{id}/comments',
    tags,
    summary: 'Add a public reply or an internal note (requesters never see internal notes)',
    description: "`attachmentIds` attaches your uploads (POST /uploads) in the comment's transaction; an internal note's files are internal.",
    request: { params: IdParam, body: jsonBody(NewCommentSchema) },
    responses: { 201: json(TimelineEntrySchema, 'Added'), ...errors(400, 401, 403, 404, 422) },
  }),
  async (c) => {
    const actor = requireUser(c);
    const { db, now, config } = c.var.deps;
    const body = c.req.valid('json');
    const deps = { db, publicUrl: config.publicUrl, smtpConfigured: config.smtp !== null };
    const attaching = { ids: body.attachmentIds ?? [], limits: config.attachments };
    return c.json(await addComment(deps, actor, c.req.valid('param').id, body.body, body.visibility, now(), attaching), 201);
  },
);

const FollowerParams = z.object({
  id: z.uuid().openapi({ param: { name: 'id', in: 'path' } }),
  userId: z.uuid().openapi({ param: { name: 'userId', in: 'path' } }),
});

for (const [method, follow] of [
  ['put', true],
  ['delete', false],
] as const) {
  requestRoutes.openapi(
    securedRoute('user', {
      method,
      path: '/requests/{id}/followers/{userId}',
      tags,
      summary: follow ? 'Add a follower' : 'Remove a follower',
      request: { params: FollowerParams },
      responses: { 204: { description: 'Done' }, ...errors(401, 403, 404, 422) },
    }),
    async (c) => {
      const actor = requireUser(c);
      const { db, now } = c.var.deps;
      const p = c.req.valid('param');
      await setFollowing(db, actor, p.id, p.userId, follow, now());
      return c.body(null, 204);
    },
  );
}

/**
 * The timeline's cursor: opaque to clients ("t1." + base64url of the oldest id already shown). Keyset, so entries
 * written meanwhile never shift a page; the version prefix lets the shape change without breaking saved cursors.
 */
const CURSOR_PREFIX = 't1.';
const timelineCursor = (id: string) => CURSOR_PREFIX + Buffer.from(id, 'utf8').toString('base64url');
const TimelineCursor = z
  .string()
  .max(64)
  .transform((c, ctx) => {
    const id = c.startsWith(CURSOR_PREFIX) ? Buffer.from(c.slice(CURSOR_PREFIX.length), 'base64url').toString('utf8') : '';
    if (!/^\d{1,18}$/.test(id)) {
      ctx.addIssue({ code: 'custom', message: 'Not a cursor this API gave out: pass nextCursor from an earlier page' });
      return z.NEVER;
    }
    return id;
  })
  .openapi({ type: 'string', description: 'nextCursor from the previous page (opaque)', example: 't1.MTIz' });

requestRoutes.openapi(
  securedRoute('user', {
    method: 'get',
    path: '/requests/{id}/timeline',
    tags,
    summary: "The request's timeline, newest page first; each page oldest first. Page back with ?cursor=<nextCursor>",
    description:
      'The first page holds the `limit` (default 100) newest entries; `nextCursor` fetches the entries before them and is null on the oldest page. ' +
      'Entries within a page are in the order they were written. Requesters never see internal entries, on any page.',
    request: {
      params: IdParam,
      query: z.object({
        cursor: TimelineCursor.optional(),
        limit: z.coerce.number().int().min(1).max(1000).default(100),
      }),
    },
    responses: {
      200: json(TimelinePageSchema),
      ...errors(400, 401, 404),
    },
  }),
  async (c) => {
    const actor = requireUser(c);
    const id = await visibleRequestId(c, actor, c.req.valid('param').id);
    const q = c.req.valid('query');
    // Internal entries are filtered in the query, before the limit: a requester's pages hold only what they may see.
    const entries = await listTimeline(c.var.deps.db, id, { beforeId: q.cursor, limit: q.limit + 1, includeInternal: isStaff(actor) });
    const more = entries.length > q.limit;
    const newestFirst = more ? entries.slice(0, q.limit) : entries;
    const oldest = newestFirst[newestFirst.length - 1];
    const items = newestFirst.filter((e) => visibleTo(actor, e)).reverse();
    return c.json({ items, nextCursor: more && oldest ? timelineCursor(oldest.id) : null }, 200);
  },
);
