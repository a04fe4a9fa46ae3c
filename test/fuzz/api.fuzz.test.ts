/**
 * Fuzzing every operation of the OpenAPI document with fast-check: bodies generated from each request schema
 * (valid-ish, with one part broken, or plain garbage), hostile query strings, headers and path parameters, sent as
 * an admin (so validation and handlers are reached), and for a sample as an agent, a requester or with a broken
 * Authorization header. Whatever is sent, every reply must:
 *   - not be a 5xx;
 *   - hold no stack trace, source path, SQL text or Postgres error code;
 *   - if an error, be exactly {"error": {"code", "message", "details"?}};
 *   - if a refusal (4xx), leave every application table and the job queue exactly as they were;
 *   - have a status the operation's entry in the document lists.
 * Then fixed hostile input on every operation: bodies over the limit, deep nesting, invalid UTF-8, and each text and
 * number field in turn made huge, NUL, a lone surrogate, the wrong type, out of range; garbage path ids, cursors.
 * A new route is fuzzed without touching this file (give it a known-good body below to fuzz it deeper).
 * Default: 25 runs per operation, fixed seed. Longer: FUZZ_RUNS=500 FUZZ_SEED=123 npx vitest run test/fuzz
 * (a failure prints the seed and path to replay it).
 */
import fc from 'fast-check';
import { beforeEach, describe, expect, it } from 'vitest';
import { createTestAppWithEmulator, type TestUser } from '../support/test-app.ts';
import {
  CONTENT_TYPES,
  deepJson,
  deepMutated,
  fromSchema,
  garbageBody,
  garbagePathSegment,
  HUGE,
  headerValue,
  invalidUtf8Body,
  mutated,
  nastyString,
  operations,
  type JsonSchema,
  type OpenApiDoc,
  type WireBody,
} from './support/arbitraries.ts';
import { changedTables, errorShapeProblems, fingerprint, leaks, writeMark } from './support/checks.ts';

const RUNS = Number(process.env.FUZZ_RUNS ?? 25);
const SEED = Number(process.env.FUZZ_SEED ?? 20261204);

const { demo, t } = await createTestAppWithEmulator();
const doc = (await t.api(null, 'GET', '/api/openapi.json')).body as OpenApiDoc;
const ops = operations(doc);

// Who calls. The victims are the only users and tokens path parameters name, so no generated call can demote,
// deactivate or sign out a caller.
const admin = await t.createUser('admin');
const agent = await t.createUser('agent');
const requester = await t.createUser('requester');
const victim = await t.createUser('requester');
const victimAgent = await t.createUser('agent', { managerId: victim.id });

const KUSTOMER = '/api/v1/integrations/kustomer';
async function connectKustomer() {
  const current = await t.api(admin, 'GET', KUSTOMER);
  if (current.body?.status === 'connected') return;
  const r = await t.api(admin, 'PUT', KUSTOMER, { orgName: 'acme', apiKey: demo.apiKey });
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  const enable = (list: { remoteId: string }[]) => list.map((x) => ({ remoteId: x.remoteId, enabled: true }));
  await t.api(admin, 'PATCH', KUSTOMER, { queues: enable(r.body.queues), teams: enable(r.body.teams) });
}
await connectKustomer();

