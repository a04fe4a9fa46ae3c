/**
 * Stores an upload as it streams in: the name sanitised, the type found in the first bytes and checked against the
 * name, then every byte counted, hashed and written to the storage, never the whole file in memory. Whatever goes
 * wrong (too large, empty, a type that lies, the client gone midway, the storage failing) leaves nothing behind: the
 * storage removes what it wrote and the row is deleted.
 */
import { createHash, randomUUID } from 'node:crypto';
import { fileTypeFromBuffer } from 'file-type';
import { type AttachmentView, contentTypeOf, type DetectedType, formatBytes, sanitizeFileName, typeContradiction } from '../../core/attachments.ts';
import { AppError, unprocessable } from '../../core/errors.ts';
import type { AttachmentsConfig } from '../../config.ts';
import type { Db } from '../../db/database.ts';
import { deleteAttachmentRow, insertUpload, markStored, unsentBytes } from '../../db/repositories/attachments.ts';
import type { FileStorages } from '../../storage/file-storage.ts';

/** What every attachment use case needs. */
export interface AttachmentDeps {
  db: Db;
  storage: FileStorages;
  limits: AttachmentsConfig;
  now: () => Date;
}

export interface UploadInput {
  /** null: Bridgedesk stores it itself (a destination's file); no allowance of unsent uploads applies. */
  uploadedBy: string | null;
  /** As the client named it; sanitised here. */
  name: string;
  body: AsyncIterable<Uint8Array>;
  /** The length the client declared (Content-Length), or null (chunked). */
  declaredSize: number | null;
}

/** Bytes read before the type is decided: enough for every signature file-type knows, ZIP-based formats included. */
export const SNIFF_BYTES = 64 * 1024;

export const tooLarge = (limit: string) => new AppError('payload_too_large', limit);

export async function storeUpload(deps: AttachmentDeps, input: UploadInput): Promise<AttachmentView> {
  const name = sanitizeFileName(input.name);
  if (!name) throw new AppError('validation_failed', 'The file name is empty once path separators, control and direction characters are removed');
  const { cap, limit } = await capFor(deps, input.uploadedBy);
  if (input.declaredSize !== null && input.declaredSize > cap) throw tooLarge(limit);
  if (input.declaredSize === 0) throw emptyFile();

  const source = input.body[Symbol.asyncIterator]();
  const head = await readHead(source, SNIFF_BYTES);
  if (!head.length) throw emptyFile();
  if (head.length > cap) throw tooLarge(limit);
  const found = await fileTypeFromBuffer(head.subarray(0, SNIFF_BYTES));
  const detected: DetectedType | null = found ? { ext: found.ext, mime: found.mime } : null;
  const lie = typeContradiction(name, detected);
  if (lie)
    throw new AppError('unsupported_media_type', `${lie}: rename it to what it is, or attach the right file`, { name, detected: detected?.mime ?? null });

  const id = randomUUID();
  const storage = deps.storage.current;
  await insertUpload(deps.db, { id, uploadedBy: input.uploadedBy, name, storageKind: storage.kind });
  const hash = createHash('sha256');
  const text = detected ? null : textCheck();
  let size = 0;
  async function* counted(): AsyncGenerator<Uint8Array> {
    for (let piece: Uint8Array | null = head; piece; piece = await next(source)) {
      size += piece.length;
      if (size > cap) throw tooLarge(limit);
      hash.update(piece);
      text?.push(piece);
      yield piece;
    }
    if (input.declaredSize !== null && size !== input.declaredSize) throw cutOff();
  }
  try {
    await storage.write(id, counted(), input.declaredSize);
    return await markStored(deps.db, id, { size, sha256: hash.digest('hex'), contentType: contentTypeOf(detected, text?.end() ?? false) });
  } catch (err) {
    await deleteAttachmentRow(deps.db, id).catch(() => {});
    throw err;
  }
}

/** The most this upload may hold, and the message naming the limit it would break. */
async function capFor(deps: AttachmentDeps, uploadedBy: string | null) {
  const perFile = { cap: deps.limits.maxBytes, limit: `A file may be at most ${formatBytes(deps.limits.maxBytes)}` };
  if (!uploadedBy) return perFile;
  const left = deps.limits.maxRequestBytes - (await unsentBytes(deps.db, uploadedBy));
  if (left >= perFile.cap) return perFile;
  return {
    cap: Math.max(0, left),
    limit: `Your uploads not sent yet may total at most ${formatBytes(deps.limits.maxRequestBytes)} (${formatBytes(Math.max(0, left))} left): send or remove some first`,
  };
}

const emptyFile = () => unprocessable('The file is empty');
export const cutOff = () => new AppError('bad_request', 'The upload was cut off before its end; nothing was stored');

async function next(source: AsyncIterator<Uint8Array>): Promise<Uint8Array | null> {
  const r = await source.next();
  return r.done ? null : r.value;
}

/** At least `bytes` from the start (or everything, when shorter), as one buffer. */
async function readHead(source: AsyncIterator<Uint8Array>, bytes: number): Promise<Buffer> {
  const pieces: Uint8Array[] = [];
  let length = 0;
  while (length < bytes) {
    const piece = await next(source);
    if (!piece) break;
    pieces.push(piece);
    length += piece.length;
  }
  return Buffer.concat(pieces, length);
}

/** Whether every byte seen is UTF-8 text without NUL: decided as the bytes pass, stopping at the first that is not. */
function textCheck() {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let ok = true;
  return {
    push(piece: Uint8Array) {
      if (!ok) return;
      try {
        if (piece.includes(0)) ok = false;
        else decoder.decode(piece, { stream: true });
      } catch {
        ok = false;
      }
    },
    end(): boolean {
      if (!ok) return false;
      try {
        decoder.decode();
        return true;
      } catch {
        return false;
      }
    },
  };
}
