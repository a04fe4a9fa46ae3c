/**
 * Where attachment bytes live: one interface, two implementations (postgres-storage.ts: chunks in this database, the
 * default; s3-storage.ts: an S3-compatible bucket). Both take a file as a stream and give it back as a stream, a
 * chunk or a part at a time, never a whole file in memory. Each attachment row names its storage, so files stored
 * before a switch of ATTACHMENTS_STORAGE stay readable where they are.
 */
import type { Config } from '../config.ts';
import type { ByteRange } from '../core/attachments.ts';
import { createPostgresStorage } from './postgres-storage.ts';
import { createS3Storage } from './s3-storage.ts';

export type StorageKind = 'postgres' | 's3';

export interface FileStorage {
  readonly kind: StorageKind;
  /**
   * Stores `body` under `key` (an attachment's id, whose row exists). `size` is the exact length when known in
   * advance (a declared Content-Length, checked by the caller as it streams). When `body` throws or anything fails,
   * what was written is removed before the error is passed on.
   */
  write(key: string, body: AsyncIterable<Uint8Array>, size: number | null): Promise<void>;
  /** `size` bytes stored under `key`, or the range of them, read as the stream is consumed. */
  read(key: string, size: number, range?: ByteRange): Promise<ReadableStream<Uint8Array>>;
  /** Removes what is stored under `key`; nothing stored is not an error. */
  remove(key: string): Promise<void>;
  close(): Promise<void>;
}

export interface FileStorages {
  /** Where new files go (ATTACHMENTS_STORAGE). */
  readonly current: FileStorage;
  /** The storage a stored file names; an error when that storage is not configured any more. */
  of(kind: StorageKind): FileStorage;
  close(): Promise<void>;
}

/**
 * The storages configuration allows: Postgres always (on its own small pool of `connectionString`), S3 when a bucket
 * is configured.
 */
export function createFileStorages(config: Config, connectionString: string): FileStorages {
  const postgres = createPostgresStorage(connectionString);
  const s3 = config.attachments.s3 ? createS3Storage(config.attachments.s3) : null;
  const current = config.attachments.storage === 's3' && s3 ? s3 : postgres;
  return {
    current,
    of(kind) {
      if (kind === 'postgres') return postgres;
      if (!s3) throw new Error('This file is stored in S3, but no bucket is configured (S3_BUCKET)');
      return s3;
    },
    async close() {
      await Promise.all([postgres.close(), s3?.close()]);
    },
  };
}

/**
 * Cuts a stream of pieces of any size into pieces of exactly `size` bytes (the last one shorter, none empty), each a
 * Buffer of its own: a storage's unit of writing.
 */
export async function* rechunk(source: AsyncIterable<Uint8Array>, size: number): AsyncGenerator<Buffer> {
  let buf = Buffer.allocUnsafe(size);
  let filled = 0;
  for await (const piece of source) {
    let offset = 0;
    while (offset < piece.length) {
      const n = Math.min(size - filled, piece.length - offset);
      buf.set(piece.subarray(offset, offset + n), filled);
      filled += n;
      offset += n;
      if (filled === size) {
        yield buf;
        buf = Buffer.allocUnsafe(size);
        filled = 0;
      }
    }
  }
  if (filled > 0) yield buf.subarray(0, filled);
}