/** Real objects of every kind, so path parameters and ids in bodies reach the handlers' rules. */
async function createFixtures() {
  const ok = <T>(r: { status: number; body: T }, what: string): T => {
    if (r.status >= 300) throw new Error(`fixture ${what}: ${r.status} ${JSON.stringify(r.body)}`);
    return r.body;
  };
  const inbox = ok(await t.api(admin, 'POST', '/api/v1/inboxes', { name: 'Fuzz inbox', memberIds: [agent.id] }), 'inbox') as any;
  const service = ok(await t.api(admin, 'POST', '/api/v1/services', { name: 'Fuzz service', defaultInboxId: inbox.id }), 'service') as any;
  // One custom field of every type, so values in customFields meet each type's check.
  const fields = [];
  for (const def of [
    { key: 'order_ref', label: 'Order', type: 'text' },
    { key: 'size', label: 'Size', type: 'select', options: ['s', 'm'] },
    { key: 'notes', label: 'Notes', type: 'long_text' },
    { key: 'amount', label: 'Amount', type: 'number' },
    { key: 'due', label: 'Due', type: 'date' },
    { key: 'urgent', label: 'Urgent', type: 'checkbox' },
    { key: 'owner', label: 'Owner', type: 'person' },
  ]) {
    fields.push(ok(await t.api(admin, 'POST', '/api/v1/custom-fields', def), `field ${def.key}`) as any);
  }
  const requests = [];
  for (const who of [requester, victim, agent]) {
    requests.push(ok(await t.api(who, 'POST', '/api/v1/requests', { title: `Fuzz ${who.role}`, serviceId: service.id }), 'request') as any);
  }
  ok(await t.api(requester, 'POST', `/api/v1/requests/${requests[0].id}/comments`, { body: 'a reply' }), 'comment');
  const token = ok(await t.api(victim, 'POST', '/api/v1/api-tokens', { name: 'victim token' }), 'token') as any;
  const queueId = (ok(await t.api(admin, 'GET', KUSTOMER), 'integration') as any).queues[0].remoteId as string;
  const escalation = ok(
    await t.api(agent, 'POST', `/api/v1/requests/${requests[1].id}/escalations`, {
      destination: 'kustomer',
      queueId,
      channel: 'email',
      priority: 2,
      subject: 'Fuzz',
      message: 'Escalated',
    }),
    'escalation',
  ) as any;
  const workflow = ok(
    await t.api(admin, 'POST', '/api/v1/workflows', {
      name: 'Fuzz workflow',
      definition: { trigger: { event: 'request.submitted' }, steps: [{ type: 'add_tag', tag: 'x' }] },
    }),
    'workflow',
  ) as any;
  const wf = await t.db.selectFrom('workflows').select(['id', 'current_version_id']).where('id', '=', workflow.id).executeTakeFirstOrThrow();
  const run = await t.db
    .insertInto('workflow_runs')
    .values({ workflow_id: wf.id, version_id: wf.current_version_id!, request_id: requests[0].id, trigger_entry_id: '1', state: 'failed', context: '{}' })
    .returning('id')
    .executeTakeFirstOrThrow();
  const approvals = [];
  for (const who of [admin, requester]) {
    approvals.push(
      (
        await t.db
          .insertInto('approvals')
          .values({ run_id: run.id, request_id: requests[0].id, step_path: `0.${approvals.length}`, approver_id: who.id, state: 'pending' })
          .returning('id')
          .executeTakeFirstOrThrow()
      ).id,
    );
  }
  const notifications = [];
  for (const who of [admin, requester]) {
    notifications.push(
      (
        await t.db
          .insertInto('notifications')
          .values({ user_id: who.id, kind: 'x', title: 'x', link: null, request_id: null })
          .returning('id')
          .executeTakeFirstOrThrow()
      ).id,
    );
  }
  const sync = ok(await t.api(admin, 'PUT', `${KUSTOMER}/sync`, { inbound: true, outbound: true }), 'sync') as any;
  const webhookToken = String(sync.webhook?.url ?? '')
    .split('/')
    .pop()!;
  expect(webhookToken.length, 'the webhook URL carries its token').toBeGreaterThan(10);
  const templates = (ok(await t.api(admin, 'GET', '/api/v1/workflow-templates'), 'templates') as any).items.map((x: any) => x.definition);
  return { inbox, service, fields, requests, token, queueId, escalation, workflow, run: run.id, approvals, notifications, webhookToken, templates };
}
const f = await createFixtures();

/** Real ids for each path parameter, by the path it appears in. */
function realValues(path: string, name: string): string[] {
  if (name === 'ref') return f.requests.flatMap((r: any) => [r.id, r.key, String(r.number)]);
  if (name === 'userId') return [requester.id, victim.id, victimAgent.id, agent.id];
  if (name === 'token') return [f.webhookToken];
  if (name === 'provider') return ['kustomer'];
  const first = path.split('/')[3];
  const table: Record<string, string[]> = {
    requests: f.requests.map((r: any) => r.id),
    'api-tokens': [f.token.id],
    users: [victim.id, victimAgent.id],
    inboxes: [f.inbox.id],
    services: [f.service.id],
    'custom-fields': f.fields.map((x: any) => x.id),
    escalations: [f.escalation.id],
    workflows: [f.workflow.id],
    'workflow-runs': [f.run],
    approvals: f.approvals,
    notifications: f.notifications,
  };
  return table[first ?? ''] ?? [victim.id];
}

