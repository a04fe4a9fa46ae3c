/** Timeline entries: the append-only record of everything that happens to a request. */
import type { Actor } from './actor.ts';
import type { AttachmentView } from './attachments.ts';

export type Visibility = 'public' | 'internal';

/** An entry before it is stored: the store adds id, request, actor and time. */
export interface TimelineDraft {
  type: string;
  data: Record<string, unknown>;
  visibility?: Visibility;
}

export interface TimelineEntry {
  id: string;
  requestId: string;
  type: string;
  actor: { type: 'user' | 'token' | 'system'; userId: string | null; tokenId: string | null; name: string | null };
  visibility: Visibility;
  data: Record<string, unknown>;
  createdAt: string;
  /** The workflow run whose step wrote this entry, if any (null for requesters). */
  causedByRunId: string | null;
  /** The files sent with the entry (a new request's, a comment's); who may see them follows the entry. */
  attachments: AttachmentView[];
}

/** Requesters never see internal notes. */
export function visibleTo(actor: Actor, entry: { visibility: Visibility }): boolean {
  return entry.visibility === 'public' || actor.kind === 'system' || actor.role !== 'requester';
}

export const commentEntry = (body: string, visibility: Visibility): TimelineDraft => ({
  type: visibility === 'internal' ? 'comment.internal_note' : 'comment.public_reply',
  data: { body },
  visibility,
});
