/**
 * `npm run bench:sync`: inbound status sync under a burst of Kustomer webhooks, over real HTTP on loopback.
 *
 * Starts a throwaway embedded Postgres and the Kustomer emulator (in this process), runs the real server and
 * graphile-worker in one child process as `bridgedesk start` does (bench/app-process.ts), connects Kustomer and turns
 * inbound sync on through the API (which subscribes the webhook in the emulator). Setup, not measured: N conversations
 * are created in the emulator and N requests linked to them are inserted with SQL (escalations in state 'linked'),
 * then each conversation's status is changed several times in the emulator (open → snoozed → done → open …) with its
 * webhook deliveries held: those are the events, exactly as Kustomer's webhook would send them (envelope, signature).
 * They are posted in Kustomer's order except for a share sent late (after a newer event of the same conversation)
 * and a share sent twice, with a fixed number in flight over keep-alive connections (bench/post-webhooks.ts).
 *
 * Figures: events accepted per second (HTTP side: all POSTs answered 202), the time until every request shows the
 * status its conversation ended in (through the worker), and the count of wrong final states (goal 0). Then, once
 * drained, live updates (bench/stream-latency.ts): with open pages listening (GET /api/v1/stream), one more change
 * per conversation is posted at a fixed rate, timed from its webhook POST to the event on each page's stream.
 * A benchmark, not a test: it exits 0 whatever the figures, and 1 only if something fails (a POST is not answered
 * 202, the worker stops making progress, ...). Options: `npm run bench:sync -- --help`, and bench/README.md.
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { seedDemoOrg, serveEmulator, type ServedEmulator } from '../src/connectors/kustomer/emulator/index.ts';
import { threadMark } from '../src/connectors/kustomer/ticket-details.ts';
import { loadConfig } from '../src/config.ts';
import { insertToken } from '../src/db/repositories/api-tokens.ts';
import { insertUser } from '../src/db/repositories/users.ts';
import { API_TOKEN_PREFIX, randomToken, sha256 } from '../src/server/auth/secrets.ts';
import type { AppStats } from './app-process.ts';
import { startAppProcess, type AppProcess } from './child-process.ts';
import { cpuSnapshot, cpuUsage, type CpuSnapshot } from './cpu-usage.ts';
import { headerLine, log, parseOptions, runBench, sleep, startBenchPostgres } from './harness.ts';
import { summarize } from './percentiles.ts';
import { planDeliveries, type PlannedEvent } from './plan-deliveries.ts';
import { seededRandom } from './seeded-random.ts';
import { postWebhooks, type Delivery } from './post-webhooks.ts';
import { LIVE_DEFAULTS, measureStreamLatency } from './stream-latency.ts';
import type { Cleanups } from './with-cleanups.ts';

const O = parseOptions('npm run bench:sync --', 'inbound status sync under a burst of Kustomer webhooks, over real HTTP on loopback', {
  events: { kind: 'int', env: 'BENCH_EVENTS', default: 10_000, help: 'POSTs, duplicates included' },
  conversations: {
    kind: 'int',
    env: 'BENCH_CONVERSATIONS',
    default: LIVE_DEFAULTS.conversations,
    help: 'linked requests; the distinct events are spread evenly over them, and the live figure changes each once',
  },
  'duplicate-share': { kind: 'share', env: 'BENCH_DUPLICATE_SHARE', default: 0.1, help: 'share of the POSTs that repeat an event' },
  'late-share': { kind: 'share', env: 'BENCH_LATE_SHARE', default: 0.1, help: 'share of the POSTs sent after a newer event of their conversation' },
  'in-flight': { kind: 'int', env: 'BENCH_IN_FLIGHT', default: 48, help: 'POSTs in flight' },
  concurrency: { kind: 'int', env: 'BENCH_CONCURRENCY', default: 20, help: 'WORKER_CONCURRENCY' },
  'pool-size': { kind: 'int?', env: 'BENCH_POOL_SIZE', help: "DATABASE_POOL_SIZE of the app, shared by the server and the worker (default: the app's, 10)" },
  'poll-ms': { kind: 'int', env: 'BENCH_POLL_MS', default: 1000, help: 'graphile-worker pollInterval (new jobs arrive by LISTEN/NOTIFY anyway)' },
  backlog: { kind: 'switch', env: 'BENCH_BACKLOG', help: 'start the worker only after the last 202: the HTTP side alone, then the worker alone on a backlog' },
  statements: { kind: 'switch', env: 'BENCH_STATEMENTS', help: 'restart Postgres with pg_stat_statements and print the statements per event and the slowest' },
  'cpu-prof': { kind: 'text', env: 'BENCH_CPU_PROF', help: 'write a V8 CPU profile of the app process to this folder' },
  json: { kind: 'text', env: 'BENCH_JSON', help: "also write the figures, the monitor's samples and the backend states as JSON to this file" },
  'live-streams': { kind: 'int', env: 'BENCH_LIVE_STREAMS', default: LIVE_DEFAULTS.streams, help: 'live updates: open pages listening on GET /api/v1/stream' },
  'live-rate': {
    kind: 'int',
    env: 'BENCH_LIVE_RATE',
    default: LIVE_DEFAULTS.perSecond,
    help: 'live updates: Kustomer changes per second (one per conversation)',
  },
});
const EVENTS = O.events;
const CONVERSATIONS = O.conversations;
const DUPLICATE_SHARE = O['duplicate-share'];
const LATE_SHARE = O['late-share'];
const IN_FLIGHT = O['in-flight'];
const CONCURRENCY = O.concurrency;
const POOL_SIZE = O['pool-size'];
const POLL_MS = O['poll-ms'];
const BACKLOG = O.backlog;
const STATEMENTS = O.statements;
const JSON_OUT = O.json;
const CPU_PROF = O['cpu-prof'];
const LIVE_STREAMS = O['live-streams'];
const LIVE_RATE = O['live-rate'];

const DUPLICATES = Math.round(EVENTS * DUPLICATE_SHARE);
/** distinct events (status changes); the rest of the POSTs are repeats */
const UNIQUE = EVENTS - DUPLICATES;
const LATE = Math.round(EVENTS * LATE_SHARE);
if (UNIQUE < CONVERSATIONS) throw new Error(`--events ${EVENTS} gives ${UNIQUE} distinct events: fewer than --conversations ${CONVERSATIONS}`);
/** How often the monitor looks at the database (request statuses, the queue, what the backends are doing). */
const MONITOR_MS = 50;
/** No progress of the worker for this long after the last POST is a failure. */
const STALL_MS = 60_000;
const ORG = 'acme';
/** Kustomer status -> request status with the default inbound mapping (webhook.ts, then core/sync-settings.ts) */
const EXPECTED: Record<string, { remote: string; request: string }> = {
  open: { remote: 'open', request: 'in_progress' },
  snoozed: { remote: 'waiting', request: 'waiting' },
  done: { remote: 'closed', request: 'resolved' },
};