/** Every real id, for uuid fields in bodies and queries. */
const allIds = () => [
  requester.id,
  victim.id,
  victimAgent.id,
  agent.id,
  f.inbox.id,
  f.service.id,
  ...f.fields.map((x: any) => x.id),
  ...f.requests.map((r: any) => r.id),
  f.escalation.id,
  f.workflow.id,
  f.run,
];

type Who = 'admin' | 'agent' | 'requester' | 'anonymous' | 'bad-auth';
const USERS: Record<string, TestUser> = { admin, agent, requester };

interface Call {
  /** `METHOD /path` of the operation in the document, when the call targets one. */
  route?: string;
  who: Who;
  badAuth?: string;
  method: string;
  url: string;
  body: WireBody;
  contentType: string | null;
  headers: Record<string, string>;
}

/** The database's fingerprint after the last accepted write, and the transaction id mark it was taken at. */
let print: Record<string, string> = {};
let mark = '';
async function takePrint() {
  mark = await writeMark(t.db);
  print = await fingerprint(t.db);
}
beforeEach(async () => {
  await connectKustomer();
  await takePrint();
});

const stats = { calls: 0, byStatus: new Map<number, number>() };
/** Statuses an operation answered that its entry in the document does not list. */
const undocumented = new Map<string, Set<number>>();
const documented = new Map(ops.map((o) => [o.route, new Set(Object.keys(o.op.responses).map(Number))]));

/** Sends one call and checks the reply against every rule; returns the status. */
async function send(call: Call): Promise<number> {
  const headers: Record<string, string> = { ...call.headers };
  if (call.who === 'bad-auth') headers.authorization = call.badAuth ?? 'Bearer nope';
  else if (call.who !== 'anonymous') headers.authorization = `Bearer ${USERS[call.who]!.token}`;
  if (call.contentType !== null && call.body.kind !== 'none') headers['content-type'] = call.contentType;
  const body: BodyInit | undefined =
    call.body.kind === 'text' ? call.body.text : call.body.kind === 'bytes' ? (call.body.bytes as Uint8Array<ArrayBuffer>) : undefined;
  const res = await t.raw(call.url, { method: call.method, headers, body });
  // An event stream stays open: what it says is checked in src/server/routes/stream.int.test.ts.
  const text = res.headers.get('content-type')?.startsWith('text/event-stream') ? (await res.body?.cancel(), '') : await res.text();
  stats.calls += 1;
  stats.byStatus.set(res.status, (stats.byStatus.get(res.status) ?? 0) + 1);
  const sentText = `${call.url} ${JSON.stringify(call.headers)} ${call.body.kind === 'text' ? call.body.text : call.body.kind === 'bytes' ? Buffer.from(call.body.bytes).toString('latin1') : ''}`;
  const where = `${call.method} ${call.url.slice(0, 300)} as ${call.who} → ${res.status} ${text.slice(0, 500)}`;
  expect(res.status, where).toBeLessThan(500);
  expect(leaks(text, sentText), where).toEqual([]);
  if (res.status >= 400) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = text;
    }
    expect(res.headers.get('content-type') ?? '', where).toMatch(/^application\/json/);
    expect(errorShapeProblems(parsed), where).toEqual([]);
    // A path that no longer matches the route (an id like ".." or "" changes the path) meets the catch-all 404.
    const noRoute = res.status === 404 && /^No route for/.test((parsed as { error: { message: string } }).error.message);
    if (call.route && !noRoute && !documented.get(call.route)?.has(res.status)) {
      undocumented.set(call.route, (undocumented.get(call.route) ?? new Set()).add(res.status));
    }
    const nowMark = await writeMark(t.db);
    if (nowMark !== mark) {
      const after = await fingerprint(t.db);
      expect(changedTables(print, after), `refused call changed the database: ${where}`).toEqual([]);
      // Only tables refusals may write (sign-in failures, a token's last use) changed.
      print = after;
      mark = nowMark;
    }
  } else if (call.method !== 'GET') {
    // A read changes nothing; if one did, the next refusal's check would show it.
    await takePrint();
  }
  return res.status;
}

