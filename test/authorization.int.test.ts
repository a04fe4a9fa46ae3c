/**
 * The authorization matrix: every route in the OpenAPI document × every kind of caller, with the outcome each must
 * get. A route missing from ACCESS fails the test, so a new route cannot ship without its rule.
 */
import { describe, expect, it } from 'vitest';
import { createTestApp, type TestUser } from './support/test-app.ts';

type Access = 'public' | 'user' | 'staff' | 'admin';

/** Who may call each route. 'user' routes on one request are also checked for another requester (404). */
const ACCESS: Record<string, Access> = {
  'GET /api/v1/setup': 'public',
  'POST /api/v1/setup': 'public',
  'POST /api/v1/auth/login': 'public',
  'POST /api/v1/auth/logout': 'user',
  'GET /api/v1/auth/session': 'user',
  'GET /api/v1/api-tokens': 'user',
  'POST /api/v1/api-tokens': 'user',
  'DELETE /api/v1/api-tokens/{id}': 'user',
  'POST /api/v1/requests': 'user',
  'GET /api/v1/requests': 'user',
  'GET /api/v1/requests/{ref}': 'user',
  'PATCH /api/v1/requests/{id}': 'user',
  'POST /api/v1/requests/{id}/comments': 'user',
  'PUT /api/v1/requests/{id}/followers/{userId}': 'user',
  'DELETE /api/v1/requests/{id}/followers/{userId}': 'user',
  'GET /api/v1/requests/{id}/timeline': 'user',
  'GET /api/v1/users': 'staff',
  'POST /api/v1/users': 'admin',
  'GET /api/v1/users/{id}': 'user', // requesters may read only themselves
  'PATCH /api/v1/users/{id}': 'admin',
  'GET /api/v1/inboxes': 'staff',
  'POST /api/v1/inboxes': 'admin',
  'PATCH /api/v1/inboxes/{id}': 'admin',
  'GET /api/v1/services': 'user',
  'POST /api/v1/services': 'admin',
  'PATCH /api/v1/services/{id}': 'admin',
  'GET /api/v1/custom-fields': 'user',
  'POST /api/v1/custom-fields': 'admin',
  'PATCH /api/v1/custom-fields/{id}': 'admin',
  'GET /api/v1/integrations/kustomer': 'admin',
  'PUT /api/v1/integrations/kustomer': 'admin',
  'PATCH /api/v1/integrations/kustomer': 'admin',
  'DELETE /api/v1/integrations/kustomer': 'admin',
  'POST /api/v1/integrations/kustomer/sync': 'admin',
  'POST /api/v1/integrations/kustomer/test': 'admin',
  'POST /api/v1/requests/{id}/escalations': 'staff',
  'GET /api/v1/requests/{id}/escalations': 'staff',
  'GET /api/v1/requests/{id}/escalation-options': 'staff',
  'POST /api/v1/requests/{id}/escalations/link': 'staff',
  'GET /api/v1/escalations/{id}': 'staff',
  'POST /api/v1/escalations/{id}/retry': 'staff',
  'POST /api/v1/escalations/{id}/relink': 'staff',
  'GET /api/v1/workflows': 'admin',
  'POST /api/v1/workflows': 'admin',
  'GET /api/v1/workflow-templates': 'admin',
  'GET /api/v1/workflows/{id}': 'admin',
  'PUT /api/v1/workflows/{id}': 'admin',
  'PATCH /api/v1/workflows/{id}': 'admin',
  'POST /api/v1/workflows/{id}/dry-run': 'admin',
  'GET /api/v1/workflows/{id}/runs': 'admin',
  'GET /api/v1/requests/{id}/workflow-runs': 'staff',
  'GET /api/v1/workflow-runs/{id}': 'staff',
  'POST /api/v1/workflow-runs/{id}/retry': 'staff',
  'GET /api/v1/approvals': 'user',
  'POST /api/v1/approvals/{id}/decision': 'user',
  'GET /api/v1/notifications': 'user',
  'POST /api/v1/notifications/{id}/read': 'user',
  'POST /api/v1/notifications/read-all': 'user',
  'GET /api/v1/email-outbox': 'admin',
  'GET /api/v1/integrations/kustomer/sync': 'admin',
  'PUT /api/v1/integrations/kustomer/sync': 'admin',
  // Authenticated by its secret URL and signature, not by a session: see src/usecases/sync/sync.int.test.ts.
  'POST /api/v1/webhooks/kustomer/{token}': 'public',
  'GET /api/v1/integrations/kustomer/fields': 'admin',
  'GET /api/v1/integrations/kustomer/field-mappings': 'admin',
  'PUT /api/v1/integrations/kustomer/field-mappings': 'admin',
  'GET /api/v1/requests/{id}/mapped-values': 'staff',
};

/** Bodies that pass validation, so the check reaches the handler's visibility rule. */
const VALID_BODIES: Record<string, unknown> = {
  'PATCH /api/v1/requests/{id}': { status: 'resolved' },
  'POST /api/v1/requests/{id}/comments': { body: 'hello' },
};

