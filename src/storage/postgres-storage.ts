/**
 * Files in this database: `attachment_chunks` rows of CHUNK_BYTES, written one statement per chunk as the upload
 * streams in and read a few chunks per statement as the download streams out, so several server processes share the
 * files with nothing else to run and a file is never whole in memory.
 *
 * It keeps a small pool of its own: a slow upload or download then waits for a chunk connection, never for one the
 * API's queries need. Chunks go in as binary parameters and come back by binary COPY: their bytes as they are, never
 * as hex, passed on as they come off the socket (pg-chunk-copy.ts), never copied in this process. Its writes commit asynchronously (synchronous_commit off): a chunk is useless until the upload's row is
 * marked stored, and that commit, made on the main pool with the default synchronous commit, flushes the write-ahead
 * log up to itself, every chunk before it included.
 */
import pg from 'pg';
import type { ByteRange } from '../core/attachments.ts';
import { rechunk, type FileStorage } from './file-storage.ts';
import { copyChunksOut } from './pg-chunk-copy.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Bytes per chunk row. Stored files depend on it (a range read finds its chunks by it): change it only with a migration. */
export const CHUNK_BYTES = 256 * 1024;
/** Chunks fetched per statement when reading (2 MB): fewer statements; a download holds at most this and one more in memory. */
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
      // COPY takes no parameters: the key must be a uuid (checked), the bounds are integers.
      if (!UUID.test(key)) throw new Error(`Not an attachment key: ${key}`);
      const start = range?.start ?? 0;
      const end = range?.end ?? size - 1;
      /** The position in the file of the next byte Postgres must send: every piece is checked against it. */
      let next = Math.floor(start / CHUNK_BYTES) * CHUNK_BYTES;
      let cancelled = false;
      return new ReadableStream<Uint8Array>(
        {
          async pull(controller) {
            if (size === 0 || next > end) return controller.close();
            const seq = next / CHUNK_BYTES;
            const upTo = Math.min(Math.floor(end / CHUNK_BYTES), seq + READ_BATCH - 1);
            const text = `copy (select seq, data from attachment_chunks where attachment_id = '${key}' and seq between ${seq} and ${upTo} order by seq) to stdout (format binary)`;
            const client = await pool.connect();
            try {
              await copyChunksOut(client, text, (piece, seq, offset) => {
                const at = seq * CHUNK_BYTES + offset;
                // A missing or short chunk: stop before passing on a byte from the wrong place.
                if (at !== next) throw new Error(`Attachment ${key}: byte ${at} came where ${next} was expected`);
                next += piece.length;
                if (cancelled) return;
                const from = Math.max(start, at);
                const to = Math.min(end + 1, next);
                if (from < to) controller.enqueue(from === at && to === next ? piece : piece.subarray(from - at, to - at));
              });
              client.release();
            } catch (err) {
              client.release(err as Error);
              throw err;
            }
            if (next <= Math.min(end, (upTo + 1) * CHUNK_BYTES - 1)) throw new Error(`Attachment ${key} ends at byte ${next}, before ${end + 1}`);
            if (next > end) controller.close();
          },
          cancel() {
            cancelled = true;
          },
        },
        // The next batch is asked for while a chunk's worth of this one is still queued, so Postgres reads it while
        // the client receives: at most READ_BATCH + 1 chunks of a download are in memory.
        { highWaterMark: CHUNK_BYTES, size: (piece) => piece.byteLength },
      );
    },
    remove,
    async close() {
      await pool.end();
    },
  };
}
