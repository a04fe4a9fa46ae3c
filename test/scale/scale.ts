/**
 * `npm run test:scale`: Bridgedesk scaled out as in production, on one machine.
 *
 * One Postgres reached only by URL (the embedded one, started here in a temp folder, as a managed Postgres would be),
 * migrated once by `bridgedesk migrate`; a Kustomer emulator with a fixed latency per reply (bench/delayed-emulator.ts);
 * two `bridgedesk server` processes behind a round-robin proxy (test/scale/round-robin-proxy.ts); `bridgedesk worker`
 * processes with a small WORKER_CONCURRENCY, so that escalation throughput is bound by Kustomer's latency and the
 * number of worker slots, not by the 2 CPUs. Every Bridgedesk process gets DATABASE_URL, BRIDGEDESK_SECRET_KEY and a
 * BRIDGEDESK_DATA_DIR that must never be created.
 *
 * Two phases of the same load (agents creating requests, commenting, and escalating at a capped rate about what 3
 * workers can link): first with 2 workers, then with a 3rd started; the backlog the first phase builds carries into
 * the second, so the workers are the limit in both. Each phase prints requests/s, p50/p99 latency, errors and
 * escalations linked per second while the load ran. Then the backlog is drained, and every escalation must be
 * linked to exactly one emulator conversation (found by external id).
 *
 * Exit 0 when there were no errors (every answer 2xx as expected, no process died) and every escalation is linked
 * exactly once; else 1. Postgres, the processes and the temp folder are removed at the end, also on error or Ctrl-C.
 */
