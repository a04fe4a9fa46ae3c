/**
 * Files on a destination's notes and messages come onto the request with them (issue 18 point 4). The thread read
 * (read-thread.ts) lists each item's files in its timeline entry's data (`files`) and, in the same transaction,
 * enqueues one fetch-remote-files job per such entry. The job downloads each file (openAttachment: one unit of the
 * rate budget each), stores it like an upload (store-upload.ts: type from the bytes, size limit, nothing left behind
 * on failure; uploadedBy null: stored by Bridgedesk) and attaches it to that entry, so who may read it follows the
 * entry: a destination's note is internal, and its files never reach a requester.
 *
 * Exactly once per file: the copy carries the file's remote id, unique per entry (migration 024); a retried job
 * (a lost reply, a crash after storing) skips what the entry has and discards a copy it finds it made twice. A copy
 * stored but never attached (a crash between the two) is unattached and goes with the prune-attachments job.
 *
 * A file over the size limit is never stored: when its size is known at read time it is listed `tooLarge` (the
 * timeline links to the conversation instead); a file found too large, refused (a type that lies) or failing for
 * good later is named in one `sync.files_not_copied` entry, as the entry it belongs to is never rewritten.
 */
import { z } from 'zod';
import { SYSTEM } from '../../core/actor.ts';
import type { ThreadItem } from '../../core/destination.ts';
import { AppError } from '../../core/errors.ts';
import type { Queryable } from '../../db/database.ts';
import { sql } from 'kysely';
import { attachRemoteCopy, deleteAttachmentRow, remoteFilesOfEntry } from '../../db/repositories/attachments.ts';
import { appendTimeline } from '../../db/repositories/timeline.ts';
import { enqueueJob, withTransaction } from '../../db/transaction.ts';
import type { AttachmentsConfig } from '../../config.ts';
import { storeUpload } from '../attachments/store-upload.ts';
import type { DestinationDeps } from '../destination-access.ts';
import { callDestination, nextAttempt, retriesLeft } from '../destination-failure.ts';
import { linkedTicket } from './linked-ticket.ts';

export const FETCH_REMOTE_FILES = 'fetch-remote-files';
export const FILES_NOT_COPIED = 'sync.files_not_copied';

/** A destination's file as its timeline entry lists it. */
export const ListedFileSchema = z.object({
  remoteId: z.string(),
  name: z.string(),
  size: z.number().nullable(),
  contentType: z.string().nullable(),
  /** Over the size limit when read: not copied; open it in the destination. */
  tooLarge: z.boolean().optional(),
});
export type ListedFile = z.infer<typeof ListedFileSchema>;

/** What a thread item's entry says of its files: the list (each marked when over `maxBytes`), or why none could be listed. */
export function filesData(item: ThreadItem, maxBytes: number | undefined): { files?: ListedFile[]; filesError?: string } {
  if (item.attachmentsError) return { filesError: item.attachmentsError };
  if (!item.attachments?.length) return {};
  return {
    files: item.attachments.map((f) => ({
      remoteId: f.remoteId,
      name: f.name,
      size: f.size,
      contentType: f.contentType,
      ...(maxBytes !== undefined && f.size !== null && f.size > maxBytes ? { tooLarge: true } : {}),
    })),
  };
}

/** Of the entries just written, those listing a file to copy (not every one too large). */
export async function entriesWithFiles(q: Queryable, entryIds: string[]): Promise<string[]> {
  if (!entryIds.length) return [];
  const rows = await q
    .selectFrom('timeline_entries')
    .select('id')
    .where('id', '=', sql<string>`any(${entryIds}::bigint[])`)
    .where(
      sql<boolean>`exists (select 1 from jsonb_array_elements(case when jsonb_typeof(data->'files') = 'array' then data->'files' else '[]'::jsonb end) f where not coalesce((f->>'tooLarge')::boolean, false))`,
    )
    .orderBy('id')
    .execute();
  return rows.map((r) => r.id);
}

export interface FetchFilesDeps extends DestinationDeps {
  attachmentLimits?: AttachmentsConfig;
}

