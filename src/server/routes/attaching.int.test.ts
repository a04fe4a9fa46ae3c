/**
 * Attaching uploads to what they are sent with (a new request, a reply, an internal note), in both storage modes:
 * in the same transaction, only the sender's own unsent uploads, within the per-comment and per-request limits; a
 * refused comment writes nothing and leaves its uploads unattached, and the prune job deletes unattached uploads
 * once their grace period is over.
 */
import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { addJob, enqueue } from '../../db/transaction.ts';
import { png, text } from '../../../test/support/attachment-files.ts';
import { STORAGE_MODES, startAttachmentStack } from '../../../test/support/attachment-stack.ts';

describe.each(STORAGE_MODES)('attaching uploads (%s storage)', async (mode) => {
  const s = await startAttachmentStack(mode, { ATTACHMENTS_PER_COMMENT: '3', ATTACHMENTS_MAX_REQUEST_BYTES: String(2 * 1024 * 1024) });
  const { t } = s;
  const agent = await t.createUser('agent');
  const requester = await t.createUser('requester');
  const other = await t.createUser('requester');
  const newRequest = async (title = 'VPN drops') => (await t.api(requester, 'POST', '/api/v1/requests', { title })).body;
  const upload = async (who = requester, name = 'shot.png', bytes: Buffer = png()) => {
    const res = await s.upload(who, name, bytes);
    expect(res.status).toBe(201);
    return res.body;
  };
  const entryCount = async (requestId: string) => (await t.db.selectFrom('timeline_entries').select('id').where('request_id', '=', requestId).execute()).length;
  const unattached = async (ids: string[]) =>
    (await t.db.selectFrom('attachments').select('id').where('id', 'in', ids).where('timeline_entry_id', 'is', null).execute()).length;

  it('a reply carries its files in its answer and on the timeline, in the order they were uploaded', async () => {
    const req = await newRequest();
    const a = await upload(requester, 'first.png');
    const b = await upload(requester, 'notes.txt', text(500));
    const reply = await t.api(requester, 'POST', `/api/v1/requests/${req.id}/comments`, { body: 'Both attached', attachmentIds: [a.id, b.id] });
    expect(reply.status).toBe(201);
    expect(reply.body.attachments).toEqual([a, b]);
    const timeline = (await t.api(agent, 'GET', `/api/v1/requests/${req.id}/timeline`)).body.items;
    const entry = timeline.find((e: { id: string }) => e.id === reply.body.id);
    expect(entry.attachments).toEqual([a, b]);
    expect(timeline.filter((e: { id: string }) => e.id !== reply.body.id).every((e: { attachments: unknown[] }) => e.attachments.length === 0)).toBe(true);
  });

  it("a new request carries its files on its creation entry, and an agent may attach their own uploads on a requester's behalf", async () => {
    const a = await upload(requester, 'error.png');
    const created = await t.api(requester, 'POST', '/api/v1/requests', { title: 'Error dialog', attachmentIds: [a.id] });
    expect(created.status).toBe(201);
    const [first] = (await t.api(requester, 'GET', `/api/v1/requests/${created.body.id}/timeline`)).body.items;
    expect(first.type).toBe('request.created');
    expect(first.attachments).toEqual([a]);
    const b = await upload(agent, 'log.txt', text(100));
    const onBehalf = await t.api(agent, 'POST', '/api/v1/requests', { title: 'Filed for Riley', requesterId: requester.id, attachmentIds: [b.id] });
    expect(onBehalf.status).toBe(201);
    const [entry] = (await t.api(requester, 'GET', `/api/v1/requests/${onBehalf.body.id}/timeline`)).body.items;
    expect(entry.attachments.map((x: { id: string }) => x.id)).toEqual([b.id]);
  });

  it("an internal note's files are internal: the requester's timeline has neither the note nor its files", async () => {
    const req = await newRequest();
    const a = await upload(agent, 'internal.txt', text(200));
    const note = await t.api(agent, 'POST', `/api/v1/requests/${req.id}/comments`, { body: 'Internal', visibility: 'internal', attachmentIds: [a.id] });
    expect(note.status).toBe(201);
    expect(note.body.attachments).toEqual([a]);
    const mine = (await t.api(requester, 'GET', `/api/v1/requests/${req.id}/timeline`)).body.items;
    expect(JSON.stringify(mine)).not.toContain(a.id);
  });

  it('refuses more files than a comment may carry (422): no comment is written and the files stay unattached', async () => {
    const req = await newRequest();
    const ids = [];
    for (let i = 0; i < 4; i++) ids.push((await upload(requester, `f${i}.txt`, text(50))).id);
    const before = await entryCount(req.id);
    const res = await t.api(requester, 'POST', `/api/v1/requests/${req.id}/comments`, { body: 'four', attachmentIds: ids });
    expect(res.status).toBe(422);
    expect(res.body).toEqual({ error: { code: 'unprocessable', message: 'At most 3 files can be attached at once; this has 4' } });
    expect(await entryCount(req.id)).toBe(before);
    expect(await unattached(ids)).toBe(4);
    // The sender can retry with fewer, without uploading again.
    expect((await t.api(requester, 'POST', `/api/v1/requests/${req.id}/comments`, { body: 'three', attachmentIds: ids.slice(0, 3) })).status).toBe(201);
  });

  it("refuses ids that are not the sender's unsent uploads (someone else's, already sent, removed, unknown): 422, nothing written", async () => {
    const req = await newRequest();
    const theirs = await upload(other, 'theirs.txt', text(10));
    const sent = await upload(requester, 'sent.txt', text(10));
    expect((await t.api(requester, 'POST', `/api/v1/requests/${req.id}/comments`, { body: 'once', attachmentIds: [sent.id] })).status).toBe(201);
    const removed = await upload(requester, 'gone.txt', text(10));
    expect((await t.api(requester, 'DELETE', `/api/v1/uploads/${removed.id}`)).status).toBe(204);
    const mine = await upload(requester, 'mine.txt', text(10));
    const unknown = '00000000-0000-4000-8000-000000000000';
    for (const bad of [theirs.id, sent.id, removed.id, unknown]) {
      const before = await entryCount(req.id);
      const res = await t.api(requester, 'POST', `/api/v1/requests/${req.id}/comments`, { body: 'again', attachmentIds: [mine.id, bad] });
      expect(res.status, bad).toBe(422);
      expect(res.body.error.details).toEqual({ attachmentIds: [bad] });
      expect(await entryCount(req.id)).toBe(before);
    }
    expect(await unattached([mine.id, theirs.id])).toBe(2);
    const created = await t.api(requester, 'POST', '/api/v1/requests', { title: 'with theirs', attachmentIds: [theirs.id] });
    expect(created.status).toBe(422);
    expect((await t.api(requester, 'GET', '/api/v1/requests?q=with%20theirs')).body.items).toEqual([]);
  });

  it('attaches an upload sent by two comments at once to exactly one of them', async () => {
    const [r1, r2] = [await newRequest('one'), await newRequest('two')];
    const a = await upload(requester, 'race.txt', text(10));
    const replies = await Promise.all(
      [r1, r2].map((r) => t.api(requester, 'POST', `/api/v1/requests/${r.id}/comments`, { body: 'race', attachmentIds: [a.id] })),
    );
    expect(replies.map((r) => r.status).sort()).toEqual([201, 422]);
    const rows = await t.db.selectFrom('attachments').select(['request_id']).where('id', '=', a.id).execute();
    expect(rows).toHaveLength(1);
  });

  it('refuses files that would take a request past its total (422, naming the limit); what is attached stays', async () => {
    const req = await newRequest();
    const big = [await upload(requester, 'a.bin', randomBytes(900 * 1024)), await upload(requester, 'b.bin', randomBytes(900 * 1024))];
    expect((await t.api(requester, 'POST', `/api/v1/requests/${req.id}/comments`, { body: 'ok', attachmentIds: big.map((b) => b.id) })).status).toBe(201);
    const more = await upload(requester, 'c.bin', randomBytes(400 * 1024));
    const res = await t.api(requester, 'POST', `/api/v1/requests/${req.id}/comments`, { body: 'too much', attachmentIds: [more.id] });
    expect(res.status).toBe(422);
    expect(res.body.error.message).toBe("A request's files may total at most 2 MB; it has 1.8 MB and these add 400 KB");
    expect(await unattached([more.id])).toBe(1);
  });

  it('deletes unattached uploads past their grace period with the scheduled prune job, bytes included, and keeps the rest', async () => {
    const req = await newRequest();
    const old = await upload(requester, 'forgotten.png', png({ padTo: 300_000 }));
    const failed = await upload(requester, 'failed.txt', text(100));
    // A comment that fails after its files were uploaded: they stay unattached, to be pruned later.
    expect((await t.api(requester, 'POST', `/api/v1/requests/${req.id}/comments`, { body: '', attachmentIds: [failed.id] })).status).toBe(400);
    const fresh = await upload(requester, 'fresh.txt', text(100));
    const oldSent = await upload(requester, 'sent.txt', text(100));
    expect((await t.api(requester, 'POST', `/api/v1/requests/${req.id}/comments`, { body: 'sent', attachmentIds: [oldSent.id] })).status).toBe(201);
    const dayAgo = sql<Date>`now() - interval '25 hours'`;
    await t.db.updateTable('attachments').set({ created_at: dayAgo }).where('id', 'in', [old.id, failed.id, oldSent.id]).execute();
    const before = await s.leftovers();

    await t.startWorker();
    const crons = await sql<{ identifier: string }>`select identifier from graphile_worker._private_known_crontabs`.execute(t.db);
    expect(crons.rows.map((r) => r.identifier)).toContain('prune-attachments');
    await enqueue(t.db, addJob('prune-attachments', {}));
    await t.waitFor(async () => (await t.db.selectFrom('attachments').select('id').where('id', 'in', [old.id, failed.id]).execute()).length === 0);

    const after = await s.leftovers();
    expect(after.rows).toBe(before.rows - 2);
    if (mode === 's3') expect(after.objects).toBe(before.objects - 2);
    else expect(after.chunks).toBe(before.chunks - 3); // 300 KB in two chunks, 100 bytes in one
    for (const kept of [fresh, oldSent]) expect((await s.download(requester, kept.id)).status).toBe(200);
    expect((await s.download(requester, old.id)).status).toBe(404);
  });
});
