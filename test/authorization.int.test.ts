/**
 * The authorization matrix: every route in the OpenAPI document (/api/openapi.json, as served) × every kind of
 * caller (anonymous, requester, another requester, agent, admin, a revoked API token, an expired session cookie),
 * each with the exact outcome it must get. A route missing from ACCESS fails the test, so a new route cannot ship
 * without its rule.
 *
 * Outcomes: 401 for anonymous, revoked and expired callers; 403 for a role the route does not allow; 404 for
 * another requester reaching a resource that is not theirs; for an allowed caller a 2xx or a 4xx about the input
 * (400/404/409/422), never 401, 403 or 5xx.
 */
import { describe, expect, it } from 'vitest';
import { createTestApp, TEST_PASSWORD, type TestUser } from './support/test-app.ts';

type Access = 'public' | 'webhook' | 'user' | 'staff' | 'admin';

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
  // Authorized per request inside (as PATCH): see src/server/routes/request-list.int.test.ts.
  'POST /api/v1/bulk/requests': 'user',
  'GET /api/v1/saved-views': 'user',
  'POST /api/v1/saved-views': 'user',
  'DELETE /api/v1/saved-views/{id}': 'user',
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
  'GET /api/v1/integrations': 'staff',
  'GET /api/v1/integrations/{provider}': 'admin',
  'PUT /api/v1/integrations/{provider}': 'admin',
  'PATCH /api/v1/integrations/{provider}': 'admin',
  'DELETE /api/v1/integrations/{provider}': 'admin',
  'POST /api/v1/integrations/{provider}/sync': 'admin',
  'POST /api/v1/integrations/{provider}/test': 'admin',
  'POST /api/v1/requests/{id}/escalations': 'staff',
  'GET /api/v1/requests/{id}/escalations': 'staff',
  'GET /api/v1/requests/{id}/escalation-options': 'staff',
  'POST /api/v1/requests/{id}/escalations/link': 'staff',
  'GET /api/v1/requests/{id}/escalations/link-candidates': 'staff',
  'GET /api/v1/escalations/{id}': 'staff',
  'POST /api/v1/escalations/{id}/retry': 'staff',
  'POST /api/v1/escalations/{id}/relink': 'staff',
  'POST /api/v1/escalations/{id}/unlink': 'staff',
  'POST /api/v1/escalations/{id}/notes': 'staff',
  'POST /api/v1/escalations/{id}/notes/{entryId}/retry': 'staff',
  'GET /api/v1/workflows': 'admin',
  'POST /api/v1/workflows': 'admin',
  'GET /api/v1/workflow-templates': 'admin',
  'GET /api/v1/workflows/{id}': 'admin',
  'PUT /api/v1/workflows/{id}': 'admin',
  'PATCH /api/v1/workflows/{id}': 'admin',
  'POST /api/v1/workflows/{id}/dry-run': 'admin',
  'GET /api/v1/workflows/{id}/runs': 'admin',
  'GET /api/v1/requests/{id}/workflow-runs': 'staff',
  'GET /api/v1/requests/{id}/approvals': 'staff',
  'GET /api/v1/workflow-runs/{id}': 'staff',
  'POST /api/v1/workflow-runs/{id}/retry': 'staff',
  'GET /api/v1/approvals': 'user',
  'POST /api/v1/approvals/{id}/decision': 'user',
  'GET /api/v1/notifications': 'user',
  'POST /api/v1/notifications/{id}/read': 'user',
  'POST /api/v1/notifications/read-all': 'user',
  'GET /api/v1/email-outbox': 'admin',
  'GET /api/v1/integrations/{provider}/sync': 'admin',
  'PUT /api/v1/integrations/{provider}/sync': 'admin',
  'POST /api/v1/integrations/{provider}/sync/rotate-webhook-secret': 'admin',
  // Authenticated by its secret URL and signature, not by a session: see test/security/webhooks.int.test.ts.
  'POST /api/v1/webhooks/{provider}/{token}': 'webhook',
  'GET /api/v1/integrations/{provider}/fields': 'admin',
  'GET /api/v1/integrations/{provider}/field-mappings': 'admin',
  'PUT /api/v1/integrations/{provider}/field-mappings': 'admin',
  'GET /api/v1/integrations/{provider}/field-mappings/suggestions': 'admin',
  'GET /api/v1/integrations/{provider}/priority-map': 'admin',
  'PUT /api/v1/integrations/{provider}/priority-map': 'admin',
  'GET /api/v1/integrations/{provider}/tag-allow-list': 'admin',
  'PUT /api/v1/integrations/{provider}/tag-allow-list': 'admin',
  'GET /api/v1/requests/{id}/mapped-values': 'staff',
  // What each person hears on it: src/server/routes/stream.int.test.ts.
  'GET /api/v1/stream': 'user',
  // Per file inside: src/server/routes/downloads.int.test.ts and uploads.int.test.ts.
  'POST /api/v1/uploads': 'user',
  'DELETE /api/v1/uploads/{id}': 'user',
  'GET /api/v1/attachments/{id}': 'user',
};

