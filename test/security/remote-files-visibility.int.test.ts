/**
 * Files copied from Kustomer (issue 18 point 4) never reach a requester, by any path a requester has. Every thread
 * entry from Kustomer is internal (src/usecases/sync/read-thread.ts) and its files follow it, so the request's
 * requester and a requester who follows the request must find no trace of them: not on the timeline, not by
 * downloading a copy by its id (GET, HEAD, a range), not in the request, the list or their notifications, not in the
 * email a workflow sends them quoting Kustomer's reply, not on the event stream, and not by attaching a copy to their
 * own reply or deleting it as if it were their upload. An agent, as a control, sees and downloads each one.
 *
 * Real parts throughout: the Kustomer emulator over HTTP, the real worker (thread read, file copy, workflow run),
 * Bridgedesk served over HTTP (downloads and the stream are streamed).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemoOrg, serveEmulator } from '../../src/connectors/kustomer/emulator/index.ts';
import { queueThreadRead } from '../../src/usecases/sync/read-thread.ts';
import { png, text } from '../support/attachment-files.ts';
import { startAttachmentStack } from '../support/attachment-stack.ts';
import { readEventStream, type EventStreamReader } from '../support/event-stream.ts';
import type { TestUser } from '../support/test-app.ts';

const emulator = await serveEmulator({ port: 0, rateWindowMs: 2000 });
afterAll(() => emulator.close());
const demo = seedDemoOrg(emulator.control, { name: 'acme' });
emulator.control.updateOrg('acme', { rateLimitPerMinute: 100_000 });
const stack = await startAttachmentStack('postgres', { KUSTOMER_BASE_URL: emulator.url, KUSTOMER_WEB_URL: emulator.url, KUSTOMER_RATE_WINDOW_MS: '2000' });
const { t } = stack;
const admin = await t.createUser('admin');
const agent = await t.createUser('agent', { name: 'Ada Agent' });
const requester = await t.createUser('requester', { name: 'Riley Requester', email: 'riley@corp.example' });
const follower = await t.createUser('requester', { name: 'Fran Follower', email: 'fran@corp.example' });
const requesters = [requester, follower];

const streams: EventStreamReader[] = [];
afterAll(async () => {
  for (const s of streams) await s.close();
});
async function openStream(who: TestUser) {
  const res = await fetch(`${stack.base}/api/v1/stream`, { headers: { authorization: `Bearer ${who.token}` } });
  expect(res.status).toBe(200);
  const s = readEventStream(res);
  streams.push(s);
  await s.next((e) => e.event === 'ready');
  return s;
}

interface Entry {
  id: string;
  type: string;
  visibility: string;
  attachments: { id: string; name: string; url: string }[];
}
const timeline = async (who: TestUser, requestId: string): Promise<Entry[]> => {
  const r = await t.api(who, 'GET', `/api/v1/requests/${requestId}/timeline`);
  expect(r.status).toBe(200);
  return r.body.items;
};

const shot = png({ width: 20, height: 10, padTo: 12_000 });
const reply = text(4_000);
const NOTE_BODY = 'Internal: the customer’s screenshot';
const file = (name: string, contentType: string, bytes: Buffer) => ({ name, contentType, contentBase64: bytes.toString('base64') });

/** What the test looks for everywhere: the copies' ids, download paths and names, and the files' remote ids. */
const secrets: string[] = [];
const world = {} as {
  requestId: string;
  requestKey: string;
  copies: { id: string; url: string; name: string; bytes: Buffer }[];
  internalEntryIds: string[];
  streams: Map<TestUser, EventStreamReader>;
};

