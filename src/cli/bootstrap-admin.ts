/** Creates the admin named by BRIDGEDESK_ADMIN_EMAIL/PASSWORD at start, if no admin exists yet. */
import { sql } from 'kysely';
import type { Logger } from 'pino';
import type { Config } from '../config.ts';
import type { Db } from '../db/database.ts';
import { adminExists, findUserByEmail, insertUser } from '../db/repositories/users.ts';
import { withTransaction } from '../db/transaction.ts';
import { hashPassword } from '../server/auth/passwords.ts';

export async function bootstrapAdmin(db: Db, config: Config, log: Logger): Promise<void> {
  const admin = config.admin;
  if (!admin) {
    if (!(await adminExists(db))) log.info(`no admin yet: open ${config.publicUrl} to create one`);
    return;
  }
  const passwordHash = await hashPassword(admin.password);
  const created = await withTransaction(db, async (tx) => {
    await sql`select pg_advisory_xact_lock(hashtext('bridgedesk:first-admin'))`.execute(tx);
    if (await adminExists(tx)) return false;
    const existing = await findUserByEmail(tx, admin.email);
    if (existing) {
      await tx.updateTable('users').set({ role: 'admin', password_hash: passwordHash, active: true }).where('id', '=', existing.id).execute();
    } else {
      await insertUser(tx, { email: admin.email.toLowerCase(), name: admin.name, role: 'admin', passwordHash });
    }
    return true;
  });
  if (created) log.info({ email: admin.email }, 'created the first admin from BRIDGEDESK_ADMIN_EMAIL');
}
