/** The one connection pool and Kysely instance a process uses. */
import { Kysely, PostgresDialect, type Transaction } from 'kysely';
import pg from 'pg';
import type { Database } from './schema.ts';

// bigint columns (REQ numbers, timeline ids) come back as strings; counts fit in a JS number.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => v);

export type Db = Kysely<Database>;
export type Tx = Transaction<Database>;
/** Either the pool or an open transaction: repositories accept both. */
export type Queryable = Db | Tx;

export function createDb(url: string, poolSize = 10): { db: Db; pool: pg.Pool } {
  const pool = new pg.Pool({ connectionString: url, max: poolSize, connectionTimeoutMillis: 10_000 });
  // An idle client losing its server (Postgres restart) must not crash the process; the pool replaces it.
  pool.on('error', () => {});
  // A client checked out (mid-transaction) when its server goes away emits 'error' too: its query rejects, the pool
  // drops it on release, and without a listener the process would crash.
  pool.on('connect', (client) => client.on('error', () => {}));
  return { db: new Kysely<Database>({ dialect: new PostgresDialect({ pool }) }), pool };
}

/** The same server's URL for another database (keeping the query, which may name a socket folder). */
export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}
