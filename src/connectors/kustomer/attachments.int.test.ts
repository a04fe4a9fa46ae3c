/**
 * Kustomer attachments through the destination's actions, against the emulator over HTTP: files on the first message
 * and on notes, exactly once across retries (per-file checkpoints; a crash loses what was only deferred), and files
 * read back from the thread and streamed.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type {
  DestinationClient,
  FileCheckpoints,
  FileProgress,
  OpenCheckpoint,
  OpenCheckpoints,
  OpenProgress,
  OutgoingFile,
  TicketRequest,
} from '../../core/destination.ts';
import { ConnectorError } from '../kit/errors.ts';
import { createKustomerEmulator, seedDemoOrg } from './emulator/index.ts';
import { servedEmulatorEachTest } from './emulator/test-emulator.ts';
import { kustomer } from './manifest.ts';

const { emulator, clock, demo } = await servedEmulatorEachTest(new Date('2026-03-02T10:00:30Z'));

const destination = (apiKey = demo.apiKey): DestinationClient =>
  kustomer.createClient({
    account: 'acme',
    secret: apiKey,
    transport: { baseUrlOverride: emulator.url, webUrlOverride: null, timeoutMs: 5_000, now: clock.now },
    interactive: false,
  });

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** A file as Bridgedesk's storage gives it: streamed in chunks, opened once per attempt. */
function file(localId: string, name: string, content: Buffer, contentType = 'application/pdf'): OutgoingFile & { opened: number } {
  const f = {
    localId,
    name,
    contentType,
    size: content.length,
    opened: 0,
    async open() {
      f.opened += 1;
      return (async function* () {
        for (let i = 0; i < content.length; i += 1000) yield new Uint8Array(content.subarray(i, i + 1000));
      })();
    },
  };
  return f;
}

/** What the platform keeps: commits are saved at once; deferred results only with the next commit (a crash loses them). */
function store() {
  const saved = { progress: { contactId: null, ticketId: null, messagePosted: false } as OpenProgress, files: new Map<string, FileProgress>() };
  const apply = (p: OpenProgress, files: Map<string, FileProgress>, c: OpenCheckpoint | [string, FileProgress]) => {
    if (Array.isArray(c)) files.set(c[0], c[1]);
    else if (c.step === 'contact') p.contactId = c.contactId;
    else if (c.step === 'conversation') p.ticketId = c.ticket.remoteId;
    else p.messagePosted = true;
  };
  /** One run's view, starting from what was saved. */
  function run(mayHaveCreated: boolean): OpenCheckpoints & { files: FileCheckpoints } {
    const progress = { ...saved.progress };
    const files = new Map(saved.files);
    const pending: (OpenCheckpoint | [string, FileProgress])[] = [];
    const commit = async (c: OpenCheckpoint | [string, FileProgress]) => {
      for (const d of [...pending.splice(0), c]) {
        apply(progress, files, d);
        apply(saved.progress, saved.files, d);
      }
    };
    const defer = (c: OpenCheckpoint | [string, FileProgress]) => (apply(progress, files, c), pending.push(c));
    return {
      progress,
      mayHaveCreated,
      commit,
      defer,
      files: { get: (id) => files.get(id), commit: (id, p) => commit([id, p]), defer: (id, p) => defer([id, p]) },
    };
  }
  return { saved, run };
}

const request = (attachments: OutgoingFile[]): TicketRequest => ({
  escalationId: '6f1c1d36-7a0c-4f5e-9d59-0a8a3f4f2b11',
  subject: 'Refund stuck',
  message: { body: 'Please see the invoice', channel: null, attachments },
  priority: 3,
  target: null,
  contact: { name: 'Jane Doe', email: 'jane@example.com' },
  backLink: { url: 'https://desk.example/requests/1', note: 'Escalated from Bridgedesk' },
});

const uploads = () => emulator.control.calls().filter((c) => c.method === 'POST' && c.path.startsWith('/s3/') && c.handledStatus === 204);
const firstMessage = () => emulator.control.messages('acme')[0]!;
const attachedIds = (r: { relationships?: Record<string, { data?: unknown }> }) =>
  ((r.relationships?.attachments?.data ?? []) as { id: string }[]).map((d) => d.id);

const invoice = Buffer.alloc(4500, 'i');
const photo = Buffer.alloc(2300, 'p');

