/**
 * `npm run bench:attachments`: attachment throughput over real HTTP on loopback, against the floor of the same bytes
 * moved with one COPY into and out of a Postgres table in the same run.
 *
 * Starts a throwaway embedded Postgres, the app in a child process (bench/app-process.ts, the real server, default
 * Postgres storage), and an agent with an API token. Then: (1) the floor: the files' bytes, in chunk rows like the
 * app's, written with one `COPY ... FROM STDIN (FORMAT binary)` into a table with the same column storage, and read
 * back with one `COPY ... TO STDOUT (FORMAT binary)`; (2) N uploads of the file size at K in flight
 * (`POST /api/v1/uploads`, Content-Length, random bytes: incompressible, as images and archives are); (3) N downloads
 * at K in flight; (4) the floor again, so drift over the run shows. Uploads and downloads are reported in MB/s and as
 * a ratio to the floor's mean; the app's peak RSS (its whole life) last.
 * A benchmark, not a test: it exits 0 whatever the figures, and 1 only if something fails.
 *
 * Options: `npm run bench:attachments -- --help`, and bench/README.md.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import http from 'node:http';
import pg from 'pg';
import { insertToken } from '../src/db/repositories/api-tokens.ts';
import { insertUser } from '../src/db/repositories/users.ts';
import { API_TOKEN_PREFIX, randomToken, sha256 } from '../src/server/auth/secrets.ts';
import { CHUNK_BYTES } from '../src/storage/postgres-storage.ts';
import { startAppProcess } from './child-process.ts';
import { cpuSnapshot, cpuUsage } from './cpu-usage.ts';
import { postgresCpuMs } from './postgres-cpu.ts';
import { headerLine, log, machineNote, parseOptions, runBench, startBenchPostgres } from './harness.ts';
import { binaryHeader, binaryTrailer, chunkTuple, copyIn, copyOut } from '../src/storage/pg-copy.ts';
import type { Cleanups } from './with-cleanups.ts';

const GOALS = { upload: 0.5, download: 0.7, rssMb: 300 };

const O = parseOptions('npm run bench:attachments --', 'attachment uploads and downloads over HTTP against one COPY in and out of Postgres', {
  files: { kind: 'int', env: 'BENCH_FILES', default: 200, help: 'uploads, then as many downloads' },
  'file-mb': { kind: 'int', env: 'BENCH_FILE_MB', default: 5, help: 'size of each file in MB (MiB)' },
  'in-flight': { kind: 'int', env: 'BENCH_IN_FLIGHT', default: 20, help: 'uploads (and downloads) in flight' },
  distinct: { kind: 'int', env: 'BENCH_DISTINCT', default: 20, help: 'distinct random files the uploads cycle through (kept in memory by the load generator)' },
  'cpu-prof': { kind: 'text', env: 'BENCH_CPU_PROF', help: 'write a V8 CPU profile of the app process to this folder' },
});

const MB = 1024 * 1024;

/**
 * The load generator's HTTP client: node:http on keep-alive connections, as lean as the floor's client (fetch costs
 * several times the CPU per byte, and client, app and Postgres share the cores).
 */