import { fork, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { seedDemoOrg } from '../../src/connectors/kustomer/emulator/index.ts';
import { startEmbeddedPostgres } from '../../src/db/embedded-postgres.ts';
import { insertToken } from '../../src/db/repositories/api-tokens.ts';
import { createDb, type Db, withDatabase } from '../../src/db/database.ts';
import { API_TOKEN_PREFIX, randomToken, sha256 } from '../../src/server/auth/secrets.ts';
import { cpuSnapshot, cpuUsage } from '../../bench/cpu-usage.ts';
import { serveDelayedEmulator, type DelayedEmulator } from '../../bench/delayed-emulator.ts';
import { installEscalationTrigger, listenEscalationEvents, type EscalationEvents } from '../../bench/escalation-events.ts';
import { summarize } from '../../bench/percentiles.ts';
import { withCleanups, type Cleanups } from '../../bench/with-cleanups.ts';

const { values: flags } = parseArgs({
  options: {
    duration: { type: 'string' },
    'latency-ms': { type: 'string' },
    concurrency: { type: 'string' },
    'escalation-rate': { type: 'string' },
    connections: { type: 'string' },
    'drain-timeout': { type: 'string' },
    help: { type: 'boolean' },
  },
});
if (flags.help) {
  process.stdout.write(`npm run test:scale -- [--duration S] [--latency-ms N] [--concurrency N] [--escalation-rate N] [--connections N] [--drain-timeout S]
(or SCALE_DURATION, SCALE_LATENCY_MS, SCALE_WORKER_CONCURRENCY, SCALE_ESCALATION_RATE, SCALE_CONNECTIONS, SCALE_DRAIN_TIMEOUT)\n`);
  process.exit(0);
}
const intOpt = (flag: keyof typeof flags, env: string, dflt: number, min = 1) => {
  const raw = (flags[flag] as string | undefined) ?? process.env[env];
  const v = raw === undefined || raw === '' ? dflt : Number(raw);
  if (!Number.isInteger(v) || v < min) throw new Error(`--${flag} / ${env}: expected an integer >= ${min}, got ${raw}`);
  return v;
};
const DURATION_S = intOpt('duration', 'SCALE_DURATION', 30);
const LATENCY_MS = intOpt('latency-ms', 'SCALE_LATENCY_MS', 200, 0);
const WORKER_CONCURRENCY = intOpt('concurrency', 'SCALE_WORKER_CONCURRENCY', 2);
/**
 * An escalation makes 4 to 5 Kustomer calls in a row (find or create the customer, conversation, message, back-link
 * note), so one worker slot links at most about 1 / (4.5 x latency) per second. The escalation rate defaults to that
 * bound for 3 workers: the 2-worker phase builds a backlog that the 3-worker phase inherits, so the workers are the
 * limit in both (the output says when they were not), without a long drain afterwards.
 */
const ESCALATION_RATE = intOpt(
  'escalation-rate',
  'SCALE_ESCALATION_RATE',
  Math.min(40, Math.ceil((3 * WORKER_CONCURRENCY) / (4.5 * (Math.max(LATENCY_MS, 25) / 1000)))),
);
const CONNECTIONS = intOpt('connections', 'SCALE_CONNECTIONS', 8);
const DRAIN_TIMEOUT_S = intOpt('drain-timeout', 'SCALE_DRAIN_TIMEOUT', 240);
const SERVERS = 2;
const REQUESTERS = 200;
/** Linked/s is measured from this long after the load starts (the backlog builds up in the first second). */
const WARMUP_MS = 3000;

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../..');
const bin = path.join(root, 'bin/bridgedesk.js');
const log = (msg: string) => process.stderr.write(`${msg}\n`);
const print = (lines: string[]) => process.stdout.write(lines.join('\n') + '\n');
const fmt = (n: number, digits = 1) => (Number.isFinite(n) ? n.toFixed(digits) : '-');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// ---------------------------------------------------------------------------------------------------------------
// Child processes: `bridgedesk ...` with its output kept (tail in memory, all of it in a log file).

interface Proc {
  name: string;
  child: ChildProcess;
  logFile: string;
  output(): string;
  exited: Promise<number | null>;
  waitFor(pattern: RegExp, timeoutMs: number): Promise<RegExpExecArray>;
  stop(): Promise<void>;
}

const procs: Proc[] = [];
const problems: string[] = [];
let stopping = false;

function startBridgedesk(name: string, args: string[], env: Record<string, string>, logDir: string): Proc {
  const logFile = path.join(logDir, `${name}.log`);
  const out = fs.createWriteStream(logFile);
  const child = spawn(process.execPath, [bin, ...args], {
    cwd: root,
    env: { PATH: process.env.PATH!, HOME: process.env.HOME ?? os.tmpdir(), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let tail = '';
  const onData = (d: Buffer) => {
    out.write(d);
    tail = (tail + d.toString('utf8')).slice(-200_000);
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  let exitCode: number | null | undefined;
  const exited = new Promise<number | null>((resolve) =>
    child.on('exit', (code, signal) => {
      exitCode = code;
      out.end();
      if (!stopping && !(args[0] === 'migrate' && code === 0)) problems.push(`${name} exited unexpectedly (code ${code}, signal ${signal})`);
      resolve(code);
    }),
  );
  const proc: Proc = {
    name,
    child,
    logFile,
    output: () => tail,
    exited,
    async waitFor(pattern, timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const m = pattern.exec(tail);
        if (m) return m;
        if (exitCode !== undefined) throw new Error(`${name} exited with ${exitCode} before it was ready:\n${tail.slice(-3000)}`);
        if (Date.now() > deadline) throw new Error(`${name} not ready within ${timeoutMs / 1000} s:\n${tail.slice(-3000)}`);
        await sleep(50);
      }
    },
    async stop() {
      if (exitCode !== undefined) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    },
  };
  procs.push(proc);
  return proc;
}

// ---------------------------------------------------------------------------------------------------------------

async function main(): Promise<number> {
  return withCleanups(run, log, () => {
    stopping = true;
  }).catch((err: unknown) => {
    log(`test:scale failed: ${(err as Error).stack ?? String(err)}`);
    return 1;
  });
}

async function run(cleanups: Cleanups): Promise<number> {
  const tRun = performance.now();
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'bridgedesk-scale-'));
  fs.chmodSync(tmp, 0o755);
  cleanups.push(async () => fs.rmSync(tmp, { recursive: true, force: true }));
  const logDir = path.join(tmp, 'logs');
  fs.mkdirSync(logDir);
  // Given to every Bridgedesk process; with DATABASE_URL it must never be created.
  const noDataDir = path.join(tmp, 'bridgedesk-data-must-not-exist');
  log(`temp folder ${tmp}`);

  // 1. Postgres, reached by URL only.
  const pgServer = await startEmbeddedPostgres({ dataDir: path.join(tmp, 'postgres') });
  cleanups.push(() => pgServer.stop());
  const admin0 = new pg.Client(pgServer.url);
  await admin0.connect();
  await admin0.query('create database bridgedesk_scale');
  const pgVersion = (await admin0.query<{ v: string }>(`select current_setting('server_version') v`)).rows[0]!.v;
  await admin0.end();
  const url = withDatabase(pgServer.url, 'bridgedesk_scale');
  const postmasterPid = Number(fs.readFileSync(path.join(tmp, 'postgres', 'postmaster.pid'), 'utf8').split('\n')[0]);

  // 2. The Kustomer emulator, every API reply held for LATENCY_MS; no rate limit in the way.
  const emu: DelayedEmulator = await serveDelayedEmulator({ latencyMs: LATENCY_MS });
  cleanups.push(() => emu.close());
  const org = seedDemoOrg(emu.control, { name: 'acme' });
  emu.control.updateOrg('acme', { rateLimitPerMinute: 1_000_000 });
  const queueId = org.queues.tier2Support.id;

  const secretKey = randomBytes(32).toString('base64');
  const adminEmail = 'scale-admin@scale.example';
  const adminPassword = randomBytes(12).toString('hex');
  const common = {
    DATABASE_URL: url,
    BRIDGEDESK_SECRET_KEY: secretKey,
    BRIDGEDESK_DATA_DIR: noDataDir,
    KUSTOMER_BASE_URL: emu.url,
    KUSTOMER_WEB_URL: emu.url,
    LOG_LEVEL: 'info',
  };

  // 3. Migrations, once, as a deploy step.
  const t0 = performance.now();
  const migrateProc = startBridgedesk('migrate', ['migrate'], common, logDir);
  if ((await migrateProc.exited) !== 0) throw new Error(`bridgedesk migrate failed:\n${migrateProc.output()}`);
  log(`migrated in ${fmt((performance.now() - t0) / 1000)} s`);

  const { db, pool } = createDb(url, 5);
  cleanups.push(() => db.destroy());
  await installEscalationTrigger(pool);
  const events = await listenEscalationEvents(url);
  cleanups.push(() => events.close());
  // Stop the Bridgedesk processes before Postgres, the emulator and the pool (cleanups run in reverse).
  cleanups.push(async () => {
    await Promise.all(procs.map((p) => p.stop()));
  });

  // 4. Two servers (both racing to create the first admin from the environment) and the proxy in front.
  const serverEnv = { ...common, PORT: '0', HOST: '127.0.0.1', BRIDGEDESK_ADMIN_EMAIL: adminEmail, BRIDGEDESK_ADMIN_PASSWORD: adminPassword };
  const servers = Array.from({ length: SERVERS }, (_, i) => startBridgedesk(`server-${i + 1}`, ['server'], serverEnv, logDir));
  const ports = await Promise.all(servers.map(async (s) => Number((await s.waitFor(/"port":(\d+)[^\n]*Bridgedesk is running/, 120_000))[1])));
  const proxy = await startProxy(ports);
  cleanups.push(proxy.stop);
  const base = { port: proxy.port };
  log(`servers on ${ports.join(', ')}; proxy on ${proxy.port}`);

  // 5. Kustomer connected through the API as the admin (the key is encrypted with BRIDGEDESK_SECRET_KEY by one server
  //    and read by the workers), one queue enabled. Agents and requesters are set up in the database.
  const session = await login(base, adminEmail, adminPassword);
  await call(base, 'PUT', '/api/v1/integrations/kustomer', { orgName: 'acme', apiKey: org.apiKey }, session, 200);
  await call(base, 'PATCH', '/api/v1/integrations/kustomer', { queues: [{ remoteId: queueId, enabled: true }] }, session, 200);
  const { tokens, requesters } = await setupPeople(db);

  // 6. Two workers.
  const workerEnv = { ...common, WORKER_CONCURRENCY: String(WORKER_CONCURRENCY) };
  const startWorker = async (n: number) => {
    const w = startBridgedesk(`worker-${n}`, ['worker'], workerEnv, logDir);
    await w.waitFor(/worker running/, 120_000);
    return w;
  };
  const workers = await Promise.all([startWorker(1), startWorker(2)]);
  log(`2 workers running (WORKER_CONCURRENCY ${WORKER_CONCURRENCY})`);

  print([
    '',
    `Bridgedesk scale-out test: node ${process.version}, Postgres ${pgVersion}, ${os.cpus().length} CPUs (${os.cpus()[0]?.model.trim() ?? '?'})`,
    `  ${SERVERS} \`bridgedesk server\` behind a round-robin proxy; \`bridgedesk worker\` x2, then x3; one Postgres by DATABASE_URL`,
    `  Kustomer emulator: +${LATENCY_MS} ms per reply; WORKER_CONCURRENCY ${WORKER_CONCURRENCY} per worker (escalation throughput bound by latency x slots)`,
    `  load: ${CONNECTIONS} connections for ${DURATION_S} s per phase; each loop: create a request, escalate it (at most ${ESCALATION_RATE}/s overall), comment on it`,
  ]);

  const phaseArgs = { db, events, base, tokens, requesters, queueId };
  const phases: PhaseResult[] = [];
  const pids = () => [process.pid, proxy.pid, ...procs.filter((p) => p.child.exitCode === null).map((p) => p.child.pid!)];
  phases.push(await runPhase({ ...phaseArgs, name: '2 workers', workers: 2, pids, postmasterPid }));
  workers.push(await startWorker(3));
  log('3rd worker running');
  phases.push(await runPhase({ ...phaseArgs, name: '3 workers', workers: 3, pids, postmasterPid }));
  log('load stopped; draining');
  const drained = await drain({ events, db, slots: 3 * WORKER_CONCURRENCY });

  // 7. Checks.
  const spread = await proxy.stats();
  const check = await verifyEscalations(
    db,
    emu,
    phases.flatMap((p) => p.escalationIds),
  );
  const dataDirCreated = fs.existsSync(noDataDir);
  const errorLines = procs.flatMap((p) =>
    fs
      .readFileSync(p.logFile, 'utf8')
      .split('\n')
      .filter((l) => /"level":(50|60)/.test(l))
      .map((l) => `${p.name}: ${l.slice(0, 300)}`),
  );
  const totalErrors = phases.reduce((s, p) => s + p.errors, 0);

  const [p2, p3] = phases as [PhaseResult, PhaseResult];
  const gain = p3.linkedPerSecond / p2.linkedPerSecond - 1;
  const expectedGain = 3 / 2 - 1;
  const row = (cells: (string | number)[], widths: number[]) => cells.map((c, i) => String(c).padStart(widths[i]!)).join('  ');
  const widths = [10, 6, 11, 7, 7, 7, 10, 12, 9, 8];
  print([
    '',
    'summary',
    row(['phase', 'slots', 'requests/s', 'p50 ms', 'p99 ms', 'errors', 'escalated', 'escalated/s', 'linked/s', 'waiting'], widths),
    ...phases.map((p) =>
      row(
        [
          p.name,
          p.slots,
          fmt(p.requestsPerSecond),
          fmt(p.all.p50),
          fmt(p.all.p99),
          p.errors,
          p.escalationIds.length,
          fmt(p.escalatedPerSecond),
          fmt(p.linkedPerSecond),
          p.backlogAtEnd,
        ],
        widths,
      ),
    ),
    '',
    `escalation throughput: ${fmt(p2.linkedPerSecond)}/s with 2 workers -> ${fmt(p3.linkedPerSecond)}/s with 3 workers: ${gain >= 0 ? '+' : ''}${fmt(gain * 100, 0)}% ` +
      `(slots +${fmt(expectedGain * 100, 0)}%) ${gain > 0.1 ? 'RAISED' : 'NOT RAISED'}`,
    ...phases
      .filter((p) => !p.saturated)
      .map(
        (p) =>
          `  NOTE (${p.name}): at times no more escalations waited than there are slots: linked/s was then bounded by the escalation rate, not by the workers (raise --escalation-rate)`,
      ),
    `after the load: ${drained.backlog} waiting, all linked in ${fmt(drained.drainS)} s by 3 workers` +
      (Number.isNaN(drained.linkedPerSecond)
        ? ''
        : ` (${fmt(drained.linkedPerSecond)} linked/s with no HTTP load; latency bound ~${fmt((3 * WORKER_CONCURRENCY) / ((4.2 * LATENCY_MS) / 1000))}/s)`),
    `requests spread over the servers by the proxy: ${Object.values(spread).join(' / ')}`,
    `errors (non-2xx answers or failed calls): ${totalErrors}${
      totalErrors
        ? `\n  ${phases
            .flatMap((p) => p.problems)
            .slice(0, 10)
            .join('\n  ')}`
        : ''
    }`,
    `escalations: ${check.escalations} in the database, ${check.linkedOnce} linked to exactly one conversation, ${check.conversations} conversations in the emulator` +
      (check.problems.length ? `\n  ${check.problems.slice(0, 10).join('\n  ')}` : ''),
    `timeline: ${check.linkedEntries} "escalation.linked" entries (one per escalation: ${check.linkedEntriesOk ? 'yes' : 'NO'})`,
    `data folder ${dataDirCreated ? 'CREATED (it must not be, with DATABASE_URL)' : 'never created'}; processes that died: ${problems.length ? problems.join('; ') : 'none'}`,
    `error lines in the Bridgedesk logs: ${errorLines.length}${errorLines.length ? `\n  ${errorLines.slice(0, 5).join('\n  ')}` : ''}`,
  ]);

  const ok = totalErrors === 0 && check.ok && !dataDirCreated && problems.length === 0;
  print([
    '',
    `${ok ? 'PASS' : 'FAIL'}: errors ${totalErrors}, escalations linked exactly once ${check.linkedOnce}/${check.escalations}; total run ${fmt((performance.now() - tRun) / 1000)} s`,
  ]);
  return ok ? 0 : 1;
}

// ---------------------------------------------------------------------------------------------------------------
// The proxy process.

async function startProxy(upstreams: number[]): Promise<{ port: number; pid: number; stats(): Promise<Record<string, number>>; stop(): Promise<void> }> {
  const child = fork(path.join(here, 'round-robin-proxy.ts'), [], {
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, SCALE_UPSTREAMS: upstreams.join(',') },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const port = await new Promise<number>((resolve, reject) => {
    child.once('message', (m) => resolve((m as { port: number }).port));
    child.once('exit', (code) => reject(new Error(`the proxy exited with ${code}`)));
  });
  return {
    port,
    pid: child.pid!,
    stats: () =>
      new Promise((resolve) => {
        child.once('message', (m) => resolve((m as { sent: Record<string, number> }).sent));
        child.send('stats');
      }),
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      if (child.connected) child.send('stop');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    },
  };
}

// ---------------------------------------------------------------------------------------------------------------
// HTTP calls through the proxy (node:http, keep-alive).

const agent = new http.Agent({ keepAlive: true, maxSockets: 256, maxFreeSockets: 256 });

interface Answer {
  status: number;
  text: string;
  headers: http.IncomingHttpHeaders;
}

function send(port: number, method: string, p: string, headers: Record<string, string>, body?: unknown): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const data = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        method,
        path: p,
        agent,
        timeout: 30_000,
        headers: { ...headers, ...(data ? { 'content-type': 'application/json', 'content-length': String(data.length) } : {}) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8'), headers: res.headers }));
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error('no answer within 30 s')));
    req.on('error', reject);
    req.end(data);
  });
}