const whoArb = fc.constantFrom<Who>('admin', 'admin', 'admin', 'admin', 'admin', 'agent', 'requester', 'requester', 'anonymous', 'bad-auth');
const badAuthArb = fc.oneof(
  headerValue,
  headerValue.map((v) => `Bearer ${v}`),
  fc.constantFrom(
    'Bearer',
    'Bearer ',
    'Basic YWRtaW46YWRtaW4=',
    `Bearer ${admin.token}x`,
    `Bearer ${admin.token.slice(0, -1)}`,
    `bearer  ${'a'.repeat(5000)}`,
    `Bearer ${admin.token} extra`,
  ),
);
const HEADER_NAMES = [
  'x-csrf-token',
  'cookie',
  'accept',
  'accept-language',
  'x-forwarded-for',
  'x-request-id',
  'x-kustomer-webhook-signature',
  'content-encoding',
  'origin',
  'referer',
  'if-none-match',
  'user-agent',
];
const headersArb = fc.dictionary(fc.constantFrom(...HEADER_NAMES), headerValue, { maxKeys: 3 }).map((h) => {
  if (h.cookie !== undefined) h.cookie = `bridgedesk_session=${h.cookie}`;
  return h;
});

function pathArb(path: string, names: string[]): fc.Arbitrary<string> {
  if (names.length === 0) return fc.constant(path);
  const parts = names.map((name) =>
    fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...realValues(path, name)) }, { weight: 1, arbitrary: garbagePathSegment }),
  );
  return fc.tuple(...parts).map((values) => names.reduce((p, name, i) => p.replace(`{${name}}`, values[i]!), path));
}

function queryArb(params: { name: string; schema?: JsonSchema }[]): fc.Arbitrary<string> {
  const known = params.map((p) =>
    fc.option(
      fc.tuple(
        fc.constant(p.name),
        fc.oneof(
          { weight: 3, arbitrary: fromSchema(doc, p.schema, allIds).map((v) => (typeof v === 'string' ? v : JSON.stringify(v))) },
          { weight: 2, arbitrary: nastyString },
          { weight: 1, arbitrary: fc.constantFrom('-1', '0', '1e3', '9'.repeat(30), 'abc', '', '1,2,3', 'REQ-1') },
        ),
      ),
      { freq: 2 },
    ),
  );
  const extra = fc.array(fc.tuple(fc.constantFrom('cursor', 'limit', 'after', 'q', 'x', '__proto__', 'status[]', ''), nastyString), { maxLength: 2 });
  return fc.tuple(fc.tuple(...known), extra, fc.boolean()).map(([pairs, more, repeat]) => {
    const sp = new URLSearchParams();
    for (const pair of [...pairs, ...more]) {
      if (!pair) continue;
      sp.append(pair[0], pair[1]);
      if (repeat) sp.append(pair[0], pair[1]);
    }
    const s = sp.toString();
    return s ? `?${s}` : '';
  });
}

function bodyArb(route: string, method: string, schema: JsonSchema | undefined): fc.Arbitrary<WireBody> {
  const json = (a: fc.Arbitrary<unknown>) => a.map((v) => ({ kind: 'text', text: JSON.stringify(v) ?? 'null' }) as WireBody);
  if (method === 'GET' || method === 'HEAD') return fc.constant({ kind: 'none' });
  if (!schema) return fc.oneof({ weight: 3, arbitrary: fc.constant<WireBody>({ kind: 'none' }) }, { weight: 1, arbitrary: garbageBody });
  const valid = fromSchema(doc, schema, allIds);
  const good = knownGoodBodies(route);
  const nearGood = good.length ? fc.oneof(fc.constantFrom(...good), ...good.map(deepMutated)) : mutated(valid);
  return fc.oneof(
    { weight: 3, arbitrary: json(valid) },
    { weight: 3, arbitrary: json(mutated(valid)) },
    { weight: 3, arbitrary: json(nearGood) },
    { weight: 2, arbitrary: garbageBody },
  );
}

