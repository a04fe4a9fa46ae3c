/**
 * `npm run bench:workflows`: how fast the workflow engine gets through a burst, against the floor of any engine
 * built on graphile-worker.
 *
 * Starts a throwaway embedded Postgres and a zero-latency Kustomer emulator (rate limit 1,000,000 per minute),
 * connects Kustomer and enables a queue, and creates one workflow through the API: on request.submitted with tag
 * "billing", (1) set priority high, (2) add tag "escalated", (3) create a Kustomer conversation in the queue. The
 * product's worker (startWorker) runs in a child process (bench/worker-process.ts). Then N requests (5,000) are
 * created at once through the createRequest use case from parallel lanes; each request.created entry enqueues a
 * match-workflows job, which starts a run, which hands the conversation to the escalation delivery and resumes when
 * it is linked. Measured: from the first request created to the last run `succeeded`.
 *
 * The floor, in the same run on the same database, before and after the workflows: N no-op jobs, enqueued in bulk
 * and run by a bare graphile-worker runner with the same concurrency and poll interval (bench/noop-jobs.ts).
 * A benchmark, not a test: it exits 0 whatever the figures (failed runs and duplicate conversations are reported),
 * and 1 only if something breaks (a run never finishes, the worker dies, an API call errors, ...).
 * Options: see bench/README.md.
 */
