/** Applies migrations/NNN_*.sql in order, once each, and graphile-worker's own schema. Safe to run concurrently. */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Logger, runMigrations } from 'graphile-worker';
import { sql } from 'kysely';
import type { Db } from './database.ts';

const dir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'migrations');
// Any constant works; it only has to be the same in every Bridgedesk process.
const LOCK_ID = 0x6272_6467;

export function migrationFiles(): string[] {
  return fs
    .readdirSync(dir)
    .filter((f) => /^\d{3}_.+\.sql$/.test(f))
    .sort();
}

/** Returns the names applied by this call. */
export async function migrate(db: Db, connectionString: string): Promise<string[]> {
  const applied: string[] = [];
  await db.connection().execute(async (conn) => {
    await sql`select pg_advisory_lock(${LOCK_ID})`.execute(conn);
    try {
      await sql`create table if not exists schema_migrations (name text primary key, applied_at timestamptz not null default now())`.execute(conn);
      const done = new Set((await sql<{ name: string }>`select name from schema_migrations`.execute(conn)).rows.map((r) => r.name));
      for (const file of migrationFiles()) {
        if (done.has(file)) continue;
        const text = fs.readFileSync(path.join(dir, file), 'utf8');
        await conn.transaction().execute(async (tx) => {
          await sql.raw(text).execute(tx);
          await sql`insert into schema_migrations (name) values (${file})`.execute(tx);
        });
        applied.push(file);
      }
    } finally {
      await sql`select pg_advisory_unlock(${LOCK_ID})`.execute(conn);
    }
  });
  await runMigrations({ connectionString, logger: silentLogger });
  return applied;
}

/** True when every migration file has been applied (used by /readyz). */
export async function migrationsComplete(db: Db): Promise<boolean> {
  const rows = await sql<{ name: string }>`select name from schema_migrations`.execute(db).catch(() => null);
  if (!rows) return false;
  const done = new Set(rows.rows.map((r) => r.name));
  return migrationFiles().every((f) => done.has(f));
}

export const silentLogger = new Logger(() => () => {});
