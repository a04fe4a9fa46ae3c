/**
 * The emulator's agent console (/app/): a visitor acts on a conversation as a Kustomer agent through plain HTML
 * forms, and each action reaches Kustomer's webhook subscribers exactly as the same action through /__emulator/ does.
 * Real parts: the emulator's fetch handler, its store and its webhook dispatcher (deliveries captured on the wire).
 */
import { describe, expect, it } from 'vitest';
import type { WebhookEvent } from '../wire.ts';
import { createTestEmulator } from './test-emulator.ts';

function consoleEmulator() {
  const received: WebhookEvent[] = [];
  const t = createTestEmulator({
    deliver: async (_url, init) => {
      received.push(JSON.parse(init.body as string) as WebhookEvent);
      return new Response(null, { status: 200 });
    },
  });
  const subscribe = () =>
    t.api('POST', '/v1/outbound-webhooks', {
      body: {
        name: 'Bridgedesk',
        url: 'https://bridgedesk.example/hooks',
        events: ['kustomer.conversation.create', 'kustomer.conversation.update', 'kustomer.message.create'],
      },
    });
  const page = async (path: string) => {
    const res = await t.emulator.fetch(new Request(`http://127.0.0.1:4010${path}`));
    return { status: res.status, type: res.headers.get('content-type'), text: await res.text() };
  };
  /** Posts a console form as a browser would (urlencoded, or multipart with files); the 303's location. */
  const post = async (path: string, fields: Record<string, string>, files: File[] = []) => {
    let body: URLSearchParams | FormData = new URLSearchParams(fields);
    if (files.length) {
      const form = new FormData();
      for (const [k, v] of Object.entries(fields)) form.append(k, v);
      for (const f of files) form.append('files', f);
      body = form;
    }
    const res = await t.emulator.fetch(new Request(`http://127.0.0.1:4010${path}`, { method: 'POST', body }));
    expect(res.status).toBe(303);
    return new URL(res.headers.get('location')!, 'http://127.0.0.1:4010');
  };
  const pathOf = (c: { id: string; relationships: Record<string, { data: { id: string } }> }) =>
    `/app/customers/${c.relationships.customer!.data.id}/event/${c.id}`;
  const record = (id: string) => t.control.conversations('acme').find((c) => c.id === id)!.attributes as Record<string, any>;
  const settle = async () => {
    await t.control.webhooks.idle();
    const events = received.splice(0);
    return events;
  };
  return { ...t, subscribe, page, post, pathOf, record, settle };
}

/** What a subscriber can tell apart: the event, who wrote it, and which attributes changed. */
const shape = (e: WebhookEvent) => ({
  name: e.name,
  client: (e as { client?: string }).client,
  changed: Object.keys((e as { changes?: { attributes?: object } }).changes?.attributes ?? {})
    .filter((k) => !['rev', 'updatedAt', 'modifiedAt', 'lastActivityAt', 'modificationHistory'].includes(k))
    .sort(),
});

