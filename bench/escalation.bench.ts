/**
 * `npm run bench:escalation`: what it costs to escalate a request into Kustomer through Bridgedesk, end to end.
 *
 * Starts a throwaway embedded Postgres, serves the Kustomer emulator with a fixed latency added to every reply
 * (bench/delayed-emulator.ts: a fast real Kustomer), connects Bridgedesk to it, and runs the real server and
 * graphile-worker in a child process (bench/app-process.ts). Escalations are submitted through the API
 * (POST /api/v1/requests/{id}/escalations, as an agent with an API token); an escalation counts as linked when the
 * worker's transaction that links it commits (a NOTIFY from a trigger on the throwaway database, see
 * bench/escalation-events.ts), so nothing polls the app.
 *
 *   (a) overhead: escalations one at a time (submit, wait until linked, next), against the same Kustomer calls
 *       made directly with createKustomerClient in the same run (the floor); goal mean <= 1.2x the floor. Then the
 *       same with no added latency: the overhead in ms.
 *   (b) throughput under a rate limit: escalations submitted at once against a budget per short window; the share
 *       of the budget used (goal >= 95%) and the 429s received (goal 0).
 *   (c) capacity: escalations with a fixed number in flight, no rate limit; escalations/s (goal >= 100), the app
 *       process's CPU ms per escalation (goal <= 10) and its peak RSS (goal <= 250 MB).
 *
 * Each phase has its own emulator and its own app process. A benchmark, not a test: it exits 0 whatever the
 * figures, and 1 only if something fails (an escalation fails or never links, an API call errors, ...).
 * Options: `npm run bench:escalation -- --help`, and bench/README.md.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { loadConfig, type Config } from '../src/config.ts';
import type { UserActor } from '../src/core/actor.ts';
import { backLinkNote } from '../src/core/escalation.ts';
import { seedDemoOrg } from '../src/connectors/kustomer/emulator/index.ts';
import { createKustomerClient } from '../src/connectors/kustomer/client.ts';
import type { Db } from '../src/db/database.ts';
import { nodeFetch } from '../src/connectors/kit/node-fetch.ts';
import { insertToken } from '../src/db/repositories/api-tokens.ts';
import { insertUser } from '../src/db/repositories/users.ts';
import { API_TOKEN_PREFIX, randomToken, sha256 } from '../src/server/auth/secrets.ts';
import { connectDestination, setDestinationTargets } from '../src/usecases/connect-destination.ts';
import { createRequest } from '../src/usecases/create-request.ts';
import { destinationDeps } from '../src/usecases/destination-access.ts';
import type { AppStats } from './app-process.ts';
import { startAppProcess, type AppProcess } from './child-process.ts';
import { cpuSnapshot, cpuUsage, type CpuSnapshot } from './cpu-usage.ts';
import { serveDelayedEmulator, type DelayedEmulator } from './delayed-emulator.ts';
import { installEscalationTrigger, listenEscalationEvents, type EscalationEvents } from './escalation-events.ts';
import { headerLine, log, machineNote, parseOptions, runBench, sleep, startBenchPostgres } from './harness.ts';
import { summarize, type Summary } from './percentiles.ts';
import { once, type Cleanups } from './with-cleanups.ts';

const O = parseOptions('npm run bench:escalation --', 'what it costs to escalate a request into Kustomer through Bridgedesk, end to end', {
  only: { kind: 'text', env: 'BENCH_ONLY', default: 'a,b,c', help: 'phases to run' },
  'latency-ms': { kind: 'int', env: 'BENCH_LATENCY_MS', default: 20, min: 0, help: 'added to every Kustomer reply' },
  'a-escalations': { kind: 'int', env: 'BENCH_A_ESCALATIONS', default: 500, help: '(a) at +latency; half as many at +0 ms' },
  'b-escalations': { kind: 'int', env: 'BENCH_B_ESCALATIONS', default: 2000, help: '(b) backlog' },
  'b-window-ms': { kind: 'int', env: 'BENCH_B_WINDOW_MS', default: 3000, min: 1000, help: '(b) rate window (whole seconds)' },
  'b-budget': { kind: 'int', env: 'BENCH_B_BUDGET', default: 400, help: '(b) calls per window' },
  'c-escalations': { kind: 'int', env: 'BENCH_C_ESCALATIONS', default: 1000, help: '(c) measured escalations' },
  'c-in-flight': { kind: 'int', env: 'BENCH_C_IN_FLIGHT', default: 50, help: '(c) lanes' },
  'c-warmup': { kind: 'int', env: 'BENCH_C_WARMUP', default: 100, min: 0, help: '(c) warm-up escalations' },
  concurrency: { kind: 'int', env: 'BENCH_CONCURRENCY', default: 50, help: 'WORKER_CONCURRENCY for (b) and (c) ((a) uses 10, the default)' },
  'poll-ms': { kind: 'int', env: 'BENCH_POLL_MS', default: 100, help: 'graphile-worker pollInterval (how soon a rescheduled job is seen)' },
  'pool-size': { kind: 'int?', env: 'BENCH_POOL_SIZE', help: "DATABASE_POOL_SIZE of the app (default: the app's, 10)" },
  statements: {
    kind: 'switch',
    env: 'BENCH_STATEMENTS',
    help: 'restart Postgres with pg_stat_statements and print the statements per escalation and the slowest',
  },
  'cpu-prof': { kind: 'text', env: 'BENCH_CPU_PROF', help: 'write a V8 CPU profile of each app process to this folder' },
  json: { kind: 'text', env: 'BENCH_JSON', help: "also write the figures (and (a)'s raw samples) as JSON to this file" },
});
const ONLY = new Set(O.only.split(',').map((s) => s.trim().toLowerCase()));
for (const p of ONLY) if (!['a', 'b', 'c'].includes(p)) throw new Error(`--only takes a, b and/or c, got "${p}"`);
const LATENCY_MS = O['latency-ms'];
const A_ESCALATIONS = O['a-escalations'];
/** The run with no added latency only needs to show the overhead in ms: half as many. */
const A_ZERO = Math.max(1, Math.round(A_ESCALATIONS / 2));
const B_ESCALATIONS = O['b-escalations'];
const B_WINDOW_MS = O['b-window-ms'];
const B_BUDGET = O['b-budget'];
const C_ESCALATIONS = O['c-escalations'];
const C_IN_FLIGHT = O['c-in-flight'];
const C_WARMUP = O['c-warmup'];
const CONCURRENCY = O.concurrency;
const POLL_MS = O['poll-ms'];
const POOL_SIZE = O['pool-size'];
const STATEMENTS = O.statements;
const CPU_PROF = O['cpu-prof'];
if (B_WINDOW_MS % 1000 !== 0) throw new Error('--b-window-ms must be whole seconds: x-ratelimit-reset is in epoch seconds');

