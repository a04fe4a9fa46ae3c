/**
 * What every benchmark shares: its options (flags or BENCH_* environment variables, `--help` lists them), a
 * throwaway embedded Postgres with the migrated database `bench`, cleanup on success, failure or Ctrl-C
 * (with-cleanups.ts), the exit code (0 whatever the figures, 1 when something breaks), and the report's header line
 * and CPU note.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { createDb, type Db, withDatabase } from '../src/db/database.ts';
import { startEmbeddedPostgres, type EmbeddedPostgres } from '../src/db/embedded-postgres.ts';
import { migrate } from '../src/db/migrate.ts';
import type { CpuUsage } from './cpu-usage.ts';
import { once, withCleanups, type Cleanups } from './with-cleanups.ts';

export const log = (msg: string) => process.stderr.write(`${msg}\n`);
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** An option: a whole number (at least `min`, default 1), a share in [0, 1), a switch, or a text. */
export type OptionSpec = { help: string; env: string } & (
  | { kind: 'int'; default: number; min?: number }
  /** A number only when given (else undefined): e.g. a pool size that defaults to the app's own. */
  | { kind: 'int?' }
  | { kind: 'share'; default: number }
  | { kind: 'switch' }
  | { kind: 'text'; default?: string }
);
type ValueOf<S extends OptionSpec> = S extends { kind: 'int' | 'share' }
  ? number
  : S extends { kind: 'int?' }
    ? number | undefined
    : S extends { kind: 'switch' }
      ? boolean
      : S extends { kind: 'text'; default: string }
        ? string
        : string | undefined;
export type Options<T extends Record<string, OptionSpec>> = { [K in keyof T]: ValueOf<T[K]> };

function usageText(command: string, summary: string, specs: Record<string, OptionSpec>): string {
  const rows = Object.entries(specs).map(([flag, s]) => {
    const left = `  --${flag}${s.kind === 'switch' ? '' : s.kind === 'text' ? ' TEXT' : ' N'}`;
    const env = s.kind === 'switch' ? `${s.env}=1` : s.env;
    const dflt = 'default' in s && s.default !== undefined ? ` (${s.default})` : '';
    return [left, env, `${s.help}${dflt}`];
  });
  const w0 = Math.max(...rows.map((r) => r[0]!.length));
  const w1 = Math.max(...rows.map((r) => r[1]!.length));
  return [
    `${command}: ${summary}`,
    '',
    'Options (a flag, or its environment variable):',
    ...rows.map((r) => `${r[0]!.padEnd(w0)}  ${r[1]!.padEnd(w1)}  ${r[2]}`),
  ].join('\n');
}

/** Reads the options from argv, then the environment; `--help` prints them and exits 0. */
export function parseOptions<T extends Record<string, OptionSpec>>(command: string, summary: string, specs: T, argv = process.argv.slice(2)): Options<T> {
  const { values } = parseArgs({
    args: argv,
    options: {
      help: { type: 'boolean', short: 'h' },
      ...Object.fromEntries(Object.entries(specs).map(([flag, s]) => [flag, { type: s.kind === 'switch' ? ('boolean' as const) : ('string' as const) }])),
    },
  });
  if (values.help) {
    process.stdout.write(usageText(command, summary, specs) + '\n');
    process.exit(0);
  }
  const out: Record<string, unknown> = {};
  for (const [flag, s] of Object.entries(specs)) {
    const given = (values as Record<string, string | boolean | undefined>)[flag];
    if (s.kind === 'switch') {
      out[flag] = given === true || process.env[s.env] === '1';
      continue;
    }
    const raw = (given as string | undefined) ?? process.env[s.env];
    const unset = raw === undefined || raw === '';
    if (s.kind === 'text') out[flag] = unset ? s.default : raw;
    else if (s.kind === 'share') {
      const n = unset ? s.default : Number(raw);
      if (!(n >= 0 && n < 1)) throw new Error(`--${flag} / ${s.env} must be a share in [0, 1), got "${raw}"`);
      out[flag] = n;
    } else {
      const min = s.kind === 'int' ? (s.min ?? 1) : 1;
      const n = unset ? (s.kind === 'int' ? s.default : undefined) : Number(raw);
      if (n !== undefined && (!Number.isInteger(n) || n < min)) throw new Error(`--${flag} / ${s.env} must be an integer >= ${min}, got "${raw}"`);
      out[flag] = n;
    }
  }
  return out as Options<T>;
}

