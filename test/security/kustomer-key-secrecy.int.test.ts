/**
 * The Kustomer API key never appears in a log line, an API reply or a stored error. The app and its worker log at
 * the most verbose level (trace) to a file (test/support/test-app.ts); this file drives connect (good and bad keys),
 * re-sync, status sync settings, and escalation delivery (success, 5xx retries, 401 from Kustomer), keeps every reply,
 * and scans replies, log lines and error columns for every key used, as is and JSON-escaped, base64, base64url and
 * URL-encoded. (The whole run's logs are scanned again at the end of every run: see test/support/log-capture.ts.)
 */
import fs from 'node:fs';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemoOrg, serveEmulator } from '../../src/connectors/kustomer/emulator/index.ts';
import { findSecrets, registerSecret } from '../support/log-capture.ts';
import { createTestApp, type Reply, type TestUser } from '../support/test-app.ts';

let app: Awaited<ReturnType<typeof createTestApp>> | null = null;
const emulator = await serveEmulator({
  port: 0,
  // Kustomer's webhook deliveries reach the in-process app.
  deliver: async (url, init) => (app ? app.raw(new URL(url).pathname, init) : new Response(null, { status: 503 })),
});
afterAll(() => emulator.close());
const demo = seedDemoOrg(emulator.control, { name: 'acme' });
emulator.control.updateOrg('acme', { rateLimitPerMinute: 100_000 });
const t = await createTestApp({ KUSTOMER_BASE_URL: emulator.url, KUSTOMER_WEB_URL: emulator.url, BRIDGEDESK_PUBLIC_URL: 'https://desk.example.com' });
app = t;
const admin = await t.createUser('admin');
const agent = await t.createUser('agent');
const requester = await t.createUser('requester');
const integration = '/api/v1/integrations/kustomer';

/** Every key this file hands to Bridgedesk, good or bad. */
const keys = new Set<string>();
const useKey = (key: string) => {
  keys.add(key);
  registerSecret(key);
  return key;
};
useKey(demo.apiKey);

/** Every reply this file gets, with its headers, to scan at the end. */
const replies: { what: string; text: string }[] = [];
async function call(who: TestUser, method: string, path: string, body?: unknown): Promise<Reply> {
  const r = await t.api(who, method, path, body);
  replies.push({
    what: `${method} ${path} → ${r.status}`,
    text: `${JSON.stringify([...r.headers])}\n${typeof r.body === 'string' ? r.body : JSON.stringify(r.body)}`,
  });
  return r;
}

function expectNoKey(text: string, where: string) {
  const hits = findSecrets(text, keys);
  expect(hits.map((h) => `${where}: a key in ${h.form} form near "${text.slice(Math.max(0, h.index - 60), h.index)}"`)).toEqual([]);
}

async function escalate() {
  const request = (await call(agent, 'POST', '/api/v1/requests', { title: 'Key secrecy', requesterId: requester.id })).body;
  const e = await call(agent, 'POST', `/api/v1/requests/${request.id}/escalations`, {
    destination: 'kustomer',
    queueId: demo.queues.vip.id,
    channel: 'email',
    priority: 2,
    subject: 'Key secrecy',
    message: 'm',
  });
  expect(e.status, JSON.stringify(e.body)).toBe(202);
  return { requestId: request.id as string, escalationId: e.body.id as string };
}
const escalationIn = (id: string, states: string[]) =>
  t.waitFor(async () => {
    const e = await call(agent, 'GET', `/api/v1/escalations/${id}`);
    return states.includes(e.body.state) ? e.body : undefined;
  }, 30_000);

beforeAll(async () => {
  await t.startWorker({ concurrency: 2, retryBaseMs: 10 });
});

