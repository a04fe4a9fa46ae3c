/** Hourly housekeeping: drop expired sessions and sign-in failures older than a day. */
import type { Task } from 'graphile-worker';
import type { Db } from '../db/database.ts';

export const pruneExpired =
  (db: Db, now: () => Date): Task =>
  async () => {
    await db.deleteFrom('sessions').where('expires_at', '<', now()).execute();
    await db
      .deleteFrom('login_failures')
      .where('created_at', '<', new Date(now().getTime() - 86_400_000))
      .execute();
  };
