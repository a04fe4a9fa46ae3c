/**
 * Input the fuzz suite (test/fuzz) once turned into a 500, a leaked internal message or a stray write, each pinned
 * down here so it is caught on every run whatever the fuzzer's seed.
 */
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { createTestAppWithEmulator } from '../../test/support/test-app.ts';

const { emulator, demo, t } = await createTestAppWithEmulator();
const admin = await t.createUser('admin');
const requester = await t.createUser('requester');
const request = (await t.api(requester, 'POST', '/api/v1/requests', { title: 'Bad input' })).body;
const KUSTOMER = '/api/v1/integrations/kustomer';

const count = async (table: 'requests' | 'timeline_entries' | 'escalations') =>
  (await sql<{ n: number }>`select count(*)::int as n from ${sql.table(table)}`.execute(t.db)).rows[0]!.n;

async function connect() {
  const r = await t.api(admin, 'PUT', KUSTOMER, { orgName: 'acme', apiKey: demo.apiKey });
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  await t.api(admin, 'PATCH', KUSTOMER, { queues: r.body.queues.map((q: { remoteId: string }) => ({ remoteId: q.remoteId, enabled: true })) });
}

describe('the OpenAPI document', () => {
  it('lists on every operation the refusals the app gives before any handler runs', async () => {
    const doc = (await t.api(null, 'GET', '/api/openapi.json')).body;
    const codes = (path: string, method: string) => Object.keys(doc.paths[path][method].responses);
    expect(codes('/api/v1/requests', 'post')).toEqual(expect.arrayContaining(['400', '401', '413', '415']));
    expect(codes('/api/v1/requests/{ref}', 'get')).toEqual(expect.arrayContaining(['400', '401']));
    expect(codes('/api/v1/escalations/{id}/retry', 'post')).toEqual(expect.arrayContaining(['400', '413']));
    expect(codes('/api/v1/setup', 'get')).toContain('401');
    expect(codes('/api/v1/notifications', 'get')).not.toContain('413');
    expect(doc.paths['/api/v1/requests'].post.responses['413'].content['application/json'].schema).toEqual({ $ref: '#/components/schemas/Error' });
  });
});