beforeAll(async () => {
  expect((await t.api(admin, 'PUT', '/api/v1/integrations/kustomer', { orgName: 'acme', apiKey: demo.apiKey })).status).toBe(200);
  await t.api(admin, 'PATCH', '/api/v1/integrations/kustomer', { queues: [{ remoteId: demo.queues.vip.id, enabled: true }] });
  // What an admin may set up: Kustomer's replies to the customer forwarded to the requester, on the request and by email.
  const wf = await t.api(admin, 'POST', '/api/v1/workflows', {
    name: 'Forward Kustomer replies',
    enabled: true,
    definition: {
      trigger: { event: 'conversation.reply_or_note', to: 'message_out', conditions: { match: 'all', rules: [] } },
      steps: [
        { type: 'add_comment', visibility: 'public', body: 'Support replied:\n\n{{conversation.last_public_message}}' },
        { type: 'notify', to: 'requester', subject: 'Support replied on {{request.title}}', body: '{{conversation.last_public_message}}' },
      ],
    },
  });
  expect(wf.status, JSON.stringify(wf.body)).toBe(201);
  await t.startWorker({ concurrency: 4, retryBaseMs: 50 });

  const r = await t.api(requester, 'POST', '/api/v1/requests', { title: 'Printer on fire' });
  expect(r.status).toBe(201);
  expect((await t.api(agent, 'PUT', `/api/v1/requests/${r.body.id}/followers/${follower.id}`)).status).toBe(204);
  const e = await t.api(agent, 'POST', `/api/v1/requests/${r.body.id}/escalations`, {
    destination: 'kustomer',
    queueId: demo.queues.vip.id,
    channel: 'email',
    priority: 3,
    subject: 'Printer on fire',
    message: 'Please look',
  });
  expect(e.status, JSON.stringify(e.body)).toBe(202);
  const esc = await t.waitFor(async () => {
    const x = (await t.api(agent, 'GET', `/api/v1/escalations/${e.body.id}`)).body;
    return x.state === 'linked' ? x : undefined;
  }, 30_000);

  const opened = new Map<TestUser, EventStreamReader>();
  for (const who of [agent, ...requesters]) opened.set(who, await openStream(who));

  // In Kustomer: an agent's internal note with a screenshot, and an agent's reply to the customer with a log.
  emulator.control.addNote({ org: 'acme', id: esc.conversationId, body: NOTE_BODY, attachments: [file('fault-shot.png', 'image/png', shot)] });
  emulator.control.addMessage({
    org: 'acme',
    id: esc.conversationId,
    body: 'We replaced the fuser.',
    direction: 'out',
    by: demo.users.alex.id,
    attachments: [file('service-report.txt', 'text/plain', reply)],
  });
  await queueThreadRead(t.db, esc.id);

  // Both copies on their entries (the agent's view), and the workflow's run done.
  const entries = await t.waitFor(async () => {
    const items = await timeline(agent, r.body.id);
    const note = items.find((i) => i.type === 'sync.note_received');
    const message = items.find((i) => i.type === 'sync.message_received');
    return note?.attachments.length && message?.attachments.length ? { note, message } : undefined;
  }, 30_000);
  await t.waitFor(async () => {
    const runs = (await t.api(agent, 'GET', `/api/v1/requests/${r.body.id}/workflow-runs`)).body.items as { state: string }[];
    return runs.length === 1 && runs[0]!.state === 'succeeded' ? true : undefined;
  }, 30_000);

  const copies = [
    { ...entries.note.attachments[0]!, bytes: shot },
    { ...entries.message.attachments[0]!, bytes: reply },
  ];
  const rows = await t.db
    .selectFrom('attachments')
    .select(['id', 'remote_file_id'])
    .where(
      'id',
      'in',
      copies.map((c) => c.id),
    )
    .execute();
  expect(rows.map((x) => x.remote_file_id)).not.toContain(null);
  secrets.push(...copies.flatMap((c) => [c.id, c.url, c.name]), ...rows.map((x) => x.remote_file_id!), NOTE_BODY);
  Object.assign(world, {
    requestId: r.body.id,
    requestKey: r.body.key,
    copies,
    internalEntryIds: [entries.note.id, entries.message.id],
    streams: opened,
  });
});

/** The reply's text or JSON, with none of the copies' ids, paths, names or remote ids in it. */
function expectNoTrace(label: string, body: unknown) {
  const s = typeof body === 'string' ? body : JSON.stringify(body);
  for (const secret of secrets) expect(s.includes(secret), `${label} mentions ${secret}`).toBe(false);
}

