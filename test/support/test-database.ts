/** A fresh database per test file, cloned from the migrated template (~0.2 s). */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';
import { createDb, type Db, withDatabase } from '../../src/db/database.ts';

export async function createTestDatabase(): Promise<{ db: Db; url: string; drop(): Promise<void> }> {
  const adminUrl = inject('pgAdminUrl');
  const name = `test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client(adminUrl);
  await admin.connect();
  await admin.query(`create database ${name} template bridgedesk_template`);
  await admin.end();
  const url = withDatabase(adminUrl, name);
  const { db } = createDb(url, 5);
  return {
    db,
    url,
    async drop() {
      await db.destroy();
      const c = new pg.Client(adminUrl);
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    },
  };
}