function callArb(op: (typeof ops)[number]): fc.Arbitrary<Call> {
  return fc
    .record({
      who: whoArb,
      badAuth: badAuthArb,
      path: pathArb(op.path, op.pathParams),
      query: queryArb(op.query),
      body: bodyArb(op.route, op.method, op.body),
      contentType: fc.oneof(
        { weight: 6, arbitrary: fc.constant('application/json') },
        { weight: 2, arbitrary: fc.constantFrom(...CONTENT_TYPES) },
        { weight: 1, arbitrary: fc.constant(null) },
      ),
      headers: headersArb,
    })
    .map(({ path, query, ...rest }) => ({ ...rest, route: op.route, method: op.method, url: `${path}${query}` }));
}

describe('fuzzing every operation in the OpenAPI document', () => {
  it('finds the operations in the document', () => {
    expect(ops.length).toBeGreaterThan(50);
  });

  it('notices a write that comes with a refusal (the harness checks itself)', async () => {
    await t.db.insertInto('notifications').values({ user_id: admin.id, kind: 'x', title: 'stray write', link: null, request_id: null }).execute();
    const refused = send({ who: 'admin', method: 'GET', url: '/api/v1/requests/not-a-request', body: { kind: 'none' }, contentType: null, headers: {} });
    await expect(refused).rejects.toThrow(/refused call changed the database.*notifications/s);
    await t.db.deleteFrom('notifications').where('title', '=', 'stray write').execute();
  });

  for (const op of ops) {
    it(`${op.route} survives random and malformed input`, async () => {
      await fc.assert(
        fc.asyncProperty(callArb(op), async (call) => {
          await send(call);
        }),
        { numRuns: RUNS, seed: SEED, endOnFailure: true },
      );
    });
  }
});

/** Bodies that pass validation for `route` (for workflows, each shipped template), to break one place at a time. */
function knownGoodBodies(route: string): unknown[] {
  const one = knownGood(route);
  if (route === 'POST /api/v1/workflows' || route === 'PUT /api/v1/workflows/{id}')
    return [one, ...f.templates.map((definition: unknown) => ({ name: 'From template', definition }))];
  return one ? [one] : [];
}