describe('files copied from Kustomer never reach a requester', () => {
  it('the timeline shows a requester neither the Kustomer note and message nor their files; the workflow’s public reply quoting Kustomer carries no file', async () => {
    for (const who of requesters) {
      const items = await timeline(who, world.requestId);
      expect(items.filter((i) => i.type.startsWith('sync.'))).toEqual([]);
      const forwarded = items.find((i) => JSON.stringify(i).includes('We replaced the fuser.'));
      expect(forwarded, `${who.name} sees the forwarded reply`).toBeDefined();
      expect(forwarded!.attachments).toEqual([]);
      expectNoTrace(`${who.name}'s timeline`, items);
    }
    // The control: the agent sees both entries with their files.
    const staff = await timeline(agent, world.requestId);
    expect(staff.filter((i) => world.internalEntryIds.includes(i.id)).map((i) => i.visibility)).toEqual(['internal', 'internal']);
  });

  it('a copy is 404 by its id for the requester and a follower, as GET, HEAD or a range, exactly like a missing file; the agent downloads it byte for byte', async () => {
    for (const c of world.copies) {
      for (const who of requesters) {
        for (const [method, headers] of [
          ['GET', {}],
          ['HEAD', {}],
          ['GET', { range: 'bytes=0-99' }],
        ] as const) {
          const res = await fetch(`${stack.base}${c.url}`, { method, headers: { authorization: `Bearer ${who.token}`, ...headers } });
          expect(res.status, `${method} ${JSON.stringify(headers)} as ${who.name}`).toBe(404);
          const body = method === 'HEAD' ? '' : await res.text();
          if (method === 'GET') expect(JSON.parse(body)).toEqual({ error: { code: 'not_found', message: expect.any(String) } });
          expect(res.headers.get('content-disposition')).toBeNull();
        }
      }
      const got = await stack.download(agent, c.url);
      expect(got.status).toBe(200);
      expect(Buffer.from(await got.arrayBuffer()).equals(c.bytes)).toBe(true);
    }
    // Exactly like a file that does not exist: the answer says nothing of the copy.
    const missing = await stack.download(requester, '00000000-0000-4000-8000-000000000000');
    const copy = await stack.download(requester, world.copies[0]!.id);
    expect([copy.status, await copy.json()]).toEqual([missing.status, await missing.json()]);
  });

  it('the request, the request list and notifications name no copied file', async () => {
    for (const who of requesters) {
      const detail = await t.api(who, 'GET', `/api/v1/requests/${world.requestKey}`);
      expect(detail.status).toBe(200);
      expectNoTrace(`${who.name}'s request`, detail.body);
      const list = await t.api(who, 'GET', '/api/v1/requests');
      expect(list.body.items.map((i: { id: string }) => i.id)).toContain(world.requestId);
      expectNoTrace(`${who.name}'s list`, list.body);
      expectNoTrace(`${who.name}'s notifications`, (await t.api(who, 'GET', '/api/v1/notifications')).body);
    }
  });

  it('the email a workflow sends the requester quoting Kustomer’s reply names and links no copied file', async () => {
    const mails = await t.db.selectFrom('email_outbox').select(['to_address', 'subject', 'body']).where('request_id', '=', world.requestId).execute();
    // Two: the notice of the workflow's public reply, and the workflow's own email; both quote Kustomer's reply.
    const theirs = mails.filter((m) => m.to_address === requester.email).map((m) => m.body);
    expect(theirs).toEqual([expect.stringContaining('We replaced the fuser.'), expect.stringContaining('We replaced the fuser.')]);
    for (const m of mails) expectNoTrace(`email to ${m.to_address}`, `${m.subject}\n${m.body}`);
    for (const m of mails) expect(m.body).not.toContain('/attachments/');
  });

  it('the event stream tells a requester only of entries they may read, never of the Kustomer entries or their files arriving; it tells the agent', async () => {
    // A public reply after everything else: once a requester hears of it, they have heard all that came before.
    const last = await t.api(agent, 'POST', `/api/v1/requests/${world.requestId}/comments`, { body: 'Anything else?', visibility: 'public' });
    expect(last.status).toBe(201);
    const readable = new Set((await timeline(requester, world.requestId)).map((i) => i.id));
    for (const who of requesters) {
      const s = world.streams.get(who)!;
      await s.next((e) => e.event === 'change' && e.data.entryId === last.body.id);
      const heard = s.events.filter((e) => e.event === 'change').map((e) => e.data);
      expect(heard.filter((d) => d.requestId !== world.requestId || d.kind !== 'timeline' || !readable.has(d.entryId))).toEqual([]);
      expectNoTrace(`${who.name}'s stream`, s.events);
    }
    // The control: the agent heard each copy arrive on its entry (migration 024's announcement).
    const agentHeard = world.streams
      .get(agent)!
      .events.filter((e) => e.event === 'change')
      .map((e) => e.data.entryId);
    for (const id of world.internalEntryIds) expect(agentHeard).toContain(id);
  });

  it('a requester can neither attach a copy to their own reply or new request nor delete it as their upload', async () => {
    for (const c of world.copies) {
      const onReply = await t.api(requester, 'POST', `/api/v1/requests/${world.requestId}/comments`, { body: 'mine now', attachmentIds: [c.id] });
      expect(onReply.status).toBe(422);
      expect(onReply.body.error.details).toEqual({ attachmentIds: [c.id] });
      const onRequest = await t.api(requester, 'POST', '/api/v1/requests', { title: 'Borrowed file', attachmentIds: [c.id] });
      expect(onRequest.status).toBe(422);
      expect((await t.api(requester, 'DELETE', `/api/v1/uploads/${c.id}`)).status).toBe(404);
      expect((await stack.download(requester, c.id)).status).toBe(404);
      // Still where it was, for the agent.
      expect((await stack.download(agent, c.id)).status).toBe(200);
    }
    const items = await timeline(requester, world.requestId);
    expect(items.flatMap((i) => i.attachments)).toEqual([]);
  });
});