/** Reads a stream piece by piece; the reader is the caller's to cancel when the consumer stops early. */
async function* piecesOf(reader: ReadableStreamDefaultReader<Uint8Array>): AsyncGenerator<Uint8Array> {
  for (;;) {
    const r = await reader.read();
    if (r.done) return;
    yield r.value;
  }
}

/** The job: copies the entry's listed files it does not have yet. */
export async function fetchRemoteFiles(deps: FetchFilesDeps, escalationId: string, entryId: string, attempt = 1): Promise<void> {
  const { storage, attachmentLimits: limits } = deps;
  if (!storage || !limits) throw new Error('Attachment storage is not configured for this process');
  const entry = await deps.db.selectFrom('timeline_entries').select(['request_id', 'data']).where('id', '=', entryId).executeTakeFirst();
  const listed = z.array(ListedFileSchema).safeParse((entry?.data as { files?: unknown } | undefined)?.files);
  if (!entry || !listed.success) return;
  const have = await remoteFilesOfEntry(deps.db, entryId);
  const pending = listed.data.filter((f) => !f.tooLarge && !have.has(f.remoteId));
  if (!pending.length) return;

  const notCopied: { name: string; reason: string; tooLarge?: boolean }[] = [];
  const linked = await linkedTicket(deps, escalationId);
  const open = linked?.client.openAttachment;
  const report = async () => {
    if (!notCopied.length) return;
    const data = { escalationId, entryId, destination: linked?.destination ?? null, conversationId: linked?.ticketId ?? null, files: notCopied };
    await withTransaction(deps.db, (tx) =>
      appendTimeline(tx, entry.request_id, SYSTEM, [{ type: FILES_NOT_COPIED, visibility: 'internal', data }], deps.now()),
    );
  };
  if (!linked || !open) {
    for (const f of pending) notCopied.push({ name: f.name, reason: 'The conversation is no longer linked, or its files cannot be read' });
    return report();
  }
  const attachmentDeps = { db: deps.db, storage, limits, now: deps.now };
  for (const f of pending) {
    if (f.size !== null && f.size > limits.maxBytes) {
      notCopied.push({ name: f.name, reason: 'Too large to copy', tooLarge: true });
      continue;
    }
    let got;
    try {
      got = await callDestination(
        deps,
        linked.provider,
        async () => {
          const remote = await open(f.remoteId, { maxBytes: limits.maxBytes });
          const reader = remote.stream.getReader();
          try {
            return await storeUpload(attachmentDeps, { uploadedBy: null, name: f.name, body: piecesOf(reader), declaredSize: null });
          } catch (err) {
            await reader.cancel().catch(() => {});
            throw err;
          }
        },
        { attempt },
      );
    } catch (err) {
      // Our own refusal of the bytes (storeUpload): too large, empty, or a type that lies about itself. Final.
      if (!(err instanceof AppError)) throw err;
      const tooLarge = err.code === 'payload_too_large';
      notCopied.push({ name: f.name, reason: tooLarge ? 'Too large to copy' : err.message, ...(tooLarge ? { tooLarge } : {}) });
      continue;
    }
    if (!got.ok) {
      if (retriesLeft(got.failure, attempt)) {
        // What was copied stays; the retry copies the rest (and skips what this run attached).
        await report();
        await enqueueJob(deps.db, FETCH_REMOTE_FILES, { escalationId, entryId, attempt: nextAttempt(got.failure, attempt) }, { runAt: got.failure.retryAt });
        return;
      }
      notCopied.push({ name: f.name, reason: got.failure.reason });
      continue;
    }
    const copy = got.value;
    const attached = await attachRemoteCopy(deps.db, { id: copy.id, requestId: entry.request_id, entryId, remoteFileId: f.remoteId, at: deps.now() });
    // Another run attached this file meanwhile: this copy is one too many.
    if (!attached) {
      await deleteAttachmentRow(deps.db, copy.id);
      await storage.current.remove(copy.id).catch(() => {});
    }
  }
  await report();
}
