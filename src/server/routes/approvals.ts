/** Approvals inbox, notifications, and the email outbox. */
import { z } from '@hono/zod-openapi';
import { notFound } from '../../core/errors.ts';
import { listApprovalViews } from '../../db/repositories/workflows.ts';
import { decideApproval } from '../../usecases/workflows/decide-approval.ts';
import { requireUser } from '../auth/guards.ts';
import { errors, IdParam, json, jsonBody, jsonItems, requestIdOr404, router, securedRoute } from '../openapi.ts';
import { ApprovalDecisionSchema, ApprovalSchema } from '../schemas/approval.ts';
import { NotificationListSchema, OutboxSchema } from '../schemas/notification.ts';

export const approvalRoutes = router();

approvalRoutes.openapi(
  securedRoute('user', {
    method: 'get',
    path: '/approvals',
    tags: ['Approvals'],
    summary: 'Your approvals: pending (waiting for you) or decided',
    request: { query: z.object({ state: z.enum(['pending', 'decided']).default('pending') }) },
    responses: { 200: jsonItems(ApprovalSchema), ...errors(400, 401) },
  }),
  async (c) => c.json({ items: await listApprovalViews(c.var.deps.db, { approverId: requireUser(c).userId, state: c.req.valid('query').state }) }, 200),
);

approvalRoutes.openapi(
  securedRoute('staff', {
    method: 'get',
    path: '/requests/{id}/approvals',
    tags: ['Approvals'],
    summary: 'Approvals a request waits for (staff): who is asked now (pending) and who is asked next (queued), oldest first',
    description: 'What the request page shows as waiting work: "Awaiting Morgan Manager since 10:42". Decided approvals are on the timeline.',
    request: { params: IdParam },
    responses: { 200: jsonItems(ApprovalSchema), ...errors(401, 403, 404) },
  }),
  async (c) => {
    const { db } = c.var.deps;
    const requestId = await requestIdOr404(c, c.req.valid('param').id);
    return c.json({ items: await listApprovalViews(db, { requestId, state: 'waiting' }) }, 200);
  },
);

approvalRoutes.openapi(
  securedRoute('user', {
    method: 'post',
    path: '/approvals/{id}/decision',
    tags: ['Approvals'],
    summary: 'Approve or reject (only the designated approver; a decision counts once)',
    request: { params: IdParam, body: jsonBody(ApprovalDecisionSchema) },
    responses: { 200: json(ApprovalSchema), ...errors(400, 401, 403, 404, 409) },
  }),
  async (c) => {
    const actor = requireUser(c);
    const { deps } = c.var;
    const id = c.req.valid('param').id;
    const body = c.req.valid('json');
    await decideApproval(
      { db: deps.db, now: deps.now, publicUrl: deps.config.publicUrl, smtpConfigured: deps.config.smtp !== null },
      actor,
      id,
      body.decision,
      body.comment || null,
    );
    const [view] = await listApprovalViews(deps.db, { id });
    if (!view) throw notFound('Approval');
    return c.json(view, 200);
  },
);

const iso = (d: Date | string | null) => (d === null ? null : new Date(d).toISOString());

approvalRoutes.openapi(
  securedRoute('user', {
    method: 'get',
    path: '/notifications',
    tags: ['Notifications'],
    summary: 'Your latest notifications and the unread count',
    responses: { 200: json(NotificationListSchema), ...errors(401) },
  }),
  async (c) => {
    const { db } = c.var.deps;
    const userId = requireUser(c).userId;
    const rows = await db.selectFrom('notifications').selectAll().where('user_id', '=', userId).orderBy('created_at', 'desc').limit(50).execute();
    const unread = await db
      .selectFrom('notifications')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('user_id', '=', userId)
      .where('read_at', 'is', null)
      .executeTakeFirstOrThrow();
    return c.json(
      {
        items: rows.map((r) => ({ id: r.id, kind: r.kind, title: r.title, body: r.body, link: r.link, readAt: iso(r.read_at), createdAt: iso(r.created_at)! })),
        unread: Number(unread.n),
      },
      200,
    );
  },
);

approvalRoutes.openapi(
  securedRoute('user', {
    method: 'post',
    path: '/notifications/{id}/read',
    tags: ['Notifications'],
    summary: 'Mark one read',
    request: { params: IdParam },
    responses: { 204: { description: 'Done' }, ...errors(401, 404) },
  }),
  async (c) => {
    const r = await c.var.deps.db
      .updateTable('notifications')
      .set({ read_at: c.var.deps.now() })
      .where('id', '=', c.req.valid('param').id)
      .where('user_id', '=', requireUser(c).userId)
      .executeTakeFirst();
    if (Number(r.numUpdatedRows) === 0) throw notFound('Notification');
    return c.body(null, 204);
  },
);

approvalRoutes.openapi(
  securedRoute('user', {
    method: 'post',
    path: '/notifications/read-all',
    tags: ['Notifications'],
    summary: 'Mark all read',
    responses: { 204: { description: 'Done' }, ...errors(401) },
  }),
  async (c) => {
    await c.var.deps.db
      .updateTable('notifications')
      .set({ read_at: c.var.deps.now() })
      .where('user_id', '=', requireUser(c).userId)
      .where('read_at', 'is', null)
      .execute();
    return c.body(null, 204);
  },
);

approvalRoutes.openapi(
  securedRoute('admin', {
    method: 'get',
    path: '/email-outbox',
    tags: ['Notifications'],
    summary: 'Every email Bridgedesk sent or holds (without SMTP, emails wait here)',
    responses: {
      200: json(OutboxSchema),
      ...errors(401, 403),
    },
  }),
  async (c) => {
    const rows = await c.var.deps.db.selectFrom('email_outbox').selectAll().orderBy('created_at', 'desc').limit(200).execute();
    return c.json(
      {
        items: rows.map((r) => ({
          id: r.id,
          to: r.to_address,
          subject: r.subject,
          body: r.body,
          state: r.state,
          attempts: r.attempts,
          lastError: r.last_error,
          sentAt: iso(r.sent_at),
          createdAt: iso(r.created_at)!,
        })),
        smtpConfigured: c.var.deps.config.smtp !== null,
      },
      200,
    );
  },
);
