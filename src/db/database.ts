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
  pool.on('connect', (client) => {
    client.on('error', () => {});
    prepareStatements(client);
  });
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  urls.set(db, url);
  return { db, pool };
}

const urls = new WeakMap<Db, string>();
/** The URL a Kysely instance from `createDb` connects to: for the connections that cannot come from its pool (LISTEN). */
export const connectionStringOf = (db: Db): string | undefined => urls.get(db);

/** Distinct statements given a name; past this many, new ones go unnamed (each connection keeps what it prepared). */
const MAX_NAMED = 2_000;
const names = new Map<string, number>();
/** Bumped when a schema change made the prepared plans stale: every text then gets a fresh name. */
let generation = 0;
const UNNAMED = /^(begin|commit|rollback|savepoint|release)\b/i;
/** Postgres refuses a prepared `select *` whose table gained or lost a column since it was prepared. */
const STALE_PLAN = '0A000';

/**
 * Runs each distinct statement text as a named prepared statement: Postgres parses and plans it once per connection
 * instead of on every call (measured: a third of Postgres's CPU per escalation went to parsing and planning).
 * The texts are Kysely's compiled queries, whose values are all parameters, so the distinct texts are few. Without
 * parameters a text goes as a simple query, which may hold several statements (migrations).
 *
 * A migration run by another process (a new version, during a rolling upgrade) can make a prepared statement's
 * result type stale, and Postgres would refuse it on this connection for good. Then every name is renewed, and the
 * statement is run again unprepared when it was not inside a transaction (inside one, the transaction has failed and
 * its caller sees the error, as for any other).
 */
function prepareStatements(client: pg.PoolClient) {
  const query = client.query.bind(client) as (...args: unknown[]) => Promise<unknown>;
  (client as { query: unknown }).query = (text: unknown, values?: unknown, callback?: unknown) => {
    if (typeof text !== 'string' || !Array.isArray(values) || !values.length || UNNAMED.test(text) || callback) return query(text, values, callback);
    let n = names.get(text);
    if (n === undefined && names.size < MAX_NAMED) names.set(text, (n = names.size));
    if (n === undefined) return query(text, values);
    // pg's transaction status from the last ReadyForQuery: the one before this statement ('I': not in a transaction).
    const outsideTransaction = (client as { _txStatus?: string })._txStatus === 'I';
    return query({ name: `k${n}g${generation}`, text, values }).catch((err: { code?: string }) => {
      if (err?.code !== STALE_PLAN) throw err;
      generation += 1;
      if (!outsideTransaction) throw err;
      return query(text, values);
    });
  };
}

/** The same server's URL for another database (keeping the query, which may name a socket folder). */
export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}
