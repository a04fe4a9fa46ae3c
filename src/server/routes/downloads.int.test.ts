/**
 * GET /attachments/{id} over real HTTP, in both storage modes: who may download (the role checks of the entry the
 * file belongs to, 404 rather than 403), the safe headers every file is served with, conditional requests, and
 * range requests across chunk and part boundaries.
 */
import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { pdf, png, text, zip } from '../../../test/support/attachment-files.ts';
import { STORAGE_MODES, startAttachmentStack } from '../../../test/support/attachment-stack.ts';

describe.each(STORAGE_MODES)('downloads (%s storage)', async (mode) => {
  const s = await startAttachmentStack(mode);
  const { t } = s;
  const agent = await t.createUser('agent');
  const admin = await t.createUser('admin');
  const requester = await t.createUser('requester');
  const follower = await t.createUser('requester');
  const stranger = await t.createUser('requester');

  // One request with a public reply and an internal note, each with a file; a follower; an unsent upload.
  const req = (await t.api(requester, 'POST', '/api/v1/requests', { title: 'Files' })).body;
  expect((await t.api(agent, 'PUT', `/api/v1/requests/${req.id}/followers/${follower.id}`)).status).toBe(204);
  const publicFile = (await s.upload(requester, 'screenshot.png', png())).body;
  const internalFile = (await s.upload(agent, 'diagnosis.txt', text(300))).body;
  expect((await t.api(requester, 'POST', `/api/v1/requests/${req.id}/comments`, { body: 'see', attachmentIds: [publicFile.id] })).status).toBe(201);
  const noteBody = { body: 'internal', visibility: 'internal', attachmentIds: [internalFile.id] };
  expect((await t.api(agent, 'POST', `/api/v1/requests/${req.id}/comments`, noteBody)).status).toBe(201);
  const unsent = (await s.upload(requester, 'draft.png', png())).body;

  const status = async (who: typeof agent, id: string) => {
    const res = await s.download(who, id);
    await res.arrayBuffer();
    return res.status;
  };

  it("gives a public reply's file to the requester, a follower and staff, and to nobody else (404, as if it did not exist)", async () => {
    for (const who of [requester, follower, agent, admin]) expect(await status(who, publicFile.id), who.email).toBe(200);
    const res = await s.download(stranger, publicFile.id);
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ error: { code: 'not_found', message: 'Attachment not found' } });
  });

  it("never gives an internal note's file to a requester, not even the request's own (404); staff get it", async () => {
    for (const who of [requester, follower, stranger]) expect(await status(who, internalFile.id), who.email).toBe(404);
    for (const who of [agent, admin]) expect(await status(who, internalFile.id), who.email).toBe(200);
  });

  it('gives an upload not sent yet only to its uploader (its preview), not even to staff', async () => {
    expect(await status(requester, unsent.id)).toBe(200);
    for (const who of [agent, admin, follower]) expect(await status(who, unsent.id), who.email).toBe(404);
  });

  it('answers 401 without a token and 404 for an id that is no attachment', async () => {
    expect((await fetch(`${s.base}${publicFile.url}`)).status).toBe(401);
    expect(await status(agent, '00000000-0000-4000-8000-000000000000')).toBe(404);
  });

  it('shows images and PDFs in place and nothing else; every file with nosniff, a CSP that allows nothing, and its ETag', async () => {
    const cases: [string, Buffer, string, boolean][] = [
      ['photo.png', png(), 'image/png', true],
      ['contract.pdf', pdf(), 'application/pdf', true],
      ['archive.zip', zip(), 'application/zip', false],
      ['logo.svg', Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'), 'text/plain; charset=utf-8', false],
      ['page.html', Buffer.from('<html><script>alert(document.cookie)</script></html>'), 'text/plain; charset=utf-8', false],
    ];
    for (const [name, bytes, type, inline] of cases) {
      const up = (await s.upload(agent, name, bytes)).body;
      const res = await s.download(agent, up.id);
      expect(res.status, name).toBe(200);
      expect(res.headers.get('content-type'), name).toBe(type);
      expect(res.headers.get('content-disposition'), name).toBe(`${inline ? 'inline' : 'attachment'}; filename="${name}"; filename*=UTF-8''${name}`);
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('content-security-policy')).toBe("default-src 'none'; sandbox");
      expect(res.headers.get('etag')).toBe(`"${up.sha256}"`);
      expect(res.headers.get('content-length')).toBe(String(bytes.length));
      expect(Buffer.from(await res.arrayBuffer()).equals(bytes)).toBe(true);
    }
  });

  it('names a download with non-ASCII characters in UTF-8, with an ASCII fallback', async () => {
    const up = (await s.upload(agent, 'Überweisung "März" 日本.txt', text(20))).body;
    const res = await s.download(agent, up.id);
    await res.arrayBuffer();
    expect(up.name).toBe('Überweisung _März_ 日本.txt');
    expect(res.headers.get('content-disposition')).toBe(
      `attachment; filename="_berweisung _M_rz_ __.txt"; filename*=UTF-8''${encodeURIComponent('Überweisung _März_ 日本.txt')}`,
    );
  });

  it('answers 304 to If-None-Match with its ETag', async () => {
    const res = await s.download(requester, publicFile.id, { 'if-none-match': `"${publicFile.sha256}"` });
    expect(res.status).toBe(304);
    expect(await res.text()).toBe('');
    expect((await s.download(requester, publicFile.id, { 'if-none-match': '"something-else"' })).status).toBe(200);
  });

  it.runIf(mode === 'postgres')('cuts off the download of a file missing a chunk, having sent no byte from the wrong place', async () => {
    const file = randomBytes(10 * 256 * 1024);
    const up = (await s.upload(agent, 'damaged.bin', file)).body;
    await sql`delete from attachment_chunks where attachment_id = ${up.id} and seq = 3`.execute(t.db);
    const res = await s.download(agent, up.id);
    expect(res.status).toBe(200);
    const received: Buffer[] = [];
    const reader = res.body!.getReader();
    const cutOff = await (async () => {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return false;
        received.push(Buffer.from(value));
      }
    })().catch(() => true);
    const bytes = Buffer.concat(received);
    expect(cutOff).toBe(true);
    // Nothing but the file's own bytes: no error message appended (the Node server's default on a body error).
    expect(bytes.equals(file.subarray(0, bytes.length))).toBe(true);
    expect(bytes.length).toBeLessThanOrEqual(3 * 256 * 1024);
  });

  describe('ranges of a large file', async () => {
    // Several Postgres chunks (256 KB) and more than one S3 part.
    const file = Buffer.concat([zip(), randomBytes(6 * 1024 * 1024)]);
    const big = (await s.upload(agent, 'big.zip', file, { chunked: true })).body;
    const range = async (header: string, extra: Record<string, string> = {}) => {
      const res = await s.download(agent, big.id, { range: header, ...extra });
      return { status: res.status, headers: res.headers, body: Buffer.from(await res.arrayBuffer()) };
    };

    it.each([
      ['bytes=0-99', 0, 99],
      ['bytes=262100-262200', 262100, 262200],
      // Exactly one Postgres chunk; across the end of a Postgres read batch (8 chunks); a whole batch.
      ['bytes=262144-524287', 262144, 524287],
      ['bytes=2097100-2097200', 2097100, 2097200],
      ['bytes=2097152-4194303', 2097152, 4194303],
      ['bytes=5242870-5242890', 5242870, 5242890],
      [`bytes=${file.length - 10}-`, file.length - 10, file.length - 1],
      ['bytes=-1000', file.length - 1000, file.length - 1],
      [`bytes=1000-${file.length + 500}`, 1000, file.length - 1],
    ])('answers %s with 206 and exactly those bytes', async (header, start, end) => {
      const r = await range(header);
      expect(r.status).toBe(206);
      expect(r.headers.get('content-range')).toBe(`bytes ${start}-${end}/${file.length}`);
      expect(r.headers.get('content-length')).toBe(String(end - start + 1));
      expect(r.body.equals(file.subarray(start, end + 1))).toBe(true);
    });

    it('answers a range starting past the end with 416, its size in Content-Range, in the one error shape', async () => {
      const r = await range(`bytes=${file.length}-`);
      expect(r.status).toBe(416);
      expect(r.headers.get('content-range')).toBe(`bytes */${file.length}`);
      expect(JSON.parse(r.body.toString()).error.code).toBe('range_not_satisfiable');
    });

    it('serves the whole file when If-Range names another version, or the range is not one it understands', async () => {
      for (const [header, extra] of [
        ['bytes=0-99', { 'if-range': '"old"' }],
        ['bytes=0-1,5-6', {}],
        ['items=0-1', {}],
      ] as const) {
        const r = await range(header, extra);
        expect(r.status, header).toBe(200);
        expect(r.body.equals(file)).toBe(true);
      }
      expect((await range('bytes=0-99', { 'if-range': `"${big.sha256}"` })).status).toBe(206);
    });
  });
});
