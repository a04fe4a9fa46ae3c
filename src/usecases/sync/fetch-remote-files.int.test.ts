/**
 * Files back from Kustomer, end to end, in both storage modes (Postgres chunks, and an S3 bucket served by s3rver):
 * the Kustomer emulator over HTTP, the real worker, Bridgedesk's storage. A note's or message's files in Kustomer
 * arrive on the request's entry for it, byte for byte and once each however the download is retried, stored where
 * the mode says and downloadable through the API; who may download them follows the entry; a file over the limit is
 * listed, not stored.
 */
import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { seedDemoOrg, serveEmulator } from '../../connectors/kustomer/emulator/index.ts';
import { png, text } from '../../../test/support/attachment-files.ts';
import { STORAGE_MODES, startAttachmentStack, type StorageMode } from '../../../test/support/attachment-stack.ts';
import { enqueueJob } from '../../db/transaction.ts';
import { queueThreadRead } from './read-thread.ts';

/** The per-file limit of these stacks: small, so an over-limit file is cheap to make. */
const MAX_BYTES = 200_000;
// One Kustomer for both modes: each mode's Bridgedesk (its own database, and bucket in S3 mode) links its own conversations.
const emulator = await serveEmulator({ port: 0, rateWindowMs: 2000 });
afterAll(() => emulator.close());
const demo = seedDemoOrg(emulator.control, { name: 'acme' });
emulator.control.updateOrg('acme', { rateLimitPerMinute: 100_000 });
afterEach(() => emulator.control.clearFaults());
const sha = (b: Buffer | ArrayBuffer) =>
  createHash('sha256')
    .update(Buffer.from(b as ArrayBuffer))
    .digest('hex');
const file = (name: string, contentType: string, bytes: Buffer) => ({ name, contentType, contentBase64: bytes.toString('base64') });

interface Entry {
  id: string;
  type: string;
  visibility: string;
  data: { remoteId?: string; files?: { name: string; tooLarge?: boolean }[] };
  attachments: { id: string; name: string; size: number; sha256: string; url: string }[];
}