interface Session {
  cookie: string;
  csrfToken: string;
}

async function login(base: { port: number }, email: string, password: string): Promise<Session> {
  const res = await send(base.port, 'POST', '/api/v1/auth/login', {}, { email, password });
  if (res.status !== 200) throw new Error(`login: HTTP ${res.status}: ${res.text.slice(0, 300)}`);
  const cookie = String(res.headers['set-cookie']?.[0] ?? '').split(';')[0]!;
  return { cookie, csrfToken: (JSON.parse(res.text) as { csrfToken: string }).csrfToken };
}

async function call(base: { port: number }, method: string, p: string, body: unknown, session: Session, expect: number): Promise<unknown> {
  const res = await send(base.port, method, p, { cookie: session.cookie, 'x-csrf-token': session.csrfToken }, body);
  if (res.status !== expect) throw new Error(`${method} ${p}: HTTP ${res.status}: ${res.text.slice(0, 300)}`);
  return JSON.parse(res.text);
}

/** Agents with API tokens (one per load connection) and requesters the requests are filed for. */
async function setupPeople(db: Db): Promise<{ tokens: string[]; requesters: string[] }> {
  const agents = await db
    .insertInto('users')
    .values(
      Array.from({ length: CONNECTIONS }, (_, k) => ({ email: `agent${k}@scale.example`, name: `Agent ${k}`, role: 'agent' as const, password_hash: null })),
    )
    .returning('id')
    .execute();
  const tokens: string[] = [];
  for (const a of agents) {
    const token = API_TOKEN_PREFIX + randomToken();
    await insertToken(db, { userId: a.id, name: 'scale', tokenHash: sha256(token), lastFour: token.slice(-4), expiresAt: null });
    tokens.push(token);
  }
  const requesters = await db
    .insertInto('users')
    .values(
      Array.from({ length: REQUESTERS }, (_, k) => ({
        email: `customer${k}@scale.example`,
        name: `Customer ${k}`,
        role: 'requester' as const,
        password_hash: null,
      })),
    )
    .returning('id')
    .execute();
  return { tokens, requesters: requesters.map((r) => r.id) };
}