/** (a) runs one escalation at a time: the product's default concurrency is plenty. */
const A_CONCURRENCY = 10;
/** Distinct requesters (Kustomer customers) per run: the first escalation of each creates the customer, later ones match it. */
const REQUESTERS = 100;
const A_WARMUP = 20;
/** (c): no rate limit worth the name (the budget column is an int4). */
const UNLIMITED = 1_000_000;
/**
 * Longest wait for one escalation before the benchmark gives up: longer than a 60 s Kustomer window, because a
 * delivery that races the budget's probe at a window start can be told to wait for the whole window.
 */
const ESCALATION_TIMEOUT_MS = 150_000;

/**
 * (c)'s rate window: whole hours, as many as it takes for the next window boundary to be at least 15 minutes away,
 * so no boundary (and no budget probe) falls inside the capacity run. The emulator aligns windows to multiples of
 * their length since the epoch.
 */
function quietWindowMs(): number {
  const hour = 3_600_000;
  for (let h = 1; ; h++) if (h * hour - (Date.now() % (h * hour)) > 15 * 60_000) return h * hour;
}
const GOALS = { ratio: 1.2, share: 0.95, perSecond: 100, cpuMs: 10, rssMb: 250 };

const fmt = (n: number, digits = 1) => n.toFixed(digits);
const pass = (ok: boolean) => (ok ? 'PASS' : 'MISS');

const SUBJECT = 'Refund never arrived for order 4417';
const DESCRIPTION = 'The customer paid twice for order 4417 on the 3rd and was refunded neither time. Card ending 4242.';
const MESSAGE = [
  DESCRIPTION,
  '',
  'Requester: see the linked request',
  'Priority: high',
  'Tags: refund, billing',
  '',
  'Escalated because billing needs Kustomer access to the order history and the payment provider.',
].join('\n');

interface Ctx {
  tmp: string;
  url: string;
  db: Db;
  pool: pg.Pool;
  config: Config;
  admin: UserActor;
  agent: UserActor;
  token: string;
  events: EscalationEvents;
  postmasterPid: number;
  cleanups: Cleanups;
}