describe('bad input is refused in the error shape, without a 500 or a write', () => {
  it('refuses a JSON body that is not valid UTF-8 with 400, instead of storing replacement characters', async () => {
    const before = await count('timeline_entries');
    const bytes = Buffer.concat([Buffer.from('{"body":"caf'), Buffer.from([0xc3, 0x28]), Buffer.from('"}')]);
    const res = await t.raw(`/api/v1/requests/${request.id}/comments`, {
      method: 'POST',
      headers: { authorization: `Bearer ${requester.token}`, 'content-type': 'application/json' },
      body: bytes,
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error: { code: 'bad_request', message: 'Request body is not valid UTF-8' } });
    expect(await count('timeline_entries')).toBe(before);
  });

  it('refuses a body over the limit with 413 whether its length is declared or only streamed, and takes one within it', async () => {
    const before = await count('requests');
    const post = (body: string, declared: boolean) =>
      t.raw('/api/v1/requests', {
        method: 'POST',
        headers: {
          authorization: `Bearer ${requester.token}`,
          'content-type': 'application/json',
          ...(declared ? { 'content-length': String(Buffer.byteLength(body)) } : {}),
        },
        body,
      });
    const big = JSON.stringify({ title: 'x'.repeat(t.config.maxBodyBytes) });
    for (const declared of [true, false]) {
      const res = await post(big, declared);
      expect(res.status, declared ? 'declared' : 'streamed').toBe(413);
      expect((await res.json()).error.code).toBe('payload_too_large');
    }
    expect(await count('requests')).toBe(before);
    expect((await post(JSON.stringify({ title: 'Within the limit' }), true)).status).toBe(201);
  });

  it('answers a body that is not sent as JSON with 415 and its own code, and writes nothing', async () => {
    const before = await count('requests');
    const res = await t.raw('/api/v1/requests', {
      method: 'POST',
      headers: { authorization: `Bearer ${requester.token}`, 'content-type': 'text/plain' },
      body: '{"title":"x"}',
    });
    expect(res.status).toBe(415);
    expect(await res.json()).toEqual({ error: { code: 'unsupported_media_type', message: 'Request body must be sent as application/json' } });
    expect(await count('requests')).toBe(before);
  });

  it('answers a NUL character in text kept as jsonb (a comment) with 400, not 500', async () => {
    const before = await count('timeline_entries');
    const r = await t.api(requester, 'POST', `/api/v1/requests/${request.id}/comments`, { body: 'before\u0000after' });
    expect(r.status).toBe(400);
    expect(r.body.error.code).toBe('bad_request');
    expect(await count('timeline_entries')).toBe(before);
  });

  it('refuses a Kustomer API key that cannot be sent in an HTTP header, without calling Kustomer', async () => {
    const calls = emulator.control.calls().length;
    for (const apiKey of ['ключ-к-kustomer', 'key\u0000with-nul', 'key with spaces', '😀']) {
      const r = await t.api(admin, 'PUT', KUSTOMER, { orgName: 'acme', apiKey });
      expect(r.status, apiKey).toBe(400);
      expect(r.body.error.code).toBe('validation_failed');
      expect(r.body.error.details.issues[0].path).toBe('apiKey');
      expect(JSON.stringify(r.body)).not.toMatch(/ByteString|Could not reach/);
    }
    expect(emulator.control.calls()).toHaveLength(calls);
  });

  it('refuses a conversation id or link that cannot be part of a Kustomer URL (a lone surrogate once threw URIError)', async () => {
    await connect();
    const escalation = await t.db
      .insertInto('escalations')
      .values({ request_id: request.id, provider: 'kustomer', state: 'failed', subject: 's', message: 'm' })
      .returning('id')
      .executeTakeFirstOrThrow();
    for (const conversationId of ['\uD800', 'x\u0000y']) {
      const link = await t.api(admin, 'POST', `/api/v1/requests/${request.id}/escalations/link`, { destination: 'kustomer', conversationId });
      expect(link.status, conversationId).toBe(400);
      expect(link.body.error.details.issues[0].path).toBe('conversationId');
      const relink = await t.api(admin, 'POST', `/api/v1/escalations/${escalation.id}/relink`, { conversationId });
      expect(relink.status, conversationId).toBe(400);
    }
    // Links are accepted now (any of Kustomer's URL shapes): what names no conversation is refused as such, never
    // sent into a Kustomer path.
    const calls = emulator.control.calls().length;
    for (const conversationId of [
      'abc/../def',
      'a b',
      'id?x=1',
      'https://acme.kustomerapp.com/app/conversations/%E0%A4%A',
      'https://acme.kustomerapp.com/app/x/..%2F..%2Fv1',
    ]) {
      const link = await t.api(admin, 'POST', `/api/v1/requests/${request.id}/escalations/link`, { destination: 'kustomer', conversationId });
      expect(link.status, conversationId).toBe(422);
      expect(link.body.error.details.field).toBe('conversationId');
      const relink = await t.api(admin, 'POST', `/api/v1/escalations/${escalation.id}/relink`, { conversationId });
      expect(relink.status, conversationId).toBe(422);
    }
    expect(emulator.control.calls()).toHaveLength(calls);
  });

  it('a settings change refused for an unknown team leaves the customer email field as it was', async () => {
    await connect();
    await t.api(admin, 'POST', '/api/v1/custom-fields', { key: 'customer_email', label: 'Customer email', type: 'text' });
    expect((await t.api(admin, 'PATCH', KUSTOMER, { contactEmailField: 'customer_email' })).status).toBe(200);
    const r = await t.api(admin, 'PATCH', KUSTOMER, { contactEmailField: null, teams: [{ remoteId: 'no-such-team', enabled: true }] });
    expect(r.status).toBe(422);
    const row = await t.db.selectFrom('destination_connections').select('contact_email_field').executeTakeFirstOrThrow();
    expect(row.contact_email_field).toBe('customer_email');
  });

  it('a test escalation refused for its queue, team or channel files no sample request', async () => {
    await connect();
    const before = { requests: await count('requests'), timeline: await count('timeline_entries'), escalations: await count('escalations') };
    for (const body of [{}, { queueId: 'no-such-queue' }, { queueId: 'a', teamId: 'b' }, { queueId: demo.queues.vip.id, channel: 'carrier-pigeon' }]) {
      const r = await t.api(admin, 'POST', `${KUSTOMER}/test`, body);
      expect(r.status, JSON.stringify(body)).toBe(422);
    }
    expect({ requests: await count('requests'), timeline: await count('timeline_entries'), escalations: await count('escalations') }).toEqual(before);
  });
});