// ---------------------------------------------------------------------------------------------------------------
// A phase: the load for DURATION_S, linked counts sampled every second, then the backlog drained.

interface PhaseResult {
  name: string;
  slots: number;
  requestsPerSecond: number;
  all: ReturnType<typeof summarize>;
  byKind: Record<string, ReturnType<typeof summarize> | null>;
  errors: number;
  problems: string[];
  escalationIds: string[];
  escalatedPerSecond: number;
  linkedPerSecond: number;
  /** the backlog never ran out while the load ran (after the warm-up) */
  saturated: boolean;
  /** escalations not yet linked when the load stopped (carried into the next phase) */
  backlogAtEnd: number;
}

/**
 * After the load: waits until every escalation is linked (a failed one never will). While more escalations wait than
 * there are slots, the workers alone are measured, with no HTTP load competing for the CPUs.
 */
async function drain(o: { events: EscalationEvents; db: Db; slots: number }): Promise<{ drainS: number; linkedPerSecond: number; backlog: number }> {
  const t0 = performance.now();
  let backlog: number | null = null;
  let linkedPerSecond = NaN;
  for (;;) {
    const c = o.events.counts();
    if (c.failed > 0) throw new Error(`${c.failed} escalations failed: ${o.events.lastProblems().join('; ')}`);
    const row = await o.db
      .selectFrom('escalations')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('state', '!=', 'linked')
      .executeTakeFirstOrThrow();
    const pending = Number(row.n);
    backlog ??= pending;
    if (backlog >= 3 * o.slots && Number.isNaN(linkedPerSecond) && pending <= o.slots)
      linkedPerSecond = (backlog - pending) / ((performance.now() - t0) / 1000);
    if (pending === 0) break;
    if (performance.now() - t0 > DRAIN_TIMEOUT_S * 1000) throw new Error(`${pending} escalations still not linked after ${DRAIN_TIMEOUT_S} s of draining`);
    await sleep(100);
  }
  return { drainS: (performance.now() - t0) / 1000, linkedPerSecond, backlog: backlog ?? 0 };
}

