/** Who may download an attachment, and its bytes. */
import { type UserActor, isStaff } from '../../core/actor.ts';
import type { ByteRange } from '../../core/attachments.ts';
import { notFound } from '../../core/errors.ts';
import { canSeeRequest } from '../../core/request.ts';
import { visibleTo } from '../../core/timeline.ts';
import { findAttachment } from '../../db/repositories/attachments.ts';
import { isFollower } from '../../db/repositories/requests.ts';
import type { AttachmentDeps } from './store-upload.ts';

/**
 * The attachment if the caller may read it, else a 404 exactly like a missing one (existence is not revealed): an
 * unattached upload only to its uploader (the composer's preview); an attached one to whoever may read the entry it
 * belongs to: staff always, the request's requester and followers only when the entry is public.
 */
export async function findReadableAttachment(deps: Pick<AttachmentDeps, 'db'>, actor: UserActor, id: string) {
  const a = await findAttachment(deps.db, id);
  if (!a || a.state !== 'stored') throw notFound('Attachment');
  if (a.requestId === null || a.visibility === null || a.requesterId === null) {
    if (a.uploadedBy !== actor.userId) throw notFound('Attachment');
    return a;
  }
  if (!visibleTo(actor, { visibility: a.visibility })) throw notFound('Attachment');
  const follows = !isStaff(actor) && actor.userId !== a.requesterId && (await isFollower(deps.db, a.requestId, actor.userId));
  if (!canSeeRequest(actor, { requesterId: a.requesterId }, follows)) throw notFound('Attachment');
  return a;
}

export type ReadableAttachment = Awaited<ReturnType<typeof findReadableAttachment>>;

/** The bytes of an attachment the caller may read (or a range of them), streamed from where they are stored. */
export function readAttachment(deps: Pick<AttachmentDeps, 'storage'>, a: ReadableAttachment, range?: ByteRange) {
  return deps.storage.of(a.storageKind).read(a.storageKey, a.view.size, range);
}
