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
 * Options: `npm run bench:workflows -- --help`, and bench/README.md.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type pg from 'pg';
import { loadConfig, type Config } from '../src/config.ts';
import type { UserActor } from '../src/core/actor.ts';
import { seedDemoOrg, serveEmulator } from '../src/connectors/kustomer/emulator/index.ts';
import type { Db } from '../src/db/database.ts';
import { insertToken } from '../src/db/repositories/api-tokens.ts';
import { insertUser } from '../src/db/repositories/users.ts';
import { createApp } from '../src/server/app.ts';
import { API_TOKEN_PREFIX, randomToken, sha256 } from '../src/server/auth/secrets.ts';
import { createRequest } from '../src/usecases/create-request.ts';
import { benchAppDeps } from './app-deps.ts';
import { forkBenchChild } from './child-process.ts';
import { cpuSnapshot, cpuUsage, type CpuSnapshot } from './cpu-usage.ts';
import { headerLine, log, machineNote, parseOptions, runBench, sleep, startBenchPostgres } from './harness.ts';
import { postgresCpuMs } from './postgres-cpu.ts';
import { epochMs, type TaskStats } from './job-stats.ts';
import { enqueueNoopJobs, NOOP_TASK } from './noop-jobs.ts';
import { summarize } from './percentiles.ts';
import type { WorkerProcessStats } from './worker-process.ts';
import { once, type Cleanups } from './with-cleanups.ts';

const O = parseOptions('npm run bench:workflows --', 'how fast the workflow engine gets through a burst, against the floor of any graphile-worker engine', {
  requests: { kind: 'int', env: 'BENCH_REQUESTS', default: 5000, help: 'requests (and runs), and no-op jobs for the floor' },
  concurrency: { kind: 'int', env: 'BENCH_CONCURRENCY', default: 32, help: "WORKER_CONCURRENCY of the worker and of the floor's runner" },
  lanes: { kind: 'int', env: 'BENCH_LANES', default: 16, help: 'parallel lanes creating requests' },
  warmup: { kind: 'int', env: 'BENCH_WARMUP', default: 100, min: 0, help: 'warm-up requests, not counted' },
  requesters: { kind: 'int', env: 'BENCH_REQUESTERS', default: 1000, help: 'distinct requesters (Kustomer customers)' },
  'poll-ms': { kind: 'int', env: 'BENCH_POLL_MS', default: 1000, help: 'graphile-worker pollInterval' },
  'pool-size': { kind: 'int?', env: 'BENCH_POOL_SIZE', help: "DATABASE_POOL_SIZE of the worker (default: the app's, 10)" },
  statements: { kind: 'switch', env: 'BENCH_STATEMENTS', help: 'pg_stat_statements: statements per run and the slowest' },
  'cpu-prof': { kind: 'text', env: 'BENCH_CPU_PROF', help: 'write a V8 CPU profile of the worker process to this folder' },
  json: { kind: 'text', env: 'BENCH_JSON', help: 'also write the figures as JSON to this file' },
});
const REQUESTS = O.requests;
const CONCURRENCY = O.concurrency;
const LANES = O.lanes;
const WARMUP = O.warmup;
const REQUESTERS = O.requesters;
const POLL_MS = O['poll-ms'];
const POOL_SIZE = O['pool-size'];
const JSON_OUT = O.json;
const STATEMENTS = O.statements;
const CPU_PROF = O['cpu-prof'];

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

const fmt = (n: number, digits = 1) => (Number.isFinite(n) ? n.toFixed(digits) : '-');
const int = (n: number) => Math.round(n).toLocaleString('en-US');

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

async function run(cleanups: Cleanups): Promise<void> {
  const tRun = performance.now();
  // The load generator's own pool: one connection per lane, and some for polling.
  const { tmp, url, db, pool, pgVersion, postmasterPid } = await startBenchPostgres(cleanups, { poolSize: LANES + 4, statements: STATEMENTS });

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
    headerLine('workflow benchmark', pgVersion),
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
        machineMeanwhile(f.machine),
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
        machineMeanwhile(cpuUsage(before.machine, after.machine)),
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

const machineMeanwhile = (u: ReturnType<typeof cpuUsage>) =>
  machineNote(u, { ours: 'worker, Postgres, load generator + emulator', indent: '      ', effect: 'the figures are lowered by it' });

// ---------------------------------------------------------------------------------------------------------------
// The worker process

type WorkerProcess = Awaited<ReturnType<typeof startWorkerProcess>>;

async function startWorkerProcess(ctx: Ctx, mode: 'noop' | 'workflows') {
  const name = `${mode} worker process`;
  const child = await forkBenchChild<{ ready: true; pid: number }>('./worker-process.ts', {
    name,
    execArgv: CPU_PROF && mode === 'workflows' ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve(CPU_PROF)}`] : [],
    env: {
      BENCH_DATABASE_URL: ctx.url,
      BENCH_DATA_DIR: ctx.tmp,
      BENCH_KUSTOMER_URL: ctx.config.destinations.kustomer.baseUrl ?? undefined,
      BENCH_WORKER_MODE: mode,
      BENCH_WORKER_CONCURRENCY: String(CONCURRENCY),
      BENCH_POLL_MS: String(POLL_MS),
      BENCH_POOL_SIZE: POOL_SIZE?.toString(),
    },
    isReady: (m) => m?.ready === true,
  });
  let stopping = false;
  const stop = once(() => {
    stopping = true;
    return child.stop();
  });
  ctx.cleanups.push(stop);
  return {
    pid: child.ready.pid,
    stats: () => child.ask<WorkerProcessStats>('stats', 'stats'),
    reset: async () => void (await child.ask('reset', 'reset')),
    /** Throws if the process has exited (it never should while measuring). */
    assertAlive() {
      if (!stopping && child.exited()) throw new Error(`the ${name} died`);
    },
    stop,
  };
}

runBench('bench:workflows', run);
