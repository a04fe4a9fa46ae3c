/**
 * Link and unlink (issue 17, point 4), against the Kustomer emulator over HTTP with its webhooks reaching the app:
 * an existing conversation is linked from a pasted link in each of Kustomer's URL shapes or its id, or found by the
 * customer's email or words of its subject within the search budget; a link of another org is refused by name; a
 * conversation another request holds is linked only when confirmed; unlinking ends sync for good, keeps the history,
 * posts one note on the conversation (also when Kustomer's reply is lost or the agent clicks twice), is on the
 * timeline, and the conversation can be linked again.
 */
import { sql } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import { syncStack } from '../../test/support/sync-stack.ts';

const { emulator, demo, t, admin, agent, connect, settled: applied } = await syncStack({ users: { agent: { name: 'Ada Agent' } } });

beforeAll(async () => {
  await connect({ inbound: true, outbound: true, pollMinutes: 0 }, 3, { queueIds: [], retryBaseMs: 50 });
});

/** A write through Kustomer's own API (as another tool would make it), not through Bridgedesk. */
async function kustomerCreate(path: string, body: unknown): Promise<string> {
  const res = await fetch(`${emulator.url}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${demo.apiKey}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  expect(res.status, await res.clone().text()).toBe(201);
  return ((await res.json()) as { data: { id: string } }).data.id;
}

/** A conversation made in Kustomer itself, for a new customer or a given one. */
async function kustomerConversation(subject: string, customerOf?: { customerId: string; email: string }) {
  const email = customerOf?.email ?? `${Math.random().toString(36).slice(2, 10)}@customer.test`;
  const customerId = customerOf?.customerId ?? (await kustomerCreate('/v1/customers', { name: `Customer of ${subject}`, emails: [{ type: 'work', email }] }));
  const id = await kustomerCreate('/v1/conversations', { customer: customerId, name: subject });
  return { id, customerId, email };
}

const newRequest = async (title: string) => (await t.api(agent, 'POST', '/api/v1/requests', { title })).body as { id: string; number: number; key?: string };
const link = (requestId: string, conversationId: string, confirm?: boolean) =>
  t.api(agent, 'POST', `/api/v1/requests/${requestId}/escalations/link`, { destination: 'kustomer', conversationId, ...(confirm ? { confirm } : {}) });
const candidates = (requestId: string, q: string) =>
  t.api(agent, 'GET', `/api/v1/requests/${requestId}/escalations/link-candidates?destination=kustomer&q=${encodeURIComponent(q)}`);
const escalation = async (id: string) => (await t.api(agent, 'GET', `/api/v1/escalations/${id}`)).body;
const linked = (id: string) => t.waitFor(async () => ((await escalation(id)).state === 'linked' ? true : undefined));
const timeline = async (requestId: string) => (await t.api(agent, 'GET', `/api/v1/requests/${requestId}/timeline`)).body.items as { type: string; data: any }[];
const settled = async () => {
  await emulator.control.webhooks.idle();
  await applied();
};
/** No sync job is waiting or running (cron jobs far ahead aside). */
const jobsIdle = () =>
  t.waitFor(async () => {
    const { rows } = await sql<{ n: number }>`select count(*)::int as n from graphile_worker.jobs
      where task_identifier in ('apply-sync-event', 'read-thread', 'push-comment', 'push-status', 'send-note', 'unlink-note', 'deliver-escalation')
        and attempts < max_attempts`.execute(t.db);
    return rows[0]!.n === 0 || undefined;
  });
const unlinkNotes = (conversationId: string, escalationId: string) =>
  emulator.control
    .notes('acme')
    .filter((n) => (n.relationships as any)?.conversation?.data?.id === conversationId && n.attributes.externalId === `${escalationId}:unlink`);
const searchCalls = () => emulator.control.calls().filter((c) => c.method === 'POST' && c.path === '/v1/customers/search').length;

describe('linking an existing conversation by pasting it', () => {
  it("links a conversation pasted as a link in each of Kustomer's URL shapes, or as its id", async () => {
    const shapes: [string, (c: { id: string; customerId: string }) => string][] = [
      ['customer timeline link', (c) => `https://acme.kustomerapp.com/app/customers/${c.customerId}/event/${c.id}`],
      ['conversation link', (c) => `https://acme.kustomerapp.com/app/conversations/${c.id}`],
      ['conversationId query', (c) => `https://acme.kustomerapp.com/app/customers/${c.customerId}?conversationId=${c.id}`],
      ['link without scheme', (c) => `acme.kustomerapp.com/app/conversations/${c.id}`],
      ['org API link', (c) => `https://acme.api.kustomerapp.com/v1/conversations/${c.id}`],
      ['US regional API link', (c) => `https://api.kustomerapp.com/v1/conversations/${c.id}`],
      ['EU regional API link', (c) => `https://api.prod2.kustomerapp.com/v1/conversations/${c.id}`],
      ['India regional API link', (c) => `https://api.prod4.kustomerapp.com/v1/conversations/${c.id}/notes`],
      ['bare id', (c) => c.id],
      ['bare id in capitals, with spaces', (c) => `  ${c.id.toUpperCase()} `],
    ];
    for (const [shape, url] of shapes) {
      const conversation = await kustomerConversation(`Shape: ${shape}`);
      const request = await newRequest(`Link by ${shape}`);
      const res = await link(request.id, url(conversation));
      expect(res.status, `${shape}: ${JSON.stringify(res.body)}`).toBe(202);
      expect(res.body, shape).toMatchObject({ origin: 'linked_existing', conversationId: conversation.id, subject: `Shape: ${shape}` });
      await linked(res.body.id);
    }
  });

  it('refuses a link of another Kustomer org by name, before calling Kustomer', async () => {
    const request = await newRequest('Other org');
    const before = emulator.control.calls().length;
    const res = await link(request.id, 'https://globex.kustomerapp.com/app/conversations/5f1c2a9b3d4e5f6a7b8c9d0e');
    expect(res.status).toBe(422);
    expect(res.body.error.message).toContain('"globex"');
    expect(res.body.error.message).toContain('"acme"');
    expect(res.body.error.details).toMatchObject({ reason: 'other_account', account: 'globex', field: 'conversationId' });
    const api = await link(request.id, 'https://globex.api.kustomerapp.com/v1/conversations/5f1c2a9b3d4e5f6a7b8c9d0e');
    expect(api.status).toBe(422);
    expect(api.body.error.details.reason).toBe('other_account');
    expect(emulator.control.calls().length).toBe(before);
    expect((await t.api(agent, 'GET', `/api/v1/requests/${request.id}/escalations`)).body.items).toEqual([]);
  });

  it("refuses links that open no conversation: a customer's page, another site, a conversation that does not exist", async () => {
    const request = await newRequest('Not a conversation');
    const customerPage = await link(request.id, 'https://acme.kustomerapp.com/app/customers/5f1c2a9b3d4e5f6a7b8c9d01');
    expect(customerPage.status).toBe(422);
    expect(customerPage.body.error.message).toMatch(/customer.*not one of their conversations/);
    const elsewhere = await link(request.id, 'https://example.com/app/conversations/5f1c2a9b3d4e5f6a7b8c9d0e');
    expect(elsewhere.status).toBe(422);
    expect(elsewhere.body.error.message).toContain('example.com is not Kustomer');
    const missing = await link(request.id, 'https://acme.kustomerapp.com/app/conversations/5f1c2a9b3d4e5f6a7b8c9d0e');
    expect(missing.status).toBe(422);
    expect(missing.body.error.message).toContain('No conversation 5f1c2a9b3d4e5f6a7b8c9d0e');
    const words = await link(request.id, 'refund please');
    expect(words.status).toBe(422);
  });

  it('names the request that already holds a conversation and links it only when the agent confirms', async () => {
    const conversation = await kustomerConversation('Held elsewhere');
    const holder = await newRequest('The holder');
    const held = await link(holder.id, conversation.id);
    expect(held.status).toBe(202);
    const holderKey = (await t.api(agent, 'GET', `/api/v1/requests/${holder.id}`)).body.key as string;

    const other = await newRequest('The newcomer');
    const found = await candidates(other.id, `https://acme.kustomerapp.com/app/conversations/${conversation.id}`);
    expect(found.status).toBe(200);
    expect(found.body).toMatchObject({
      matchedBy: 'reference',
      items: [{ conversationId: conversation.id, subject: 'Held elsewhere', linkedTo: { requestKey: holderKey, title: 'The holder' }, linkedHere: false }],
    });

    const asked = await link(other.id, conversation.id);
    expect(asked.status).toBe(409);
    expect(asked.body.error.details.linkedTo).toMatchObject({ requestId: holder.id, requestKey: holderKey, title: 'The holder' });
    expect(asked.body.error.message).toContain(holderKey);
    expect((await t.api(agent, 'GET', `/api/v1/requests/${other.id}/escalations`)).body.items).toEqual([]);

    const confirmed = await link(other.id, conversation.id, true);
    expect(confirmed.status).toBe(202);
    expect((await candidates(holder.id, conversation.id)).body.items[0]).toMatchObject({ linkedHere: true });
  });
});