describe('the Kustomer API key stays secret', () => {
  it('is not echoed when connect refuses a key: unknown, revoked, malformed (line break, control or non-ASCII characters)', async () => {
    const revoked = useKey(emulator.control.createApiKey({ org: 'acme', roles: demo.key.roles }).key);
    emulator.control.revokeApiKey(revoked);
    const bad = [
      useKey('wrong-key-0123456789abcdef'),
      revoked,
      useKey(`${demo.apiKey.slice(0, 30)}\n${demo.apiKey.slice(30)}`),
      useKey(`${demo.apiKey.slice(0, 30)}\r\n${demo.apiKey.slice(30)}`),
      useKey(`${demo.apiKey.slice(0, 30)}\u0001${demo.apiKey.slice(30)}`),
      useKey(`${demo.apiKey.slice(0, 30)}é${demo.apiKey.slice(30)}`),
      useKey(`${demo.apiKey.slice(0, 30)} ${demo.apiKey.slice(30)}`),
    ];
    for (const apiKey of bad) {
      const r = await call(admin, 'PUT', integration, { orgName: 'acme', apiKey });
      // 422 "Invalid credentials" from Kustomer, or 400 for a key no HTTP header can carry (before any call).
      expect([400, 422], `${JSON.stringify(apiKey.slice(25, 35))}: ${JSON.stringify(r.body)}`).toContain(r.status);
      expect(Object.keys(r.body)).toEqual(['error']);
      expectNoKey(JSON.stringify(r.body), `reply to a refused key ${JSON.stringify(apiKey.slice(25, 35))}`);
    }
    expect((await call(admin, 'GET', integration)).body.status).toBe('not_connected');
  });

  it('is not echoed by connect with a good key, the status, re-sync, or a re-sync that fails with 5xx', async () => {
    const r = await call(admin, 'PUT', integration, { orgName: 'acme', apiKey: demo.apiKey });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.keyLastFour).toBe(demo.apiKey.slice(-4));
    expect((await call(admin, 'PATCH', integration, { queues: [{ remoteId: demo.queues.vip.id, enabled: true }] })).status).toBe(200);
    expect((await call(admin, 'GET', integration)).status).toBe(200);
    expect((await call(admin, 'POST', `${integration}/sync`)).status).toBe(200);
    emulator.control.injectFault({ kind: '503', count: 10 });
    const failed = await call(admin, 'POST', `${integration}/sync`);
    emulator.control.clearFaults();
    expect(failed.status).toBe(502);
    expect((await call(admin, 'GET', integration)).body.lastSyncError).toMatch(/could not be reached/);
  });

  it('is not echoed by status sync settings (webhook subscription and its URL)', async () => {
    const on = await call(admin, 'PUT', `${integration}/sync`, { inbound: true, outbound: true, pollMinutes: 0 });
    expect(on.status, JSON.stringify(on.body)).toBe(200);
    expect(on.body.webhook.subscribed).toBe(true);
    expect((await call(admin, 'GET', `${integration}/sync`)).status).toBe(200);
  });

  it('is not echoed by an escalation delivered at once, or after Kustomer answered 5xx', async () => {
    const ok = await escalate();
    await escalationIn(ok.escalationId, ['linked']);
    emulator.control.injectFault({ kind: '500', count: 2, method: 'POST', pathPrefix: '/v1/conversations' });
    const retried = await escalate();
    const linked = await escalationIn(retried.escalationId, ['linked']);
    expect(linked.attempts).toBeGreaterThan(1);
    for (const e of [ok, retried]) {
      await call(agent, 'GET', `/api/v1/requests/${e.requestId}/timeline`);
      await call(agent, 'GET', `/api/v1/requests/${e.requestId}/escalations`);
    }
  });

  it('is not echoed when Kustomer answers 401: the escalation fails with "Invalid credentials" and the connection says so', async () => {
    // Earlier escalations' background work (thread reads, field pushes) done first: a job calling Kustomer after the
    // revocation would mark the connection before this escalation is submitted, and the submit would be refused.
    await t.waitFor(
      async () => (await sql`select 1 from graphile_worker.jobs where run_at <= now() or locked_at is not null`.execute(t.db)).rows.length === 0 || undefined,
    );
    emulator.control.revokeApiKey(demo.key.id);
    const refused = await escalate();
    const failed = await escalationIn(refused.escalationId, ['failed']);
    expect(failed.lastError).toBe('Invalid credentials');
    const status = await call(admin, 'GET', integration);
    expect(status.body.status).toBe('invalid_credentials');
    await call(agent, 'GET', `/api/v1/requests/${refused.requestId}/timeline`);
    expect((await call(agent, 'POST', `/api/v1/escalations/${refused.escalationId}/retry`)).status).toBeLessThan(500);
    expect((await call(admin, 'POST', `${integration}/sync`)).status).toBe(422);
    expect((await call(admin, 'PUT', `${integration}/sync`, { inbound: false, outbound: true, pollMinutes: 0 })).status).toBeLessThan(500);
  });

  it('appears in no reply, no log line and no stored error of all of the above', async () => {
    await t.waitFor(
      async () =>
        (await t.db.selectFrom('escalations').select('id').where('state', 'in', ['sending', 'created']).executeTakeFirst()) === undefined || undefined,
    );
    expect(replies.length).toBeGreaterThan(30);
    for (const r of replies) expectNoKey(r.text, r.what);

    const lines = fs.readFileSync(t.logFile, 'utf8').split('\n').filter(Boolean);
    expect(lines.length, 'the app and worker logged at trace level').toBeGreaterThan(10);
    expect(
      lines.some((l) => JSON.parse(l).level <= 20),
      'debug lines are captured',
    ).toBe(true);
    lines.forEach((line, i) => expectNoKey(line, `${t.logFile}:${i + 1}`));

    // Errors stored for people and for the job queue: timeline, escalations, the connection, events, failed jobs.
    for (const table of ['timeline_entries', 'escalations', 'destination_connections', 'destination_events', 'graphile_worker._private_jobs']) {
      const rows = await sql<{ row: string }>`select to_jsonb(x)::text as row from ${sql.raw(table)} x`.execute(t.db);
      for (const r of rows.rows) expectNoKey(r.row, table);
    }
  });
});
