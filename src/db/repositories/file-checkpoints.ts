/**
 * Per-file checkpoints of files sent to a destination (core/destination.ts FileCheckpoints), one row per file and
 * what it goes with (`scope`). `commit` writes before the connector's next call; `defer` keeps progress a re-run
 * would find by looking anyway, written by `flush` when the run ends, whether it succeeded or not.
 */
import { z } from 'zod';
import type { FileCheckpoints, FileProgress } from '../../core/destination.ts';
import type { Db } from '../database.ts';

const Progress = z.union([z.object({ remoteId: z.string(), uploaded: z.boolean() }), z.object({ refused: z.string() })]);

export type StoredFileCheckpoints = FileCheckpoints & {
  /** Writes what was deferred. */
  flush(): Promise<void>;
  /** Files the destination refused, with its reason. */
  refused(): { localId: string; reason: string }[];
};

export async function loadFileCheckpoints(db: Db, scope: string): Promise<StoredFileCheckpoints> {
  const rows = await db.selectFrom('file_checkpoints').select(['attachment_id', 'progress']).where('scope', '=', scope).execute();
  const known = new Map<string, FileProgress>(rows.map((r) => [r.attachment_id, Progress.parse(r.progress)]));
  const deferred = new Set<string>();
  const write = (localId: string, progress: FileProgress) =>
    db
      .insertInto('file_checkpoints')
      .values({ scope, attachment_id: localId, progress: JSON.stringify(progress) })
      .onConflict((oc) => oc.columns(['scope', 'attachment_id']).doUpdateSet({ progress: JSON.stringify(progress), updated_at: new Date() }))
      .execute();
  return {
    get: (localId) => known.get(localId),
    async commit(localId, progress) {
      known.set(localId, progress);
      deferred.delete(localId);
      await write(localId, progress);
    },
    defer(localId, progress) {
      known.set(localId, progress);
      deferred.add(localId);
    },
    async flush() {
      for (const id of [...deferred]) {
        await write(id, known.get(id)!);
        deferred.delete(id);
      }
    },
    refused: () => [...known].flatMap(([localId, p]) => ('refused' in p ? [{ localId, reason: p.refused }] : [])),
  };
}