/** A body for `op` that passes validation where we know one, so a broken field is what the handler meets. */
function knownGood(route: string): Record<string, unknown> | undefined {
  const customFields = { order_ref: 'A-1', size: 's', notes: 'long', amount: 12.5, due: '2026-01-31', urgent: true, owner: victim.id };
  const bodies: Record<string, Record<string, unknown>> = {
    'POST /api/v1/auth/login': { email: victim.email, password: 'wrong password' },
    'POST /api/v1/setup': { email: 'setup@example.com', name: 'Setup', password: 'long enough password' },
    'POST /api/v1/api-tokens': { name: 'token', expiresInDays: 30 },
    'POST /api/v1/requests': { title: 'Printer on fire', description: 'It is', priority: 'high', serviceId: f.service.id, tags: ['printer'], customFields },
    'PATCH /api/v1/requests/{id}': { title: 'Renamed', description: 'd', tags: ['x'], customFields },
    'POST /api/v1/requests/{id}/comments': { body: 'hello', visibility: 'internal' },
    'POST /api/v1/users': {
      email: `new${Math.random().toString(36).slice(2)}@example.com`,
      name: 'New',
      role: 'agent',
      department: 'IT',
      title: 'T',
      location: 'L',
    },
    'PATCH /api/v1/users/{id}': { name: 'Victim', department: 'IT', title: 'T', location: 'L' },
    'POST /api/v1/inboxes': { name: `Inbox ${Math.random()}`, description: 'd' },
    'PATCH /api/v1/inboxes/{id}': { name: 'Fuzz inbox', description: 'd' },
    'POST /api/v1/services': { name: `Service ${Math.random()}`, description: 'd' },
    'PATCH /api/v1/services/{id}': { name: 'Fuzz service', description: 'd' },
    'POST /api/v1/custom-fields': { key: 'k_new', label: 'L', type: 'select', options: ['a', 'b'] },
    'PATCH /api/v1/custom-fields/{id}': { label: 'L' },
    'PUT /api/v1/integrations/{provider}': { orgName: 'acme', apiKey: 'not-the-key' },
    'PATCH /api/v1/integrations/{provider}': { contactEmailField: 'order_ref' },
    'PUT /api/v1/integrations/{provider}/sync': { inbound: true, outbound: true, inboundMap: { open: 'open', waiting: null, closed: 'resolved' } },
    'POST /api/v1/integrations/{provider}/test': { channel: 'email' },
    'POST /api/v1/requests/{id}/escalations': {
      destination: 'kustomer',
      queueId: f.queueId,
      channel: 'email',
      priority: 1,
      subject: 'S',
      message: 'M',
      confirm: true,
    },
    'POST /api/v1/requests/{id}/escalations/link': { destination: 'kustomer', conversationId: 'c1' },
    'POST /api/v1/escalations/{id}/relink': { conversationId: 'c1' },
    'POST /api/v1/escalations/{id}/notes': { body: 'A note' },
    'POST /api/v1/workflows': { name: 'W', description: 'd', definition: { trigger: { event: 'request.submitted' }, steps: [{ type: 'add_tag', tag: 'x' }] } },
    'PUT /api/v1/workflows/{id}': {
      name: 'W',
      description: 'd',
      definition: { trigger: { event: 'request.submitted' }, steps: [{ type: 'add_tag', tag: 'x' }] },
    },
    'POST /api/v1/approvals/{id}/decision': { decision: 'approve', comment: 'ok' },
    'PUT /api/v1/integrations/{provider}/field-mappings': { items: [{ requestField: 'title', remoteField: 'subjectStr' }] },
  };
  return bodies[route];
}

/** Every place in `value` that holds a value of `type` (nested in objects and arrays too), as a setter. */
function slots(value: unknown, type: 'string' | 'number', set: (v: unknown) => void = () => {}, out: ((v: unknown) => void)[] = []): ((v: unknown) => void)[] {
  if (typeof value === type) out.push(set);
  else if (Array.isArray(value)) value.forEach((v, i) => slots(v, type, (x) => (value[i] = x), out));
  else if (value && typeof value === 'object')
    for (const [k, v] of Object.entries(value)) slots(v, type, (x) => ((value as Record<string, unknown>)[k] = x), out);
  return out;
}

/** The operations with a JSON body, each with a base body and the first real value of each path parameter. */
const bodyOps = ops.filter((o) => o.body).map((o) => ({ ...o, url: o.pathParams.reduce((p, n) => p.replace(`{${n}}`, realValues(o.path, n)[0]!), o.path) }));
const baseBody = (o: { route: string; body?: JsonSchema }) =>
  structuredClone(knownGood(o.route) ?? (fc.sample(fromSchema(doc, o.body, allIds), { numRuns: 1, seed: SEED })[0] as Record<string, unknown>));