/**
 * What another requester (not the owner, not a follower) gets on a 'user' route whose resource belongs to the
 * requester: requests, their tokens and notifications are invisible (404); someone else's profile and someone else's approval
 * are refused (403, "only the designated approver can decide").
 */
const STRANGER: Record<string, number> = {
  'GET /api/v1/requests/{ref}': 404,
  'PATCH /api/v1/requests/{id}': 404,
  'POST /api/v1/requests/{id}/comments': 404,
  'PUT /api/v1/requests/{id}/followers/{userId}': 404,
  'DELETE /api/v1/requests/{id}/followers/{userId}': 404,
  'GET /api/v1/requests/{id}/timeline': 404,
  'DELETE /api/v1/api-tokens/{id}': 404,
  'POST /api/v1/approvals/{id}/decision': 403,
  'POST /api/v1/notifications/{id}/read': 404,
  'GET /api/v1/users/{id}': 403,
  'DELETE /api/v1/saved-views/{id}': 404,
  'DELETE /api/v1/uploads/{id}': 404,
  'GET /api/v1/attachments/{id}': 404,
};

/** Bodies that pass validation, so the check reaches the handler's visibility rule. */
const VALID_BODIES: Record<string, unknown> = {
  'PATCH /api/v1/requests/{id}': { status: 'resolved' },
  'POST /api/v1/requests/{id}/comments': { body: 'hello' },
  'POST /api/v1/approvals/{id}/decision': { decision: 'approve' },
};

const t = await createTestApp();
const doc = (await t.api(null, 'GET', '/api/openapi.json')).body as { paths: Record<string, Record<string, unknown>> };
const METHODS = new Set(['get', 'put', 'post', 'delete', 'patch', 'head', 'options', 'trace']);
const routes = Object.entries(doc.paths).flatMap(([path, ops]) =>
  Object.keys(ops)
    .filter((m) => METHODS.has(m))
    .map((m) => `${m.toUpperCase()} ${path.replace(/:(\w+)/g, '{$1}')}`),
);

const admin = await t.createUser('admin');
const agent = await t.createUser('agent');
const requester = await t.createUser('requester');
const stranger = await t.createUser('requester');

/** Who is calling: an API token, a session cookie (with its CSRF token, so CSRF is never the reason), or nobody. */
type Caller = { name: string; token?: string; cookie?: string; csrf?: string } | null;
const asToken = (name: string, u: TestUser): Caller => ({ name, token: u.token });

// A revoked token: an admin's own token, created and then revoked through the API.
const revokedToken = (await t.api(admin, 'POST', '/api/v1/api-tokens', { name: 'to revoke' })).body as { id: string; token: string };
expect((await t.api(admin, 'DELETE', `/api/v1/api-tokens/${revokedToken.id}`)).status).toBe(204);

// An expired session: an admin signs in, then the app's clock moves past the session lifetime.
const login = await t.raw('/api/v1/auth/login', {
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ email: admin.email, password: TEST_PASSWORD }),
});
expect(login.status).toBe(200);
const expiredSession: Caller = { name: 'expired session', cookie: login.headers.get('set-cookie')!.split(';')[0]!, csrf: (await login.json()).csrfToken };
expect((await t.raw('/api/v1/auth/session', { headers: { cookie: expiredSession.cookie! } })).status).toBe(200);
t.clock.advance(t.config.sessionTtlMs + 60_000);