const fmt = (n: number, digits = 1) => n.toFixed(digits);
const num = (n: number) => Math.round(n).toLocaleString('en');
const epochMs = () => performance.timeOrigin + performance.now();

async function run(cleanups: Cleanups): Promise<void> {
  const tRun = performance.now();
  const loadBefore = os.loadavg()[0]!;
  const { tmp, url, db, pool, pgVersion, postmasterPid } = await startBenchPostgres(cleanups, { poolSize: 4, statements: STATEMENTS });
  const config = loadConfig({ LOG_LEVEL: 'silent', BRIDGEDESK_DATA_DIR: tmp });

  // --- Kustomer: the emulator, its webhook deliveries held (they become the benchmark's events, never sent by it)
  let fixedClock: number | null = null;
  const emu: ServedEmulator = await serveEmulator({
    port: 0,
    now: () => new Date(fixedClock ?? Date.now()),
    // The figures are for signed deliveries, as before the emulator's default became unsigned.
    webhookSigning: true,
    deliver: async () => {
      throw new Error('the benchmark holds every webhook delivery');
    },
  });
  cleanups.push(() => emu.close());
  emu.control.webhooks.hold();
  const demo = seedDemoOrg(emu.control, { name: ORG });
  emu.control.updateOrg(ORG, { rateLimitPerMinute: 1_000_000 });

  // --- People: an admin with an API token (sets up the integration through the API), a requester
  const user = (email: string, name: string, role: 'admin' | 'requester') =>
    insertUser(db, { email, name, role, passwordHash: null, managerId: null, department: null, title: null, location: null });
  const adminRow = await user('bench-admin@bench.example', 'Bench Admin', 'admin');
  const requester = await user('bench-requester@bench.example', 'Bench Requester', 'requester');
  const token = API_TOKEN_PREFIX + randomToken();
  await insertToken(db, { userId: adminRow.id, name: 'bench', tokenHash: sha256(token), lastFour: token.slice(-4), expiresAt: null });

  // --- The app
  const app = await startAppProcess({
    url,
    dataDir: tmp,
    kustomerUrl: emu.url,
    worker: BACKLOG ? 'deferred' : 'on',
    trackJobs: true,
    concurrency: CONCURRENCY,
    pollMs: POLL_MS,
    poolSize: POOL_SIZE,
    execArgv: CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve(CPU_PROF)}`] : [],
  });
  cleanups.push(app.stop);
  const base = `http://127.0.0.1:${app.port}`;
  const api = async (method: string, p: string, body: unknown) => {
    const res = await fetch(base + p, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const text = await res.text();
    if (res.status !== 200) throw new Error(`${method} ${p}: HTTP ${res.status}: ${text.slice(0, 300)}`);
    return JSON.parse(text) as any;
  };
  await api('PUT', '/api/v1/integrations/kustomer', { orgName: ORG, apiKey: demo.apiKey });
  const sync = await api('PUT', '/api/v1/integrations/kustomer/sync', { inbound: true, outbound: true, pollMinutes: 0 });
  if (!sync.webhook?.subscribed || !sync.webhook.url) throw new Error(`inbound sync did not subscribe the webhook: ${JSON.stringify(sync)}`);
  const webhookPath = new URL(sync.webhook.url as string).pathname;
  log(`Postgres ${pgVersion} and the app are up; Kustomer connected, inbound sync on (webhook ${webhookPath.replace(/[^/]+$/, '<token>')})`);

  // --- Setup: conversations in Kustomer, linked requests in Bridgedesk (SQL), status changes (held deliveries)
  let t0 = performance.now();
  const customer = emu.control.createCustomer({ org: ORG, name: 'Bench Customer', email: 'customer@bench.example' });
  const escalationIds = Array.from({ length: CONVERSATIONS }, () => randomUUID());
  const conversations: { id: string; updatedAt: string; threadMark: string | null }[] = new Array(CONVERSATIONS);
  let nextConversation = 0;
  const createLane = async () => {
    while (nextConversation < CONVERSATIONS) {
      const i = nextConversation++;
      // externalId = the escalation's id, as Bridgedesk's delivery sets it
      const res = await fetch(`${emu.url}/v1/conversations`, {
        method: 'POST',
        headers: { authorization: `Bearer ${demo.apiKey}`, 'content-type': 'application/json' },
        body: JSON.stringify({ customer: customer.id, name: `Sync bench ${i + 1}`, externalId: escalationIds[i], queue: { id: demo.queues.vip.id } }),
      });
      const text = await res.text();
      if (res.status !== 201) throw new Error(`creating conversation ${i} in the emulator: HTTP ${res.status}: ${text.slice(0, 300)}`);
      const data = (JSON.parse(text) as { data: { id: string; attributes: Parameters<typeof threadMark>[0] } }).data;
      conversations[i] = { id: data.id, updatedAt: data.attributes.updatedAt, threadMark: threadMark(data.attributes) };
    }
  };
  await Promise.all(Array.from({ length: 16 }, createLane));
  const requestIds = (
    await pool.query<{ id: string }>(
      `with r as (
         insert into requests (title, description, requester_id, created_by_id, status, priority, channel)
         select 'Sync bench ' || g, 'Escalated to Kustomer; its status follows the conversation.', $1, $1, 'in_progress', 'medium', 'web'
           from generate_series(1, $2::int) g
         returning id, number)
       select id from r order by number`,
      [requester.id, CONVERSATIONS],
    )
  ).rows.map((r) => r.id);
  await pool.query(
    `insert into escalations (id, request_id, provider, origin, target_kind, target_remote_id, target_name, channel, priority, subject, message,
                              state, remote_id, remote_url, message_posted, attempts, requested_by_id, linked_at, remote_status, remote_updated_at,
                              thread_mark)
     select x.id, x.request_id, 'kustomer', 'created', 'queue', $4, 'VIP', 'email', 3, 'Sync bench', 'm',
            'linked', x.remote_id, $5 || '/app/conversations/' || x.remote_id, true, 1, null, now(), 'open', x.updated_at, x.thread_mark
       from unnest($1::uuid[], $2::uuid[], $3::text[], $6::timestamptz[], $7::text[]) as x(id, request_id, remote_id, updated_at, thread_mark)`,
    [
      escalationIds,
      requestIds,
      conversations.map((c) => c.id),
      demo.queues.vip.id,
      emu.url,
      conversations.map((c) => c.updatedAt),
      conversations.map((c) => c.threadMark),
    ],
  );
  const setupLinkMs = performance.now() - t0;

  // Status walks: every change moves to another status; conversation c changes in rounds 0..k-1.
  t0 = performance.now();
  const random = seededRandom(42);
  const current = conversations.map(() => 'open');
  const changes = Array.from({ length: CONVERSATIONS }, (_, c) => Math.floor(UNIQUE / CONVERSATIONS) + (c < UNIQUE % CONVERSATIONS ? 1 : 0));
  const rounds = Math.max(...changes);
  const deliveriesBefore = emu.control.webhooks.deliveries().length;
  const tGen = Date.now() + 5;
  const sent: { conversation: number; seq: number; status: string }[] = [];
  for (let round = 0; round < rounds; round++) {
    // Kustomer's clock: round r happens at tGen + r ms, after every conversation was created, so every
    // conversation's updatedAt strictly increases from change to change.
    fixedClock = tGen + round;
    for (let c = 0; c < CONVERSATIONS; c++) {
      if (round >= changes[c]!) continue;
      const others = ['open', 'snoozed', 'done'].filter((s) => s !== current[c]);
      const status = others[Math.floor(random() * others.length)]!;
      current[c] = status;
      emu.control.changeConversation({ org: ORG, id: conversations[c]!.id, status: status as 'open' | 'snoozed' | 'done' });
      sent.push({ conversation: c, seq: round, status });
    }
  }
  fixedClock = null;
  const held = emu.control.webhooks.deliveries().slice(deliveriesBefore);
  if (held.length !== UNIQUE || held.some((d) => d.event !== 'kustomer.conversation.update' || d.state !== 'held')) {
    throw new Error(
      `expected ${UNIQUE} held kustomer.conversation.update deliveries, got ${held.length}: ${[...new Set(held.map((d) => `${d.event}/${d.state}`))].join(', ')}`,
    );
  }
  const indexOf = new Map(conversations.map((c, i) => [c.id, i]));
  const events: PlannedEvent[] = held.map((d, i) => {
    const body = d.body as { dataId: string; data: { attributes: { status: string } } };
    const s = sent[i]!;
    if (indexOf.get(body.dataId) !== s.conversation || body.data.attributes.status !== s.status)
      throw new Error(`delivery ${i} is not the change made (${body.dataId} ${body.data.attributes.status})`);
    return { event: i, conversation: s.conversation, seq: s.seq };
  });
  // The final state of each conversation: its newest event.
  const finalOf = new Map<number, number>();
  for (const e of events) finalOf.set(e.conversation, e.event);
  await pool.query(
    'create table bench_expected (request_id uuid primary key, status text not null, remote_status text not null, remote_updated_at timestamptz not null)',
  );
  const finals = conversations.map((_, c) => (held[finalOf.get(c)!]!.body as { data: { attributes: { status: string; updatedAt: string } } }).data.attributes);
  await pool.query(`insert into bench_expected select * from unnest($1::uuid[], $2::text[], $3::text[], $4::timestamptz[])`, [
    requestIds,
    finals.map((f) => EXPECTED[f.status]!.request),
    finals.map((f) => EXPECTED[f.status]!.remote),
    finals.map((f) => f.updatedAt),
  ]);
  const finalCounts = new Map<string, number>();
  for (const f of finals) finalCounts.set(EXPECTED[f.status]!.request, (finalCounts.get(EXPECTED[f.status]!.request) ?? 0) + 1);

  const plan = planDeliveries(events, { outOfOrder: LATE, duplicates: DUPLICATES, seed: 7 });
  const asDelivery = (d: (typeof held)[number]): Delivery => ({
    path: webhookPath,
    headers: { 'content-type': 'application/json', 'x-kustomer-webhook-event': d.event, 'x-kustomer-webhook-signature': d.signature! },
    body: d.rawBody,
  });
  const deliveries: Delivery[] = plan.order.map((i) => asDelivery(held[i]!));
  const setupEventsMs = performance.now() - t0;

  // A forged signature must be refused, or the figures below would not be a signed webhook's.
  const forged = await fetch(base + webhookPath, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-kustomer-webhook-signature': 'f'.repeat(64) },
    body: held[0]!.rawBody,
  });
  await forged.text();
  if (forged.status !== 401) throw new Error(`a forged signature was answered ${forged.status}, not 401`);
  await pool.query('vacuum analyze');
  await pool.query('checkpoint');
  if (STATEMENTS) await pool.query('select pg_stat_statements_reset()');
  log(
    `setup: ${num(CONVERSATIONS)} conversations + linked requests in ${fmt(setupLinkMs / 1000)} s; ${num(UNIQUE)} status changes (${rounds} rounds) ` +
      `held as signed webhook deliveries in ${fmt(setupEventsMs / 1000)} s; posting ${num(deliveries.length)} (${num(plan.duplicates)} repeats, ${num(plan.outOfOrder)} out of order)...`,
  );

  // --- The floor: the same load generator, as many requests with as many in flight, to GET /readyz (one round trip
  // and the server's cheapest database work: two small queries), so figures from a busy machine can be compared.
  const floor = async () => {
    const a = await snapshot(app, postmasterPid);
    const r = await postWebhooks({
      port: app.port,
      deliveries: Array.from({ length: EVENTS }, () => ({ method: 'GET', path: '/readyz', headers: {}, body: '' })),
      inFlight: IN_FLIGHT,
      expect: 200,
    });
    if (r.problems.length) throw new Error(`the floor's GET /readyz: ${r.problems.join('; ')}`);
    return {
      perSecond: EVENTS / ((r.endedAt - r.startedAt) / 1000),
      latency: summarize(r.latencies),
      cpu: cpuPer(a, await snapshot(app, postmasterPid), EVENTS),
    };
  };
  const floorBefore = await floor();

  // --- Measure
  const monitor = startMonitor(url);
  cleanups.push(monitor.stop);
  const before = await snapshot(app, postmasterPid);
  const tFirst = epochMs();
  const results = await postWebhooks({
    port: app.port,
    deliveries,
    inFlight: IN_FLIGHT,
    onProgress: (n) => (n % 2000 === 0 ? log(`  posted ${num(n)}`) : undefined),
  });
  const tPosted = epochMs();
  const afterPost = await snapshot(app, postmasterPid);
  const postCpu = cpuPer(before, afterPost, deliveries.length);
  monitor.markPosted(tPosted);
  const bad = [...results.statuses].filter(([s]) => s !== 202);
  if (bad.length) throw new Error(`${bad.map(([s, n]) => `${n} POSTs answered ${s}`).join(', ')}:\n  ${results.problems.join('\n  ')}`);
  let tWorker = tFirst;
  if (BACKLOG) {
    tWorker = await app.startWorker();
    log(`worker started on a backlog of ${num(UNIQUE)} events`);
  } else log(`all ${num(deliveries.length)} POSTs answered 202; waiting for the worker...`);
  const done = await monitor.drained(STALL_MS);
  const after = await snapshot(app, postmasterPid);
  await monitor.stop();

  // --- Check the outcome
  const one = async <T>(text: string) => (await pool.query(text)).rows[0] as T;
  const wrong = await one<{ status: number; escalation: number }>(
    `select count(*) filter (where r.status <> x.status)::int status,
            count(*) filter (where e.remote_status is distinct from x.remote_status or e.remote_updated_at is distinct from x.remote_updated_at)::int escalation
       from bench_expected x join requests r on r.id = x.request_id join escalations e on e.request_id = x.request_id`,
  );
  const wrongExamples = (
    await pool.query(
      `select r.number, r.status, x.status expected, e.remote_status, e.remote_updated_at, x.remote_updated_at expected_at
         from bench_expected x join requests r on r.id = x.request_id join escalations e on e.request_id = x.request_id
        where r.status <> x.status or e.remote_updated_at is distinct from x.remote_updated_at order by r.number limit 3`,
    )
  ).rows;
  const stored = await one<{ n: number; processed: number; errors: number }>(
    `select count(*)::int n, count(processed_at)::int processed, count(error)::int errors from destination_events`,
  );
  const entries = await one<{ received: number; changed: number }>(
    `select count(*) filter (where type = 'sync.status_received')::int received, count(*) filter (where type = 'request.status_changed')::int changed from timeline_entries`,
  );
  const failedJobs = (await pool.query(`select task_identifier, attempts, last_error from graphile_worker.jobs where last_error is not null limit 3`)).rows;
  const appStats = after.app;
  const statements = STATEMENTS ? await statementLines(pool, UNIQUE) : [];
  const accepted = results.outcomes.get('accepted') ?? 0;
  const duplicate = results.outcomes.get('duplicate') ?? 0;

  const floorAfter = await floor();
  const floorRate = (floorBefore.perSecond + floorAfter.perSecond) / 2;
  const floorP99 = (floorBefore.latency.p99 + floorAfter.latency.p99) / 2;
  const floorCpu = { app: (floorBefore.cpu.app + floorAfter.cpu.app) / 2, postgres: (floorBefore.cpu.postgres + floorAfter.cpu.postgres) / 2 };

  // --- Live updates: every conversation changes once more (done <-> open, on Kustomer's real clock), posted at
  // LIVE_RATE while LIVE_STREAMS pages listen.
  const liveFrom = emu.control.webhooks.deliveries().length;
  for (const [c, conversation] of conversations.entries()) {
    emu.control.changeConversation({ org: ORG, id: conversation.id, status: finals[c]!.status === 'done' ? 'open' : 'done' });
  }
  log(`live updates: ${num(CONVERSATIONS)} changes at ${LIVE_RATE}/s with ${LIVE_STREAMS} open streams...`);
  const live = await measureStreamLatency({
    base,
    token,
    streams: LIVE_STREAMS,
    perSecond: LIVE_RATE,
    changes: emu.control.webhooks
      .deliveries()
      .slice(liveFrom)
      .map((d, c) => ({ requestId: requestIds[c]!, delivery: asDelivery(d) })),
  });
  const liveLat = live.latency;

  // --- Report
  const postS = (tPosted - tFirst) / 1000;
  const lat = summarize(results.latencies);
  const cpus = os.cpus().length;
  const cpuLine = (label: string, a: Snap, b: Snap, events: number) => {
    const wall = (b.t - a.t) / 1000;
    const appS = (b.app.cpu.user - a.app.cpu.user + b.app.cpu.system - a.app.cpu.system) / 1e6;
    const pgS = machineShare(a.postgres, b.postgres) * wall * cpus;
    const selfS = (b.self.user - a.self.user + b.self.system - a.self.system) / 1e6;
    const machine = cpuUsage(a.machine, b.machine);
    const per = (s: number) => fmt((s * 1e6) / events / 1000, 2);
    return (
      `    ${label}: ${fmt(wall)} s wall; CPU s (ms per event): app ${fmt(appS)} (${per(appS)}), Postgres ${fmt(pgS)} (${per(pgS)}), ` +
      `load generator ${fmt(selfS)} (${per(selfS)})` +
      (machine
        ? `; machine ${Math.round((machine.ours + machine.others) * 100)}% busy of ${cpus} CPUs, others ${Math.round(machine.others * 100)}%, steal ${Math.round(machine.steal * 100)}%`
        : '') +
      (machine && machine.others + machine.steal > 0.1
        ? '\n    WARNING: other work competed for the CPUs; the figures are inflated by it. Re-run on a quiet machine.'
        : '')
    );
  };
  const rel = (t: number | null) => (t === null ? 'never' : `${fmt((t - tFirst) / 1000, 2)} s`);
  const task = (name: string) => appStats.tasks[name] ?? { completed: 0, errors: 0, runMs: 0, waitMs: 0 };
  const apply = task('drain-sync-events');
  const match = task('match-workflows');
  const others = Object.entries(appStats.tasks).filter(([k]) => k !== 'drain-sync-events' && k !== 'match-workflows');
  const wrongTotal = wrong.status;
  const out: string[] = [
    '',
    `${headerLine('inbound status sync benchmark', pgVersion)}, load average before start ${loadBefore.toFixed(2)}`,
    `setup (not measured): ${num(CONVERSATIONS)} Kustomer conversations (emulator) each linked to its own request; ${num(UNIQUE)} status changes made in Kustomer ` +
      `(${rounds} per conversation, each to another status), their webhook deliveries held: Kustomer's envelopes and signatures`,
    `    final statuses expected: ${[...finalCounts].map(([s, n]) => `${s} ${num(n)}`).join(', ')} (default mapping: done → resolved, snoozed → waiting, open → in_progress)`,
    `load: ${num(deliveries.length)} POST ${webhookPath.replace(/[^/]+$/, '{token}')} = ${num(UNIQUE)} events + ${num(plan.duplicates)} repeats (${fmt(DUPLICATE_SHARE * 100, 0)}%); ` +
      `${num(plan.outOfOrder)} events (${fmt((plan.outOfOrder / deliveries.length) * 100, 0)}%) sent after a newer event of their conversation; ${IN_FLIGHT} in flight over keep-alive connections`,
    `app: server + graphile-worker in one process (as \`bridgedesk start\`), worker concurrency ${CONCURRENCY}, DB pool ${POOL_SIZE ?? config.poolSize}, pollInterval ${POLL_MS} ms` +
      (BACKLOG ? '; --backlog: the worker starts only after the last 202' : '; the worker runs while the events arrive'),
    '',
    `HTTP (the webhook endpoint)`,
    `    ${num(deliveries.length)} POSTs answered 202 in ${fmt(postS, 2)} s: ${num(deliveries.length / postS)} events accepted/s`,
    `    answers: ${num(accepted)} accepted, ${num(duplicate)} duplicate (expected ${num(UNIQUE)} and ${num(plan.duplicates)})` +
      (accepted !== UNIQUE || duplicate !== plan.duplicates ? '  MISMATCH' : ''),
    `    latency ms: p50 ${fmt(lat.p50, 2)}, p90 ${fmt(lat.p90, 2)}, p99 ${fmt(lat.p99, 2)}, max ${fmt(lat.max, 2)}` +
      ` (goal ≥ 1,000/s with p99 < 100 ms: ${deliveries.length / postS >= 1000 && lat.p99 < 100 ? 'PASS' : 'FAIL'})`,
    `    floor, GET /readyz the same way (${num(EVENTS)}, ${IN_FLIGHT} in flight) before and after: ${num(floorBefore.perSecond)}/s and ${num(floorAfter.perSecond)}/s, ` +
      `p50 ${fmt(floorBefore.latency.p50, 2)} and ${fmt(floorAfter.latency.p50, 2)} ms, p99 ${fmt(floorBefore.latency.p99, 2)} and ${fmt(floorAfter.latency.p99, 2)} ms`,
    `    ratio to the floor (means of before and after): events accepted/s ${fmt(deliveries.length / postS / floorRate, 2)}, p50 ${fmt(lat.p50 / ((floorBefore.latency.p50 + floorAfter.latency.p50) / 2), 2)}, p99 ${fmt(lat.p99 / floorP99, 2)}`,
    `    CPU ms per request, app + Postgres: floor ${fmt(floorCpu.app, 3)} + ${fmt(floorCpu.postgres, 3)}, while posting ${fmt(postCpu.app, 3)} + ${fmt(postCpu.postgres, 3)}` +
      ` (${fmt((postCpu.app + postCpu.postgres) / (floorCpu.app + floorCpu.postgres), 2)}x the floor${BACKLOG ? '' : '; the worker applying meanwhile included: --backlog measures the endpoint alone'})`,
    cpuLine('while posting', before, afterPost, deliveries.length),
    '',
    `worker (apply in Kustomer's order)`,
    ...(BACKLOG ? [`    worker started ${rel(tWorker)} after the first POST`] : []),
    `    every request at its final status: ${rel(done.finalAt)} after the first POST` +
      (done.finalAt !== null
        ? ` (${fmt((done.finalAt - tPosted) / 1000, 2)} s after the last 202${BACKLOG ? `, ${fmt((done.finalAt - tWorker) / 1000, 2)} s after the worker started` : ''})`
        : ''),
    `    queue drained (every event processed, no job left): ${rel(done.drainedAt)}; ${num(UNIQUE / ((done.drainedAt - tWorker) / 1000))} events/s from ${BACKLOG ? 'the worker start' : 'the first POST'}`,
    `    jobs: drain-sync-events ${num(apply.completed)} (mean run ${fmt(apply.runMs / Math.max(1, apply.completed), 2)} ms, mean wait in queue ${fmt(apply.waitMs / Math.max(1, apply.completed), 0)} ms)` +
      `, match-workflows ${num(match.completed)} (mean run ${fmt(match.runMs / Math.max(1, match.completed), 2)} ms)` +
      (others.length ? `, ${others.map(([k, s]) => `${k} ${s.completed}`).join(', ')}` : '') +
      `; failed attempts ${Object.values(appStats.tasks).reduce((s, t) => s + t.errors, 0)}`,
    cpuLine('first POST to drained', before, after, deliveries.length),
    '',
    `outcome`,
    `    wrong final states: ${wrongTotal} of ${num(CONVERSATIONS)} requests (goal 0): ${wrongTotal === 0 ? 'PASS' : 'FAIL'}`,
    `    escalations not at their conversation's newest event (remote_status/remote_updated_at): ${wrong.escalation}`,
    `    events stored ${num(stored.n)} (expected ${num(UNIQUE)}), processed ${num(stored.processed)}, with an error ${stored.errors}; ` +
      `timeline: ${num(entries.received)} sync.status_received, ${num(entries.changed)} request.status_changed`,
    ...wrongExamples.map(
      (w) =>
        `    e.g. REQ-${w.number}: ${w.status} (expected ${w.expected}), escalation at ${w.remote_status} ${new Date(w.remote_updated_at).toISOString()} (newest ${new Date(w.expected_at).toISOString()})`,
    ),
    ...failedJobs.map((j) => `    failing job: ${j.task_identifier} after ${j.attempts} attempts: ${String(j.last_error).slice(0, 200)}`),
    '',
    `live updates (GET /api/v1/stream), after the drain: ${num(live.changes)} Kustomer changes (one per linked conversation) posted as webhooks at ${LIVE_RATE}/s, ${live.streams} open streams`,
    `    webhook POST to the event on an open page's stream, ms: ` +
      (liveLat
        ? `p50 ${fmt(liveLat.p50, 1)}, p90 ${fmt(liveLat.p90, 1)}, p99 ${fmt(liveLat.p99, 1)}, max ${fmt(liveLat.max, 1)} (goal p99 ≤ 2000: ${liveLat.p99 <= 2000 && !live.missing ? 'PASS' : 'FAIL'})`
        : 'no event arrived (FAIL)') +
      `; ${num(live.missing)} of ${num(live.changes * live.streams)} never arrived; ${live.refused} POSTs not answered 202`,
    '',
    `where Postgres backends were, first POST to drained (mean number of backends in each state, sampled every ${MONITOR_MS} ms):`,
    ...done.waits.slice(0, 12).map((w) => `    ${fmt(w.mean, 2).padStart(6)}  ${w.key}`),
    ...statements,
    '',
    `total run ${fmt((performance.now() - tRun) / 1000)} s`,
  ];
  process.stdout.write(out.join('\n') + '\n');
  if (JSON_OUT) {
    const doc = {
      at: new Date().toISOString(),
      node: process.version,
      postgres: pgVersion,
      cpus,
      options: {
        events: EVENTS,
        conversations: CONVERSATIONS,
        duplicateShare: DUPLICATE_SHARE,
        lateShare: LATE_SHARE,
        inFlight: IN_FLIGHT,
        concurrency: CONCURRENCY,
        poolSize: POOL_SIZE ?? config.poolSize,
        pollMs: POLL_MS,
        backlog: BACKLOG,
      },
      posts: deliveries.length,
      unique: UNIQUE,
      duplicates: plan.duplicates,
      outOfOrder: plan.outOfOrder,
      acceptedPerSecond: deliveries.length / postS,
      floor: { before: floorBefore, after: floorAfter },
      postSeconds: postS,
      latency: lat,
      finalSeconds: done.finalAt === null ? null : (done.finalAt - tFirst) / 1000,
      drainedSeconds: (done.drainedAt - tFirst) / 1000,
      workerStartSeconds: (tWorker - tFirst) / 1000,
      wrongFinalStates: wrongTotal,
      wrongEscalations: wrong.escalation,
      live: { ...live, streams: LIVE_STREAMS, perSecond: LIVE_RATE },
      tasks: appStats.tasks,
      waits: done.waits,
      samples: done.samples,
    };
    fs.writeFileSync(JSON_OUT, JSON.stringify(doc, null, 1));
    log(`figures written to ${JSON_OUT}`);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Watching the database: request statuses against the expected ones, the queue, and what the backends are doing

interface MonitorSample {
  /** epoch ms */
  t: number;
  mismatched: number;
  unprocessed: number;
  jobs: number;
}

function startMonitor(url: string) {
  const client = new pg.Client(url);
  client.on('error', () => {});
  let stopped = false;
  let postedAt: number | null = null;
  const samples: MonitorSample[] = [];
  const waits = new Map<string, number>();
  let waitSamples = 0;
  let failure: Error | null = null;
  const connected = client.connect();
  const loop = (async () => {
    await connected;
    while (!stopped) {
      const t = epochMs();
      const s = (
        await client.query<{ mismatched: number; unprocessed: number; jobs: number }>(
          `select (select count(*) from bench_expected x join requests r on r.id = x.request_id where r.status <> x.status)::int mismatched,
                  (select count(*) from destination_events where processed_at is null)::int unprocessed,
                  (select count(*) from graphile_worker.jobs)::int jobs`,
        )
      ).rows[0]!;
      samples.push({ t, ...s });
      // A poor man's wait-event sampling: every backend of this database that is running or inside a transaction.
      const a = await client.query<{ key: string; n: number }>(
        `select case when state = 'idle in transaction' then 'idle in transaction (waiting for the app)'
                     when wait_event_type is null then 'running (CPU)'
                     else wait_event_type || ':' || wait_event end
                || '  ' || left(regexp_replace(query, '\\s+', ' ', 'g'), 90) as key, count(*)::int n
           from pg_stat_activity
          where datname = current_database() and pid <> pg_backend_pid() and state in ('active', 'idle in transaction')
            and query not ilike 'LISTEN%'
          group by 1`,
      );
      waitSamples++;
      for (const r of a.rows) waits.set(r.key, (waits.get(r.key) ?? 0) + r.n);
      await sleep(MONITOR_MS);
    }
  })().catch((err: Error) => {
    if (!stopped) failure = err;
  });
  return {
    markPosted(t: number) {
      postedAt = t;
    },
    /**
     * Resolves once every event is processed and the queue is empty. finalAt: the first sample after which every
     * request showed its expected status until the end (null when some never did).
     */
    async drained(stallMs: number): Promise<{ finalAt: number | null; drainedAt: number; waits: { key: string; mean: number }[]; samples: MonitorSample[] }> {
      let lastChange = epochMs();
      let last = '';
      for (;;) {
        if (failure) throw failure;
        const s = samples[samples.length - 1];
        if (s && postedAt !== null && s.t > postedAt) {
          const key = `${s.unprocessed}/${s.jobs}/${s.mismatched}`;
          if (key !== last) {
            last = key;
            lastChange = epochMs();
          }
          if (s.unprocessed === 0 && s.jobs === 0) {
            let finalAt: number | null = null;
            if (s.mismatched === 0) {
              let i = samples.length - 1;
              while (i > 0 && samples[i - 1]!.mismatched === 0) i--;
              finalAt = samples[i]!.t;
            }
            const list = [...waits].map(([key, n]) => ({ key, mean: n / Math.max(1, waitSamples) })).sort((x, y) => y.mean - x.mean);
            return { finalAt, drainedAt: s.t, waits: list, samples };
          }
          if (epochMs() - lastChange > stallMs) {
            throw new Error(
              `the worker made no progress for ${stallMs / 1000} s: ${s.unprocessed} events unprocessed, ${s.jobs} jobs queued, ${s.mismatched} requests not at their final status`,
            );
          }
        }
        await sleep(MONITOR_MS);
      }
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      await loop;
      await client.end().catch(() => {});
    },
  };
}

// ---------------------------------------------------------------------------------------------------------------
// --statements: what Postgres ran from the first POST to drained (pg_stat_statements), per distinct event

async function statementLines(pool: pg.Pool, events: number): Promise<string[]> {
  const { rows } = await pool.query<{ query: string; calls: string; total: number; mean: number }>(
    `select query, calls, total_exec_time total, mean_exec_time mean from pg_stat_statements
      where dbid = (select oid from pg_database where datname = current_database())
        and query not ilike '%bench_expected%' and query not ilike '%pg_stat_activity%'
      order by total_exec_time desc`,
  );
  const calls = rows.reduce((s, r) => s + Number(r.calls), 0);
  const total = rows.reduce((s, r) => s + r.total, 0);
  return [
    '',
    `statements (pg_stat_statements, first POST to drained, the benchmark's own monitoring left out): ${fmt(calls / events, 1)} per event, ` +
      `${fmt(total / events, 2)} ms execution per event; the top 20 by total time:`,
    `    ${'per event'.padStart(9)} ${'mean ms'.padStart(8)} ${'ms/event'.padStart(8)}  statement`,
    ...rows
      .slice(0, 20)
      .map(
        (r) =>
          `    ${fmt(Number(r.calls) / events, 2).padStart(9)} ${fmt(r.mean, 3).padStart(8)} ${fmt(r.total / events, 3).padStart(8)}  ${r.query.replace(/\s+/g, ' ').slice(0, 130)}`,
      ),
  ];
}

// ---------------------------------------------------------------------------------------------------------------
// CPU

interface Snap {
  t: number;
  app: AppStats;
  self: { user: number; system: number };
  machine: CpuSnapshot | null;
  postgres: CpuSnapshot | null;
}

async function snapshot(app: AppProcess, postmasterPid: number): Promise<Snap> {
  return {
    t: performance.now(),
    app: await app.stats(),
    self: process.cpuUsage(),
    machine: cpuSnapshot([process.pid, ...(app.pid ? [app.pid] : [])], [postmasterPid]),
    postgres: cpuSnapshot([], [postmasterPid]),
  };
}

/** CPU ms per request of the app process and of Postgres between two snapshots */
function cpuPer(a: Snap, b: Snap, requests: number): { app: number; postgres: number } {
  const appMs = (b.app.cpu.user - a.app.cpu.user + b.app.cpu.system - a.app.cpu.system) / 1000;
  const pgMs = machineShare(a.postgres, b.postgres) * (b.t - a.t) * os.cpus().length;
  return { app: appMs / requests, postgres: pgMs / requests };
}

/** share of the machine used by the snapshot's processes between a and b */
function machineShare(a: CpuSnapshot | null, b: CpuSnapshot | null): number {
  return cpuUsage(a, b)?.ours ?? NaN;
}

runBench('bench:sync', run);
