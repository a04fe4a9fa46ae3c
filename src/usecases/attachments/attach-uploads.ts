/** Attaching uploads to the timeline entry they were sent with, inside the transaction that writes the entry. */
import type { UserActor } from '../../core/actor.ts';
import { type AttachmentLimits, formatBytes } from '../../core/attachments.ts';
import { unprocessable } from '../../core/errors.ts';
import type { Tx } from '../../db/database.ts';
import { attachUploads, requestBytes } from '../../db/repositories/attachments.ts';

/** What a comment or a new request was sent with: upload ids, and the limits they must keep. */
export interface Attaching {
  ids: string[];
  limits: AttachmentLimits;
}

/**
 * Attaches the caller's own stored, unattached uploads to `entryId`; anything wrong refuses the whole entry (the
 * caller's transaction rolls back): more files than a comment may carry, an id that is not such an upload of theirs,
 * or a request whose files would total more than its limit. Who may read them follows the entry (an internal
 * note's files are internal). Refused uploads stay unattached for the sender to retry; unsent ones are pruned later.
 */
export async function attachToEntry(tx: Tx, actor: UserActor, attaching: Attaching | undefined, target: { requestId: string; entryId: string }, at: Date) {
  const ids = [...new Set(attaching?.ids ?? [])];
  if (!attaching || !ids.length) return;
  const { limits } = attaching;
  if (ids.length > limits.perComment) throw unprocessable(`At most ${limits.perComment} files can be attached at once; this has ${ids.length}`);
  const attached = await attachUploads(tx, { ids, uploadedBy: actor.userId, requestId: target.requestId, entryId: target.entryId, at });
  if (attached.length !== ids.length) {
    const found = new Set(attached.map((a) => a.id));
    const missing = ids.filter((id) => !found.has(id));
    throw unprocessable('Some files are not your finished uploads waiting to be sent (removed, already sent, or never uploaded): upload them again', {
      attachmentIds: missing,
    });
  }
  const total = await requestBytes(tx, target.requestId);
  if (total > limits.maxRequestBytes) {
    const added = attached.reduce((n, a) => n + Number(a.size), 0);
    throw unprocessable(
      `A request's files may total at most ${formatBytes(limits.maxRequestBytes)}; it has ${formatBytes(total - added)} and these add ${formatBytes(added)}`,
    );
  }
}