describe('searching Kustomer for the conversation to link', () => {
  it("finds conversations by the customer's email and by words of the subject, newest change first", async () => {
    const email = 'Pat.Doe@Customer.test';
    const pat = await kustomerCreate('/v1/customers', { name: 'Pat Doe', emails: [{ type: 'work', email: email.toLowerCase() }] });
    const first = await kustomerConversation('Printer on floor 3 jams', { customerId: pat, email: email.toLowerCase() });
    const second = await kustomerConversation('Invoice copy needed', { customerId: pat, email: email.toLowerCase() });
    await kustomerConversation('Unrelated question');
    const request = await newRequest('Search');

    const byEmail = await candidates(request.id, email);
    expect(byEmail.status).toBe(200);
    expect(byEmail.body.matchedBy).toBe('search');
    expect(byEmail.body.items.map((i: any) => i.conversationId)).toEqual([second.id, first.id]);
    expect(byEmail.body.items[0]).toMatchObject({ subject: 'Invoice copy needed', status: 'open', customer: { email: email.toLowerCase() } });
    expect(typeof byEmail.body.searchesLeft).toBe('number');

    const byWords = await candidates(request.id, 'printer JAMS');
    expect(byWords.body.items.map((i: any) => i.conversationId)).toEqual([first.id]);
    expect(byWords.body.items[0].customer).toMatchObject({ name: 'Pat Doe', email: email.toLowerCase() });
    expect((await candidates(request.id, 'printer invoice')).body.items).toEqual([]);
  });

  it("keeps to the minute's search budget: past it, says when to retry without calling Kustomer, while a pasted link still works", async () => {
    const conversation = await kustomerConversation('Budget probe');
    const request = await newRequest('Budget');
    await t.db.deleteFrom('rate_budgets').where('key', 'like', '%/search').execute();
    const before = searchCalls();
    let answered = 0;
    let refused: Awaited<ReturnType<typeof candidates>> | null = null;
    for (let i = 0; i < 200 && !refused; i++) {
      const res = await candidates(request.id, `budget probe ${i}`);
      if (res.status === 429) refused = res;
      else {
        expect(res.status).toBe(200);
        answered++;
      }
    }
    // Kustomer allows an API key 100 searches a minute; agents get 90 of them, the poll keeps the rest.
    expect(answered).toBe(90);
    expect(searchCalls() - before).toBe(90);
    expect(refused!.body.error).toMatchObject({ code: 'rate_limited', details: { reason: 'search_limit' } });
    expect(refused!.body.error.message).toMatch(/search limit for this minute is used up: try again in \d+ s/);
    expect(Number(refused!.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(Date.parse(refused!.body.error.details.retryAt)).toBeGreaterThan(t.clock.now.getTime());

    const pasted = await candidates(request.id, `https://acme.kustomerapp.com/app/conversations/${conversation.id}`);
    expect(pasted.status).toBe(200);
    expect(pasted.body.items[0].conversationId).toBe(conversation.id);
    expect(searchCalls() - before).toBe(90);

    // The next minute has a fresh budget.
    t.clock.advance(61_000);
    expect((await candidates(request.id, 'budget probe')).status).toBe(200);
  });

  it('says when to retry when Kustomer refuses a search all the same (another user of the key), and other calls go on', async () => {
    const request = await newRequest('Refused search');
    await t.db.deleteFrom('rate_budgets').where('key', 'like', '%/search').execute();
    // Kustomer's reset, 45 s from now on the app's clock (which the tests move).
    const resetAt = new Date(t.clock.now.getTime() + 45_000);
    emulator.control.injectFault({ kind: '429', count: 1, method: 'POST', pathPrefix: '/v1/customers/search', resetAt });
    const res = await candidates(request.id, 'anything at all');
    expect(res.status).toBe(429);
    expect(res.body.error.details.reason).toBe('search_limit');
    expect(res.body.error.details.retryAfterSeconds).toBeGreaterThan(0);
    // Spent until Kustomer's reset: the next search is not sent.
    const before = searchCalls();
    expect((await candidates(request.id, 'anything else')).status).toBe(429);
    expect(searchCalls()).toBe(before);
    // The org's own budget was not emptied by the search's refusal: a link is checked at once.
    const conversation = await kustomerConversation('After a refused search');
    expect((await link(request.id, conversation.id)).status).toBe(202);
  });
});

describe('unlinking', () => {
  async function linkedConversation(title: string) {
    const conversation = await kustomerConversation(title);
    const request = await newRequest(title);
    const res = await link(request.id, `https://acme.kustomerapp.com/app/conversations/${conversation.id}`);
    expect(res.status).toBe(202);
    await linked(res.body.id);
    await settled();
    return { conversation, request, escalationId: res.body.id as string };
  }

  it('ends sync: later changes in Kustomer no longer reach the request, and its history stays', async () => {
    const { conversation, request, escalationId } = await linkedConversation('Unlink stops sync');
    // Linked, a change in Kustomer reaches the request.
    emulator.control.addNote({ org: 'acme', id: conversation.id, body: 'Before the unlink' });
    await t.waitFor(async () => (await timeline(request.id)).some((e) => e.type === 'sync.note_received' && e.data.body === 'Before the unlink'));

    const res = await t.api(agent, 'POST', `/api/v1/escalations/${escalationId}/unlink`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ state: 'unlinked', conversationId: conversation.id, unlinked: { by: { id: agent.id, name: 'Ada Agent' } } });
    const unlinked = (await timeline(request.id)).find((e) => e.type === 'escalation.unlinked');
    expect(unlinked?.data).toMatchObject({ escalationId, conversationId: conversation.id, destination: 'Kustomer' });
    expect(unlinked?.data.note).toContain('no longer syncs');

    emulator.control.changeConversation({ org: 'acme', id: conversation.id, status: 'done' });
    emulator.control.addNote({ org: 'acme', id: conversation.id, body: 'After the unlink' });
    emulator.control.addMessage({ org: 'acme', id: conversation.id, body: 'Customer writes after the unlink', direction: 'in' });
    await settled();
    await jobsIdle();

    const entries = await timeline(request.id);
    const after = entries.slice(entries.findIndex((e) => e.type === 'escalation.unlinked') + 1);
    expect(after.filter((e) => e.type.startsWith('sync.'))).toEqual([]);
    expect(entries.some((e) => e.data?.body === 'Before the unlink')).toBe(true);
    expect((await t.api(agent, 'GET', `/api/v1/requests/${request.id}`)).body.status).not.toBe('resolved');
    expect((await escalation(escalationId)).remote.status).toBe('open');

    // Nothing from the request reaches the conversation either.
    const notesBefore = emulator.control.notes('acme').length;
    expect((await t.api(agent, 'POST', `/api/v1/requests/${request.id}/comments`, { body: 'Internal after unlink', visibility: 'internal' })).status).toBe(201);
    const note = await t.api(agent, 'POST', `/api/v1/escalations/${escalationId}/notes`, { body: 'to Kustomer' });
    expect(note.status).toBe(409);
    await jobsIdle();
    expect(emulator.control.notes('acme').length).toBe(notesBefore);
  });

  it('posts one note on the conversation, also when Kustomer loses the reply and when the agent unlinks twice', async () => {
    const { conversation, request, escalationId } = await linkedConversation('One unlink note');
    const lost = emulator.control.injectFault({ kind: 'lost_reply', count: 1, method: 'POST', pathPrefix: `/v1/conversations/${conversation.id}/notes` });
    const [a, b] = await Promise.all([
      t.api(agent, 'POST', `/api/v1/escalations/${escalationId}/unlink`),
      t.api(agent, 'POST', `/api/v1/escalations/${escalationId}/unlink`),
    ]);
    expect([a.status, b.status]).toEqual([200, 200]);
    await t.waitFor(async () => (await timeline(request.id)).some((e) => e.type === 'escalation.unlink_noted'));
    expect((await t.api(agent, 'POST', `/api/v1/escalations/${escalationId}/unlink`)).status).toBe(200);
    await jobsIdle();

    expect(emulator.control.faults().find((f) => f.id === lost.id)?.applied ?? 1).toBe(1);
    const notes = unlinkNotes(conversation.id, escalationId);
    expect(notes).toHaveLength(1);
    expect(notes[0]!.attributes.body).toMatch(/^Unlinked from Bridgedesk REQ-\d+ by Ada Agent: .*https:\/\/desk\.example\.com\/requests\/REQ-\d+$/);
    const entries = await timeline(request.id);
    expect(entries.filter((e) => e.type === 'escalation.unlinked')).toHaveLength(1);
    expect(entries.filter((e) => e.type === 'escalation.unlink_noted')).toHaveLength(1);
  });

  it('refuses to unlink an escalation that has no conversation yet', async () => {
    const request = await newRequest('Nothing to unlink');
    emulator.control.injectFault({ kind: '503', count: 50, method: 'POST', pathPrefix: '/v1/customers' });
    await t.api(admin, 'PATCH', '/api/v1/integrations/kustomer', { queues: [{ remoteId: demo.queues.vip.id, enabled: true }] });
    const body = { destination: 'kustomer', queueId: demo.queues.vip.id, channel: 'email', priority: 2, subject: 's', message: 'm' };
    const sending = (await t.api(agent, 'POST', `/api/v1/requests/${request.id}/escalations`, body)).body;
    const res = await t.api(agent, 'POST', `/api/v1/escalations/${sending.id}/unlink`);
    expect(res.status).toBe(409);
    expect(res.body.error.message).toContain('cannot unlink');
    emulator.control.clearFaults();
  });

  it('lets the same conversation be linked again, to this request or another, without asking', async () => {
    const { conversation, request, escalationId } = await linkedConversation('Link again');
    expect((await t.api(agent, 'POST', `/api/v1/escalations/${escalationId}/unlink`)).status).toBe(200);
    const other = await newRequest('Takes it over');
    const found = await candidates(other.id, conversation.id);
    expect(found.body.items[0].linkedTo).toBeNull();
    const again = await link(request.id, conversation.id);
    expect(again.status).toBe(202);
    expect(again.body.id).not.toBe(escalationId);
    await linked(again.body.id);
    // Linked again, it syncs again.
    emulator.control.addNote({ org: 'acme', id: conversation.id, body: 'Back in sync' });
    await t.waitFor(async () => (await timeline(request.id)).some((e) => e.type === 'sync.note_received' && e.data.body === 'Back in sync'));
  });
});