type Kind = 'create' | 'escalate' | 'comment';

async function runPhase(o: {
  name: string;
  workers: number;
  db: Db;
  events: EscalationEvents;
  base: { port: number };
  tokens: string[];
  requesters: string[];
  queueId: string;
  pids: () => number[];
  postmasterPid: number;
}): Promise<PhaseResult> {
  log(`(${o.name}) load for ${DURATION_S} s`);
  const linkedBefore = o.events.counts().linked;
  const latencies: Record<Kind, number[]> = { create: [], escalate: [], comment: [] };
  const problems: string[] = [];
  let errors = 0;
  const escalationIds: string[] = [];
  const samples: { t: number; linked: number; pending: number }[] = [];
  const pendingNow = async () =>
    Number(
      (
        await o.db
          .selectFrom('escalations')
          .select((eb) => eb.fn.countAll<string>().as('n'))
          .where('state', '!=', 'linked')
          .executeTakeFirstOrThrow()
      ).n,
    );

  const cpuBefore = cpuSnapshot(o.pids(), [o.postmasterPid]);
  const start = performance.now();
  const deadline = start + DURATION_S * 1000;
  let tokens = 1;
  let lastRefill = start;
  const takeEscalationToken = () => {
    const now = performance.now();
    tokens = Math.min(ESCALATION_RATE, tokens + ((now - lastRefill) / 1000) * ESCALATION_RATE);
    lastRefill = now;
    if (tokens < 1) return false;
    tokens -= 1;
    return true;
  };

  const timed = async (kind: Kind, token: string, method: string, p: string, body: unknown, expected: number): Promise<Answer | null> => {
    const t = performance.now();
    try {
      const res = await send(o.base.port, method, p, { authorization: `Bearer ${token}` }, body);
      latencies[kind].push(performance.now() - t);
      if (res.status !== expected) {
        errors += 1;
        if (problems.length < 10) problems.push(`${kind}: HTTP ${res.status}: ${res.text.slice(0, 200)}`);
        return null;
      }
      return res;
    } catch (err) {
      latencies[kind].push(performance.now() - t);
      errors += 1;
      if (problems.length < 10) problems.push(`${kind}: ${(err as Error).message}`);
      return null;
    }
  };

  let n = 0;
  const lane = async (k: number) => {
    const token = o.tokens[k % o.tokens.length]!;
    while (performance.now() < deadline) {
      const i = n++;
      const created = await timed(
        'create',
        token,
        'POST',
        '/api/v1/requests',
        {
          title: `Laptop ${i} will not join the VPN`,
          description: 'Since this morning the VPN client times out after the certificate check. Restarted twice.',
          requesterId: o.requesters[i % o.requesters.length],
          priority: i % 5 === 0 ? 'high' : 'medium',
          tags: ['vpn', 'scale'],
        },
        201,
      );
      if (!created) continue;
      const id = (JSON.parse(created.text) as { id: string }).id;
      if (takeEscalationToken()) {
        const esc = await timed(
          'escalate',
          token,
          'POST',
          `/api/v1/requests/${id}/escalations`,
          {
            destination: 'kustomer',
            queueId: o.queueId,
            channel: 'email',
            priority: 3,
            subject: `VPN outage for request ${i}`,
            message: 'Escalating: the customer cannot reach the VPN since this morning; certificate check times out.',
          },
          202,
        );
        if (esc) escalationIds.push((JSON.parse(esc.text) as { id: string }).id);
      }
      await timed(
        'comment',
        token,
        'POST',
        `/api/v1/requests/${id}/comments`,
        { body: `Looked at it (${i}).`, visibility: i % 2 ? 'public' : 'internal' },
        201,
      );
    }
  };
  const sampler = setInterval(() => {
    const t = performance.now() - start;
    const linked = o.events.counts().linked - linkedBefore;
    void pendingNow().then(
      (pending) => samples.push({ t, linked, pending }),
      () => {},
    );
  }, 1000);
  await Promise.all(Array.from({ length: CONNECTIONS }, (_, k) => lane(k)));
  const end = performance.now();
  clearInterval(sampler);
  const cpuAfter = cpuSnapshot(o.pids(), [o.postmasterPid]);
  const linkedAtEnd = o.events.counts().linked - linkedBefore;
  const backlogAtEnd = await pendingNow();
  samples.push({ t: end - start, linked: linkedAtEnd, pending: backlogAtEnd });
  samples.sort((a, b) => a.t - b.t);

  // Linked per second while the load ran, after the warm-up: the backlog is there, so the workers are the limit.
  const from = samples.find((s) => s.t >= WARMUP_MS) ?? samples[0]!;
  const linkedPerSecond = (linkedAtEnd - from.linked) / ((end - start - from.t) / 1000);
  const slots = o.workers * WORKER_CONCURRENCY;
  // Saturated: more escalations waiting than worker slots at every sample, so no slot idled for want of work.
  const saturated = samples.filter((s) => s.t >= WARMUP_MS).every((s) => s.pending > slots);

  const all = summarize(Object.values(latencies).flat());
  const byKind = Object.fromEntries(Object.entries(latencies).map(([k, v]) => [k, v.length ? summarize(v) : null]));
  const requestsPerSecond = all.count / ((end - start) / 1000);
  const escalatedPerSecond = escalationIds.length / ((end - start) / 1000);
  const cpu = cpuUsage(cpuBefore, cpuAfter);
  print([
    '',
    `(${o.name}, ${slots} slots) ${fmt((end - start) / 1000)} s of load`,
    `  requests/s ${fmt(requestsPerSecond)}  p50 ${fmt(all.p50)} ms  p99 ${fmt(all.p99)} ms  errors ${errors}  (${all.count} requests)`,
    ...(['create', 'escalate', 'comment'] as Kind[]).map((k) => {
      const s = byKind[k];
      return `    ${k.padEnd(9)} ${String(s?.count ?? 0).padStart(6)}  p50 ${fmt(s?.p50 ?? NaN).padStart(6)} ms  p99 ${fmt(s?.p99 ?? NaN).padStart(7)} ms`;
    }),
    `  escalations: ${escalationIds.length} submitted (${fmt(escalatedPerSecond)}/s), ${fmt(linkedPerSecond)} linked/s while the load ran (from ${fmt(from.t / 1000)} s), ` +
      `${backlogAtEnd} waiting at the end (all phases); retries so far ${o.events.counts().retry}, rate waits ${o.events.counts().wait}`,
    ...(cpu
      ? [
          `  CPU while loading: ${fmt(cpu.ours * 100, 0)}% of the machine for this test (Postgres included), ${fmt(cpu.others * 100, 0)}% for other processes` +
            (cpu.others > 0.1 ? ' (WARNING: a shared machine; latencies include waiting for a CPU)' : ''),
        ]
      : []),
  ]);
  return { name: o.name, slots, requestsPerSecond, all, byKind, errors, problems, escalationIds, escalatedPerSecond, linkedPerSecond, saturated, backlogAtEnd };
}

