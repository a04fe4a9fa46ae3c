/** A request's public files: what an escalation may take to the destination (never an internal note's). */
import { attachmentView, type AttachmentView } from '../../core/attachments.ts';
import { unprocessable } from '../../core/errors.ts';
import type { Queryable } from '../../db/database.ts';

/** The stored files of the request's public timeline entries, oldest first. */
export async function publicFilesOf(q: Queryable, requestId: string): Promise<AttachmentView[]> {
  const rows = await q
    .selectFrom('attachments as a')
    .innerJoin('timeline_entries as t', 't.id', 'a.timeline_entry_id')
    .select(['a.id', 'a.name', 'a.size', 'a.content_type', 'a.sha256', 'a.created_at'])
    .where('a.request_id', '=', requestId)
    .where('a.state', '=', 'stored')
    .where('t.visibility', '=', 'public')
    .orderBy('a.created_at')
    .orderBy('a.id')
    .execute();
  return rows.map((r) =>
    attachmentView({ id: r.id, name: r.name, size: Number(r.size), contentType: r.content_type, sha256: r.sha256 ?? '', createdAt: r.created_at }),
  );
}

/**
 * The chosen files, checked to be public files of this request (422 naming the others, so an internal note's file
 * or another request's never leaves by an escalation). Returns them in the order chosen, without repeats.
 */
export async function checkEscalationFiles(q: Queryable, requestId: string, ids: readonly string[] | undefined): Promise<AttachmentView[]> {
  const wanted = [...new Set(ids ?? [])];
  if (!wanted.length) return [];
  const files = new Map((await publicFilesOf(q, requestId)).map((f) => [f.id, f]));
  const other = wanted.filter((id) => !files.has(id));
  if (other.length) throw unprocessable("Only the request's public files can go with an escalation", { field: 'attachmentIds', attachmentIds: other });
  return wanted.map((id) => files.get(id)!);
}