describe('the agent console', () => {
  it('lists every conversation, newest change first, each linking to its page', async () => {
    const t = consoleEmulator();
    const first = await t.createConversation({ name: 'Refund <b>late</b>' });
    const second = await t.createConversation({ name: 'Login broken' });
    t.clock.advance(1000);
    t.control.changeConversation({ org: 'acme', id: first.id, status: 'done' });
    const list = await t.page('/app/conversations');
    expect(list.status).toBe(200);
    expect(list.type).toMatch(/^text\/html/);
    expect(list.text.indexOf(t.pathOf(first))).toBeLessThan(list.text.indexOf(t.pathOf(second)));
    expect(list.text).toContain('Refund &#60;b&#62;late&#60;/b&#62;');
    expect(list.text).not.toContain('<b>late</b>');
    expect((await t.page('/app')).text).toContain(t.pathOf(second));
  });

  it("shows the conversation's status, sub-status, assignee, team, queue and thread, escaped", async () => {
    const t = consoleEmulator();
    const c = await t.createConversation({ name: 'VPN <script>alert(1)</script>', queue: { id: t.demo.queues.vip.id } });
    t.control.changeConversation({
      org: 'acme',
      id: c.id,
      assignedUsers: [t.demo.users.sam.id],
      assignedTeams: [t.demo.teams.escalations.id],
      subStatus: t.demo.subStatuses.investigating.id,
    });
    t.control.addNote({ org: 'acme', id: c.id, body: 'Checked the <logs>', by: t.demo.users.alex.id });
    t.clock.advance(1000);
    t.control.addMessage({ org: 'acme', id: c.id, body: 'We are on it', direction: 'out', by: t.demo.users.sam.id });
    const view = await t.page(t.pathOf(c));
    expect(view.status).toBe(200);
    expect(view.text).toContain(`<code data-testid="conversation-id">${c.id}</code>`);
    expect(view.text).not.toContain('<script>alert(1)');
    expect(view.text).toContain('data-testid="console-sub-status">Investigating<');
    expect(view.text).toContain('data-testid="console-assignee">Sam Chen<');
    expect(view.text).toContain('Escalations');
    expect(view.text).toContain('VIP');
    expect(view.text).toContain('Checked the &#60;logs&#62;');
    expect(view.text.indexOf('Checked the')).toBeLessThan(view.text.indexOf('We are on it'));
    expect(view.text).toContain('<b>Alex Rivera</b> · internal note');
    expect((await t.page(`/app/customers/${'0'.repeat(24)}/event/${c.id}`)).status).toBe(404);
  });

  it("shows the conversation's custom attributes by the labels Kustomer's agents see, links as links, escaped", async () => {
    const t = consoleEmulator();
    t.control.setMetadata({
      org: 'acme',
      properties: { bridgedeskStatusStr: { type: 'string', displayName: 'Request status' }, bridgedeskLinkUrl: { type: 'url', displayName: 'Request' } },
    });
    const c = await t.createConversation({ name: 'VPN down' });
    expect((await t.page(t.pathOf(c))).text).toContain('No custom attributes set on this conversation.');
    const patched = await t.api('PATCH', `/v1/conversations/${c.id}`, {
      body: { custom: { bridgedeskStatusStr: 'in <progress>', bridgedeskLinkUrl: 'https://desk.example.com/requests/REQ-7' } },
    });
    expect(patched.status).toBe(200);
    const view = (await t.page(t.pathOf(c))).text;
    expect(view).toContain('<dt>Request status</dt><dd>in &#60;progress&#62;</dd>');
    expect(view).toContain('<dt>Request</dt><dd><a href="https://desk.example.com/requests/REQ-7">');
  });

  it('marks done, snoozes, reopens, sets a sub-status and assigns through the same write path as the controls, webhooks included', async () => {
    const t = consoleEmulator();
    expect((await t.subscribe()).status).toBe(201);
    const viaConsole = await t.createConversation({ name: 'console' });
    const viaControl = await t.createConversation({ name: 'control' });
    t.control.changeConversation({ org: 'acme', id: viaConsole.id, subStatus: t.demo.subStatuses.investigating.id });
    t.control.changeConversation({ org: 'acme', id: viaControl.id, subStatus: t.demo.subStatuses.investigating.id });
    await t.settle();
    const by = t.demo.users.alex.id;

    const done = await t.post(t.pathOf(viaConsole), { action: 'done', by });
    expect(done.pathname).toBe(t.pathOf(viaConsole));
    expect(done.searchParams.get('done')).toBe('Marked done');
    expect(done.searchParams.get('as')).toBe(by);
    const consoleEvents = await t.settle();
    t.control.changeConversation({ org: 'acme', id: viaControl.id, status: 'done', subStatus: null, by });
    const controlEvents = await t.settle();
    expect(consoleEvents.map(shape)).toEqual(controlEvents.map(shape));
    expect(consoleEvents.map(shape)).toEqual([{ name: 'kustomer.conversation.update', client: 'web', changed: ['status', 'subStatus'] }]);
    expect(t.record(viaConsole.id)).toMatchObject({ status: 'done', subStatus: null });
    expect((await t.page(done.pathname + done.search)).text).toContain('role="status">Marked done<');

    const wake = new Date(t.clock.now().getTime() + 2 * 86_400_000);
    const local = (d: Date) => new Date(d.getTime() - d.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
    expect((await t.post(t.pathOf(viaConsole), { action: 'snooze', by, snoozeUntil: local(wake) })).searchParams.get('done')).toBe('Snoozed');
    expect(t.record(viaConsole.id)).toMatchObject({ status: 'snoozed', snooze: { status: 'scheduled', time: new Date(local(wake)).toISOString() } });
    expect(
      (await t.post(t.pathOf(viaConsole), { action: 'snooze', by, snoozeUntil: local(new Date(t.clock.now().getTime() - 3_600_000)) })).searchParams.get(
        'error',
      ),
    ).toBe('Pick a time in the future to snooze until');

    expect((await t.post(t.pathOf(viaConsole), { action: 'open', by })).searchParams.get('done')).toBe('Reopened');
    await t.settle();
    const picked = await t.post(t.pathOf(viaConsole), { action: 'sub-status', by, subStatus: t.demo.subStatuses.investigating.id });
    expect(picked.searchParams.get('done')).toBe('Sub-status set to Investigating');
    // A sub-status of another status is refused, and nothing is written.
    const wrong = await t.post(t.pathOf(viaConsole), { action: 'sub-status', by, subStatus: t.demo.subStatuses.waitingOnWarehouse.id });
    expect(wrong.searchParams.get('error')).toBe('That sub-status is not one of this status');
    expect(t.record(viaConsole.id).subStatus).toBe(t.demo.subStatuses.investigating.id);

    await t.settle();
    const assign = {
      action: 'assign',
      by,
      user: t.demo.users.sam.id,
      team: t.demo.teams.billing.id,
      queue: viaConsole.relationships.queue!.data.id,
      priority: '3',
    };
    const assigned = await t.post(t.pathOf(viaConsole), assign);
    expect(assigned.searchParams.get('done')).toBe('Assignment saved');
    // Only what changed is sent: an unchanged queue and priority are no change event.
    expect((await t.settle()).map(shape)).toEqual([{ name: 'kustomer.conversation.update', client: 'web', changed: ['assignedTeams', 'assignedUsers'] }]);
    expect(t.record(viaConsole.id)).toMatchObject({ assignedUsers: [t.demo.users.sam.id], assignedTeams: [t.demo.teams.billing.id] });
    expect((await t.post(t.pathOf(viaConsole), assign)).searchParams.get('done')).toBe('Nothing changed');
    expect(await t.settle()).toEqual([]);
  });

  it('adds a note with a file, sends a message to the customer and takes the customer’s reply, as the controls do', async () => {
    const t = consoleEmulator();
    await t.subscribe();
    const c = await t.createConversation({ name: 'files' });
    await t.settle();
    const by = t.demo.users.sam.id;
    const png = new File([Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex')], 'screenshot.png', { type: 'image/png' });
    expect((await t.post(t.pathOf(c), { action: 'note', by, body: 'Warehouse confirmed' }, [png])).searchParams.get('done')).toBe('Note added');
    expect((await t.settle()).map(shape)).toEqual([{ name: 'kustomer.conversation.update', client: 'web', changed: ['noteCount'] }]);
    const note = t.control.notes('acme').find((n) => n.attributes.body === 'Warehouse confirmed')!;
    expect(note.relationships!.createdBy).toMatchObject({ data: { id: by } });
    const file = t.control.attachments('acme').find((a) => a.attachedTo?.id === note.id)!;
    expect(file).toMatchObject({ name: 'screenshot.png', contentType: 'image/png', contentLength: 16, uploaded: true });
    const download = await t.emulator.fetch(new Request(`http://127.0.0.1:4010/app/attachments/${file.id}`));
    expect(download.headers.get('content-disposition')).toBe("attachment; filename*=UTF-8''screenshot.png");
    expect(download.headers.get('x-content-type-options')).toBe('nosniff');
    expect(Buffer.from(await download.arrayBuffer()).toString('hex')).toBe('89504e470d0a1a0a0000000d49484452');

    expect((await t.post(t.pathOf(c), { action: 'message', by, body: 'Your parcel left today' })).searchParams.get('done')).toBe(
      'Message sent to the customer',
    );
    expect((await t.settle()).map((e) => e.name)).toEqual(['kustomer.message.create', 'kustomer.conversation.update']);
    t.control.changeConversation({ org: 'acme', id: c.id, status: 'done' });
    await t.settle();
    expect((await t.post(t.pathOf(c), { action: 'customer-message', by, body: 'Thanks!' })).searchParams.get('done')).toBe("The customer's message arrived");
    // The customer writing in reopens the conversation, as it does through the controls (docs/kustomer.md §9).
    expect(t.record(c.id).status).toBe('open');
    const messages = t.control.messages('acme').filter((m) => (m.relationships!.conversation as { data: { id: string } }).data.id === c.id);
    expect(messages.map((m) => [m.attributes.direction, m.attributes.preview, (m.relationships!.createdBy as { data: unknown }).data])).toEqual([
      ['out', 'Your parcel left today', { type: 'user', id: by }],
      ['in', 'Thanks!', null],
    ]);
    const view = (await t.page(t.pathOf(c))).text;
    expect(view).toContain(`href="/app/attachments/${file.id}">screenshot.png</a>`);
    expect(view).toContain('Customer 1</b> · message from the customer');
  });

  it('refuses an empty note, an unknown agent, a form it does not know (saying why on the page) and another site’s form', async () => {
    const t = consoleEmulator();
    const c = await t.createConversation();
    const by = t.demo.users.alex.id;
    expect((await t.post(t.pathOf(c), { action: 'note', by, body: '   ' })).searchParams.get('error')).toBe('Write something first');
    expect((await t.post(t.pathOf(c), { action: 'done', by: t.demo.key.userId })).searchParams.get('error')).toBe('Pick one of the org’s agents to act as');
    expect((await t.post(t.pathOf(c), { action: 'delete', by })).searchParams.get('error')).toMatch(/./);
    // Another site's form, posted by the visitor's browser, changes nothing.
    const foreign = await t.emulator.fetch(
      new Request(`http://127.0.0.1:4010${t.pathOf(c)}`, {
        method: 'POST',
        headers: { origin: 'https://evil.example' },
        body: new URLSearchParams({ action: 'done', by }),
      }),
    );
    expect(foreign.status).toBe(403);
    expect(t.record(c.id).status).toBe('open');
    expect(t.control.notes('acme')).toEqual([]);
  });
});
