/**
 * The linked conversation's thread on the request (notes and messages written in Kustomer, once, never to a
 * requester) and Note to Kustomer (posted exactly once, failures named), against the emulator over HTTP with its
 * webhooks reaching the app.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { syncSuite } from '../../../test/support/sync-suite.ts';
import { pollDestination } from './poll-destination.ts';
import { readThread } from './read-thread.ts';
import { ALL_ROLES } from '../../connectors/kustomer/emulator/required-roles.ts';
import { readEventStream } from '../../../test/support/event-stream.ts';

const { emulator, demo, t, admin, agent, requester, linkedRequest, deps, control, timeline, ofType, quiet } = await syncSuite();

describe("the conversation's thread on the request", () => {
  // Polling on, so a test can run the poll beside the webhook; off again for the tests after these.
  beforeAll(() => t.api(admin, 'PUT', '/api/v1/integrations/kustomer/sync', { inbound: true, outbound: true, pollMinutes: 5 }));
  afterAll(() => t.api(admin, 'PUT', '/api/v1/integrations/kustomer/sync', { inbound: true, outbound: true, pollMinutes: 0 }));

  it('shows a note written in Kustomer once, also when the webhook and the poll both see its conversation change', async () => {
    const { request, conversationId, escalationId } = await linkedRequest();
    emulator.control.webhooks.hold();
    const note = await control(`/conversations/${conversationId}/notes`, { body: 'Refund approved by finance', by: demo.users.alex.id });
    // Both paths at once: the poll finds the conversation changed while the held webhook is delivered.
    await Promise.all([pollDestination(deps(), 'kustomer'), emulator.control.webhooks.release('original')]);
    const [entry] = await t.waitFor(async () => {
      const found = await ofType(request.id, 'sync.note_received');
      return found.length ? found : undefined;
    });
    expect(entry).toMatchObject({
      visibility: 'internal',
      data: {
        remoteId: note.id,
        body: 'Refund approved by finance',
        author: 'Alex Rivera',
        authorKind: 'user',
        conversationId,
        writtenAt: note.attributes.createdAt,
      },
    });
    // And a read that overlaps what was read (its cursor forgotten) writes nothing again.
    await t.db.updateTable('escalations').set({ thread_cursor: null }).where('id', '=', escalationId).execute();
    await readThread(deps(), escalationId);
    await quiet();
    expect(await ofType(request.id, 'sync.note_received')).toHaveLength(1);
  });

  it('shows a customer message and an agent reply with author, direction, channel and Kustomer time, in the order written', async () => {
    const { request, conversationId } = await linkedRequest();
    const asked = await control(`/conversations/${conversationId}/messages`, { body: 'Where is my refund?', direction: 'in', channel: 'email' });
    const answered = await control(`/conversations/${conversationId}/messages`, {
      body: 'On its way',
      direction: 'out',
      channel: 'chat',
      by: demo.users.sam.id,
    });
    const messages = await t.waitFor(async () => {
      const found = (await timeline(request.id)).filter((e) => e.type === 'sync.message_received');
      return found.length === 2 ? found : undefined;
    });
    const byRemote = Object.fromEntries(messages.map((m) => [m.data.remoteId, m]));
    expect(byRemote[asked.id]).toMatchObject({
      visibility: 'internal',
      data: {
        body: 'Where is my refund?',
        direction: 'in',
        channel: 'email',
        author: requester.name,
        authorKind: 'customer',
        customerFacing: true,
        writtenAt: asked.attributes.createdAt,
      },
    });
    expect(byRemote[answered.id]).toMatchObject({
      data: { body: 'On its way', direction: 'out', channel: 'chat', author: 'Sam Chen', authorKind: 'user', writtenAt: answered.attributes.createdAt },
    });
    expect(Date.parse(byRemote[asked.id].data.writtenAt)).toBeLessThanOrEqual(Date.parse(byRemote[answered.id].data.writtenAt));
    // Bridgedesk's own first message (the escalation's) is not among them.
    expect(messages.map((m) => m.data.remoteId).sort()).toEqual([asked.id, answered.id].sort());
  });

  it("never echoes Bridgedesk's own notes back: the back-link and a Note to Kustomer stay ours", async () => {
    const { request, conversationId, escalationId } = await linkedRequest();
    const sent = await t.api(agent, 'POST', `/api/v1/escalations/${escalationId}/notes`, { body: 'Customer is a VIP, please hurry' });
    expect(sent.status, JSON.stringify(sent.body)).toBe(202);
    await t.waitFor(async () => (await ofType(request.id, 'sync.note_to_remote_sent')).length === 1 || undefined);
    // A note of theirs after ours: the read that brings it covers ours too.
    await control(`/conversations/${conversationId}/notes`, { body: 'Looking into it' });
    await t.waitFor(async () => (await ofType(request.id, 'sync.note_received')).length === 1 || undefined);
    await quiet();
    expect((await ofType(request.id, 'sync.note_received')).map((e) => e.data.body)).toEqual(['Looking into it']);
    expect(emulator.control.notes('acme').filter((n) => (n.relationships as any).conversation.data.id === conversationId)).toHaveLength(3);
  });

  it('never lets a requester see a Kustomer note or message, by the API or the stream', async () => {
    const { request, conversationId } = await linkedRequest();
    const res = await t.app.request('/api/v1/stream', { headers: { authorization: `Bearer ${requester.token}` } });
    const stream = readEventStream(res);
    try {
      await stream.next((e) => e.event === 'ready');
      await control(`/conversations/${conversationId}/notes`, { body: 'Internal: customer owes us money' });
      await control(`/conversations/${conversationId}/messages`, { body: 'Customer side chat', direction: 'in' });
      await t.waitFor(
        async () => (await timeline(request.id)).filter((e) => e.type.startsWith('sync.n') || e.type === 'sync.message_received').length >= 2 || undefined,
      );
      // A public reply after them: once the requester hears of it, they would have heard of the others before.
      const reply = await t.api(agent, 'POST', `/api/v1/requests/${request.id}/comments`, { body: 'We are on it', visibility: 'public' });
      await stream.next((e) => e.event === 'change' && BigInt(e.data.entryId ?? 0) >= BigInt(reply.body.id));
      const heard = stream.events.filter((e) => e.event === 'change').map((e) => e.data.entryId as string);
      const internal = (await timeline(request.id)).filter((e) => e.visibility === 'internal').map((e) => e.id as string);
      expect(heard.filter((id) => internal.includes(id))).toEqual([]);
      const seen = await timeline(request.id, requester);
      expect(seen.filter((e) => e.type.startsWith('sync.'))).toEqual([]);
      expect(JSON.stringify(seen)).not.toContain('owes us money');
    } finally {
      await stream.close();
    }
  });
});

describe('Note to Kustomer', () => {
  const notesOn = (conversationId: string, externalId: string) =>
    emulator.control.notes('acme').filter((n) => (n.relationships as any).conversation.data.id === conversationId && n.attributes.externalId === externalId);

  it('is posted exactly once when the reply to the first attempt is lost', async () => {
    const { request, conversationId, escalationId } = await linkedRequest();
    emulator.control.injectFault({ kind: 'lost_reply', count: 1, method: 'POST', pathPrefix: `/v1/conversations/${conversationId}/notes` });
    const sent = await t.api(agent, 'POST', `/api/v1/escalations/${escalationId}/notes`, { body: 'Please call the customer' });
    expect(sent.status).toBe(202);
    const note = (await ofType(request.id, 'sync.note_to_remote')).find((e) => e.id === sent.body.entryId);
    expect(note).toMatchObject({ visibility: 'internal', data: { body: 'Please call the customer', conversationId } });
    await t.waitFor(
      async () => (await ofType(request.id, 'sync.note_to_remote_sent')).some((e) => e.data.noteEntryId === sent.body.entryId) || undefined,
      30_000,
    );
    expect(emulator.control.faults()).toMatchObject([{ kind: 'lost_reply', applied: 1 }]); // the first reply was lost
    expect(notesOn(conversationId, `note:${sent.body.entryId}`)).toHaveLength(1);
    expect(notesOn(conversationId, `note:${sent.body.entryId}`)[0]!.attributes.body).toBe('Please call the customer');
  });

  it('fails with the reason when Kustomer refuses it, and is posted once when retried', async () => {
    const { request, conversationId, escalationId } = await linkedRequest();
    const without = ALL_ROLES.filter((r) => !r.includes('note'));
    emulator.control.setApiKeyRoles(demo.apiKey, without);
    const sent = await t.api(agent, 'POST', `/api/v1/escalations/${escalationId}/notes`, { body: 'Second try' });
    const failed = await t.waitFor(async () => (await ofType(request.id, 'sync.note_to_remote_failed')).find((e) => e.data.noteEntryId === sent.body.entryId));
    expect(failed.data.reason).toMatch(/note/);
    emulator.control.setApiKeyRoles(demo.apiKey, [...ALL_ROLES]);
    const retried = await t.api(agent, 'POST', `/api/v1/escalations/${escalationId}/notes/${sent.body.entryId}/retry`);
    expect(retried.status, JSON.stringify(retried.body)).toBe(202);
    await t.waitFor(async () => (await ofType(request.id, 'sync.note_to_remote_sent')).some((e) => e.data.noteEntryId === sent.body.entryId) || undefined);
    expect(notesOn(conversationId, `note:${sent.body.entryId}`)).toHaveLength(1);
    // Only a failed note can be retried.
    const again = await t.api(agent, 'POST', `/api/v1/escalations/${escalationId}/notes/${sent.body.entryId}/retry`);
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('conflict');
  });

  it('is for staff, with a linked conversation and a body', async () => {
    const { escalationId } = await linkedRequest();
    expect((await t.api(requester, 'POST', `/api/v1/escalations/${escalationId}/notes`, { body: 'x' })).status).toBe(403);
    const empty = await t.api(agent, 'POST', `/api/v1/escalations/${escalationId}/notes`, { body: '  ' });
    expect(empty.status).toBe(400);
    expect(empty.body.error.code).toBe('validation_failed');
    expect((await t.api(agent, 'POST', `/api/v1/escalations/00000000-0000-4000-8000-000000000000/notes`, { body: 'x' })).status).toBe(404);
  });
});

// Last in this file: the rate-limit case leaves the org's budget spent for a while.