const t = await createTestApp();
const doc = (await t.api(null, 'GET', '/api/openapi.json')).body as { paths: Record<string, Record<string, unknown>> };
const routes = Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`));

const admin = await t.createUser('admin');
const agent = await t.createUser('agent');
const requester = await t.createUser('requester');
const stranger = await t.createUser('requester');
const revoked = await t.createUser('agent');
await t.db.updateTable('api_tokens').set({ revoked_at: new Date() }).where('user_id', '=', revoked.id).execute();

/** A fresh fixture per call, so one caller's successful write never changes what the next one meets. */
async function fixtures() {
  const req = (await t.api(requester, 'POST', '/api/v1/requests', { title: 'matrix' })).body;
  const token = (await t.api(requester, 'POST', '/api/v1/api-tokens', { name: 'x' })).body;
  const service = await t.db.insertInto('services').values({ name: `svc-${Math.random()}` }).returning('id').executeTakeFirstOrThrow();
  const inbox = await t.db.insertInto('inboxes').values({ name: `inbox-${Math.random()}` }).returning('id').executeTakeFirstOrThrow();
  const field = await t.db
    .insertInto('custom_fields')
    .values({ key: `f_${Math.random().toString(36).slice(2, 10)}`, label: 'F', type: 'text' })
    .returning('id')
    .executeTakeFirstOrThrow();
  const escalation = await t.db
    .insertInto('escalations')
    .values({ request_id: req.id, provider: 'kustomer', state: 'failed', subject: 's', message: 'm' })
    .returning('id')
    .executeTakeFirstOrThrow();
  const wf = await t.db.insertInto('workflows').values({ name: 'wf' }).returning('id').executeTakeFirstOrThrow();
  const version = await t.db.insertInto('workflow_versions').values({ workflow_id: wf.id, version: 1, definition: JSON.stringify({ trigger: { event: 'request.submitted' }, steps: [{ type: 'add_tag', tag: 'x' }] }) }).returning('id').executeTakeFirstOrThrow();
  await t.db.updateTable('workflows').set({ current_version_id: version.id }).where('id', '=', wf.id).execute();
  const run = await t.db.insertInto('workflow_runs').values({ workflow_id: wf.id, version_id: version.id, request_id: req.id, trigger_entry_id: String(Math.floor(Math.random() * 1e9)), state: 'failed', context: '{}' }).returning('id').executeTakeFirstOrThrow();
  // Approvals and notifications belong to the requester, so "user" routes have an owner to succeed for.
  const approval = await t.db.insertInto('approvals').values({ run_id: run.id, request_id: req.id, step_path: '0', approver_id: requester.id, state: 'pending' }).returning('id').executeTakeFirstOrThrow();
  const note = await t.db.insertInto('notifications').values({ user_id: requester.id, kind: 'x', title: 'x', link: null, request_id: null }).returning('id').executeTakeFirstOrThrow();
  return { req, tokenId: token.id as string, serviceId: service.id, inboxId: inbox.id, fieldId: field.id, escalationId: escalation.id, workflowId: wf.id, runId: run.id, approvalId: approval.id, notificationId: note.id };
}

async function call(route: string, who: TestUser | null, validBody = false) {
  const [method, template] = route.split(' ') as [string, string];
  const f = await fixtures();
  const path = template
    .replace('{ref}', f.req.key)
    .replace('{userId}', requester.id)
    .replace('{id}', () => {
      if (template.startsWith('/api/v1/requests')) return f.req.id;
      if (template.startsWith('/api/v1/api-tokens')) return f.tokenId;
      if (template.startsWith('/api/v1/services')) return f.serviceId;
      if (template.startsWith('/api/v1/inboxes')) return f.inboxId;
      if (template.startsWith('/api/v1/custom-fields')) return f.fieldId;
      if (template.startsWith('/api/v1/escalations')) return f.escalationId;
      if (template.startsWith('/api/v1/workflows')) return f.workflowId;
      if (template.startsWith('/api/v1/workflow-runs')) return f.runId;
      if (template.startsWith('/api/v1/approvals')) return f.approvalId;
      if (template.startsWith('/api/v1/notifications')) return f.notificationId;
      return requester.id;
    });
  let body = ['POST', 'PATCH', 'PUT'].includes(method) && !template.includes('/followers/') ? {} : undefined;
  if (validBody) body = VALID_BODIES[route] ?? body;
  return t.api(who, method, path, body);
}

describe('authorization matrix', () => {
  it('has a rule for every documented route', () => {
    expect(routes.filter((r) => !(r in ACCESS))).toEqual([]);
  });

  for (const route of routes) {
    const access = ACCESS[route];
    it(`${route} (${access})`, async () => {
      if (access === 'public') return;
      expect((await call(route, null)).status, 'anonymous').toBe(401);
      const withRevoked = await call(route, revoked);
      expect(withRevoked.status, 'revoked token').toBe(401);
      const rq = await call(route, requester);
      const ag = await call(route, agent);
      const ad = await call(route, admin);
      const allowed = (s: number) => s !== 401 && s !== 403;
      expect(allowed(ad.status), `admin got ${ad.status}`).toBe(true);
      expect(allowed(ag.status), `agent got ${ag.status}`).toBe(access !== 'admin');
      expect(allowed(rq.status), `requester got ${rq.status}`).toBe(access === 'user');
      if (access === 'user' && /\{(id|ref)\}/.test(route) && route.includes('/requests/')) {
        expect((await call(route, stranger, true)).status, 'another requester').toBe(404);
      }
    });
  }
});