const CALLERS = {
  anonymous: null as Caller,
  revoked: { name: 'revoked token', token: revokedToken.token } as Caller,
  expired: expiredSession,
  requester: asToken('requester', requester),
  stranger: asToken('another requester', stranger),
  agent: asToken('agent', agent),
  admin: asToken('admin', admin),
};

/** A fresh fixture per call, so one caller's successful write never changes what the next one meets. */
async function fixtures() {
  const req = (await t.api(requester, 'POST', '/api/v1/requests', { title: 'matrix' })).body;
  const token = (await t.api(requester, 'POST', '/api/v1/api-tokens', { name: 'x' })).body;
  const service = await t.db
    .insertInto('services')
    .values({ name: `svc-${Math.random()}` })
    .returning('id')
    .executeTakeFirstOrThrow();
  const inbox = await t.db
    .insertInto('inboxes')
    .values({ name: `inbox-${Math.random()}` })
    .returning('id')
    .executeTakeFirstOrThrow();
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
  const version = await t.db
    .insertInto('workflow_versions')
    .values({ workflow_id: wf.id, version: 1, definition: JSON.stringify({ trigger: { event: 'request.submitted' }, steps: [{ type: 'add_tag', tag: 'x' }] }) })
    .returning('id')
    .executeTakeFirstOrThrow();
  await t.db.updateTable('workflows').set({ current_version_id: version.id }).where('id', '=', wf.id).execute();
  const run = await t.db
    .insertInto('workflow_runs')
    .values({
      workflow_id: wf.id,
      version_id: version.id,
      request_id: req.id,
      trigger_entry_id: String(Math.floor(Math.random() * 1e9)),
      state: 'failed',
      context: '{}',
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  // Approvals and notifications belong to the requester, so "user" routes have an owner to succeed for.
  const approval = await t.db
    .insertInto('approvals')
    .values({ run_id: run.id, request_id: req.id, step_path: '0', approver_id: requester.id, state: 'pending' })
    .returning('id')
    .executeTakeFirstOrThrow();
  const note = await t.db
    .insertInto('notifications')
    .values({ user_id: requester.id, kind: 'x', title: 'x', link: null, request_id: null })
    .returning('id')
    .executeTakeFirstOrThrow();
  const view = await t.db
    .insertInto('saved_views')
    .values({ user_id: requester.id, name: `view ${Math.random()}`, query: '{}' })
    .returning('id')
    .executeTakeFirstOrThrow();
  // The requester's upload not sent yet, and one sent with a reply on the request.
  const upload = async () =>
    (
      await (
        await t.raw('/api/v1/uploads?name=notes.txt', { method: 'POST', headers: { authorization: `Bearer ${requester.token}` }, body: 'some notes' })
      ).json()
    ).id as string;
  const uploadId = await upload();
  const attachmentId = await upload();
  expect((await t.api(requester, 'POST', `/api/v1/requests/${req.id}/comments`, { body: 'file', attachmentIds: [attachmentId] })).status).toBe(201);
  return {
    req,
    uploadId,
    attachmentId,
    viewId: view.id,
    tokenId: token.id as string,
    serviceId: service.id,
    inboxId: inbox.id,
    fieldId: field.id,
    escalationId: escalation.id,
    workflowId: wf.id,
    runId: run.id,
    approvalId: approval.id,
    notificationId: note.id,
  };
}

async function call(route: string, who: Caller, validBody = false) {
  const [method, template] = route.split(' ') as [string, string];
  const f = await fixtures();
  const path = template
    .replace('{ref}', f.req.key)
    .replace('{userId}', requester.id)
    .replace('{token}', 'not-a-webhook-secret-of-this-app')
    .replace('{provider}', 'kustomer')
    .replace('{entryId}', '1')
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
      if (template.startsWith('/api/v1/saved-views')) return f.viewId;
      if (template.startsWith('/api/v1/uploads')) return f.uploadId;
      if (template.startsWith('/api/v1/attachments')) return f.attachmentId;
      return requester.id;
    });
  expect(path, 'every path parameter is filled').not.toMatch(/[{}]/);
  let body = ['POST', 'PATCH', 'PUT'].includes(method) && !template.includes('/followers/') ? {} : undefined;
  if (validBody) body = VALID_BODIES[route] ?? body;
  const headers: Record<string, string> = {};
  if (who?.token) headers.authorization = `Bearer ${who.token}`;
  if (who?.cookie) headers.cookie = who.cookie;
  if (who?.csrf) headers['x-csrf-token'] = who.csrf;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await t.raw(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  // An event stream stays open: its status and headers are the answer.
  if (res.headers.get('content-type')?.startsWith('text/event-stream')) {
    await res.body?.cancel();
    return { status: res.status, body: null };
  }
  const text = await res.text();
  // A download's body is the file; every other answer (errors included) is JSON.
  const isJson = res.headers.get('content-type')?.startsWith('application/json');
  return { status: res.status, body: text && isJson ? JSON.parse(text) : text || null };
}

/** An allowed caller gets a 2xx or a complaint about the input, never an authorization refusal or a server error. */
const ALLOWED = [200, 201, 202, 204, 400, 404, 409, 422];

async function expectOutcome(route: string, who: Caller, expected: number | 'allowed', validBody = false) {
  const reply = await call(route, who, validBody);
  const label = `${route} as ${who?.name ?? 'anonymous'}: got ${reply.status} ${JSON.stringify(reply.body)}`;
  if (expected === 'allowed') expect(ALLOWED, label).toContain(reply.status);
  else expect(reply.status, label).toBe(expected);
  if (reply.status >= 400) expect(Object.keys(reply.body ?? {}), `${label}: one error shape`).toEqual(['error']);
  if (reply.status === 401) expect(reply.body.error.code).toBe('unauthenticated');
  if (reply.status === 403) expect(reply.body.error.code).toBe('forbidden');
}

describe('authorization matrix', () => {
  it('takes its routes from the served OpenAPI document', () => {
    expect(routes.length).toBeGreaterThan(50);
    expect(routes).toContain('GET /api/v1/requests/{ref}');
  });

  it('has a rule for every documented route, and no rule for a route that is not documented', () => {
    expect(
      routes.filter((r) => !(r in ACCESS)),
      'documented routes without a rule',
    ).toEqual([]);
    expect(
      Object.keys(ACCESS).filter((r) => !routes.includes(r)),
      'rules for routes that are not documented',
    ).toEqual([]);
    expect(Object.keys(STRANGER).filter((r) => ACCESS[r] !== 'user')).toEqual([]);
  });

  for (const route of routes) {
    const access = ACCESS[route] ?? 'unlisted';
    it(`${route} (${access})`, async () => {
      expect(access, 'route has a rule').not.toBe('unlisted');
      if (access === 'public') {
        // Open to everyone, signed in or not; an old (expired) cookie or a dead token does not block it.
        for (const who of [CALLERS.anonymous, CALLERS.expired, CALLERS.requester, CALLERS.admin]) await expectOutcome(route, who, 'allowed');
        return;
      }
      if (access === 'webhook') {
        // No session or token opens it: only its secret URL (and signature). An unknown URL is 401 for everyone.
        for (const who of Object.values(CALLERS)) await expectOutcome(route, who, 401);
        return;
      }
      await expectOutcome(route, CALLERS.anonymous, 401);
      await expectOutcome(route, CALLERS.revoked, 401);
      await expectOutcome(route, CALLERS.expired, 401);
      await expectOutcome(route, CALLERS.admin, 'allowed');
      await expectOutcome(route, CALLERS.agent, access === 'admin' ? 403 : 'allowed');
      await expectOutcome(route, CALLERS.requester, access === 'user' ? 'allowed' : 403, true);
      await expectOutcome(route, CALLERS.stranger, access === 'user' ? (STRANGER[route] ?? 'allowed') : 403, true);
    });
  }
});
