/**
 * Files in an S3-compatible bucket (AWS S3, MinIO, Ceph, R2, ...), one object per attachment under the configured
 * prefix. A file whose length is known in advance goes up in one streamed PUT; one sent without a length (chunked)
 * goes up as a multipart upload, PART_BYTES in memory at a time, aborted if anything fails. Downloads stream the
 * object (or the requested range of it) through Bridgedesk, which keeps the role checks and the safe headers of
 * every download in one place.
 */
import { Readable } from 'node:stream';
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import type { S3Config } from '../config.ts';
import type { ByteRange } from '../core/attachments.ts';
import { rechunk, type FileStorage } from './file-storage.ts';

/** S3's smallest part but the last: a chunked upload holds at most this much of a file in memory. */
export const PART_BYTES = 5 * 1024 * 1024;

export function createS3Storage(config: S3Config): FileStorage {
  const client = new S3Client({
    endpoint: config.endpoint ?? undefined,
    region: config.region,
    forcePathStyle: config.forcePathStyle,
    credentials: config.credentials ?? undefined,
    // Checksums only where S3 requires them: many S3-compatible servers refuse (or store as data) the aws-chunked
    // trailing checksums the SDK would otherwise add to every upload. Integrity is ours: the row keeps the SHA-256.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  const Bucket = config.bucket;
  const keyOf = (key: string) => `${config.prefix}${key}`;

  const remove = async (key: string) => {
    await client.send(new DeleteObjectCommand({ Bucket, Key: keyOf(key) }));
  };

  async function multipart(key: string, body: AsyncIterable<Uint8Array>) {
    const parts = rechunk(body, PART_BYTES);
    const first = await parts.next();
    const firstPart = first.done ? Buffer.alloc(0) : first.value;
    // Shorter than one part: a single PUT of what is already in memory.
    if (firstPart.length < PART_BYTES) {
      const rest = await parts.next();
      if (rest.done) {
        await client.send(new PutObjectCommand({ Bucket, Key: keyOf(key), Body: firstPart, ContentLength: firstPart.length }));
        return;
      }
    }
    const { UploadId } = await client.send(new CreateMultipartUploadCommand({ Bucket, Key: keyOf(key) }));
    try {
      const done: { ETag: string | undefined; PartNumber: number }[] = [];
      const upload = async (part: Buffer) => {
        const PartNumber = done.length + 1;
        const res = await client.send(new UploadPartCommand({ Bucket, Key: keyOf(key), UploadId, PartNumber, Body: part, ContentLength: part.length }));
        done.push({ ETag: res.ETag, PartNumber });
      };
      await upload(firstPart);
      for await (const part of parts) await upload(part);
      await client.send(new CompleteMultipartUploadCommand({ Bucket, Key: keyOf(key), UploadId, MultipartUpload: { Parts: done } }));
    } catch (err) {
      await client.send(new AbortMultipartUploadCommand({ Bucket, Key: keyOf(key), UploadId })).catch(() => {});
      throw err;
    }
  }

  /**
   * One PUT streaming the body. An object appears only when its PUT completes, so a body that fails midway leaves
   * nothing; its error (ours: too large, cut off) aborts the request and is the one passed on.
   */
  async function streamedPut(key: string, body: AsyncIterable<Uint8Array>, size: number) {
    const source = Readable.from(body);
    const abort = new AbortController();
    let failure: unknown = null;
    source.on('error', (err) => {
      failure = err;
      abort.abort();
    });
    try {
      await client.send(new PutObjectCommand({ Bucket, Key: keyOf(key), Body: source, ContentLength: size }), { abortSignal: abort.signal });
    } catch (err) {
      throw failure ?? err;
    }
    if (failure) throw failure;
  }

  return {
    kind: 's3',
    async write(key, body, size) {
      try {
        if (size === null) await multipart(key, body);
        else await streamedPut(key, body, size);
      } catch (err) {
        await remove(key).catch(() => {});
        throw err;
      }
    },
    async read(key, size, range?: ByteRange) {
      if (size === 0) return new ReadableStream({ start: (c) => c.close() });
      const res = await client.send(new GetObjectCommand({ Bucket, Key: keyOf(key), Range: range ? `bytes=${range.start}-${range.end}` : undefined }));
      if (!res.Body) throw new Error(`Attachment ${key} has no object in the bucket`);
      return res.Body.transformToWebStream() as ReadableStream<Uint8Array>;
    },
    remove,
    async close() {
      client.destroy();
    },
  };
}
