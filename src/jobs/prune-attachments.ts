/** Scheduled: deletes uploads never attached to anything once their grace period is over (usecases/attachments/remove-uploads.ts). */
import type { Task } from 'graphile-worker';
import { pruneUnattached } from '../usecases/attachments/remove-uploads.ts';
import type { AttachmentDeps } from '../usecases/attachments/store-upload.ts';

/** Every hour: the grace period is a day by default, so an upload outlives it by an hour at most. */
export const PRUNE_ATTACHMENTS_CRON = '41 * * * *';

export const pruneAttachmentsTask =
  (deps: AttachmentDeps): Task =>
  async (_payload, helpers) => {
    const deleted = await pruneUnattached(deps);
    if (deleted) helpers.logger.info(`deleted ${deleted} unattached upload(s) past their grace period`);
  };
