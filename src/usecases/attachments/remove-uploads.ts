/** Removing uploads that were never sent: by their uploader (cancel before sending) and by the prune job. */
import type { UserActor } from '../../core/actor.ts';
import { conflict, notFound } from '../../core/errors.ts';
import { lockOwnUnattached, lockUnattachedBefore } from '../../db/repositories/attachments.ts';
import { withTransaction } from '../../db/transaction.ts';
import type { AttachmentDeps } from './store-upload.ts';

/**
 * The uploader removes an upload they have not sent. Someone else's, or one that does not exist, is a 404; one
 * already sent is a 409 (attachments on the timeline stay, like the entry they belong to). The bytes go first, then
 * the row, under the row's lock: an attach racing it waits and then finds nothing to attach.
 */
export async function removeUpload(deps: AttachmentDeps, actor: UserActor, id: string): Promise<void> {
  await withTransaction(deps.db, async (tx) => {
    const row = await lockOwnUnattached(tx, id, actor.userId);
    if (!row) throw notFound('Upload');
    if (row.timeline_entry_id !== null) throw conflict('This file was sent with a comment already: attachments on the timeline stay');
    await deps.storage.of(row.storage_kind).remove(row.storage_key);
    await tx.deleteFrom('attachments').where('id', '=', id).execute();
  });
}

const BATCH = 100;

/**
 * Deletes unattached uploads older than the grace period (ATTACHMENTS_UNATTACHED_GRACE_HOURS): files uploaded for
 * a comment that was never sent, or whose sending failed. Batches of BATCH, each in its own transaction; rows
 * another pruner holds are skipped. Returns how many were deleted.
 */
export async function pruneUnattached(deps: AttachmentDeps): Promise<number> {
  const before = new Date(deps.now().getTime() - deps.limits.unattachedGraceMs);
  let deleted = 0;
  for (;;) {
    const n = await withTransaction(deps.db, async (tx) => {
      const rows = await lockUnattachedBefore(tx, before, BATCH);
      for (const row of rows) await deps.storage.of(row.storage_kind).remove(row.storage_key);
      if (rows.length)
        await tx
          .deleteFrom('attachments')
          .where(
            'id',
            'in',
            rows.map((r) => r.id),
          )
          .execute();
      return rows.length;
    });
    deleted += n;
    if (n < BATCH) return deleted;
  }
}