// ---------------------------------------------------------------------------------------------------------------
// Every escalation linked to exactly one conversation, found in the emulator by its external id.

async function verifyEscalations(db: Db, emu: DelayedEmulator, accepted: string[]) {
  const rows = await db.selectFrom('escalations').select(['id', 'request_id', 'state', 'remote_id']).execute();
  const conversations = emu.control.conversations('acme');
  const byExternalId = new Map<string, string[]>();
  for (const c of conversations) {
    const ext = String(c.attributes.externalId ?? '');
    byExternalId.set(ext, [...(byExternalId.get(ext) ?? []), c.id]);
  }
  const problems: string[] = [];
  let linkedOnce = 0;
  for (const r of rows) {
    const convs = byExternalId.get(r.id) ?? [];
    if (r.state === 'linked' && convs.length === 1 && convs[0] === r.remote_id) linkedOnce += 1;
    else problems.push(`escalation ${r.id}: state ${r.state}, remote_id ${r.remote_id}, conversations with its external id: ${convs.length}`);
  }
  const known = new Set(rows.map((r) => r.id));
  const strays = conversations.filter((c) => !known.has(String(c.attributes.externalId ?? '')));
  if (strays.length) problems.push(`${strays.length} conversations whose external id is no escalation`);
  const missing = accepted.filter((id) => !known.has(id));
  if (missing.length) problems.push(`${missing.length} escalations answered 202 but not in the database`);
  const entries = await db
    .selectFrom('timeline_entries')
    .select(['request_id', (eb) => eb.fn.countAll<string>().as('n')])
    .where('type', '=', 'escalation.linked')
    .groupBy('request_id')
    .execute();
  const linkedEntries = entries.reduce((s, e) => s + Number(e.n), 0);
  const linkedEntriesOk = entries.every((e) => Number(e.n) === 1) && entries.length === new Set(rows.map((r) => r.request_id)).size;
  if (!linkedEntriesOk) problems.push('some requests do not have exactly one "escalation.linked" timeline entry');
  return {
    escalations: rows.length,
    linkedOnce,
    conversations: conversations.length,
    linkedEntries,
    linkedEntriesOk,
    problems,
    ok: rows.length > 0 && linkedOnce === rows.length && problems.length === 0,
  };
}

process.exitCode = await main();
agent.destroy();
// Nothing else should hold the process open; exit even if a socket lingers.
setTimeout(() => process.exit(process.exitCode ?? 0), 1000).unref();
