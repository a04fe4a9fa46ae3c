/**
 * One change (status, priority, assignee, tags added or removed) applied to many requests, as if the person had
 * PATCHed each one: the same use case, the same authorization per request, one timeline entry per real change.
 *
 * Each request is its own transaction, not one for all: a request the person may not change (or cannot see) is
 * skipped and reported instead of undoing the others, each request's lock is held only for its own change (one
 * transaction locking 100 rows would block everyone working any of them, and could deadlock with another bulk
 * change locking them in another order), and each commit queues its own workflow and Kustomer follow-ups exactly
 * as a single change does. What is shared by all (the new assignee) is checked once, up front: a bad assignee is a
 * 422 for the call, not 100 identical skips.
 */
import type { UserActor } from '../core/actor.ts';
import { AppError, unprocessable } from '../core/errors.ts';
import { formatRequestNumber, MAX_TAGS, type Priority, type Status } from '../core/request.ts';
import type { Db } from '../db/database.ts';
import { lockRequest } from '../db/repositories/requests.ts';
import { withTransaction } from '../db/transaction.ts';
import { changeRequestInTx, type RequestPatch } from './change-request.ts';
import { userLabel } from './request-refs.ts';

export interface BulkChange {
  status?: Status;
  priority?: Priority;
  assigneeId?: string | null;
  addTags?: string[];
  removeTags?: string[];
}

export interface BulkOutcome {
  /** requests where something changed (each got its timeline entries) */
  changed: { id: string; key: string }[];
  /** requests that already were as asked */
  unchanged: { id: string; key: string }[];
  /** requests not changed because of a rule: `key` is null when the request is not visible to the caller */
  skipped: { id: string; key: string | null; code: 'not_found' | 'forbidden' | 'unprocessable'; reason: string }[];
}

const SKIPPABLE = new Set(['not_found', 'forbidden', 'unprocessable']);

export async function bulkChangeRequests(db: Db, actor: UserActor, ids: string[], change: BulkChange, now: Date): Promise<BulkOutcome> {
  if (change.assigneeId) await userLabel(db, change.assigneeId, { field: 'assigneeId', staffOnly: true });
  const outcome: BulkOutcome = { changed: [], unchanged: [], skipped: [] };
  for (const id of [...new Set(ids)]) {
    let key: string | null = null;
    try {
      const done = await withTransaction(db, async (tx) => {
        const row = await lockRequest(tx, id);
        if (row) key = formatRequestNumber(row.number);
        const patch: RequestPatch = { status: change.status, priority: change.priority, assigneeId: change.assigneeId };
        if (row && (change.addTags?.length || change.removeTags?.length)) {
          const removed = new Set(change.removeTags ?? []);
          patch.tags = [...new Set([...row.tags, ...(change.addTags ?? [])])].filter((t) => !removed.has(t));
          if (patch.tags.length > MAX_TAGS) throw unprocessable(`A request holds at most ${MAX_TAGS} tags`, { field: 'addTags' });
        }
        return changeRequestInTx(tx, actor, id, patch, now);
      });
      (done.length ? outcome.changed : outcome.unchanged).push({ id, key: key! });
    } catch (err) {
      if (!(err instanceof AppError) || !SKIPPABLE.has(err.code)) throw err;
      const code = err.code as BulkOutcome['skipped'][number]['code'];
      // A request the caller cannot see is reported without its key, exactly like one that does not exist.
      outcome.skipped.push({ id, key: code === 'not_found' ? null : key, code, reason: err.message });
    }
  }
  return outcome;
}