/** Runs a benchmark: cleanups run whatever happens; exits 0, or 1 with the error when something breaks. */
export function runBench(name: string, body: (cleanups: Cleanups) => Promise<void>): void {
  withCleanups(body, log).then(
    () => process.exit(0),
    (err) => {
      log(`${name} failed: ${(err as Error).stack ?? err}`);
      process.exit(1);
    },
  );
}

export interface BenchPostgres {
  /** The temp folder (removed at the end); BRIDGEDESK_DATA_DIR of the app. */
  tmp: string;
  /** The database `bench`, migrated. */
  url: string;
  db: Db;
  pool: pg.Pool;
  pgVersion: string;
  /** The postmaster's pid: its children are the backends whose CPU a benchmark counts. */
  postmasterPid: number;
  /** How long Postgres took to start (ms), and the migrations to run. */
  startMs: number;
  migrateMs: number;
}

/**
 * A throwaway embedded Postgres in a temp folder (`bridgedesk-bench-*`) with the database `bench`, migrated; a pool
 * of `poolSize` for the benchmark itself. `statements` loads pg_stat_statements (a restart) and creates it.
 */
export async function startBenchPostgres(cleanups: Cleanups, o: { poolSize: number; statements?: boolean }): Promise<BenchPostgres> {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'bridgedesk-bench-'));
  // The temp folder must be traversable: as root, Postgres runs as the `postgres` user.
  fs.chmodSync(tmp, 0o755);
  cleanups.push(async () => fs.rmSync(tmp, { recursive: true, force: true }));
  log(`temp folder ${tmp}`);
  const dataDir = path.join(tmp, 'postgres');
  let t0 = performance.now();
  let server: EmbeddedPostgres = await startEmbeddedPostgres({ dataDir });
  let stopServer = once(() => server.stop());
  cleanups.push(() => stopServer());
  if (o.statements) {
    // pg_stat_statements must be loaded at server start: set it, then restart.
    const c = new pg.Client(server.url);
    await c.connect();
    await c.query(`alter system set shared_preload_libraries = 'pg_stat_statements'`);
    await c.end();
    await stopServer();
    server = await startEmbeddedPostgres({ dataDir });
    stopServer = once(() => server.stop());
  }
  const admin = new pg.Client(server.url);
  await admin.connect();
  await admin.query('create database bench');
  const pgVersion = (await admin.query<{ v: string }>(`select current_setting('server_version') v`)).rows[0]!.v;
  await admin.end();
  const url = withDatabase(server.url, 'bench');
  const startMs = performance.now() - t0;
  const postmasterPid = Number(fs.readFileSync(path.join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
  const { db, pool } = createDb(url, o.poolSize);
  cleanups.push(once(() => db.destroy()));
  t0 = performance.now();
  await migrate(db, url);
  const migrateMs = performance.now() - t0;
  if (o.statements) await pool.query('create extension pg_stat_statements');
  return { tmp, url, db, pool, pgVersion, postmasterPid, startMs, migrateMs };
}

/** The report's first line: what ran on what. */
export const headerLine = (title: string, pgVersion: string) =>
  `Bridgedesk ${title}: node ${process.version}, Postgres ${pgVersion}, ${os.cpus().length} CPUs (${os.cpus()[0]?.model.trim() ?? '?'})`;

/**
 * How busy the machine was besides the benchmark (`ours` names its processes), and a warning when others took more
 * than 10% of the CPUs: the figures then measure the scheduler as much as Bridgedesk.
 */
export function machineNote(u: CpuUsage | null, o: { ours: string; indent: string; effect: string }): string {
  if (!u) return '';
  const pct = (x: number) => `${Math.round(x * 100)}%`;
  return (
    `\n${o.indent}machine meanwhile: benchmark processes (${o.ours}) ${pct(u.ours)} of all CPUs, other processes ${pct(u.others)}, steal ${pct(u.steal)}` +
    (u.others + u.steal > 0.1 ? `\n${o.indent}WARNING: other work competed for the CPUs; ${o.effect}. Re-run on a quiet machine.` : '')
  );
}