describe('files on the first message', () => {
  it('uploads each file once and references both on the conversation’s first message', async () => {
    const s = store();
    await destination().openTicket(request([file('f1', 'invoice.pdf', invoice), file('f2', 'photo.png', photo, 'image/png')]), s.run(false));
    const records = emulator.control.attachments('acme');
    expect(records.map((a) => [a.name, a.uploaded, a.sha256])).toEqual([
      ['invoice.pdf', true, sha(invoice)],
      ['photo.png', true, sha(photo)],
    ]);
    expect(attachedIds(firstMessage())).toEqual(records.map((a) => a.id));
    expect(uploads()).toHaveLength(2);
    // The record id is kept before its bytes go; the upload itself rides with the conversation's commit.
    expect([...s.saved.files.values()]).toEqual(records.map((a) => ({ remoteId: a.id, uploaded: true })));
  });

  it('after a lost upload reply, a retry reads the record, finds it uploaded, and neither uploads nor attaches it again', async () => {
    const s = store();
    const f1 = file('f1', 'invoice.pdf', invoice);
    emulator.control.injectFault({ kind: 'lost_reply', reply: 'close', method: 'POST', pathPrefix: '/s3/' });
    const failed = await destination()
      .openTicket(request([f1]), s.run(false))
      .catch((e: unknown) => e);
    expect(failed).toBeInstanceOf(ConnectorError);
    expect((failed as ConnectorError).kind).toBe('retryable');
    expect((failed as ConnectorError).detail.step).toBe('message');
    const [record] = emulator.control.attachments('acme');
    expect(s.saved.files.get('f1')).toEqual({ remoteId: record!.id, uploaded: false });

    await destination().openTicket(request([f1]), s.run(true));
    expect(f1.opened).toBe(1);
    expect(uploads()).toHaveLength(1);
    expect(emulator.control.attachments('acme')).toHaveLength(1);
    expect(attachedIds(firstMessage())).toEqual([record!.id]);
    expect(emulator.control.messages('acme')).toHaveLength(1);
  });

  it('after a lost create reply, a retry makes one record that is uploaded and attached; the lost one stays empty and unreferenced', async () => {
    const s = store();
    const f1 = file('f1', 'invoice.pdf', invoice);
    emulator.control.injectFault({ kind: 'lost_reply', method: 'POST', pathPrefix: '/v1/attachments' });
    await expect(destination().openTicket(request([f1]), s.run(false))).rejects.toMatchObject({ kind: 'retryable' });
    expect(s.saved.files.size).toBe(0);
    await destination().openTicket(request([f1]), s.run(true));
    const [orphan, sent] = emulator.control.attachments('acme');
    expect(orphan).toMatchObject({ uploaded: false, attachedTo: null, sha256: null });
    expect(sent).toMatchObject({ uploaded: true, sha256: sha(invoice) });
    expect(attachedIds(firstMessage())).toEqual([sent!.id]);
    expect(uploads()).toHaveLength(1);
  });

  it('after a lost message reply, a retry finds the message and sends no file again', async () => {
    const s = store();
    const f1 = file('f1', 'invoice.pdf', invoice);
    // The conversation's create is POST /v1/conversations: the first POST under /v1/conversations/ is the message.
    emulator.control.injectFault({ kind: 'lost_reply', method: 'POST', pathPrefix: '/v1/conversations/' });
    await expect(destination().openTicket(request([f1]), s.run(false))).rejects.toMatchObject({ kind: 'retryable', detail: { step: 'message' } });
    expect(s.saved.progress.messagePosted).toBe(false);
    await destination().openTicket(request([f1]), s.run(true));
    expect(emulator.control.messages('acme')).toHaveLength(1);
    expect(uploads()).toHaveLength(1);
    expect(f1.opened).toBe(1);
    expect(attachedIds(firstMessage())).toHaveLength(1);
  });

  it('sends the others when Kustomer refuses one file, and keeps why', async () => {
    const s = store();
    await destination().openTicket(request([file('f1', 'setup.exe', photo, 'application/octet-stream'), file('f2', 'invoice.pdf', invoice)]), s.run(false));
    expect(s.saved.files.get('f1')).toEqual({ refused: expect.stringContaining("can't be used as attachments") });
    expect(emulator.control.attachments('acme').map((a) => a.name)).toEqual(['invoice.pdf']);
    expect(attachedIds(firstMessage())).toHaveLength(1);
  });

  it('fails the upload, permanently, when storage gives other bytes than the size it announced', async () => {
    const s = store();
    const liar = { ...file('f1', 'invoice.pdf', invoice), size: invoice.length + 10 };
    await expect(destination().openTicket(request([liar]), s.run(false))).rejects.toMatchObject({ kind: 'permanent', detail: { step: 'message' } });
    expect(emulator.control.conversations('acme')).toHaveLength(0);
  });
});

describe('an injected transport', () => {
  it('streams files up and down through the fetch the platform injects (the in-process emulator of the app tests)', async () => {
    const inProcess = createKustomerEmulator({ now: clock.now });
    const org = seedDemoOrg(inProcess.control, { name: 'acme' });
    const d = kustomer.createClient({
      account: 'acme',
      secret: org.apiKey,
      transport: {
        baseUrlOverride: null,
        webUrlOverride: null,
        timeoutMs: 5_000,
        fetch: ((input: RequestInfo | URL, init?: RequestInit) => inProcess.fetch(new Request(input, init))) as typeof fetch,
      },
      interactive: false,
    });
    const s = store();
    await d.openTicket(request([file('f1', 'invoice.pdf', invoice)]), s.run(false));
    const [a] = inProcess.control.attachments('acme');
    expect(a).toMatchObject({ uploaded: true, sha256: sha(invoice) });
    const ticketId = s.saved.progress.ticketId!;
    inProcess.control.addNote({
      org: 'acme',
      id: ticketId,
      body: 'Back',
      attachments: [{ name: 'b.txt', contentType: 'text/plain', contentBase64: 'YmFjaw==' }],
    });
    const { items } = await d.readThreadSince!(ticketId, null);
    const back = items.find((i) => i.body === 'Back')!.attachments![0]!;
    expect(await new Response((await d.openAttachment!(back.remoteId)).stream).text()).toBe('back');
  });
});