import { fork, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { loadConfig, type Config } from '../src/config.ts';
import type { UserActor } from '../src/core/actor.ts';
import { seedDemoOrg, serveEmulator } from '../src/connectors/kustomer/emulator/index.ts';
import { createDb, type Db, withDatabase } from '../src/db/database.ts';
import { startEmbeddedPostgres, type EmbeddedPostgres } from '../src/db/embedded-postgres.ts';
import { migrate } from '../src/db/migrate.ts';
import { insertToken } from '../src/db/repositories/api-tokens.ts';
import { insertUser } from '../src/db/repositories/users.ts';
import { createApp } from '../src/server/app.ts';
import { API_TOKEN_PREFIX, randomToken, sha256 } from '../src/server/auth/secrets.ts';
import { createRequest } from '../src/usecases/create-request.ts';
import { benchAppDeps } from './app-deps.ts';
import { cpuSnapshot, cpuUsage, type CpuSnapshot } from './cpu-usage.ts';
import { postgresCpuMs } from './postgres-cpu.ts';
import { epochMs, type TaskStats } from './job-stats.ts';
import { enqueueNoopJobs, NOOP_TASK } from './noop-jobs.ts';
import { summarize } from './percentiles.ts';
import type { WorkerProcessStats } from './worker-process.ts';
import { once, withCleanups, type Cleanups } from './with-cleanups.ts';

const { values: flags } = parseArgs({
  options: {
    requests: { type: 'string' },
    concurrency: { type: 'string' },
    lanes: { type: 'string' },
    warmup: { type: 'string' },
    requesters: { type: 'string' },
    'poll-ms': { type: 'string' },
    'pool-size': { type: 'string' },
    json: { type: 'string' },
    statements: { type: 'boolean', default: false },
    'cpu-prof': { type: 'string' },
  },
});
const intOpt = (flag: string, env: string, dflt: number, min = 1) => {
  const raw = ((flags as Record<string, unknown>)[flag] as string | undefined) ?? process.env[env];
  const n = raw === undefined || raw === '' ? dflt : Number(raw);
  if (!Number.isInteger(n) || n < min) throw new Error(`--${flag} / ${env} must be an integer >= ${min}, got "${raw}"`);
  return n;
};
const REQUESTS = intOpt('requests', 'BENCH_REQUESTS', 5000);
const CONCURRENCY = intOpt('concurrency', 'BENCH_CONCURRENCY', 32);
const LANES = intOpt('lanes', 'BENCH_LANES', 16);
const WARMUP = intOpt('warmup', 'BENCH_WARMUP', 100, 0);
const REQUESTERS = intOpt('requesters', 'BENCH_REQUESTERS', 1000);
const POLL_MS = intOpt('poll-ms', 'BENCH_POLL_MS', 1000);
const POOL_SIZE = (flags['pool-size'] ?? process.env.BENCH_POOL_SIZE) ? intOpt('pool-size', 'BENCH_POOL_SIZE', 10) : undefined;
const JSON_OUT = flags.json ?? process.env.BENCH_JSON;
const STATEMENTS = flags.statements || process.env.BENCH_STATEMENTS === '1';
const CPU_PROF = flags['cpu-prof'] ?? process.env.BENCH_CPU_PROF;

/** No rate limit worth the name (the budget column is an int4). */
const RATE_LIMIT = 1_000_000;
/**
 * A phase that makes no progress for this long has hung: stop with what is known. Longer than a Kustomer rate
 * window (60 s) plus the budget probe's hold (5 s): a delivery rescheduled to wait for the window to reset is slow,
 * not stuck.
 */
const STALL_MS = 150_000;
const TAG = 'billing';
const DESCRIPTION = 'The customer paid twice for order 4417 on the 3rd and was refunded neither time. Card ending 4242.';

const log = (msg: string) => process.stderr.write(`${msg}\n`);
const fmt = (n: number, digits = 1) => (Number.isFinite(n) ? n.toFixed(digits) : '-');
const int = (n: number) => Math.round(n).toLocaleString('en-US');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Ctx {
  tmp: string;
  url: string;
  db: Db;
  pool: pg.Pool;
  config: Config;
  agent: UserActor;
  workflowId: string;
  requesters: string[];
  postmasterPid: number;
  cleanups: Cleanups;
}

const main = () => withCleanups(run, log);

async function run(cleanups: Cleanups): Promise<void> {
  const tRun = performance.now();
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'bridgedesk-bench-'));
  // As root, Postgres runs as the `postgres` user: the folder must be traversable.
  fs.chmodSync(tmp, 0o755);
  cleanups.push(async () => fs.rmSync(tmp, { recursive: true, force: true }));
  log(`temp folder ${tmp}`);

  const dataDir = path.join(tmp, 'postgres');
  let server: EmbeddedPostgres = await startEmbeddedPostgres({ dataDir });
  let stopServer = once(() => server.stop());
  cleanups.push(() => stopServer());
  if (STATEMENTS) {
    // pg_stat_statements must be loaded at server start: set it, then restart.
    const c = new pg.Client(server.url);
    await c.connect();
    await c.query(`alter system set shared_preload_libraries = 'pg_stat_statements'`);
    await c.end();
    await stopServer();
    server = await startEmbeddedPostgres({ dataDir });
    stopServer = once(() => server.stop());
  }
  const admin0 = new pg.Client(server.url);
  await admin0.connect();
  await admin0.query('create database bench');
  const pgVersion = (await admin0.query<{ v: string }>(`select current_setting('server_version') v`)).rows[0]!.v;
  await admin0.end();
  const url = withDatabase(server.url, 'bench');
  const postmasterPid = Number(fs.readFileSync(path.join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);

  const emu = await serveEmulator({ port: 0 });
  cleanups.push(once(() => emu.close()));
  const demo = seedDemoOrg(emu.control, { name: 'acme' });
  emu.control.updateOrg('acme', { rateLimitPerMinute: RATE_LIMIT });
  const queueId = demo.queues.tier2Support.id;

  const config = loadConfig({
    LOG_LEVEL: 'silent',
    BRIDGEDESK_DATA_DIR: tmp,
    BRIDGEDESK_PUBLIC_URL: 'https://desk.bench.example',
    KUSTOMER_BASE_URL: emu.url,
    KUSTOMER_WEB_URL: emu.url,
  });
  // The load generator's own pool: one connection per lane, and some for polling.
  const { db, pool } = createDb(url, LANES + 4);
  cleanups.push(once(() => db.destroy()));
  await migrate(db, url);
  if (STATEMENTS) await pool.query('create extension pg_stat_statements');

  // An admin (connects Kustomer, creates the workflow) and an agent (files the requests), through the API.
  const user = (email: string, name: string, role: 'admin' | 'agent') =>
    insertUser(db, { email, name, role, passwordHash: null, managerId: null, department: null, title: null, location: null });
  const adminRow = await user('bench-admin@bench.example', 'Bench Admin', 'admin');
  const agentRow = await user('bench-agent@bench.example', 'Bench Agent', 'agent');
  const adminToken = API_TOKEN_PREFIX + randomToken();
  await insertToken(db, { userId: adminRow.id, name: 'bench', tokenHash: sha256(adminToken), lastFour: adminToken.slice(-4), expiresAt: null });
  const requesters = await db
    .insertInto('users')
    .values(
      Array.from({ length: REQUESTERS }, (_, k) => ({
        email: `customer${k}@bench.example`,
        name: `Customer ${k}`,
        role: 'requester' as const,
        password_hash: null,
      })),
    )
    .returning('id')
    .execute();

  const app = createApp(benchAppDeps(db, config));
  const api = async (method: string, p: string, body: unknown) => {
    const res = await app.request(`/api/v1${p}`, {
      method,
      headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const text = await res.text();
    if (res.status >= 300) throw new Error(`${method} ${p}: HTTP ${res.status}: ${text.slice(0, 500)}`);
    return JSON.parse(text) as Record<string, unknown>;
  };
  await api('PUT', '/integrations/kustomer', { orgName: 'acme', apiKey: demo.apiKey });
  await api('PATCH', '/integrations/kustomer', { queues: [{ remoteId: queueId, enabled: true }] });
  const workflow = await api('POST', '/workflows', {
    name: 'Billing to Kustomer',
    enabled: true,
    definition: {
      trigger: { event: 'request.submitted', conditions: { match: 'all', rules: [{ subject: 'request', field: 'tag', op: 'equals', value: TAG }] } },
      steps: [
        { type: 'set_priority', priority: 'high', name: 'Raise priority' },
        { type: 'add_tag', tag: 'escalated', name: 'Tag it' },
        {
          type: 'create_conversation',
          name: 'Hand to billing',
          destination: 'kustomer',
          queueId,
          channel: 'email',
          priority: 'from_request',
          subject: '{{request.key}}: {{request.title}}',
          message: '{{request.description}}\n\nRequester: {{requester.name}} <{{requester.email}}>\n{{request.link}}',
        },
      ],
    },
  });
  log(
    `Postgres ${pgVersion} ready, Kustomer emulator at ${emu.url}, workflow ${String(workflow.id)} enabled; node ${process.version}, ${os.cpus().length} CPUs`,
  );

  const ctx: Ctx = {
    tmp,
    url,
    db,
    pool,
    config,
    agent: { kind: 'user', userId: agentRow.id, role: 'agent', name: agentRow.name },
    workflowId: String(workflow.id),
    requesters: requesters.map((r) => r.id),
    postmasterPid,
    cleanups,
  };

  const header = [
    '',
    `Bridgedesk workflow benchmark: node ${process.version}, Postgres ${pgVersion}, ${os.cpus().length} CPUs (${os.cpus()[0]?.model.trim() ?? '?'})`,
    `${int(REQUESTS)} requests created at once (createRequest from ${LANES} parallel lanes), each matching one 3-step workflow: set priority, add tag, create Kustomer conversation`,
    `worker: startWorker in its own process, concurrency ${CONCURRENCY}, pollInterval ${POLL_MS} ms, DB pool ${POOL_SIZE ?? config.poolSize} (+ graphile-worker's own pool); Kustomer emulator: no added latency, ${int(RATE_LIMIT)} calls/min`,
  ];
  process.stdout.write(header.join('\n') + '\n');

  const floorBefore = await measureFloor(ctx, 'before');
  const wf = await measureWorkflows(ctx, emu.control, queueId);
  const floorAfter = await measureFloor(ctx, 'after');

  const floorPerS = (floorBefore.perSecond + floorAfter.perSecond) / 2;
  const floorCpuMs = (floorBefore.workerCpuMs + floorBefore.pgMs + floorAfter.workerCpuMs + floorAfter.pgMs) / 2 / REQUESTS;
  const ratio = wf.perSecond / floorPerS;
  const lines = [
    '',
    `floor: ${int(REQUESTS)} no-op jobs enqueued in bulk (add_jobs, 500 per statement), run by a bare graphile-worker runner, concurrency ${CONCURRENCY}, same pollInterval`,
    ...[floorBefore, floorAfter].map(
      (f) =>
        `    ${f.label.padEnd(7)} ${fmt(f.perSecond, 0).padStart(6)} jobs/s (${fmt(f.ms / 1000, 2)} s; enqueued in ${fmt(f.enqueueMs / 1000, 2)} s; worker CPU ${fmt(f.workerCpuMs / REQUESTS, 3)} ms/job, Postgres ${fmt(f.pgMs / REQUESTS, 3)} ms/job, ${fmt(f.writeTx / REQUESTS, 1)} write transactions/job)` +
        machineNote(f.machine),
    ),
    `    mean    ${fmt(floorPerS, 0).padStart(6)} jobs/s`,
    '',
    ...wf.lines,
    '',
    'summary',
    `  workflow runs: ${fmt(wf.perSecond, 1)} runs/s (${int(wf.succeeded)} succeeded in ${fmt(wf.ms / 1000, 1)} s, first request created -> last run succeeded)`,
    `  floor: ${fmt(floorPerS, 0)} no-op jobs/s; ratio runs/s : no-op jobs/s = ${fmt(ratio, 3)} (1 : ${fmt(1 / ratio, 1)}); the engine runs ${fmt(wf.jobsPerRun, 1)} jobs per run, so ${fmt(
      (wf.perSecond * wf.jobsPerRun) / floorPerS,
      2,
    )} of the floor's job rate`,
    `  Kustomer conversations created: ${int(wf.conversations)} (expected ${int(REQUESTS)}; duplicates ${wf.duplicates}) ${wf.conversations === REQUESTS && wf.duplicates === 0 ? 'OK' : 'WRONG'}`,
    `  runs failed: ${wf.failed} (goal 0) ${wf.failed === 0 ? 'OK' : 'FAILED RUNS'}; cancelled ${wf.cancelled}`,
    `  CPU (worker process + Postgres): ${fmt(wf.cpuMsPerRun, 1)} ms per run, ${fmt(floorCpuMs, 2)} ms per no-op job: a run costs ${fmt(wf.cpuMsPerRun / floorCpuMs, 0)} no-op jobs (less sensitive to other load than the rates)`,
    ...(wf.machine && wf.machine.others + wf.machine.steal > 0.1
      ? [
          `  WARNING: other processes used ${fmt((wf.machine.others + wf.machine.steal) * 100, 0)}% of the CPUs during the workflows: the rates above are lowered, not equally; re-run on a quiet machine`,
        ]
      : []),
    '',
    `total run ${fmt((performance.now() - tRun) / 1000)} s`,
  ];
  process.stdout.write(lines.join('\n') + '\n');
  if (JSON_OUT) {
    fs.writeFileSync(
      JSON_OUT,
      JSON.stringify(
        {
          at: new Date().toISOString(),
          node: process.version,
          postgres: pgVersion,
          cpus: os.cpus().length,
          requests: REQUESTS,
          concurrency: CONCURRENCY,
          lanes: LANES,
          floorBefore,
          floorAfter,
          floorPerS,
          floorCpuMs,
          ratio,
          workflows: wf.json,
        },
        null,
        1,
      ),
    );
    log(`figures written to ${JSON_OUT}`);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// The floor: no-op jobs

interface Floor {
  label: string;
  perSecond: number;
  ms: number;
  enqueueMs: number;
  workerCpuMs: number;
  pgMs: number;
  writeTx: number;
  machine: ReturnType<typeof cpuUsage>;
}

async function measureFloor(ctx: Ctx, label: string): Promise<Floor> {
  const w = await startWorkerProcess(ctx, 'noop');
  try {
    // Warm-up: the runner's pool connected, its code paths compiled.
    const warm = Math.min(500, REQUESTS);
    await enqueueNoopJobs(ctx.db, warm);
    await waitForJobs(w, warm, `floor (${label}) warm-up`);
    await settle(ctx);
    await w.reset();
    const before = await snapshot(ctx, w);
    const t0 = epochMs();
    await enqueueNoopJobs(ctx.db, REQUESTS);
    const enqueueMs = epochMs() - t0;
    const stats = await waitForJobs(w, REQUESTS, `floor (${label})`);
    const after = await snapshot(ctx, w);
    const ms = stats.tasks[NOOP_TASK]!.lastCompleteAt - t0;
    const f: Floor = {
      label,
      perSecond: REQUESTS / (ms / 1000),
      ms,
      enqueueMs,
      workerCpuMs: cpuMsOf(before.worker.cpu, after.worker.cpu),
      pgMs: after.pgMs(before),
      writeTx: after.writeTx - before.writeTx,
      machine: cpuUsage(before.machine, after.machine),
    };
    log(`floor (${label}): ${fmt(f.perSecond, 0)} no-op jobs/s`);
    return f;
  } finally {
    await w.stop();
  }
}

async function waitForJobs(w: WorkerProcess, count: number, what: string): Promise<WorkerProcessStats> {
  let last = -1;
  let lastProgress = Date.now();
  for (;;) {
    const s = await w.stats();
    const done = (s.tasks[NOOP_TASK]?.completed ?? 0) + (s.tasks[NOOP_TASK]?.errors ?? 0);
    if (done >= count) return s;
    if (done !== last) {
      last = done;
      lastProgress = Date.now();
    } else if (Date.now() - lastProgress > STALL_MS) throw new Error(`${what}: ${done} of ${count} no-op jobs done, no progress for ${STALL_MS / 1000} s`);
    await sleep(20);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// The workflows

type EmulatorControl = Awaited<ReturnType<typeof serveEmulator>>['control'];

async function createRequests(ctx: Ctx, prefix: string, count: number, onCreated?: (at: number) => void): Promise<string[]> {
  const ids: string[] = new Array(count);
  let next = 0;
  const lane = async () => {
    while (next < count) {
      const i = next++;
      const r = await createRequest(
        ctx.db,
        ctx.agent,
        {
          title: `${prefix} ${i + 1}: refund never arrived for order ${4000 + i}`,
          description: DESCRIPTION,
          requesterId: ctx.requesters[i % ctx.requesters.length]!,
          priority: 'medium',
          tags: [TAG],
        },
        new Date(),
      );
      ids[i] = r.id;
      onCreated?.(epochMs());
    }
  };
  await Promise.all(Array.from({ length: Math.min(LANES, count) }, lane));
  return ids;
}

/** States of the workflow's runs started since `since` (an index range on workflow_runs (workflow_id, created_at)). */
async function runStates(ctx: Ctx, since: Date) {
  const { rows } = await ctx.pool.query<{ state: string; n: number }>(
    'select state, count(*)::int n from workflow_runs where workflow_id = $1 and created_at >= $2 group by state',
    [ctx.workflowId, since],
  );
  const c = { running: 0, waiting: 0, succeeded: 0, failed: 0, cancelled: 0 };
  for (const r of rows) c[r.state as keyof typeof c] = r.n;
  return { ...c, total: rows.reduce((s, r) => s + r.n, 0), terminal: c.succeeded + c.failed + c.cancelled };
}

/** Before measuring: what autovacuum and the checkpointer would have done by now on a live system, done now. */
async function settle(ctx: Ctx): Promise<void> {
  await ctx.pool.query('vacuum (analyze)');
  await ctx.pool.query('checkpoint');
}

const dbNow = async (ctx: Ctx) => (await ctx.pool.query<{ now: Date }>('select now()')).rows[0]!.now;

const pendingJobs = async (ctx: Ctx) => (await ctx.pool.query<{ n: number }>('select count(*)::int n from graphile_worker.jobs')).rows[0]!.n;

/** Waits until the requests created since `since` all have a finished run; stops on a stall. */
async function waitForRuns(ctx: Ctx, w: WorkerProcess, since: Date, requestIds: string[], what: string, progress = false) {
  let lastDone = -1;
  let lastProgress = Date.now();
  let lastLog = Date.now();
  for (;;) {
    w.assertAlive();
    const s = await runStates(ctx, since);
    if (s.terminal >= requestIds.length) return s;
    if (s.terminal !== lastDone) {
      lastDone = s.terminal;
      lastProgress = Date.now();
    } else if (Date.now() - lastProgress > STALL_MS) {
      throw new Error(`${what}: no run finished for ${STALL_MS / 1000} s; runs ${JSON.stringify(s)}${await diagnose(ctx, requestIds)}`);
    }
    if (progress && Date.now() - lastLog >= 10_000) {
      lastLog = Date.now();
      log(
        `  ${what}: ${s.total} runs started, ${s.succeeded} succeeded, ${s.failed} failed, ${s.waiting} waiting, ${s.running} running; ${await pendingJobs(ctx)} jobs queued`,
      );
    }
    await sleep(250);
  }
}

async function diagnose(ctx: Ctx, requestIds: string[]): Promise<string> {
  const esc = await ctx.pool.query<{ state: string; n: number; err: string | null }>(
    'select state, count(*)::int n, max(last_error) err from escalations where request_id = any($1::uuid[]) group by state',
    [requestIds],
  );
  const jobs = await ctx.pool.query<{ task: string; n: number; due_in_s: number; attempts: number; err: string | null }>(
    `select task_identifier task, count(*)::int n, round(extract(epoch from min(run_at) - now()))::int due_in_s, max(attempts)::int attempts, max(last_error) err
       from graphile_worker.jobs group by 1`,
  );
  return `; escalations ${JSON.stringify(esc.rows)}; queued jobs ${JSON.stringify(jobs.rows)}`;
}

async function waitForEmptyQueue(ctx: Ctx, w: WorkerProcess, what: string): Promise<void> {
  const deadline = Date.now() + STALL_MS;
  for (;;) {
    w.assertAlive();
    if ((await pendingJobs(ctx)) === 0) return;
    if (Date.now() > deadline) throw new Error(`${what}: the job queue did not empty within ${STALL_MS / 1000} s${await diagnose(ctx, [])}`);
    await sleep(50);
  }
}

interface PhaseRow {
  created: number;
  run_created: number;
  step0: number | null;
  esc_created: number | null;
  linked: number | null;
  finished: number | null;
  updated: number;
  state: string;
}

async function measureWorkflows(ctx: Ctx, control: EmulatorControl, _queueId: string) {
  const w = await startWorkerProcess(ctx, 'workflows');
  try {
    if (WARMUP) {
      log(`workflows: warm-up, ${WARMUP} requests`);
      const since = await dbNow(ctx);
      const warm = await createRequests(ctx, 'Warm-up', WARMUP);
      await waitForRuns(ctx, w, since, warm, 'warm-up');
      await waitForEmptyQueue(ctx, w, 'warm-up');
    }
    await settle(ctx);
    await w.reset();
    control.clearCalls();
    const conversationsBefore = new Set(control.conversations('acme').map((c) => c.id));
    if (STATEMENTS) await ctx.pool.query('select pg_stat_statements_reset()');
    log(`workflows: creating ${int(REQUESTS)} requests from ${LANES} lanes, then waiting for every run (progress every 10 s)`);
    const since = await dbNow(ctx);
    const before = await snapshot(ctx, w);
    const t0 = epochMs();
    const createdAt: number[] = [];
    const ids = await createRequests(ctx, 'Order', REQUESTS, (at) => createdAt.push(at));
    const createMs = epochMs() - t0;
    log(`  ${int(REQUESTS)} requests created in ${fmt(createMs / 1000, 2)} s`);
    const states = await waitForRuns(ctx, w, since, ids, 'workflows', true);
    const after = await snapshot(ctx, w);
    const tDone = epochMs();
    await waitForEmptyQueue(ctx, w, 'workflows');
    const drainedMs = epochMs() - t0;
    const stats = await w.stats();

    // Where each run's time went, from the timestamps the product stores.
    const epoch = (col: string) => `extract(epoch from ${col})::float8 * 1000`;
    const { rows } = await ctx.pool.query<PhaseRow>(
      `select ${epoch('t.created_at')} created, ${epoch('r.created_at')} run_created, ${epoch('s.started_at')} step0,
              ${epoch('e.created_at')} esc_created, ${epoch('e.linked_at')} linked, ${epoch('r.finished_at')} finished, ${epoch('r.updated_at')} updated, r.state
         from workflow_runs r
         join timeline_entries t on t.id = r.trigger_entry_id
         left join workflow_run_steps s on s.run_id = r.id and s.path = '0'
         left join escalations e on e.workflow_run_id = r.id
        where r.request_id = any($1::uuid[])`,
      [ids],
    );
    const succeeded = rows.filter((r) => r.state === 'succeeded');
    const end = Math.max(...rows.map((r) => r.finished ?? r.updated));
    const finishedSorted = succeeded.map((r) => r.finished!).sort((a, b) => a - b);
    const p99Ms = finishedSorted.length ? finishedSorted[Math.ceil(finishedSorted.length * 0.99) - 1]! - t0 : NaN;
    const ms = end - t0;
    const perSecond = succeeded.length / (ms / 1000);

    const conversations = control.conversations('acme').filter((c) => !conversationsBefore.has(c.id));
    const externalIds = new Set(conversations.map((c) => String((c.attributes as Record<string, unknown>).externalId)));
    const duplicates = conversations.length - externalIds.size;
    const escalations = await ctx.pool.query<{ state: string; n: number }>(
      'select state, count(*)::int n from escalations where request_id = any($1::uuid[]) group by 1',
      [ids],
    );
    const linkedRemote = await ctx.pool.query<{ remote_id: string }>(
      'select remote_id from escalations where request_id = any($1::uuid[]) and remote_id is not null',
      [ids],
    );
    const known = new Set(conversations.map((c) => c.id));
    const unknownRemote = linkedRemote.rows.filter((r) => !known.has(r.remote_id)).length;
    const calls = control.calls();
    const rejected = calls.filter((c) => c.status === 429).length;
    const callsByPath = new Map<string, number>();
    for (const c of calls) {
      const key = `${c.method} ${c.path.replace(/[0-9a-f]{24}/g, ':id').replace(/=.*$/, '=…')}`;
      callsByPath.set(key, (callsByPath.get(key) ?? 0) + 1);
    }

    const tasks = Object.entries(stats.tasks).sort((a, b) => a[1].firstStartAt - b[1].firstStartAt);
    const jobs = tasks.reduce((s, [, t]) => s + t.completed + t.errors, 0);
    const span = (from: (r: PhaseRow) => number | null, to: (r: PhaseRow) => number | null) => {
      const xs = succeeded.map((r) => (from(r) !== null && to(r) !== null ? to(r)! - from(r)! : null)).filter((x): x is number => x !== null);
      return xs.length ? summarize(xs) : null;
    };
    const phases = [
      [
        'match: request created -> run started',
        span(
          (r) => r.created,
          (r) => r.run_created,
        ),
      ],
      [
        'queue: run started -> first step begins',
        span(
          (r) => r.run_created,
          (r) => r.step0,
        ),
      ],
      [
        'steps: priority, tag, hand-off committed',
        span(
          (r) => r.step0,
          (r) => r.esc_created,
        ),
      ],
      [
        'delivery: hand-off -> conversation linked',
        span(
          (r) => r.esc_created,
          (r) => r.linked,
        ),
      ],
      [
        'resume: linked -> run succeeded',
        span(
          (r) => r.linked,
          (r) => r.finished,
        ),
      ],
      [
        'total: request created -> run succeeded',
        span(
          (r) => r.created,
          (r) => r.finished,
        ),
      ],
    ] as const;
    const timeline = (xs: number[], bucketMs: number) => {
      const n = Math.ceil(ms / bucketMs) || 1;
      const counts = new Array<number>(n).fill(0);
      for (const x of xs) counts[Math.min(n - 1, Math.max(0, Math.floor((x - t0) / bucketMs)))]! += 1;
      return counts.join(' ');
    };
    const bucket = ms > 60_000 ? 10_000 : 5_000;
    const workerCpuMs = cpuMsOf(before.worker.cpu, after.worker.cpu);
    const workerSysMs = (after.worker.cpu.system - before.worker.cpu.system) / 1000;
    const pgMs = after.pgMs(before);
    const selfCpuMs = cpuMsOf(before.self, after.self);
    const rel = (at: number) => `+${fmt((at - t0) / 1000, 1)}s`;
    const slots = CONCURRENCY * (ms / 1000);

    const statements = STATEMENTS ? await statementLines(ctx) : { lines: [], rows: [] };
    const lines = [
      `workflows: ${int(REQUESTS)} requests -> ${int(states.total)} runs (${WARMUP} warm-up requests before, not counted)`,
      `    ${fmt(perSecond, 1)} runs/s: ${int(succeeded.length)} succeeded ${fmt(ms / 1000, 2)} s after the first request was created (99% of them by ${fmt(p99Ms / 1000, 2)} s; requests created in ${fmt(createMs / 1000, 2)} s; job queue empty at ${fmt(drainedMs / 1000, 2)} s)`,
      `    runs failed ${states.failed}, cancelled ${states.cancelled}; escalations ${escalations.rows.map((r) => `${r.state} ${r.n}`).join(', ')}`,
      `    deliveries rescheduled: ${Math.max(0, (stats.tasks['deliver-escalation']?.completed ?? 0) + (stats.tasks['deliver-escalation']?.errors ?? 0) - escalations.rows.reduce((n, r) => n + r.n, 0))} (a wait for the rate budget, or a retry)`,
      `    Kustomer: ${int(conversations.length)} conversations created, ${duplicates} duplicates (same external id), ${unknownRemote} escalations pointing at a conversation the emulator lacks; ${int(calls.length)} calls (${fmt(calls.length / REQUESTS, 2)} per run), ${rejected} x 429`,
      `      calls: ${[...callsByPath.entries()]
        .sort((a, b) => b[1] - a[1])
        .map(([k, n]) => `${k} ${n}`)
        .join(', ')}`,
      `    requests created per ${bucket / 1000} s: ${timeline(createdAt, bucket)}`,
      `    runs succeeded per ${bucket / 1000} s:   ${timeline(
        succeeded.map((r) => r.finished!),
        bucket,
      )}`,
      `    per run (ms, from stored timestamps)          p50      p90      p99      max`,
      ...phases.map(([name, s]) => `      ${name.padEnd(42)} ${s ? [s.p50, s.p90, s.p99, s.max].map((x) => fmt(x, 0).padStart(8)).join(' ') : '  (none)'}`),
      `    jobs: ${int(jobs)} (${fmt(jobs / REQUESTS, 2)} per run); worker slots busy ${fmt((tasks.reduce((s, [, t]) => s + t.runMs, 0) / 1000 / slots) * 100, 0)}% of ${CONCURRENCY} x ${fmt(ms / 1000, 1)} s`,
      `      ${'task'.padEnd(20)} ${'jobs'.padStart(7)} ${'per run'.padStart(8)} ${'run ms'.padStart(8)} ${'max'.padStart(7)} ${'queued ms'.padStart(10)} ${'max'.padStart(7)} ${'slot %'.padStart(7)}  active`,
      ...tasks.map(([name, t]: [string, TaskStats]) => {
        const n = t.completed + t.errors;
        return `      ${name.padEnd(20)} ${int(n).padStart(7)} ${fmt(n / REQUESTS, 2).padStart(8)} ${fmt(t.runMs / n, 1).padStart(8)} ${fmt(t.maxRunMs, 0).padStart(7)} ${fmt(t.waitMs / n, 0).padStart(10)} ${fmt(t.maxWaitMs, 0).padStart(7)} ${fmt((t.runMs / 1000 / slots) * 100, 0).padStart(7)}  ${rel(t.firstStartAt)} .. ${rel(t.lastCompleteAt)}${t.errors ? `  (${t.errors} errors)` : ''}`;
      }),
      `    per run: CPU of the worker process ${fmt(workerCpuMs / REQUESTS, 2)} ms (${fmt(workerSysMs / REQUESTS, 2)} of it system), Postgres ${fmt(pgMs / REQUESTS, 2)} ms, load generator + emulator ${fmt(selfCpuMs / REQUESTS, 2)} ms; ${fmt((after.writeTx - before.writeTx) / REQUESTS, 0)} write transactions (request creation included); worker RSS at the end ${fmt(stats.rssBytes / 1024 / 1024, 0)} MB` +
        machineNote(cpuUsage(before.machine, after.machine)),
      ...statements.lines,
    ];
    log(`workflows: ${fmt(perSecond, 1)} runs/s (done ${fmt((tDone - t0) / 1000, 1)} s after the first request)`);
    return {
      lines,
      perSecond,
      ms,
      succeeded: succeeded.length,
      failed: states.failed,
      cancelled: states.cancelled,
      conversations: conversations.length,
      duplicates,
      jobsPerRun: jobs / REQUESTS,
      cpuMsPerRun: (workerCpuMs + pgMs) / REQUESTS,
      machine: cpuUsage(before.machine, after.machine),
      json: {
        perSecond,
        ms,
        p99Ms,
        createMs,
        drainedMs,
        states,
        conversations: conversations.length,
        duplicates,
        calls: calls.length,
        rejected,
        phases: Object.fromEntries(phases.map(([k, v]) => [k, v])),
        tasks: stats.tasks,
        cpuMsPerRun: { worker: workerCpuMs / REQUESTS, workerSystem: workerSysMs / REQUESTS, postgres: pgMs / REQUESTS, loadGenerator: selfCpuMs / REQUESTS },
        writeTransactionsPerRun: (after.writeTx - before.writeTx) / REQUESTS,
        ...(STATEMENTS ? { statements: statements.rows } : {}),
      },
    };
  } finally {
    await w.stop();
  }
}

async function statementLines(ctx: Ctx) {
  const { rows } = await ctx.pool.query<{ query: string; calls: string; total: number; mean: number }>(
    `select query, calls, total_exec_time total, mean_exec_time mean from pg_stat_statements
      where dbid = (select oid from pg_database where datname = current_database()) order by total_exec_time desc`,
  );
  const calls = rows.reduce((s, r) => s + Number(r.calls), 0);
  const total = rows.reduce((s, r) => s + r.total, 0);
  const lines = [
    `    statements (pg_stat_statements, measured phase incl. request creation): ${fmt(calls / REQUESTS, 1)} per run, ${fmt(total / REQUESTS, 2)} ms execution per run; the top 15 by total time:`,
    `      ${'per run'.padStart(7)} ${'mean ms'.padStart(8)} ${'ms/run'.padStart(7)}  statement`,
    ...rows
      .slice(0, 15)
      .map(
        (r) =>
          `      ${fmt(Number(r.calls) / REQUESTS, 2).padStart(7)} ${fmt(r.mean, 3).padStart(8)} ${fmt(r.total / REQUESTS, 3).padStart(7)}  ${r.query.replace(/\s+/g, ' ').slice(0, 150)}`,
      ),
  ];
  return { lines, rows: rows.map((r) => ({ perRun: Number(r.calls) / REQUESTS, meanMs: r.mean, query: r.query.replace(/\s+/g, ' ') })) };
}

// ---------------------------------------------------------------------------------------------------------------
// Measuring CPU

interface Snapshot {
  t: number;
  /** transaction ids assigned so far: one per transaction that wrote something (each a WAL flush at commit) */
  writeTx: number;
  worker: WorkerProcessStats;
  self: { user: number; system: number };
  machine: CpuSnapshot | null;
  /** CPU ms Postgres has used since it started (exited backends included) */
  postgresMs: number | null;
  /** Postgres CPU ms since `before` */
  pgMs(before: Snapshot): number;
}

async function snapshot(ctx: Ctx, w: WorkerProcess): Promise<Snapshot> {
  // The next transaction id to be assigned (reading it assigns none): exact at once, unlike pg_stat_database.
  const writeTx = Number((await ctx.pool.query<{ n: string }>('select pg_snapshot_xmax(pg_current_snapshot())::text n')).rows[0]!.n);
  const s: Snapshot = {
    t: performance.now(),
    writeTx,
    worker: await w.stats(),
    self: process.cpuUsage(),
    machine: cpuSnapshot([process.pid, ...(w.pid ? [w.pid] : [])], [ctx.postmasterPid]),
    postgresMs: postgresCpuMs(ctx.postmasterPid),
    pgMs: (before) => (before.postgresMs !== null && s.postgresMs !== null ? s.postgresMs - before.postgresMs : NaN),
  };
  return s;
}

const cpuMsOf = (before: { user: number; system: number }, after: { user: number; system: number }) =>
  (after.user - before.user + after.system - before.system) / 1000;

function machineNote(u: ReturnType<typeof cpuUsage>): string {
  if (!u) return '';
  const pct = (x: number) => `${Math.round(x * 100)}%`;
  return (
    `\n      machine meanwhile: benchmark processes (worker, Postgres, load generator + emulator) ${pct(u.ours)} of all CPUs, other processes ${pct(u.others)}, steal ${pct(u.steal)}` +
    (u.others + u.steal > 0.1 ? '\n      WARNING: other work competed for the CPUs; the figures are lowered by it. Re-run on a quiet machine.' : '')
  );
}

// ---------------------------------------------------------------------------------------------------------------
// The worker process

interface WorkerProcess {
  pid: number | undefined;
  stats(): Promise<WorkerProcessStats>;
  reset(): Promise<void>;
  /** Throws if the process has exited (it never should while measuring). */
  assertAlive(): void;
  stop(): Promise<void>;
}

async function startWorkerProcess(ctx: Ctx, mode: 'noop' | 'workflows'): Promise<WorkerProcess> {
  const child: ChildProcess = fork(fileURLToPath(new URL('./worker-process.ts', import.meta.url)), [], {
    execArgv: ['--import', 'tsx', ...(CPU_PROF && mode === 'workflows' ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve(CPU_PROF)}`] : [])],
    env: {
      ...process.env,
      BENCH_DATABASE_URL: ctx.url,
      BENCH_DATA_DIR: ctx.tmp,
      BENCH_KUSTOMER_URL: ctx.config.destinations.kustomer.baseUrl ?? undefined,
      BENCH_WORKER_MODE: mode,
      BENCH_WORKER_CONCURRENCY: String(CONCURRENCY),
      BENCH_POLL_MS: String(POLL_MS),
      ...(POOL_SIZE ? { BENCH_POOL_SIZE: String(POOL_SIZE) } : {}),
    },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  let stopping = false;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = once(async () => {
    stopping = true;
    if (child.exitCode !== null || child.signalCode !== null) return;
    if (child.connected) child.send('stop');
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  });
  ctx.cleanups.push(stop);
  // One request at a time: answers come back in order.
  const pending: ((m: any) => void)[] = [];
  child.on('message', (m: any) => {
    if (m?.stats || m?.reset) pending.shift()?.(m);
  });
  const ask = (msg: string) =>
    new Promise<any>((resolve, reject) => {
      if (!child.connected) return reject(new Error(`the ${mode} worker process has exited (code ${child.exitCode}, signal ${child.signalCode})`));
      const timer = setTimeout(() => reject(new Error(`the ${mode} worker process did not answer "${msg}"`)), 10_000);
      pending.push((m) => {
        clearTimeout(timer);
        resolve(m);
      });
      child.send(msg);
    });
  try {
    const pid = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the ${mode} worker process did not start within 30 s`)), 30_000);
      child.once('message', (m: { ready?: boolean; pid?: number }) => {
        clearTimeout(timer);
        if (m?.ready) resolve(m.pid!);
        else reject(new Error(`unexpected message from the worker process: ${JSON.stringify(m)}`));
      });
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`the ${mode} worker process exited before starting (code ${code}, signal ${signal})`));
      });
    });
    return {
      pid,
      stats: async () => (await ask('stats')).stats as WorkerProcessStats,
      reset: async () => void (await ask('reset')),
      assertAlive() {
        if (!stopping && (child.exitCode !== null || child.signalCode !== null)) {
          throw new Error(`the ${mode} worker process died (code ${child.exitCode}, signal ${child.signalCode})`);
        }
      },
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    log(`bench:workflows failed: ${(err as Error).stack ?? err}`);
    process.exit(1);
  },
);