async function run(cleanups: Cleanups): Promise<void> {
  const tRun = performance.now();
  const { tmp, url, db, pool, pgVersion, postmasterPid } = await startBenchPostgres(cleanups, { poolSize: 10, statements: STATEMENTS });
  const config = loadConfig({ LOG_LEVEL: 'silent', BRIDGEDESK_DATA_DIR: tmp });
  await installEscalationTrigger(pool);
  const events = await listenEscalationEvents(url);
  cleanups.push(once(() => events.close()));

  const user = (email: string, name: string, role: 'admin' | 'agent') =>
    insertUser(db, { email, name, role, passwordHash: null, managerId: null, department: null, title: null, location: null });
  const adminRow = await user('bench-admin@bench.example', 'Bench Admin', 'admin');
  const agentRow = await user('bench-agent@bench.example', 'Bench Agent', 'agent');
  const token = API_TOKEN_PREFIX + randomToken();
  await insertToken(db, { userId: agentRow.id, name: 'bench', tokenHash: sha256(token), lastFour: token.slice(-4), expiresAt: null });
  const ctx: Ctx = {
    tmp,
    url,
    db,
    pool,
    config,
    admin: { kind: 'user', userId: adminRow.id, role: 'admin', name: adminRow.name },
    agent: { kind: 'user', userId: agentRow.id, role: 'agent', name: agentRow.name },
    token,
    events,
    postmasterPid,
    cleanups,
  };
  log(`Postgres ${pgVersion} ready; node ${process.version}, ${os.cpus().length} CPUs`);

  // Each phase's figures are printed as soon as it ends; the summary repeats the goals at the end.
  const print = (lines: string[]) => process.stdout.write(lines.join('\n') + '\n');
  print([
    '',
    headerLine('escalation benchmark', pgVersion),
    `Kustomer emulator: +${LATENCY_MS} ms per reply; app = server + graphile-worker in one child process, pollInterval ${POLL_MS} ms, DB pool ${POOL_SIZE ?? config.poolSize}`,
  ]);
  const json: Record<string, unknown> = {
    at: new Date().toISOString(),
    node: process.version,
    postgres: pgVersion,
    cpus: os.cpus().length,
    latencyMs: LATENCY_MS,
  };
  const summary: string[] = [];

  if (ONLY.has('a')) {
    const a = await phaseA(ctx);
    json.a = a.json;
    print(a.lines);
    summary.push(...a.summary);
  }
  if (ONLY.has('b')) {
    const b = await phaseB(ctx);
    json.b = b.json;
    print(b.lines);
    summary.push(...b.summary);
  }
  if (ONLY.has('c')) {
    const c = await phaseC(ctx);
    json.c = c.json;
    print(c.lines);
    summary.push(...c.summary);
  }
  const totalS = (performance.now() - tRun) / 1000;
  print(['', 'summary', ...summary.map((s) => `  ${s}`), '', `total run ${fmt(totalS)} s`]);
  if (O.json) {
    fs.writeFileSync(O.json, JSON.stringify({ ...json, totalS }, null, 1));
    log(`figures written to ${O.json}`);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// A phase: its own emulator, Kustomer connection, requests and app process.

interface Phase {
  emu: DelayedEmulator;
  /** the emulator's rate window (ms) */
  rateWindowMs: number;
  queueId: string;
  apiKey: string;
  app: AppProcess;
  base: string;
  /** request ids, one per escalation, in order */
  requests: string[];
  close(): Promise<void>;
}

async function startPhase(
  ctx: Ctx,
  name: string,
  o: { latencyMs: number; rateWindowMs?: number; rateLimit: number; concurrency: number; deferWorker?: boolean; requests: { tag: string; count: number }[] },
): Promise<Phase & { requestsByTag: Map<string, string[]> }> {
  const emu = await serveDelayedEmulator({ latencyMs: o.latencyMs, rateWindowMs: o.rateWindowMs });
  const closeEmu = once(() => emu.close());
  ctx.cleanups.push(closeEmu);
  const demo = seedDemoOrg(emu.control, { name: 'acme' });
  emu.control.updateOrg('acme', { rateLimitPerMinute: o.rateLimit });
  const config = loadConfig({
    LOG_LEVEL: 'silent',
    BRIDGEDESK_DATA_DIR: ctx.tmp,
    KUSTOMER_BASE_URL: emu.url,
    KUSTOMER_WEB_URL: emu.url,
    KUSTOMER_RATE_WINDOW_MS: String(o.rateWindowMs ?? 60_000),
  });
  const deps = destinationDeps(config, { db: ctx.db, now: () => new Date() });
  await connectDestination(deps, ctx.admin, 'kustomer', { account: 'acme', secret: demo.apiKey });
  const queueId = demo.queues.tier2Support.id;
  await setDestinationTargets(deps, 'kustomer', [{ kind: 'queue', remoteId: queueId, enabled: true }]);
  // Each phase starts with no knowledge of the rate window, as after a restart.
  await ctx.db.deleteFrom('rate_budgets').execute();

  const t0 = performance.now();
  const requestsByTag = new Map<string, string[]>();
  let total = 0;
  for (const { tag, count } of o.requests) {
    requestsByTag.set(tag, await createRequests(ctx, `${name}-${tag}`, count));
    total += count;
  }
  log(`(${name}) ${total} requests created in ${fmt((performance.now() - t0) / 1000)} s; starting the app (worker concurrency ${o.concurrency})`);

  const app = await startAppProcess({
    url: ctx.url,
    dataDir: ctx.tmp,
    kustomerUrl: emu.url,
    rateWindowMs: o.rateWindowMs ?? 60_000,
    concurrency: o.concurrency,
    worker: o.deferWorker ? 'deferred' : 'on',
    pollMs: POLL_MS,
    poolSize: POOL_SIZE,
    execArgv: CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve(CPU_PROF)}`] : [],
  });
  ctx.cleanups.push(app.stop);
  emu.control.clearCalls();
  return {
    emu,
    rateWindowMs: o.rateWindowMs ?? 60_000,
    queueId,
    apiKey: demo.apiKey,
    app,
    base: `http://127.0.0.1:${app.port}`,
    requests: [...requestsByTag.values()].flat(),
    requestsByTag,
    async close() {
      await app.stop();
      await closeEmu();
    },
  };
}

/** Requests (one per escalation), each from one of REQUESTERS requesters used in turn: request i is from requester i % REQUESTERS. */
async function createRequests(ctx: Ctx, tag: string, count: number): Promise<string[]> {
  const requesters = await ctx.db
    .insertInto('users')
    .values(
      Array.from({ length: Math.min(REQUESTERS, count) }, (_, k) => ({
        email: `customer${k}-${tag}@bench.example`,
        name: `Customer ${k} ${tag}`,
        role: 'requester' as const,
        password_hash: null,
      })),
    )
    .returning('id')
    .execute();
  const ids: string[] = new Array(count);
  let next = 0;
  const lane = async () => {
    while (next < count) {
      const i = next++;
      const r = await createRequest(
        ctx.db,
        ctx.agent,
        { title: SUBJECT, description: DESCRIPTION, requesterId: requesters[i % requesters.length]!.id, priority: 'high', tags: ['refund', 'billing'] },
        new Date(),
      );
      ids[i] = r.id;
    }
  };
  await Promise.all(Array.from({ length: 8 }, lane));
  return ids;
}

/**
 * POST /api/v1/requests/{id}/escalations as the agent; returns the escalation id (202). Sent with the HTTP client
 * the app's own Kustomer calls (and so the floor) use, so the client's cost is alike on both sides of the ratio.
 */
async function submit(ctx: Ctx, p: Phase, requestId: string): Promise<string> {
  const res = await nodeFetch(new URL(`${p.base}/api/v1/requests/${requestId}/escalations`), {
    method: 'POST',
    headers: { authorization: `Bearer ${ctx.token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ destination: 'kustomer', queueId: p.queueId, channel: 'email', priority: 3, subject: SUBJECT, message: MESSAGE }),
    signal: AbortSignal.timeout(60_000),
  });
  const text = await res.text();
  if (res.status !== 202) throw new Error(`POST escalation: HTTP ${res.status}: ${text.slice(0, 300)}`);
  return (JSON.parse(text) as { id: string }).id;
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: () => string): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise<T>((_, reject) => {
      timer = setTimeout(() => reject(new Error(what())), ms);
    }),
  ]);
}

const stuck = (ctx: Ctx, what: string) => () => {
  const c = ctx.events.counts();
  const problems = ctx.events.lastProblems();
  return `${what}: not linked in time (events since the phase began: ${JSON.stringify(c)})${problems.length ? `; recent problems:\n  ${problems.join('\n  ')}` : ''}`;
};

/** Submits one escalation: ms from just before the POST to the linked commit, and to the 202. */
async function escalateOne(ctx: Ctx, p: Phase, requestId: string, timeoutMs = ESCALATION_TIMEOUT_MS): Promise<{ total: number; api: number }> {
  const t0 = performance.now();
  const id = await submit(ctx, p, requestId);
  const api = performance.now() - t0;
  try {
    const linkedAt = await withTimeout(ctx.events.linked(id), timeoutMs, stuck(ctx, `escalation ${id}`));
    return { total: linkedAt - t0, api };
  } catch (err) {
    throw new Error(`${(err as Error).message}\n${await describeEscalation(ctx, id)}`, { cause: err });
  }
}

/** The escalation's row and its delivery job, for the error when one does not link. */
async function describeEscalation(ctx: Ctx, id: string): Promise<string> {
  const e = await ctx.pool
    .query('select state, attempts, last_error, next_attempt_at, updated_at from escalations where id = $1', [id])
    .then((r) => r.rows[0])
    .catch((err: Error) => err.message);
  const j = await ctx.pool
    .query(`select run_at, attempts, last_error, locked_at, locked_by from graphile_worker.jobs where key = $1`, [`escalation:${id}`])
    .then((r) => r.rows)
    .catch((err: Error) => err.message);
  return `  escalation: ${JSON.stringify(e)}\n  delivery job: ${JSON.stringify(j)} (now ${new Date().toISOString()})`;
}

/**
 * Where one sample's time went, from the emulator's view of its calls: before the first Kustomer call arrived,
 * inside calls (emulator work + the added latency), between one reply and the next call, and after the last reply.
 */
interface Breakdown {
  /** escalations: until the API answered 202 */
  api: number;
  calls: number;
  before: number;
  inCalls: number;
  between: number;
  after: number;
}

function breakdown(t0: number, tEnd: number, trace: { start: number; end: number }[], api = 0): Breakdown {
  const calls = trace.filter((c) => c.start >= t0 && c.end <= tEnd);
  if (!calls.length) return { api, calls: 0, before: tEnd - t0, inCalls: 0, between: 0, after: 0 };
  let between = 0;
  for (let i = 1; i < calls.length; i++) between += calls[i]!.start - calls[i - 1]!.end;
  return {
    api,
    calls: calls.length,
    before: calls[0]!.start - t0,
    inCalls: calls.reduce((s, c) => s + c.end - c.start, 0),
    between,
    after: tEnd - calls[calls.length - 1]!.end,
  };
}

function meanBreakdown(bs: Breakdown[]): Breakdown {
  const m = (f: (b: Breakdown) => number) => bs.reduce((s, b) => s + f(b), 0) / bs.length;
  return {
    api: m((b) => b.api),
    calls: m((b) => b.calls),
    before: m((b) => b.before),
    inCalls: m((b) => b.inCalls),
    between: m((b) => b.between),
    after: m((b) => b.after),
  };
}

// ---------------------------------------------------------------------------------------------------------------
// (a) overhead

/**
 * The floor: the Kustomer calls a first delivery attempt makes, made directly with the client (no budget, no
 * database): find the customer by email, create it when it is not there, create the conversation, post the first
 * message, post the back-link note.
 */
function floorClient(p: Phase) {
  const client = createKustomerClient({ orgName: 'acme', apiKey: p.apiKey, baseUrlOverride: p.emu.url, webUrlOverride: p.emu.url });
  return async (email: string): Promise<number> => {
    const t0 = performance.now();
    const found = await client.findContactByEmail(email);
    const contact = found ?? (await client.createContact({ name: email, email }));
    const externalId = randomUUID();
    const ticket = await client.createTicket({ contactId: contact.remoteId, subject: SUBJECT, externalId, priority: 3, queueId: p.queueId, teamId: null });
    await client.addMessage(ticket.remoteId, { channel: 'email', body: MESSAGE, subject: SUBJECT, externalId: `${externalId}:message` });
    await client.addNote(ticket.remoteId, {
      body: backLinkNote('REQ-100000', 'https://desk.bench.example/requests/REQ-100000', email),
      externalId: `${externalId}:note`,
    });
    return performance.now() - t0;
  };
}

interface OverheadRun {
  latencyMs: number;
  escalation: Summary;
  floor: Summary;
  escalationParts: Breakdown;
  floorParts: Breakdown;
  raw: { escalation: number[]; floor: number[] };
}

/**
 * One measured run of (a): escalation i is from requester i % REQUESTERS; before every second escalation the floor
 * runs once, with a floor-only customer email chosen the same way, so both create a customer on the first use of
 * an email (20% of samples) and match it afterwards, and both see the same conditions over time.
 */
async function overheadRun(ctx: Ctx, p: Phase, requests: string[], tag: string, latencyMs: number): Promise<OverheadRun> {
  p.emu.latencyMs = latencyMs;
  const floor = floorClient(p);
  const escalation: number[] = [];
  const floors: number[] = [];
  const warm = requests.slice(0, A_WARMUP);
  const measured = requests.slice(A_WARMUP);
  for (const [i, r] of warm.entries()) {
    if (i % 2 === 0) await floor(`warm${i}-${tag}@floor.example`);
    await escalateOne(ctx, p, r);
  }
  const escalationParts: Breakdown[] = [];
  const floorParts: Breakdown[] = [];
  for (const [i, r] of measured.entries()) {
    if (i % 2 === 0) {
      p.emu.trace = [];
      const t0 = performance.now();
      const ms = await floor(`customer${i % REQUESTERS}-${tag}@floor.example`);
      floors.push(ms);
      floorParts.push(breakdown(t0, t0 + ms, p.emu.trace));
    }
    p.emu.trace = [];
    const t0 = performance.now();
    const { total, api } = await escalateOne(ctx, p, r);
    escalation.push(total);
    escalationParts.push(breakdown(t0, t0 + total, p.emu.trace, api));
    if ((i + 1) % 100 === 0) log(`(a) +${latencyMs} ms: ${i + 1}/${measured.length}`);
  }
  p.emu.trace = null;
  return {
    latencyMs,
    escalation: summarize(escalation),
    floor: summarize(floors),
    escalationParts: meanBreakdown(escalationParts),
    floorParts: meanBreakdown(floorParts),
    raw: { escalation, floor: floors },
  };
}

async function phaseA(ctx: Ctx) {
  log(`(a) overhead: ${A_ESCALATIONS} escalations one at a time at +${LATENCY_MS} ms, then ${A_ZERO} at +0 ms, each against the direct-call floor`);
  // Requests are laid out so escalation i (after the warm-up) is from requester i % REQUESTERS of its run.
  const p = await startPhase(ctx, 'a', {
    latencyMs: LATENCY_MS,
    rateLimit: UNLIMITED,
    concurrency: A_CONCURRENCY,
    requests: [
      { tag: 'warm1', count: A_WARMUP },
      { tag: 'lat', count: A_ESCALATIONS },
      { tag: 'warm0', count: A_WARMUP },
      { tag: 'zero', count: A_ZERO },
    ],
  });
  try {
    const req = (tag: string) => p.requestsByTag.get(tag)!;
    ctx.events.resetCounts();
    const withLatency = await overheadRun(ctx, p, [...req('warm1'), ...req('lat')], 'lat', LATENCY_MS);
    await resetStatements(ctx);
    const zero = await overheadRun(ctx, p, [...req('warm0'), ...req('zero')], 'zero', 0);
    const statements = await statementLines(ctx, A_WARMUP + A_ZERO);
    const waits = ctx.events.counts();
    const ratio = withLatency.escalation.mean / withLatency.floor.mean;
    const parts = (label: string, b: Breakdown) =>
      `      ${label.padEnd(36)} ${fmt(b.calls, 2).padStart(5)} ${fmt(b.before, 1).padStart(19)} ${(b.api ? `(${fmt(b.api, 1)})` : '').padStart(7)}  ${fmt(b.inCalls, 1).padStart(10)} ${fmt(b.between, 1).padStart(15)} ${fmt(b.after, 1).padStart(18)}`;
    const row = (label: string, s: Summary) =>
      `    ${label.padEnd(34)} ${fmt(s.mean, 1).padStart(7)} ${fmt(s.p50, 1).padStart(7)} ${fmt(s.p90, 1).padStart(7)} ${fmt(s.p99, 1).padStart(7)} ${fmt(s.max, 1).padStart(7)}  (n=${s.count})`;
    const lines = [
      '',
      `(a) overhead: one escalation at a time (submit through the API, wait until linked, next); app worker concurrency ${A_CONCURRENCY}`,
      `    ${''.padEnd(34)} ${'mean'.padStart(7)} ${'p50'.padStart(7)} ${'p90'.padStart(7)} ${'p99'.padStart(7)} ${'max'.padStart(7)}  ms`,
      row(`submit -> linked, +${LATENCY_MS} ms Kustomer`, withLatency.escalation),
      row(`floor (same calls, direct client)`, withLatency.floor),
      row('submit -> linked, +0 ms Kustomer', zero.escalation),
      row('floor, +0 ms', zero.floor),
      `    ratio at +${LATENCY_MS} ms: mean ${fmt(ratio, 2)}x the floor (p50 ${fmt(withLatency.escalation.p50 / withLatency.floor.p50, 2)}x); goal <= ${GOALS.ratio}x: ${pass(ratio <= GOALS.ratio)}`,
      `    overhead: ${fmt(withLatency.escalation.mean - withLatency.floor.mean, 1)} ms per escalation at +${LATENCY_MS} ms; ${fmt(zero.escalation.mean - zero.floor.mean, 1)} ms at +0 ms`,
      `    where the time goes (means, ms): ${''.padEnd(10)} calls   before first call (API 202)   in calls   between calls   after last reply`,
      ...[withLatency, zero].flatMap((r) => [parts(`escalation, +${r.latencyMs} ms`, r.escalationParts), parts(`floor, +${r.latencyMs} ms`, r.floorParts)]),
      `      (before first call: for an escalation the API call, the job pickup and the reads before calling out; between calls and after`,
      `       the last reply: client work on each reply, the rate-budget bookkeeping and the step's transaction; the floor has only the client's)`,
      `    reschedules of deliveries: ${waits.wait} rate-limit waits, ${waits.retry} retries`,
      ...statements.map((l) => l.replace('statements (pg_stat_statements):', 'statements in the +0 ms run (pg_stat_statements):')),
    ];
    return {
      lines,
      summary: [
        `(a) submit->linked / direct calls at +${LATENCY_MS} ms: ${fmt(ratio, 2)}x (goal <= ${GOALS.ratio}x) ${pass(ratio <= GOALS.ratio)}; overhead ${fmt(withLatency.escalation.mean - withLatency.floor.mean, 1)} ms, at +0 ms ${fmt(zero.escalation.mean - zero.floor.mean, 1)} ms`,
      ],
      json: { ratio, withLatency, zero },
    };
  } finally {
    await p.close();
  }
}

// ---------------------------------------------------------------------------------------------------------------
// (b) throughput under a rate limit

async function phaseB(ctx: Ctx) {
  const W = B_WINDOW_MS;
  const B = B_BUDGET;
  log(`(b) throughput: ${B_ESCALATIONS} escalations submitted at once, budget ${B} calls per ${W / 1000} s window`);
  const p = await startPhase(ctx, 'b', {
    latencyMs: LATENCY_MS,
    rateWindowMs: W,
    rateLimit: B,
    concurrency: CONCURRENCY,
    deferWorker: true,
    requests: [{ tag: 'all', count: B_ESCALATIONS }],
  });
  try {
    // The whole backlog is submitted through the API before the worker starts, so every window has more work than
    // budget from the first call on: the figure is about using the budget, not about how fast the API accepts.
    const tSubmit = performance.now();
    const ids: string[] = new Array(p.requests.length);
    let next = 0;
    const lane = async () => {
      while (next < p.requests.length) {
        const i = next++;
        ids[i] = await submit(ctx, p, p.requests[i]!);
      }
    };
    await Promise.all(Array.from({ length: 16 }, lane));
    const submittedS = (performance.now() - tSubmit) / 1000;
    log(`(b) ${ids.length} submitted in ${fmt(submittedS)} s (${fmt(ids.length / submittedS, 0)}/s, worker not running); starting the worker`);

    // The worker starts about a second before a window begins: that first, partial window is left out of the share.
    const lead = 1000;
    await sleep((W - ((Date.now() + lead) % W)) % W);
    p.emu.control.clearCalls();
    ctx.events.resetCounts();
    await resetStatements(ctx);
    const before = await snapshot(ctx, p.app);
    const t0 = performance.now();
    await p.app.startWorker();
    let linked = 0;
    const progress = setInterval(() => log(`(b) ${linked}/${ids.length} linked, ${ctx.events.counts().wait} rate-limit waits so far`), 10_000);
    const expectedS = ((B_ESCALATIONS * 4.1) / B) * (W / 1000);
    let lastLinked = t0;
    try {
      await withTimeout(
        Promise.all(
          ids.map((id) =>
            ctx.events.linked(id).then((at) => {
              linked += 1;
              lastLinked = Math.max(lastLinked, at);
            }),
          ),
        ),
        Math.max(300_000, expectedS * 3000),
        stuck(ctx, `(b) ${ids.length - linked} of ${ids.length} escalations`),
      );
    } finally {
      clearInterval(progress);
    }
    const after = await snapshot(ctx, p.app);
    const statements = await statementLines(ctx, B_ESCALATIONS);
    const durationS = (lastLinked - t0) / 1000;
    const ev = ctx.events.counts();

    const calls = p.emu.control.calls();
    type WindowCount = { allowed: number; rejected: number; first: number | null; budgetSpent: number | null };
    const byWindow = new Map<number, WindowCount>();
    for (const c of calls) {
      const at = Date.parse(c.at);
      const k = Math.floor(at / W);
      const w = byWindow.get(k) ?? { allowed: 0, rejected: 0, first: at - k * W, budgetSpent: null };
      if (c.status === 429) w.rejected += 1;
      else {
        w.allowed += 1;
        if (w.allowed === B) w.budgetSpent = at - k * W;
      }
      byWindow.set(k, w);
    }
    const keys = [...byWindow.keys()].sort((x, y) => x - y);
    const firstK = keys[0]!;
    const lastK = keys[keys.length - 1]!;
    const windows = Array.from(
      { length: lastK - firstK + 1 },
      (_, j): WindowCount => byWindow.get(firstK + j) ?? { allowed: 0, rejected: 0, first: null, budgetSpent: null },
    );
    // Complete windows: all but the first (the worker started in it) and the last (the backlog ran out in it).
    const complete = windows.slice(1, -1);
    const allowed = calls.filter((c) => c.status !== 429).length;
    const rejected = calls.length - allowed;
    const completeAllowed = complete.reduce((s, w) => s + w.allowed, 0);
    const share = complete.length ? completeAllowed / (B * complete.length) : NaN;
    const firstCall = Date.parse(calls[0]!.at);
    const lastCall = Date.parse(calls[calls.length - 1]!.at);
    const proratedShare = allowed / (B * Math.max(1, (lastCall - firstCall) / W));
    const wake = complete.filter((w) => w.first !== null).map((w) => w.first!);
    const spent = complete.filter((w) => w.budgetSpent !== null).map((w) => w.budgetSpent!);
    const short = complete.filter((w) => w.allowed < B).length;
    const mean = (xs: number[]) => (xs.length ? xs.reduce((s, x) => s + x, 0) / xs.length : NaN);
    const appCpuS = cpuSeconds(before.app.cpu, after.app.cpu);
    const lines = [
      '',
      `(b) throughput under a rate limit: ${B_ESCALATIONS} escalations submitted at once (through the API before the worker started: ${fmt(submittedS)} s), budget ${B} calls per ${W / 1000} s window (emulator rateWindowMs ${W}), +${LATENCY_MS} ms Kustomer, worker concurrency ${CONCURRENCY}, pollInterval ${POLL_MS} ms`,
      `    all linked ${fmt(durationS)} s after the worker started, over ${windows.length} windows; Kustomer calls ${allowed} answered + ${rejected} 429s (${fmt(allowed / B_ESCALATIONS, 2)} per escalation)`,
      `    share of the budget used in the ${complete.length} complete windows (the first, where the worker started, and the last, where the backlog ran out, left out): ${fmt(share * 100, 1)}% (${completeAllowed} / ${B} x ${complete.length}); goal >= ${GOALS.share * 100}%: ${pass(share >= GOALS.share)}`,
      `    share from the first call to the last: ${fmt(proratedShare * 100, 1)}% (${allowed} / ${B} x ${fmt((lastCall - firstCall) / W, 2)} windows)`,
      `    429s received: ${rejected}; goal 0: ${pass(rejected === 0)}`,
      `    calls per window: ${windows.map((w) => w.allowed + (w.rejected ? `+${w.rejected}x429` : '')).join(' ')}${short ? `  (${short} complete windows short of the budget)` : ''}`,
      `    in the complete windows: first call ${wake.length ? `${fmt(mean(wake), 0)} ms after the reset (max ${fmt(Math.max(...wake), 0)})` : '-'}, ` +
        (spent.length
          ? `budget used up ${fmt(mean(spent), 0)} ms after it (max ${fmt(Math.max(...spent), 0)}) of ${W} ms in ${spent.length} of them`
          : 'budget never used up'),
      `    reschedules to wait for the budget: ${ev.wait} (${fmt(ev.wait / B_ESCALATIONS, 1)} per escalation), other retries: ${ev.retry}`,
      `    CPU while delivering: app ${fmt(appCpuS)} s, Postgres ${fmt(after.pgMs(before) / 1000)} s, load generator + emulator ${fmt(cpuSeconds(before.self, after.self))} s, over ${fmt((after.t - before.t) / 1000)} s on ${os.cpus().length} CPUs` +
        machineMeanwhile(before, after),
      ...statements,
    ];
    return {
      lines,
      summary: [
        `(b) budget used ${fmt(share * 100, 1)}% (goal >= ${GOALS.share * 100}%) ${pass(share >= GOALS.share)}; 429s ${rejected} (goal 0) ${pass(rejected === 0)}; ${B_ESCALATIONS} linked in ${fmt(durationS)} s at ${B} calls per ${W / 1000} s`,
      ],
      json: { W, B, durationS, submittedS, allowed, rejected, share, proratedShare, windows, waits: ev.wait, retries: ev.retry, appCpuS },
    };
  } finally {
    await p.close();
  }
}

// ---------------------------------------------------------------------------------------------------------------
// (c) capacity

async function inFlight(ctx: Ctx, p: Phase, requests: string[], lanes: number): Promise<{ latencies: number[]; ms: number }> {
  const latencies: number[] = [];
  let next = 0;
  const t0 = performance.now();
  const lane = async () => {
    while (next < requests.length) {
      const r = requests[next++]!;
      latencies.push((await escalateOne(ctx, p, r, ESCALATION_TIMEOUT_MS)).total);
    }
  };
  await Promise.all(Array.from({ length: lanes }, lane));
  return { latencies, ms: performance.now() - t0 };
}

async function phaseC(ctx: Ctx) {
  log(`(c) capacity: ${C_ESCALATIONS} escalations, ${C_IN_FLIGHT} in flight, +${LATENCY_MS} ms Kustomer, no rate limit (after ${C_WARMUP} warm-up)`);
  const p = await startPhase(ctx, 'c', {
    latencyMs: LATENCY_MS,
    rateLimit: UNLIMITED,
    rateWindowMs: quietWindowMs(),
    concurrency: CONCURRENCY,
    requests: [
      { tag: 'warm', count: C_WARMUP + 1 },
      { tag: 'run', count: C_ESCALATIONS },
    ],
  });
  try {
    // One escalation alone first: its first call is the budget's probe, with no other delivery racing it (see
    // README, "rate-budget probe").
    const warm = p.requestsByTag.get('warm')!;
    await escalateOne(ctx, p, warm[0]!, ESCALATION_TIMEOUT_MS);
    await inFlight(ctx, p, warm.slice(1), C_IN_FLIGHT);
    ctx.events.resetCounts();
    p.emu.control.clearCalls();
    await resetStatements(ctx);
    const before = await snapshot(ctx, p.app);
    const { latencies, ms } = await inFlight(ctx, p, p.requestsByTag.get('run')!, C_IN_FLIGHT);
    const after = await snapshot(ctx, p.app);
    const statements = await statementLines(ctx, C_ESCALATIONS);
    const ev = ctx.events.counts();
    const perSecond = C_ESCALATIONS / (ms / 1000);
    const cpuMs = (cpuSeconds(before.app.cpu, after.app.cpu) * 1000) / C_ESCALATIONS;
    const sysMs = (after.app.cpu.system - before.app.cpu.system) / 1000 / C_ESCALATIONS;
    const rssMb = after.app.maxRssBytes / 1024 / 1024;
    const lat = summarize(latencies);
    const calls = p.emu.control.calls().length;
    const lines = [
      '',
      `(c) capacity: ${C_ESCALATIONS} escalations, ${C_IN_FLIGHT} in flight (each lane: submit, wait until linked, next), +${LATENCY_MS} ms Kustomer, no rate limit (a ${p.rateWindowMs / 3_600_000} h window: no window boundary in the run), worker concurrency ${CONCURRENCY}`,
      `    throughput: ${fmt(perSecond, 1)} escalations/s (${fmt(ms / 1000, 2)} s); goal >= ${GOALS.perSecond}/s: ${pass(perSecond >= GOALS.perSecond)}`,
      `    app CPU: ${fmt(cpuMs, 2)} ms per escalation (server + worker process; ${fmt(cpuMs - sysMs, 2)} user + ${fmt(sysMs, 2)} system); goal <= ${GOALS.cpuMs}: ${pass(cpuMs <= GOALS.cpuMs)}`,
      `    app peak RSS: ${fmt(rssMb, 0)} MB (after start ${fmt(p.app.ready.rss / 1024 / 1024, 0)} MB, at the end ${fmt(after.app.rssBytes / 1024 / 1024, 0)} MB); goal <= ${GOALS.rssMb} MB: ${pass(rssMb <= GOALS.rssMb)}`,
      `    submit -> linked under load: mean ${fmt(lat.mean)} ms, p50 ${fmt(lat.p50)}, p90 ${fmt(lat.p90)}, p99 ${fmt(lat.p99)}, max ${fmt(lat.max)}`,
      `    per escalation: Postgres ${fmt(after.pgMs(before) / C_ESCALATIONS, 2)} ms CPU, load generator + emulator ${fmt((cpuSeconds(before.self, after.self) * 1000) / C_ESCALATIONS, 2)} ms CPU, ${fmt(calls / C_ESCALATIONS, 2)} Kustomer calls; reschedules: ${ev.wait} rate-limit waits, ${ev.retry} retries` +
        machineMeanwhile(before, after),
      ...statements,
    ];
    return {
      lines,
      summary: [
        `(c) ${fmt(perSecond, 1)} escalations/s (goal >= ${GOALS.perSecond}) ${pass(perSecond >= GOALS.perSecond)}; app CPU ${fmt(cpuMs, 2)} ms/escalation (goal <= ${GOALS.cpuMs}) ${pass(cpuMs <= GOALS.cpuMs)}; app peak RSS ${fmt(rssMb, 0)} MB (goal <= ${GOALS.rssMb}) ${pass(rssMb <= GOALS.rssMb)}`,
      ],
      json: { perSecond, ms, cpuMs, rssMb, latency: lat, waits: ev.wait, retries: ev.retry, calls },
    };
  } finally {
    await p.close();
  }
}

// ---------------------------------------------------------------------------------------------------------------
// --statements: what Postgres ran for a measured section (pg_stat_statements)

async function resetStatements(ctx: Ctx): Promise<void> {
  if (STATEMENTS) await ctx.pool.query('select pg_stat_statements_reset()');
}

async function statementLines(ctx: Ctx, escalations: number): Promise<string[]> {
  if (!STATEMENTS) return [];
  const { rows } = await ctx.pool.query<{ query: string; calls: string; total: number; mean: number }>(
    `select query, calls, total_exec_time total, mean_exec_time mean from pg_stat_statements
      where dbid = (select oid from pg_database where datname = current_database()) order by total_exec_time desc`,
  );
  const calls = rows.reduce((s, r) => s + Number(r.calls), 0);
  const total = rows.reduce((s, r) => s + r.total, 0);
  return [
    `    statements (pg_stat_statements): ${fmt(calls / escalations, 1)} per escalation, ${fmt(total / escalations, 2)} ms execution per escalation; the top 15 by total time:`,
    `      ${'per esc'.padStart(7)} ${'mean ms'.padStart(8)} ${'ms/esc'.padStart(7)}  statement`,
    ...rows
      .slice(0, 15)
      .map(
        (r) =>
          `      ${fmt(Number(r.calls) / escalations, 2).padStart(7)} ${fmt(r.mean, 3).padStart(8)} ${fmt(r.total / escalations, 3).padStart(7)}  ${r.query.replace(/\s+/g, ' ').slice(0, 140)}`,
      ),
  ];
}

// ---------------------------------------------------------------------------------------------------------------
// Measuring CPU

interface Snapshot {
  t: number;
  app: AppStats;
  self: { user: number; system: number };
  machine: CpuSnapshot | null;
  postgres: CpuSnapshot | null;
  /** Postgres CPU ms since `before` */
  pgMs(before: Snapshot): number;
}

async function snapshot(ctx: Ctx, app: AppProcess): Promise<Snapshot> {
  const s: Snapshot = {
    t: performance.now(),
    app: await app.stats(),
    self: process.cpuUsage(),
    machine: cpuSnapshot([process.pid, ...(app.pid ? [app.pid] : [])], [ctx.postmasterPid]),
    postgres: cpuSnapshot([], [ctx.postmasterPid]),
    pgMs(before) {
      const u = cpuUsage(before.postgres, s.postgres);
      return u ? u.ours * (s.t - before.t) * os.cpus().length : NaN;
    },
  };
  return s;
}

const cpuSeconds = (before: { user: number; system: number }, after: { user: number; system: number }) =>
  (after.user - before.user + after.system - before.system) / 1e6;

const machineMeanwhile = (before: Snapshot, after: Snapshot) =>
  machineNote(cpuUsage(before.machine, after.machine), { ours: 'app, Postgres, load generator', indent: '    ', effect: 'the figures are inflated by it' });

runBench('bench:escalation', run);
