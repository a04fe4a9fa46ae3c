/**
 * Keeps the emulator, the fixtures and the client's wire schemas from drifting apart: every fixture (shaped from
 * the documentation samples in docs/kustomer.md) and every emulator reply must parse with the schema the client
 * uses for that endpoint.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import * as W from '../wire.ts';
import { createTestEmulator, type ApiCallInit } from './test-emulator.ts';

const FIXTURES_DIR = fileURLToPath(new URL('../fixtures/', import.meta.url));

const FIXTURE_SCHEMAS: Record<string, z.ZodType> = {
  'conversation.json': W.ConversationResponse,
  'customer.json': W.CustomerResponse,
  'note.json': W.NoteResponse,
  'message.json': W.MessageResponse,
  'team-list.json': W.TeamList,
  'queue-list.json': W.QueueList,
  'user-list.json': W.UserList,
  'token.json': W.TokenResponse,
  'error-simple.json': W.ErrorBody,
  'error-jsonapi.json': W.ErrorBody,
  'error-recorded-notfound.json': W.ErrorBody,
  'error-recorded-badparam.json': W.ErrorBody,
  // Shaped from recorded deliveries: jasbanza/osl-kustomer-notifications-bot processor.php (create, 2022) and pipedream
  // components/kustomer/sources/updated-conversation-instant/test-event.mjs (update, with its bookkeeping changes).
  'webhook-event-conversation-create.json': W.WebhookEvent,
  'webhook-event-conversation-update.json': W.WebhookEvent,
  'metadata-conversation.json': W.MetadataResponse,
  'outbound-webhook.json': W.WebhookResponse,
};

describe('fixtures', () => {
  it('has a schema for every fixture file', () => {
    expect(
      readdirSync(FIXTURES_DIR)
        .filter((f) => f.endsWith('.json'))
        .sort(),
    ).toEqual(Object.keys(FIXTURE_SCHEMAS).sort());
  });

  for (const [file, schema] of Object.entries(FIXTURE_SCHEMAS)) {
    it(`${file} parses with its wire schema`, () => {
      const result = schema.safeParse(JSON.parse(readFileSync(FIXTURES_DIR + file, 'utf8')));
      expect(result.error?.issues ?? []).toEqual([]);
    });
  }
});

describe('emulator replies match the wire schemas', () => {
  async function setup() {
    const t = createTestEmulator();
    t.control.setMetadata({ org: 'acme', properties: { orderNumberStr: { type: 'string' } } });
    const customer = await t.createCustomer('jane@example.com');
    const conv = await t.createConversation({ customer, externalId: 'req-1', custom: { orderNumberStr: '4417' } });
    await t.api('POST', `/v1/conversations/${conv.id}/notes`, { body: { body: 'note' } });
    await t.api('POST', `/v1/conversations/${conv.id}/messages`, { body: { channel: 'email', app: 'bridgedesk', direction: 'in', preview: 'hi' } });
    const hook = await t.api('POST', '/v1/outbound-webhooks', { body: { name: 'h', url: 'https://h.example/k', events: ['kustomer.conversation.update'] } });
    return { t, customer, conv, hookId: hook.body.data.id as string };
  }

  type Case = [
    name: string,
    method: string,
    path: (ids: Awaited<ReturnType<typeof setup>>) => string,
    schema: z.ZodType,
    status: number,
    init?: (ids: Awaited<ReturnType<typeof setup>>) => ApiCallInit,
  ];
  const cases: Case[] = [
    ['current token', 'GET', () => '/v1/auth/tokens/current', W.TokenResponse, 200],
    ['current user', 'GET', () => '/v1/users/current', W.UserResponse, 200],
    ['queue list', 'GET', () => '/v1/routing/queues', W.QueueList, 200],
    ['team list', 'GET', () => '/v1/teams', W.TeamList, 200],
    ['user list', 'GET', () => '/v1/users', W.UserList, 200],
    [
      'customer create',
      'POST',
      () => '/v1/customers',
      W.CustomerResponse,
      201,
      () => ({ body: { name: 'New', externalId: 'c-2', emails: [{ type: 'work', email: 'new@example.com' }] } }),
    ],
    ['customer by id', 'GET', (s) => `/v1/customers/${s.customer}`, W.CustomerResponse, 200],
    ['customer by email', 'GET', () => `/v1/customers/email=${encodeURIComponent('jane@example.com')}`, W.CustomerResponse, 200],
    ['customer conversations', 'GET', (s) => `/v1/customers/${s.customer}/conversations`, W.ConversationList, 200],
    [
      'conversation create',
      'POST',
      () => '/v1/conversations',
      W.ConversationResponse,
      201,
      (s) => ({ body: { customer: s.customer, name: 'x', priority: 2 } }),
    ],
    ['conversation by id', 'GET', (s) => `/v1/conversations/${s.conv.id}`, W.ConversationResponse, 200],
    ['conversation by externalId', 'GET', () => '/v1/conversations/externalId=req-1', W.ConversationResponse, 200],
    ['conversation list', 'GET', () => '/v1/conversations', W.ConversationList, 200],
    [
      'conversation patch',
      'PATCH',
      (s) => `/v1/conversations/${s.conv.id}`,
      W.ConversationResponse,
      200,
      () => ({ body: { status: 'snoozed', snooze: { time: '2025-04-01T00:00:00.000Z', status: 'scheduled' } } }),
    ],
    ['conversation put', 'PUT', (s) => `/v1/conversations/${s.conv.id}`, W.ConversationResponse, 200, () => ({ body: { status: 'done' } })],
    ['note create', 'POST', (s) => `/v1/conversations/${s.conv.id}/notes`, W.NoteResponse, 201, () => ({ body: { body: 'hello', externalId: 'n-1' } })],
    ['note list', 'GET', (s) => `/v1/conversations/${s.conv.id}/notes`, W.NoteList, 200],
    [
      'message create',
      'POST',
      (s) => `/v1/conversations/${s.conv.id}/messages`,
      W.MessageResponse,
      201,
      () => ({ body: { channel: 'chat', app: 'bridgedesk', direction: 'out', subject: 's' } }),
    ],
    ['message list', 'GET', (s) => `/v1/conversations/${s.conv.id}/messages`, W.MessageList, 200],
    ['conversation metadata', 'GET', () => '/v1/metadata/conversation', W.MetadataResponse, 200],
    [
      'conversation search',
      'POST',
      () => '/v1/customers/search',
      W.ConversationList,
      200,
      () => ({ body: { queryContext: 'conversation', and: [{ conversation_status: { equals: 'open' } }] } }),
    ],
    [
      'webhook create',
      'POST',
      () => '/v1/outbound-webhooks',
      W.WebhookResponse,
      201,
      () => ({ body: { name: 'w', url: 'https://w.example/k', events: ['kustomer.conversation.create'] } }),
    ],
    ['webhook list', 'GET', () => '/v1/outbound-webhooks', W.WebhookList, 200],
    ['webhook get', 'GET', (s) => `/v1/outbound-webhooks/${s.hookId}`, W.WebhookResponse, 200],
    ['401 error', 'GET', () => '/v1/teams', W.ErrorBody, 401, () => ({ key: null })],
    ['404 lookup error', 'GET', () => '/v1/customers/email=nobody%40example.com', W.ErrorBody, 404],
    ['400 validation error', 'POST', () => '/v1/conversations', W.ErrorBody, 400, () => ({ body: { priority: 9 } })],
    ['409 duplicate error', 'POST', () => '/v1/conversations', W.ErrorBody, 409, (s) => ({ body: { customer: s.customer, externalId: 'req-1' } })],
  ];

  for (const [name, method, path, schema, status, init] of cases) {
    it(`${name}: ${method} answers ${status} in the wire shape`, async () => {
      const s = await setup();
      const r = await s.t.api(method, path(s), init?.(s));
      expect(r.status).toBe(status);
      const result = schema.safeParse(r.body);
      expect(result.error?.issues ?? []).toEqual([]);
    });
  }

  it('error replies in the simple shape also parse with ErrorBody', async () => {
    const s = await setup();
    s.t.control.updateOrg('acme', { errorShape: 'simple' });
    const r = await s.t.api('GET', '/v1/conversations/externalId=none');
    expect(r.body.errors[0]).toEqual({ code: 'notfound', message: 'Not Found', meta: {} });
    expect(W.ErrorBody.safeParse(r.body).success).toBe(true);
  });

  it('webhook events parse with the WebhookEvent schema', async () => {
    const s = await setup();
    await s.t.api('PATCH', `/v1/conversations/${s.conv.id}`, { body: { status: 'done' } });
    await s.t.control.webhooks.idle();
    const deliveries = s.t.control.webhooks.deliveries();
    expect(deliveries.length).toBeGreaterThan(0);
    for (const d of deliveries) expect(W.WebhookEvent.safeParse(d.body).error?.issues ?? []).toEqual([]);
  });
});