const agentPool = new http.Agent({ keepAlive: true, maxSockets: 64 });
function request(url: string, o: { method?: string; headers: Record<string, string>; body?: Buffer }, onData?: (piece: Buffer) => void) {
  return new Promise<{ status: number; body: string; bytes: number }>((resolve, reject) => {
    const req = http.request(url, { method: o.method ?? 'GET', headers: o.headers, agent: agentPool }, (res) => {
      let text = '';
      let bytes = 0;
      const json = res.headers['content-type']?.startsWith('application/json');
      res.on('data', (piece: Buffer) => {
        bytes += piece.length;
        if (json) text += piece.toString();
        else onData?.(piece);
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text, bytes }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(o.body);
  });
}
const fmt = (n: number, digits = 1) => n.toFixed(digits);

async function run(cleanups: Cleanups) {
  const fileBytes = O['file-mb'] * MB;
  const totalBytes = fileBytes * O.files;
  const { tmp, url, db, pool, pgVersion, postmasterPid } = await startBenchPostgres(cleanups, { poolSize: 2 });
  log(`Postgres ${pgVersion} ready; generating ${O.distinct} random files of ${O['file-mb']} MB...`);
  const files = Array.from({ length: Math.min(O.distinct, O.files) }, () => randomBytes(fileBytes));
  const hashes = files.map((f) => createHash('sha256').update(f).digest('hex'));

  const agent = await insertUser(db, {
    email: 'bench-agent@bench.example',
    name: 'Bench Agent',
    role: 'agent',
    passwordHash: null,
    managerId: null,
    department: null,
    title: null,
    location: null,
  });
  const token = API_TOKEN_PREFIX + randomToken();
  await insertToken(db, { userId: agent.id, name: 'bench', tokenHash: sha256(token), lastFour: token.slice(-4), expiresAt: null });

  const app = await startAppProcess({
    url,
    dataDir: tmp,
    worker: 'off',
    execArgv: O['cpu-prof'] ? ['--cpu-prof', `--cpu-prof-dir=${O['cpu-prof']}`] : undefined,
    // Every upload stays unsent during the run: the allowance of unsent files must hold them all.
    appEnv: { ATTACHMENT_MAX_BYTES: String(Math.max(fileBytes, 25 * MB)), ATTACHMENTS_MAX_REQUEST_BYTES: String(totalBytes + MB) },
  });
  cleanups.push(app.stop);
  const base = `http://127.0.0.1:${app.port}`;
  const auth = { authorization: `Bearer ${token}` };
  log(`app process ${app.pid} on ${base}, RSS ${fmt(app.ready.rss / MB)} MB`);

  // The floor's table: the app's chunk table's shape and column storage, without its foreign key.
  await pool.query(`create table floor_chunks (attachment_id uuid not null, seq int not null, data bytea not null, primary key (attachment_id, seq))`);
  await pool.query(`alter table floor_chunks alter column data set storage external`);
  const floorClient = new pg.Client(url);
  floorClient.on('error', () => {});
  await floorClient.connect();
  cleanups.push(async () => void (await floorClient.end().catch(() => {})));

  function* floorTuples(): Generator<Buffer> {
    yield binaryHeader();
    for (let i = 0; i < O.files; i++) {
      const file = files[i % files.length]!;
      const id = randomUUID();
      for (let seq = 0; seq * CHUNK_BYTES < file.length; seq++) yield* chunkTuple(id, seq, file.subarray(seq * CHUNK_BYTES, (seq + 1) * CHUNK_BYTES));
    }
    yield binaryTrailer();
  }
  const floor = async (label: string) => {
    await pool.query('truncate floor_chunks');
    await pool.query('checkpoint');
    let meter = await cpuMeter();
    let t0 = performance.now();
    await copyIn(floorClient, 'copy floor_chunks (attachment_id, seq, data) from stdin (format binary)', floorTuples());
    const inMs = performance.now() - t0;
    const inCpu = await meter();
    await pool.query('checkpoint');
    meter = await cpuMeter();
    t0 = performance.now();
    const received = await copyOut(floorClient, 'copy (select data from floor_chunks) to stdout (format binary)');
    const outMs = performance.now() - t0;
    const outCpu = await meter();
    if (received < totalBytes) throw new Error(`the floor's COPY out returned ${received} bytes, fewer than the ${totalBytes} written`);
    log(`floor (${label}): COPY in ${fmt(totalBytes / MB / (inMs / 1000))} MB/s, out ${fmt(totalBytes / MB / (outMs / 1000))} MB/s`);
    return { inMBs: totalBytes / MB / (inMs / 1000), outMBs: totalBytes / MB / (outMs / 1000), inCpu, outCpu };
  };

  /** CPU ms of the load generator (this process), the app and Postgres since `start()`; per MB moved when ended. */
  const cpuMeter = async () => {
    const mine = () => {
      const u = process.cpuUsage();
      return (u.user + u.system) / 1000;
    };
    const appMs = async () => {
      const c = (await app.stats()).cpu;
      return (c.user + c.system) / 1000;
    };
    const start = { client: mine(), app: await appMs(), pg: postgresCpuMs(postmasterPid) ?? 0 };
    return async () => ({ client: mine() - start.client, app: (await appMs()) - start.app, pg: (postgresCpuMs(postmasterPid) ?? 0) - start.pg });
  };
  type Cpu = Awaited<ReturnType<Awaited<ReturnType<typeof cpuMeter>>>>;
  const perMb = (c: Cpu) => `${fmt(c.client / (totalBytes / MB), 2)} + ${fmt(c.app / (totalBytes / MB), 2)} + ${fmt(c.pg / (totalBytes / MB), 2)}`;

  /** `n` tasks with `k` in flight; resolves with the wall time in ms. */
  const lanes = async (n: number, k: number, task: (i: number) => Promise<void>) => {
    let next = 0;
    const t0 = performance.now();
    await Promise.all(
      Array.from({ length: Math.min(k, n) }, async () => {
        while (next < n) await task(next++);
      }),
    );
    return performance.now() - t0;
  };

  const before = await floor('before');
  const machineBefore = cpuSnapshot([process.pid, app.pid!], [postmasterPid]);

  await pool.query('checkpoint');
  log(`uploading ${O.files} files at ${O['in-flight']} in flight...`);
  const ids: string[] = new Array(O.files);
  const uploadMeter = await cpuMeter();
  const uploadMs = await lanes(O.files, O['in-flight'], async (i) => {
    const file = files[i % files.length]!;
    const headers = { ...auth, 'content-type': 'application/octet-stream', 'content-length': String(file.length) };
    const res = await request(`${base}/api/v1/uploads?name=file-${i}.bin`, { method: 'POST', headers, body: file });
    const body = JSON.parse(res.body) as { id: string; size: number; sha256: string };
    if (res.status !== 201 || body.size !== file.length || body.sha256 !== hashes[i % files.length])
      throw new Error(`upload ${i}: ${res.status} ${res.body.slice(0, 300)}`);
    ids[i] = body.id;
  });
  const uploadCpu = await uploadMeter();
  const uploadMBs = totalBytes / MB / (uploadMs / 1000);
  log(`uploads: ${fmt(uploadMBs)} MB/s`);

  await pool.query('checkpoint');
  log(`downloading ${O.files} files at ${O['in-flight']} in flight...`);
  const downloadMeter = await cpuMeter();
  const downloadMs = await lanes(O.files, O['in-flight'], async (i) => {
    const res = await request(`${base}/api/v1/attachments/${ids[i]}`, { headers: auth });
    if (res.status !== 200 || res.bytes !== fileBytes) throw new Error(`download ${i}: ${res.status}, ${res.bytes} bytes (expected ${fileBytes}) ${res.body}`);
  });
  const downloadCpu = await downloadMeter();
  const downloadMBs = totalBytes / MB / (downloadMs / 1000);
  log(`downloads: ${fmt(downloadMBs)} MB/s`);
  const machine = cpuUsage(machineBefore, cpuSnapshot([process.pid, app.pid!], [postmasterPid]));
  // Outside the timing: one download checked byte for byte.
  const pieces: Buffer[] = [];
  await request(`${base}/api/v1/attachments/${ids[0]}`, { headers: auth }, (p) => pieces.push(p));
  if (!Buffer.concat(pieces).equals(files[0]!)) throw new Error('a download differs from what was uploaded');
  agentPool.destroy();

  const after = await floor('after');
  const stats = await app.stats();
  const floorIn = (before.inMBs + after.inMBs) / 2;
  const floorOut = (before.outMBs + after.outMBs) / 2;
  const verdict = (ok: boolean) => (ok ? 'PASS' : 'UNDER');
  const rssMb = stats.maxRssBytes / MB;
  const row = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(34) : c.padStart(12))).join('');
  process.stdout.write(
    [
      headerLine('bench:attachments', pgVersion),
      `${O.files} files of ${O['file-mb']} MB (${fmt(totalBytes / MB, 0)} MB), ${O['in-flight']} in flight, over HTTP on 127.0.0.1; Postgres storage (${CHUNK_BYTES / 1024} KB chunks)`,
      '',
      row(['', 'MB/s', 'floor MB/s', 'ratio', 'goal']),
      row([
        'uploads (POST /api/v1/uploads)',
        fmt(uploadMBs),
        fmt(floorIn),
        fmt(uploadMBs / floorIn, 2),
        `≥ ${GOALS.upload} ${verdict(uploadMBs / floorIn >= GOALS.upload)}`,
      ]),
      row([
        'downloads (GET /api/v1/attachments)',
        fmt(downloadMBs),
        fmt(floorOut),
        fmt(downloadMBs / floorOut, 2),
        `≥ ${GOALS.download} ${verdict(downloadMBs / floorOut >= GOALS.download)}`,
      ]),
      '',
      `floor: one COPY in (binary) ${fmt(before.inMBs)} MB/s before, ${fmt(after.inMBs)} after; one COPY out ${fmt(before.outMBs)} before, ${fmt(after.outMBs)} after`,
      `CPU ms per MB (load generator + app + Postgres): uploads ${perMb(uploadCpu)}, COPY in ${perMb(before.inCpu)}; downloads ${perMb(downloadCpu)}, COPY out ${perMb(before.outCpu)}`,
      `app peak RSS ${fmt(rssMb, 0)} MB (goal ≤ ${GOALS.rssMb}: ${rssMb <= GOALS.rssMb ? 'PASS' : 'OVER'}); ${fmt(app.ready.rss / MB, 0)} MB once listening; app CPU ${fmt((stats.cpu.user + stats.cpu.system) / 1e6)} s over the run` +
        machineNote(machine, { ours: 'load generator, app, Postgres', indent: '', effect: 'the rates are lower for it' }),
      '',
    ].join('\n'),
  );
}

runBench('bench:attachments', run);