describe.each(STORAGE_MODES)('files on Kustomer notes and messages (%s storage)', async (mode: StorageMode) => {
  const stack = await startAttachmentStack(mode, {
    KUSTOMER_BASE_URL: emulator.url,
    KUSTOMER_WEB_URL: emulator.url,
    KUSTOMER_RATE_WINDOW_MS: '2000',
    ATTACHMENT_MAX_BYTES: String(MAX_BYTES),
  });
  const { t } = stack;
  const admin = await t.createUser('admin');
  const agent = await t.createUser('agent', { name: 'Ada Agent' });
  const requester = await t.createUser('requester', { name: 'Riley Requester', email: 'riley@corp.example' });

  beforeAll(async () => {
    expect((await t.api(admin, 'PUT', '/api/v1/integrations/kustomer', { orgName: 'acme', apiKey: demo.apiKey })).status).toBe(200);
    await t.api(admin, 'PATCH', '/api/v1/integrations/kustomer', { queues: [{ remoteId: demo.queues.vip.id, enabled: true }] });
    await t.startWorker({ concurrency: 4, retryBaseMs: 50 });
  });

  /** A request by Riley escalated to a Kustomer conversation, linked. */
  async function linkedRequest(title: string) {
    const r = await t.api(requester, 'POST', '/api/v1/requests', { title });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    const e = await t.api(agent, 'POST', `/api/v1/requests/${r.body.id}/escalations`, {
      destination: 'kustomer',
      queueId: demo.queues.vip.id,
      channel: 'email',
      priority: 3,
      subject: title,
      message: 'Please look',
    });
    expect(e.status, JSON.stringify(e.body)).toBe(202);
    const esc = await t.waitFor(async () => {
      const x = (await t.api(agent, 'GET', `/api/v1/escalations/${e.body.id}`)).body;
      return x.state === 'linked' ? x : undefined;
    }, 30_000);
    return { requestId: r.body.id as string, escalationId: esc.id as string, conversationId: esc.conversationId as string };
  }

  /** The request's entry of type `type` once it has `n` attachments (the fetch job's work), as the agent sees it. */
  async function entryWithFiles(requestId: string, type: string, n: number): Promise<Entry> {
    return t.waitFor(async () => {
      const items: Entry[] = (await t.api(agent, 'GET', `/api/v1/requests/${requestId}/timeline`)).body.items;
      const e = items.find((i) => i.type === type);
      return e && e.attachments.length >= n ? e : undefined;
    }, 30_000);
  }

  /** Waits until no fetch-remote-files job is left (done, retries included). */
  const fetchesDone = () =>
    t.waitFor(async () => {
      const { rows } = await sql<{ n: string }>`select count(*) as n from graphile_worker.jobs where task_identifier = 'fetch-remote-files'`.execute(t.db);
      return rows[0]!.n === '0' ? true : undefined;
    }, 30_000);

  /**
   * Every copy's bytes are in this mode's storage (a chunk per piece in Postgres, an object in the bucket), and
   * nothing is stored that no attachment row names: a copy discarded as one too many leaves no bytes behind.
   */
  async function expectStorageMatchesRows() {
    const rows = await t.db.selectFrom('attachments').select(['storage_kind', 'storage_key']).execute();
    expect(rows.filter((r) => r.storage_kind !== mode)).toEqual([]);
    if (mode === 's3') expect((await stack.leftovers()).objects).toBe(rows.length);
    else {
      const { rows: owners } = await sql<{ key: string }>`select distinct attachment_id::text as key from attachment_chunks`.execute(t.db);
      expect(owners.map((o) => o.key).sort()).toEqual(rows.map((r) => r.storage_key).sort());
    }
  }

  it("a Kustomer agent's note with a file puts the file, byte for byte, on the request's internal note entry; the requester gets 404 for it", async () => {
    const { requestId, escalationId, conversationId } = await linkedRequest('Note with a file');
    const shot = png({ width: 30, height: 20, padTo: 30_000 });
    emulator.control.addNote({ org: 'acme', id: conversationId, body: 'Screenshot of the fault', attachments: [file('fault.png', 'image/png', shot)] });
    await queueThreadRead(t.db, escalationId);
    const entry = await entryWithFiles(requestId, 'sync.note_received', 1);
    expect(entry.visibility).toBe('internal');
    expect(entry.data.files?.map((f) => f.name)).toEqual(['fault.png']);
    expect(entry.attachments.map((a) => [a.name, a.size, a.sha256])).toEqual([['fault.png', shot.length, sha(shot)]]);
    const got = await stack.download(agent, entry.attachments[0]!.url);
    expect(got.status).toBe(200);
    expect(sha(await got.arrayBuffer())).toBe(sha(shot));
    // Internal: the requester never sees the note, nor its file by any path.
    expect((await stack.download(requester, entry.attachments[0]!.id)).status).toBe(404);
    const theirs: Entry[] = (await t.api(requester, 'GET', `/api/v1/requests/${requestId}/timeline`)).body.items;
    expect(theirs.some((i) => i.type === 'sync.note_received')).toBe(false);
    const row = await t.db
      .selectFrom('attachments')
      .select(['uploaded_by', 'remote_file_id'])
      .where('id', '=', entry.attachments[0]!.id)
      .executeTakeFirstOrThrow();
    expect(row.uploaded_by).toBeNull();
    expect(row.remote_file_id).not.toBeNull();
    await expectStorageMatchesRows();
  });

  it("a customer's message with a file puts the file on the request's message entry, with that entry's visibility", async () => {
    const { requestId, escalationId, conversationId } = await linkedRequest('Message with a file');
    const log = text(5_000);
    emulator.control.addMessage({
      org: 'acme',
      id: conversationId,
      body: 'Here is my log',
      direction: 'in',
      attachments: [file('app.log', 'text/plain', log)],
    });
    await queueThreadRead(t.db, escalationId);
    const entry = await entryWithFiles(requestId, 'sync.message_received', 1);
    expect(entry.attachments.map((a) => [a.name, a.sha256])).toEqual([['app.log', sha(log)]]);
    const row = await t.db.selectFrom('timeline_entries').select('visibility').where('id', '=', entry.id).executeTakeFirstOrThrow();
    const attached = await t.db.selectFrom('attachments').select('timeline_entry_id').where('id', '=', entry.attachments[0]!.id).executeTakeFirstOrThrow();
    expect(attached.timeline_entry_id).toBe(entry.id);
    // Thread entries are internal (read-thread.ts): the file is too.
    expect(row.visibility).toBe('internal');
    expect((await stack.download(requester, entry.attachments[0]!.id)).status).toBe(404);
    await expectStorageMatchesRows();
  });

  it('stores each file once when a download reply is lost and the job is retried', async () => {
    const { requestId, escalationId, conversationId } = await linkedRequest('Lost download');
    const a = png({ width: 8, height: 8, rgb: [1, 2, 3] });
    const b = text(3_000);
    // The first download from Kustomer's file storage loses its reply: that try fails, the retry copies the rest.
    emulator.control.injectFault({ kind: 'lost_reply', method: 'GET', pathPrefix: '/s3/', count: 1 });
    emulator.control.addNote({
      org: 'acme',
      id: conversationId,
      body: 'Two files',
      attachments: [file('a.png', 'image/png', a), file('b.txt', 'text/plain', b)],
    });
    await queueThreadRead(t.db, escalationId);
    const entry = await entryWithFiles(requestId, 'sync.note_received', 2);
    await fetchesDone();
    expect(emulator.control.faults().map((f) => f.applied)).toEqual([1]);
    const rows = await t.db.selectFrom('attachments').select(['name', 'sha256']).where('timeline_entry_id', '=', entry.id).orderBy('name').execute();
    expect(rows).toEqual([
      { name: 'a.png', sha256: sha(a) },
      { name: 'b.txt', sha256: sha(b) },
    ]);
    // Nothing stored twice, nothing left unattached by the failed try.
    expect(await t.db.selectFrom('attachments').select('id').where('uploaded_by', 'is', null).where('timeline_entry_id', 'is', null).execute()).toEqual([]);
    await expectStorageMatchesRows();
    // Both come back through the API byte for byte, the one whose first download failed included.
    for (const [a2, bytes] of [
      [entry.attachments.find((x) => x.name === 'a.png')!, a],
      [entry.attachments.find((x) => x.name === 'b.txt')!, b],
    ] as const) {
      const got = await stack.download(agent, a2.url);
      expect(got.status).toBe(200);
      expect(Buffer.from(await got.arrayBuffer()).equals(bytes)).toBe(true);
    }
  });

  it('a second run of the job for the same entry attaches nothing again', async () => {
    const { requestId, escalationId, conversationId } = await linkedRequest('Run twice');
    const bytes = text(2_000);
    emulator.control.addNote({ org: 'acme', id: conversationId, body: 'Once', attachments: [file('once.txt', 'text/plain', bytes)] });
    await queueThreadRead(t.db, escalationId);
    const entry = await entryWithFiles(requestId, 'sync.note_received', 1);
    await fetchesDone();
    await enqueueJob(t.db, 'fetch-remote-files', { escalationId, entryId: entry.id });
    await fetchesDone();
    const rows = await t.db.selectFrom('attachments').select('id').where('timeline_entry_id', '=', entry.id).execute();
    expect(rows).toHaveLength(1);
    await expectStorageMatchesRows();
  });

  it('a file over the size limit is not stored: the entry lists it as too large', async () => {
    const { requestId, escalationId, conversationId } = await linkedRequest('Too large');
    const big = png({ width: 10, height: 10, padTo: MAX_BYTES + 1_000 });
    const small = text(1_000);
    emulator.control.addNote({
      org: 'acme',
      id: conversationId,
      body: 'A big one and a small one',
      attachments: [file('huge.png', 'image/png', big), file('small.txt', 'text/plain', small)],
    });
    await queueThreadRead(t.db, escalationId);
    const entry = await entryWithFiles(requestId, 'sync.note_received', 1);
    await fetchesDone();
    expect(entry.data.files).toEqual([expect.objectContaining({ name: 'huge.png', tooLarge: true }), expect.not.objectContaining({ tooLarge: true })]);
    const rows = await t.db.selectFrom('attachments').select('name').where('timeline_entry_id', '=', entry.id).execute();
    expect(rows.map((r) => r.name)).toEqual(['small.txt']);
    expect(await t.db.selectFrom('attachments').select('id').where('name', '=', 'huge.png').execute()).toEqual([]);
    await expectStorageMatchesRows();
  });

  it('a file whose bytes contradict its name is not stored, and the timeline says which and why', async () => {
    const { requestId, escalationId, conversationId } = await linkedRequest('Lying file');
    emulator.control.addNote({ org: 'acme', id: conversationId, body: 'Odd file', attachments: [file('photo.png', 'image/png', text(500))] });
    await queueThreadRead(t.db, escalationId);
    const line = await t.waitFor(async () => {
      const items: Entry[] = (await t.api(agent, 'GET', `/api/v1/requests/${requestId}/timeline`)).body.items;
      return items.find((i) => i.type === 'sync.files_not_copied');
    }, 30_000);
    expect(line.visibility).toBe('internal');
    expect((line.data as { files: { name: string }[] }).files.map((f) => f.name)).toEqual(['photo.png']);
    expect(await t.db.selectFrom('attachments').select('id').where('name', '=', 'photo.png').execute()).toEqual([]);
    await expectStorageMatchesRows();
  });
});
