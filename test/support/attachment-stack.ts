/**
 * Bridgedesk served over real HTTP on 127.0.0.1 with its attachment storage in one mode: 'postgres' (the default)
 * or 's3' (a local s3rver, test/support/s3-server.ts). Uploads and downloads go through a socket, as streaming
 * needs; `leftovers` counts what is stored anywhere (rows, chunks, bucket objects) to check nothing is left behind.
 */
import { sql } from 'kysely';
import { afterAll } from 'vitest';
import { listen } from '../../src/cli/serve.ts';
import { startS3Server } from './s3-server.ts';
import { createTestApp, type TestUser } from './test-app.ts';

export const STORAGE_MODES = ['postgres', 's3'] as const;
export type StorageMode = (typeof STORAGE_MODES)[number];
/** The per-file limit the stacks run with: above one S3 part (5 MB), so chunked uploads go multipart. */
export const TEST_MAX_BYTES = 8 * 1024 * 1024;

export async function startAttachmentStack(mode: StorageMode, env: Record<string, string> = {}) {
  const s3 = mode === 's3' ? await startS3Server() : null;
  const t = await createTestApp({ ATTACHMENT_MAX_BYTES: String(TEST_MAX_BYTES), ...s3?.env, ...env });
  const server = await listen(t.app, 0, '127.0.0.1', 100);
  afterAll(server.close);
  const base = `http://127.0.0.1:${server.port}`;
  const auth = (who: TestUser) => ({ authorization: `Bearer ${who.token}` });

  return {
    t,
    mode,
    base,
    port: server.port,
    /** POST /uploads with the bytes as the body: with Content-Length, or chunked (a stream of `piece`-byte writes). */
    async upload(who: TestUser, name: string, bytes: Uint8Array, o: { chunked?: boolean; piece?: number } = {}) {
      const piece = o.piece ?? 64 * 1024;
      const body = o.chunked
        ? new ReadableStream<Uint8Array>({
            start(c) {
              for (let i = 0; i < bytes.length; i += piece) c.enqueue(bytes.subarray(i, i + piece));
              c.close();
            },
          })
        : bytes;
      const res = await fetch(`${base}/api/v1/uploads?name=${encodeURIComponent(name)}`, {
        method: 'POST',
        headers: { ...auth(who), 'content-type': 'application/octet-stream' },
        body,
        ...(o.chunked ? { duplex: 'half' } : {}),
      } as RequestInit);
      return { status: res.status, body: await res.json(), headers: res.headers };
    },
    download(who: TestUser, urlOrId: string, headers: Record<string, string> = {}) {
      const path = urlOrId.startsWith('/') ? urlOrId : `/api/v1/attachments/${urlOrId}`;
      return fetch(`${base}${path}`, { headers: { ...auth(who), ...headers } });
    },
    /** Attachment rows, Postgres chunk rows and bucket objects: what an upload that failed must not add to. */
    async leftovers() {
      const { rows } = await sql<{
        rows: string;
        chunks: string;
      }>`select (select count(*) from attachments) as rows, (select count(*) from attachment_chunks) as chunks`.execute(t.db);
      return { rows: Number(rows[0]!.rows), chunks: Number(rows[0]!.chunks), objects: s3 ? (await s3.objectKeys()).length : 0 };
    },
  };
}
export type AttachmentStack = Awaited<ReturnType<typeof startAttachmentStack>>;
