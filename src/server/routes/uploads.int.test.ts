/**
 * POST /uploads and DELETE /uploads/{id} over real HTTP, in both storage modes: a file is streamed in, stored as it
 * came and typed by its bytes; every refusal (too large, empty, a type that lies, a cut-off body) answers a clear
 * 4xx in the one error shape and leaves nothing behind in the database or the bucket.
 */
import http from 'node:http';
import { createHash, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { exe, pdf, png, text, zip } from '../../../test/support/attachment-files.ts';
import { STORAGE_MODES, startAttachmentStack, TEST_MAX_BYTES } from '../../../test/support/attachment-stack.ts';
import { waitFor } from '../../../test/support/test-app.ts';

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

describe.each(STORAGE_MODES)('uploads (%s storage)', async (mode) => {
  const s = await startAttachmentStack(mode);
  const agent = await s.t.createUser('agent');
  const requester = await s.t.createUser('requester');

  it('stores a file sent with Content-Length as it came, typed from its bytes, and gives it back byte for byte', async () => {
    const file = png({ padTo: 600_000 });
    const up = await s.upload(requester, 'screenshot.png', file);
    expect(up.status).toBe(201);
    expect(up.body).toMatchObject({ name: 'screenshot.png', size: file.length, contentType: 'image/png', sha256: sha(file), inline: true });
    expect(up.body.url).toBe(`/api/v1/attachments/${up.body.id}`);
    const down = await s.download(requester, up.body.url);
    expect(down.status).toBe(200);
    expect(Buffer.from(await down.arrayBuffer()).equals(file)).toBe(true);
  });

  it('stores a file sent chunked, without a length, across several chunks and parts', async () => {
    const file = Buffer.concat([zip(), randomBytes(6 * 1024 * 1024 + 12_345)]);
    const up = await s.upload(agent, 'logs.zip', file, { chunked: true, piece: 100_000 });
    expect(up.status).toBe(201);
    expect(up.body).toMatchObject({ size: file.length, contentType: 'application/zip', sha256: sha(file), inline: false });
    const down = await s.download(agent, up.body.id);
    expect(Buffer.from(await down.arrayBuffer()).equals(file)).toBe(true);
  });

  it('refuses a file over the limit with 413 naming the limit, before reading it, and stores nothing', async () => {
    const before = await s.leftovers();
    const up = await s.upload(agent, 'big.bin', randomBytes(TEST_MAX_BYTES + 1));
    expect(up.status).toBe(413);
    expect(up.body).toEqual({ error: { code: 'payload_too_large', message: 'A file may be at most 8 MB' } });
    expect(await s.leftovers()).toEqual(before);
  });

  it('stops reading a chunked upload once it passes the limit, answers 413 and removes what it had stored', async () => {
    const before = await s.leftovers();
    const reply = await rawUpload(s.port, agent.token, 'endless.bin', { chunks: 400, chunkBytes: 64 * 1024 });
    expect(reply.status).toBe(413);
    expect(JSON.parse(reply.body)).toEqual({ error: { code: 'payload_too_large', message: 'A file may be at most 8 MB' } });
    // The server stopped well before the client's 25 MB were sent.
    expect(reply.sentBytes).toBeLessThan(400 * 64 * 1024);
    await waitFor(async () => JSON.stringify(await s.leftovers()) === JSON.stringify(before));
  });

  it('refuses an empty file (422) and stores nothing', async () => {
    const before = await s.leftovers();
    for (const chunked of [false, true]) {
      const up = await s.upload(agent, 'empty.txt', new Uint8Array(0), { chunked });
      expect(up.status).toBe(422);
      expect(up.body.error).toEqual({ code: 'unprocessable', message: 'The file is empty' });
    }
    expect(await s.leftovers()).toEqual(before);
  });

  it.each([
    ['a .png that is a ZIP', 'photo.png', zip(), 'The file is named .png but its content is application/zip (.zip)'],
    ['a .png that is an executable', 'photo.png', exe(), 'The file is named .png but its content is application/x-msdownload (.exe)'],
    ['a .png that is text', 'photo.png', text(), 'The file is named .png but its content is no .png file'],
    ['a .pdf that is an executable', 'invoice.pdf', exe(), 'The file is named .pdf but its content is application/x-msdownload (.exe)'],
    ['a .txt that is an executable', 'readme.txt', exe(), 'The file is named .txt (text) but its content is application/x-msdownload (.exe)'],
  ])('refuses a type that lies about itself (%s) with 415 and stores nothing', async (_label, name, bytes, message) => {
    const before = await s.leftovers();
    const up = await s.upload(requester, name, bytes);
    expect(up.status).toBe(415);
    expect(up.body.error.code).toBe('unsupported_media_type');
    expect(up.body.error.message).toContain(message);
    expect(await s.leftovers()).toEqual(before);
  });

  it('accepts what is what it says, and names without a checkable extension, typed from the bytes', async () => {
    const cases: [string, Buffer, string][] = [
      ['contract.pdf', pdf(), 'application/pdf'],
      ['archive', zip(), 'application/zip'],
      ['setup.exe', exe(), 'application/x-msdownload'],
      ['diagram.svg', Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'), 'text/plain'],
      ['page.html', Buffer.from('<!doctype html><script>alert(1)</script>'), 'text/plain'],
      ['server.log', text(300_000), 'text/plain'],
      ['data.bin', Buffer.concat([Buffer.from('abc'), Buffer.from([0, 1, 2, 255])]), 'application/octet-stream'],
      ['latin1.csv', Buffer.from('Name;Stadt\nJürgen;Köln\n', 'latin1'), 'application/octet-stream'],
    ];
    for (const [name, bytes, type] of cases) {
      const up = await s.upload(agent, name, bytes);
      expect(up.status, name).toBe(201);
      expect(up.body.contentType, name).toBe(type);
    }
  });

  it('sanitises names: no path, control, direction or zero-width characters; refuses one left empty (400)', async () => {
    const cases: [string, string][] = [
      ['../../etc/passwd.txt', 'passwd.txt'],
      ['C:\\Users\\ada\\report.txt', 'report.txt'],
      ['report\u202Efdp.txt', 'reportfdp.txt'],
      ['bell\u0007 and\ttab\r\n.txt', 'bell and tab .txt'],
      ['zero\u200Bwidth\u2066.txt', 'zerowidth.txt'],
      ['what?<is>this".txt', 'what__is_this_.txt'],
      ['  ...hidden.txt.  ', 'hidden.txt'],
    ];
    for (const [raw, stored] of cases) {
      const up = await s.upload(agent, raw, text(10));
      expect(up.status, raw).toBe(201);
      expect(up.body.name, raw).toBe(stored);
    }
    const before = await s.leftovers();
    for (const raw of ['../', '\u202E\u0000', ' . ']) {
      const up = await s.upload(agent, raw, text(10));
      expect(up.status, JSON.stringify(raw)).toBe(400);
      expect(up.body.error.code).toBe('validation_failed');
    }
    expect(await s.leftovers()).toEqual(before);
  });

  it('keeps nothing of an upload cut off half way by the client', async () => {
    const before = await s.leftovers();
    for (const chunked of [false, true]) {
      await rawUpload(s.port, agent.token, 'half.bin', { chunks: 40, chunkBytes: 64 * 1024, abortAfter: 20, chunked });
      await waitFor(async () => JSON.stringify(await s.leftovers()) === JSON.stringify(before));
    }
  });

  it("refuses uploads past one person's allowance of unsent files (413), which sending or removing frees", async () => {
    const small = await startAttachmentStack(mode, { ATTACHMENTS_MAX_REQUEST_BYTES: String(1024 * 1024) });
    const someone = await small.t.createUser('requester');
    const first = await small.upload(someone, 'a.bin', randomBytes(700 * 1024));
    expect(first.status).toBe(201);
    const second = await small.upload(someone, 'b.bin', randomBytes(700 * 1024));
    expect(second.status).toBe(413);
    expect(second.body.error.message).toBe('Your uploads not sent yet may total at most 1 MB (324 KB left): send or remove some first');
    expect((await small.t.api(someone, 'DELETE', `/api/v1/uploads/${first.body.id}`)).status).toBe(204);
    expect((await small.upload(someone, 'b.bin', randomBytes(700 * 1024))).status).toBe(201);
  });

  it('lets the uploader remove an upload not sent yet (204), and nobody else (404)', async () => {
    const up = await s.upload(requester, 'draft.txt', text(1000));
    const before = await s.leftovers();
    expect((await s.t.api(agent, 'DELETE', `/api/v1/uploads/${up.body.id}`)).status).toBe(404);
    expect((await s.download(agent, up.body.id)).status).toBe(404);
    const removed = await s.t.api(requester, 'DELETE', `/api/v1/uploads/${up.body.id}`);
    expect(removed.status).toBe(204);
    const after = await s.leftovers();
    expect(after.rows).toBe(before.rows - 1);
    expect(mode === 's3' ? after.objects : after.chunks).toBe((mode === 's3' ? before.objects : before.chunks) - 1);
    expect((await s.download(requester, up.body.id)).status).toBe(404);
    expect((await s.t.api(requester, 'DELETE', `/api/v1/uploads/${up.body.id}`)).status).toBe(404);
  });

  it('refuses to remove an upload once it was sent with a comment (409)', async () => {
    const req = (await s.t.api(requester, 'POST', '/api/v1/requests', { title: 'Printer on fire' })).body;
    const up = await s.upload(requester, 'fire.png', png());
    expect((await s.t.api(requester, 'POST', `/api/v1/requests/${req.id}/comments`, { body: 'see', attachmentIds: [up.body.id] })).status).toBe(201);
    const res = await s.t.api(requester, 'DELETE', `/api/v1/uploads/${up.body.id}`);
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('conflict');
  });
});

/**
 * An upload written on a raw socket: `chunks` writes of `chunkBytes`, declared (Content-Length) or chunked, stopped
 * after `abortAfter` writes by destroying the socket. Resolves with the answer (if any) and how much was written.
 */
function rawUpload(
  port: number,
  token: string,
  name: string,
  o: { chunks: number; chunkBytes: number; abortAfter?: number; chunked?: boolean },
): Promise<{ status: number | null; body: string; sentBytes: number }> {
  return new Promise((resolve) => {
    const chunked = o.chunked ?? o.abortAfter === undefined;
    const headers: Record<string, string> = { authorization: `Bearer ${token}` };
    if (!chunked) headers['content-length'] = String(o.chunks * o.chunkBytes);
    const req = http.request({ host: '127.0.0.1', port, method: 'POST', path: `/api/v1/uploads?name=${encodeURIComponent(name)}`, headers });
    let sentBytes = 0;
    let status: number | null = null;
    let body = '';
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      resolve({ status, body, sentBytes });
    };
    req.on('response', (res) => {
      status = res.statusCode ?? null;
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', finish);
      res.on('error', finish);
    });
    req.on('error', finish);
    req.on('close', () => setTimeout(finish, 50));
    const piece = randomBytes(o.chunkBytes);
    let i = 0;
    const writeMore = () => {
      while (i < o.chunks && status === null && !req.destroyed) {
        if (o.abortAfter !== undefined && i === o.abortAfter) {
          req.destroy();
          return;
        }
        i += 1;
        sentBytes += piece.length;
        if (!req.write(piece)) return void req.once('drain', writeMore);
      }
      if (i >= o.chunks && !req.destroyed) req.end();
    };
    writeMore();
  });
}