describe('files on notes', () => {
  it('adds a note with its file once, even when the job runs again after a lost reply', async () => {
    const s = store();
    const d = destination();
    await d.openTicket(request([]), s.run(false));
    const ticketId = s.saved.progress.ticketId!;
    const f = file('n1', 'trace.log', Buffer.from('line\n'.repeat(300)), 'text/plain');
    emulator.control.injectFault({ kind: 'lost_reply', method: 'POST', pathPrefix: `/v1/conversations/${ticketId}/notes` });
    const cp = s.run(true).files;
    await expect(d.addNote(ticketId, { body: 'Logs', externalId: 'note:77', attachments: [f] }, { mayExist: false, files: cp })).rejects.toMatchObject({
      kind: 'retryable',
    });
    await d.addNote(ticketId, { body: 'Logs', externalId: 'note:77', attachments: [f] }, { mayExist: true, files: s.run(true).files });
    const notes = emulator.control.notes('acme').filter((n) => n.attributes.externalId === 'note:77');
    expect(notes).toHaveLength(1);
    expect(attachedIds(notes[0]!)).toHaveLength(1);
    expect(uploads()).toHaveLength(1);
  });

  it('needs per-file checkpoints to send files', async () => {
    await expect(
      destination().addNote('0123456789abcdef01234567', { body: 'x', externalId: 'note:1', attachments: [file('a', 'a.pdf', invoice)] }, { mayExist: false }),
    ).rejects.toThrow(/checkpoints/);
  });
});

describe('files from Kustomer', () => {
  it("lists an agent note's file with the thread and streams its bytes, refusing one over a size limit", async () => {
    const s = store();
    const d = destination();
    await d.openTicket(request([file('f1', 'invoice.pdf', invoice)]), s.run(false));
    const ticketId = s.saved.progress.ticketId!;
    const log = Buffer.from('ERROR 42\n'.repeat(500));
    emulator.control.addNote({
      org: 'acme',
      id: ticketId,
      body: 'Found it',
      attachments: [{ name: 'server.log', contentType: 'text/plain', contentBase64: log.toString('base64') }],
    });
    emulator.control.addMessage({
      org: 'acme',
      id: ticketId,
      body: 'Screenshot',
      direction: 'in',
      attachments: [{ name: 'shot.png', contentType: 'image/png', contentBase64: photo.toString('base64') }],
    });
    const { items } = await d.readThreadSince!(ticketId, null);
    const ours = items.find((i) => i.fromUs && i.kind === 'message');
    expect(ours?.attachments).toBeUndefined(); // our own files are not read back
    const note = items.find((i) => i.body === 'Found it')!;
    expect(note.attachments).toEqual([{ remoteId: expect.any(String), name: 'server.log', contentType: 'text/plain', size: log.length }]);
    const message = items.find((i) => i.body === 'Screenshot')!;
    expect(message.attachments).toEqual([{ remoteId: expect.any(String), name: 'shot.png', contentType: 'image/png', size: photo.length }]);

    const got = await d.openAttachment!(note.attachments![0]!.remoteId);
    expect(got).toMatchObject({ size: log.length, contentType: 'text/plain' });
    expect(Buffer.from(await new Response(got.stream).arrayBuffer())).toEqual(log);
    const shot = await d.openAttachment!(message.attachments![0]!.remoteId);
    expect(sha(Buffer.from(await new Response(shot.stream).arrayBuffer()))).toBe(sha(photo));
    await expect(d.openAttachment!(note.attachments![0]!.remoteId, { maxBytes: 100 })).rejects.toMatchObject({ kind: 'permanent' });
    // Each download reads its record for a fresh URL: one API call each, within the rate budget.
    expect(emulator.control.calls().filter((c) => c.method === 'GET' && c.path.includes('/attachments/')).length).toBeGreaterThanOrEqual(4);
  });

  it('reads the thread without files when the key lacks attachment.read, saying why', async () => {
    const s = store();
    await destination().openTicket(request([]), s.run(false));
    const ticketId = s.saved.progress.ticketId!;
    emulator.control.addNote({
      org: 'acme',
      id: ticketId,
      body: 'Found it',
      attachments: [{ name: 'a.txt', contentType: 'text/plain', contentBase64: 'YQ==' }],
    });
    const roles = ['conversation', 'note', 'message', 'customer', 'user'].flatMap((o) => [`org.permission.${o}.read`]);
    const narrow = emulator.control.createApiKey({ org: 'acme', roles }).key;
    const { items } = await destination(narrow).readThreadSince!(ticketId, null);
    const note = items.find((i) => i.body === 'Found it')!;
    expect(note.attachments).toBeUndefined();
    expect(note.attachmentsError).toContain('org.permission.attachment.read');
  });
});