describe('hostile bodies on every JSON operation', () => {
  it('refuses a body over the size limit with 413', async () => {
    const big = JSON.stringify({ title: 'x'.repeat(t.config.maxBodyBytes) });
    for (const o of bodyOps) {
      const status = await send({
        route: o.route,
        who: 'admin',
        method: o.method,
        url: o.url,
        body: { kind: 'text', text: big },
        contentType: 'application/json',
        headers: {},
      });
      expect(status, o.route).toBe(413);
    }
  });

  it('survives JSON nested deeper than any parser recursion, as a whole body and as a field', async () => {
    for (const o of bodyOps) {
      for (const depth of [1000, 100_000]) {
        await send({
          route: o.route,
          who: 'admin',
          method: o.method,
          url: o.url,
          body: { kind: 'text', text: deepJson(depth) },
          contentType: 'application/json',
          headers: {},
        });
      }
      const base = baseBody(o);
      for (const key of Object.keys(base)) {
        const text = JSON.stringify({ ...base, [key]: '__DEEP__' }).replace(
          '"__DEEP__"',
          deepJson(o.route.includes('workflow') || o.route.includes('sync') ? 10_000 : 1000),
        );
        await send({ route: o.route, who: 'admin', method: o.method, url: o.url, body: { kind: 'text', text }, contentType: 'application/json', headers: {} });
      }
    }
  });

  it('refuses invalid UTF-8 in the body', async () => {
    const samples = fc.sample(invalidUtf8Body, { numRuns: 6, seed: SEED });
    for (const o of bodyOps) {
      for (const body of samples) {
        const status = await send({ route: o.route, who: 'admin', method: o.method, url: o.url, body, contentType: 'application/json', headers: {} });
        expect(status, o.route).toBeGreaterThanOrEqual(400);
      }
    }
  });

  for (const [name, bad] of [
    ['a huge string', HUGE],
    ['a NUL byte', 'before\u0000after'],
    ['a lone surrogate', 'half \uD83D pair'],
    ['a number', 12345],
    ['an out-of-range integer', 2 ** 63],
    ['null', null],
    ['an array', ['a', 'b']],
    ['an object', { a: 'b' }],
    ['unicode', 'Ünïcødé 😀 ﷺ ‮'],
    ['a uuid that names nothing', '00000000-0000-4000-8000-000000000000'],
  ] as [string, unknown][]) {
    it(`survives ${name} in every text field`, async () => {
      for (const o of bodyOps) {
        const count = slots(baseBody(o), 'string').length;
        for (let i = 0; i < count; i += 1) {
          const body = baseBody(o);
          slots(body, 'string')[i]!(bad);
          await send({
            route: o.route,
            who: 'admin',
            method: o.method,
            url: o.url,
            body: { kind: 'text', text: JSON.stringify(body) },
            contentType: 'application/json',
            headers: {},
          });
        }
      }
    });
  }

  it('survives out-of-range and odd numbers, and strings, in every number field', async () => {
    for (const o of bodyOps) {
      const count = slots(baseBody(o), 'number').length;
      for (let i = 0; i < count; i += 1) {
        for (const bad of [2 ** 31, -(2 ** 31) - 1, 2 ** 53 + 2, 1e308, -1e308, 0.5, -0, 5e-324, '1', '', 'NaN', null, [1], { n: 1 }]) {
          const body = baseBody(o);
          slots(body, 'number')[i]!(bad);
          await send({
            route: o.route,
            who: 'admin',
            method: o.method,
            url: o.url,
            body: { kind: 'text', text: JSON.stringify(body) },
            contentType: 'application/json',
            headers: {},
          });
        }
        // Numbers JSON.stringify cannot write: 1e999 (Infinity) and a 400-digit integer.
        for (const literal of ['1e999', '-1e999', '9'.repeat(400)]) {
          const body = baseBody(o);
          slots(body, 'number')[i]!('__NUMBER__');
          const text = JSON.stringify(body).replace('"__NUMBER__"', literal);
          await send({
            route: o.route,
            who: 'admin',
            method: o.method,
            url: o.url,
            body: { kind: 'text', text },
            contentType: 'application/json',
            headers: {},
          });
        }
      }
    }
  });

  it('refuses bodies sent with the wrong content-type', async () => {
    for (const o of bodyOps) {
      for (const contentType of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/xml', null]) {
        const status = await send({
          route: o.route,
          who: 'admin',
          method: o.method,
          url: o.url,
          body: { kind: 'text', text: JSON.stringify(baseBody(o)) },
          contentType,
          headers: {},
        });
        expect(status, `${o.route} as ${contentType}`).toBeGreaterThanOrEqual(400);
      }
    }
  });
});

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

