/**
 * Files in this database: `attachment_chunks` rows of CHUNK_BYTES, written one statement per chunk as the upload
 * streams in and read a few chunks per statement as the download streams out, so several server processes share the
 * files with nothing else to run and a file is never whole in memory.
 *
 * It keeps a small pool of its own: a slow upload or download then waits for a chunk connection, never for one the
 * API's queries need. Chunks go in as binary parameters and come back by binary COPY: their bytes as they are, never
 * as hex. Its writes commit asynchronously (synchronous_commit off): a chunk is useless until the upload's row is
 * marked stored, and that commit, made on the main pool with the default synchronous commit, flushes the write-ahead
 * log up to itself, every chunk before it included.
 */
import pg from 'pg';
import type { ByteRange } from '../core/attachments.ts';
import { rechunk, type FileStorage } from './file-storage.ts';
import { byteaRows, copyOut } from './pg-copy.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Bytes per chunk row. Stored files depend on it (a range read finds its chunks by it): change it only with a migration. */
export const CHUNK_BYTES = 256 * 1024;
/** Chunks fetched per statement when reading (2 MB): fewer statements, at most this much of a download in memory. */
const READ_BATCH = 8;

export function createPostgresStorage(connectionString: string, poolSize = 5): FileStorage {
  const pool = new pg.Pool({ connectionString, max: poolSize, options: '-c synchronous_commit=off', connectionTimeoutMillis: 10_000 });
  // A connection lost while idle or mid-statement (a Postgres restart) fails that statement; it must not crash the process.
  pool.on('error', () => {});
  pool.on('connect', (client) => client.on('error', () => {}));

  const remove = async (key: string) => {
    await pool.query({ name: 'bd-chunks-delete', text: 'delete from attachment_chunks where attachment_id = $1', values: [key] });
  };

  return {
    kind: 'postgres',
    async write(key, body) {
      let seq = 0;
      // One insert in flight while the next chunk arrives: the socket and the database work at the same time.
      let pending: Promise<unknown> | null = null;
      try {
        for await (const chunk of rechunk(body, CHUNK_BYTES)) {
          if (pending) await pending;
          pending = pool.query({
            name: 'bd-chunk-insert',
            text: 'insert into attachment_chunks (attachment_id, seq, data) values ($1, $2, $3)',
            values: [key, seq++, chunk],
          });
          // Handled here so a failure while the next chunk is awaited is not an unhandled rejection; awaited above.
          pending.catch(() => {});
        }
        if (pending) await pending;
      } catch (err) {
        await pending?.catch(() => {});
        await remove(key).catch(() => {});
        throw err;
      }
    },
    async read(key, size, range?: ByteRange) {
      const start = range?.start ?? 0;
      const end = range?.end ?? size - 1;
      let seq = Math.floor(start / CHUNK_BYTES);
      const lastSeq = Math.floor(end / CHUNK_BYTES);
      return new ReadableStream<Uint8Array>({
        async pull(controller) {
          if (size === 0 || seq > lastSeq) return controller.close();
          const upTo = Math.min(lastSeq, seq + READ_BATCH - 1);
          let at = seq;
          // One binary COPY per batch: the bytes as stored, copied once. COPY takes no parameters: the key is a
          // uuid (checked) and the bounds are integers.
          if (!UUID.test(key)) throw new Error(`Not an attachment key: ${key}`);
          const text = `copy (select data from attachment_chunks where attachment_id = '${key}' and seq between ${seq} and ${upTo} order by seq) to stdout (format binary)`;
          const client = await pool.connect();
          try {
            await copyOut(
              client,
              text,
              byteaRows((data) => {
                const base = at++ * CHUNK_BYTES;
                const from = Math.max(0, start - base);
                const to = Math.min(data.length, end - base + 1);
                controller.enqueue(from === 0 && to === data.length ? data : data.subarray(from, to));
              }),
            );
            client.release();
          } catch (err) {
            client.release(err as Error);
            throw err;
          }
          if (at !== upTo + 1) throw new Error(`Attachment ${key} is missing chunks ${at}..${upTo}`);
          seq = upTo + 1;
          if (seq > lastSeq) controller.close();
        },
      });
    },
    remove,
    async close() {
      await pool.end();
    },
  };
}
