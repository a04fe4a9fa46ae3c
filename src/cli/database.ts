/** Opens the database a process uses: DATABASE_URL if set, else the embedded Postgres in the data folder. */
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import type { Logger } from 'pino';
import type { Config } from '../config.ts';
import { createDb, type Db, withDatabase } from '../db/database.ts';
import { startEmbeddedPostgres } from '../db/embedded-postgres.ts';

export class StartupError extends Error {}

export interface OpenDatabase {
  db: Db;
  url: string;
  close(): Promise<void>;
}

const EMBEDDED_DB = 'bridgedesk';

export async function openDatabase(config: Config, log: Logger): Promise<OpenDatabase> {
  let url = config.databaseUrl;
  let stopEmbedded = async () => {};
  if (!url) {
    ensureWritable(config.dataDir);
    const started = Date.now();
    const wanted = path.resolve(config.dataDir, 'postgres');
    const server = await startEmbeddedPostgres({ dataDir: wanted, port: config.embeddedPgPort });
    stopEmbedded = server.stop;
    await createDatabaseIfMissing(server.url, EMBEDDED_DB);
    url = withDatabase(server.url, EMBEDDED_DB);
    // As root under a private parent the cluster lives elsewhere (embedded-postgres.ts): say where, it holds the data.
    const where =
      server.dataDir === wanted
        ? ''
        : ` (its cluster is in ${server.dataDir}: the postgres user cannot reach ${config.dataDir}; ${wanted}.location records this)`;
    log.info({ dataDir: config.dataDir, postgresDir: server.dataDir, port: server.port, ms: Date.now() - started }, `embedded Postgres started${where}`);
  }
  await assertReachable(url);
  const { db } = createDb(url, config.poolSize);
  return {
    db,
    url,
    async close() {
      await db.destroy().catch(() => {});
      await stopEmbedded();
    },
  };
}

function ensureWritable(dir: string) {
  try {
    fs.mkdirSync(dir, { recursive: true });
    fs.accessSync(dir, fs.constants.W_OK);
  } catch {
    throw new StartupError(`Cannot write to the data folder ${dir}. Set BRIDGEDESK_DATA_DIR to a folder you can write, or set DATABASE_URL.`);
  }
}

async function createDatabaseIfMissing(adminUrl: string, name: string) {
  const client = new pg.Client(adminUrl);
  await client.connect();
  try {
    const { rowCount } = await client.query('select 1 from pg_database where datname = $1', [name]);
    if (!rowCount)
      await client.query(`create database ${name}`).catch((e: { code?: string }) => {
        if (e.code !== '42P04') throw e; // created meanwhile by another process
      });
  } finally {
    await client.end();
  }
}

async function assertReachable(url: string) {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 10_000 });
  try {
    await client.connect();
    await client.query('select 1');
  } catch (err) {
    const where = new URL(url);
    throw new StartupError(`Cannot reach Postgres at ${where.hostname}:${where.port || 5432}${where.pathname}: ${(err as Error).message}. Check DATABASE_URL.`);
  } finally {
    await client.end().catch(() => {});
  }
}