describe('hostile path parameters and query strings', () => {
  const withParams = ops.filter((o) => o.pathParams.length > 0);
  const segments = fc.sample(garbagePathSegment, { numRuns: 14, seed: SEED });

  const isDotSegment = (seg: string) => /^\.{1,2}$/.test(seg.replace(/%2e/gi, '.'));

  it('answers malformed uuids and request refs in every path with a 4xx', async () => {
    for (const o of withParams) {
      for (const seg of segments) {
        const url = o.pathParams.reduce((p, n) => p.replace(`{${n}}`, seg), o.path);
        const body = o.body ? { kind: 'text' as const, text: JSON.stringify(baseBody(o)) } : { kind: 'none' as const };
        const status = await send({ route: o.route, who: 'admin', method: o.method, url, body, contentType: 'application/json', headers: {} });
        // A request number (REQ-3, req-3, 3) may name a real request; a well-formed uuid may list nothing (200). A dot
        // segment (`..`, `%2e%2e`) is resolved away by URL parsing, so the URL names another path, which may exist
        // (/requests/%2e%2e/approvals is /approvals): it never reaches this route's parameter.
        if (!/^(req-)?\d+$/i.test(seg) && !UUID.test(seg) && !isDotSegment(seg)) expect(status, `${o.route} with ${seg}`).toBeGreaterThanOrEqual(400);
      }
    }
  });

  it('answers a method a path does not have with 404 in the error shape', async () => {
    // /requests/{ref} and /requests/{id} are one path with different parameter names.
    const shape = (path: string) => path.replace(/\{\w+\}/g, '{}');
    const methodsOf = new Map<string, Set<string>>();
    for (const o of ops) methodsOf.set(shape(o.path), (methodsOf.get(shape(o.path)) ?? new Set()).add(o.method));
    for (const path of Object.keys(doc.paths)) {
      const url = (path.match(/\{(\w+)\}/g) ?? []).reduce((p, param) => p.replace(param, realValues(path, param.slice(1, -1))[0]!), path);
      for (const method of ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'].filter((m) => !methodsOf.get(shape(path))!.has(m))) {
        const body = method === 'GET' ? { kind: 'none' as const } : { kind: 'text' as const, text: '{}' };
        expect(await send({ who: 'admin', method, url, body, contentType: 'application/json', headers: {} }), `${method} ${path}`).toBe(404);
      }
    }
  });

  it('refuses bad cursors and limits on every list', async () => {
    const lists = ops.filter((o) => o.method === 'GET' && o.query.length > 0);
    const bad = ['-1', '0', 'abc', '1e3', '9'.repeat(19), '9'.repeat(40), '1.5', '0x10', ' 1', '', '\u0000', 'REQ-1', '[]', HUGE.slice(0, 5000)];
    for (const o of lists) {
      const url = o.pathParams.reduce((p, n) => p.replace(`{${n}}`, realValues(o.path, n)[0]!), o.path);
      for (const name of o.query.map((q) => q.name)) {
        for (const v of bad) {
          await send({
            route: o.route,
            who: 'admin',
            method: 'GET',
            url: `${url}?${name}=${encodeURIComponent(v)}`,
            body: { kind: 'none' },
            contentType: null,
            headers: {},
          });
        }
        await send({
          route: o.route,
          who: 'admin',
          method: 'GET',
          url: `${url}?${name}=%zz&${name}=%ED%A0%80&${name}=%00`,
          body: { kind: 'none' },
          contentType: null,
          headers: {},
        });
      }
    }
  });
});

describe('the fuzz run', () => {
  it('got only statuses the OpenAPI document lists for each operation', () => {
    const found = Object.fromEntries([...undocumented.entries()].map(([route, set]) => [route, [...set].sort()]));
    expect(found).toEqual({});
  });

  it('reached the handlers, not only the validators', () => {
    // Successes show generated bodies got past validation; refusals of many kinds show the rules were exercised.
    const statuses = [...stats.byStatus.keys()];
    expect(statuses.some((s) => s >= 200 && s < 300)).toBe(true);
    expect(statuses.filter((s) => s >= 400).length).toBeGreaterThanOrEqual(4);
    const byStatus = Object.fromEntries([...stats.byStatus.entries()].sort(([a], [b]) => a - b));
    console.log(
      `fuzz: ${ops.length} operations, ${RUNS} runs each (FUZZ_RUNS), seed ${SEED} (FUZZ_SEED); ${stats.calls} calls by status ${JSON.stringify(byStatus)}`,
    );
  });
});
