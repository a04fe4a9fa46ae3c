/**
 * `npm run bench:api`: latency of the request API against 100,000 seeded requests, over real HTTP on loopback.
 *
 * Starts a throwaway embedded Postgres in a temp folder, migrates and seeds it (bench/seed.ts), serves the real app
 * on 127.0.0.1 and calls it with an API token through fetch (one keep-alive connection, one request at a time).
 * Every endpoint is reported against the p50 of GET /readyz from the same run: one HTTP round trip plus the
 * cheapest database work the server does, i.e. the floor on this machine. The goal is p99 < 5x that floor.
 * Each round calls every endpoint once, in a shuffled order, so slow neighbours (GC after the big timeline) and
 * drifting conditions spread evenly. The report also says how much CPU other processes took meanwhile: on a busy
 * machine p99 measures the scheduler, not Bridgedesk.
 * A benchmark, not a test: it exits 0 whatever the figures, and 1 only if something fails.
 *
 * Options: `npm run bench:api -- --help`, and bench/README.md.
 */
import fs from 'node:fs';
import os from 'node:os';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { listen } from '../src/cli/serve.ts';
import { loadConfig } from '../src/config.ts';
import { insertToken } from '../src/db/repositories/api-tokens.ts';
import { insertUser } from '../src/db/repositories/users.ts';
import { hashPassword } from '../src/server/auth/passwords.ts';
import type { Database } from '../src/db/schema.ts';
import { encodeCursor } from '../src/core/request-list.ts';
import { createApp } from '../src/server/app.ts';
import { API_TOKEN_PREFIX, randomToken, sha256 } from '../src/server/auth/secrets.ts';
import { benchAppDeps } from './app-deps.ts';
import { startAppProcess } from './child-process.ts';
import { cpuSnapshot, cpuUsage, type CpuUsage } from './cpu-usage.ts';
import { headerLine, log, parseOptions, runBench, startBenchPostgres } from './harness.ts';
import { summarize, type Summary } from './percentiles.ts';
import { seed, settle } from './seed.ts';
import { seededRandom } from './seeded-random.ts';
import { measureWebPaint, PAINT_GOAL_MS } from './web-paint.ts';
import type { Cleanups } from './with-cleanups.ts';

const GOAL = 5;

const O = parseOptions('npm run bench:api --', 'latency of the request API against seeded requests, over real HTTP on loopback', {
  requests: { kind: 'int', env: 'BENCH_REQUESTS', default: 100_000, help: 'requests to seed (a quick smoke run: 10000)' },
  samples: { kind: 'int', env: 'BENCH_SAMPLES', default: 300, help: 'measured rounds' },
  warmup: { kind: 'int', env: 'BENCH_WARMUP', default: 50, help: 'warm-up rounds' },
  explain: { kind: 'switch', env: 'BENCH_EXPLAIN', help: 'afterwards, list the SQL each endpoint runs with its time, and EXPLAIN ANALYZE the slowest of each' },
  keep: { kind: 'switch', env: 'BENCH_KEEP', help: 'leave Postgres running with the seeded data until Enter is pressed' },
  json: { kind: 'text', env: 'BENCH_JSON', help: 'also write the raw samples (ms, in measuring order) and summaries to this file' },
  'paint-loads': {
    kind: 'int',
    min: 0,
    env: 'BENCH_PAINT_LOADS',
    default: 20,
    help: 'afterwards, Chromium loads the request list this many times as the agent and reports its paint (0: skip; needs dist/web, /usr/bin/chromium)',
  },
  'in-process': {
    kind: 'switch',
    env: 'BENCH_IN_PROCESS',
    help: 'serve from this process instead of a child process (client and server then share one event loop and heap, which inflates p99)',
  },
});
const REQUESTS = O.requests;
const SAMPLES = O.samples;
const WARMUP = O.warmup;
const IN_PROCESS = O['in-process'];
const BIG_TIMELINE = 1000;
const BIG_REQUEST_NUMBER = Math.max(1, Math.round(REQUESTS * 0.6));
const DEEP_CURSOR = Math.max(2, Math.round(REQUESTS * 0.3));
/** an old request whose asset tag is searched for: the rare-term case */
const OLD_REQUEST_NUMBER = Math.max(1, Math.round(REQUESTS * 0.05));

interface Endpoint {
  name: string;
  path: string;
  auth: boolean;
  /** 'floor': the reference; 'info': reported without a goal */
  role?: 'floor' | 'info';
  /** checks the first response, so a broken endpoint cannot produce a flattering figure */
  check(body: any): string | null;
  /** how many rows match in the database (context for the reader) */
  matches?: string;
}

const ms = (t0: number) => performance.now() - t0;
const fmt = (n: number, digits = 2) => n.toFixed(digits);

async function run(cleanups: Cleanups): Promise<void> {
  const tRun = performance.now();
  const loadBefore = os.loadavg()[0]!;
  // The temp folder must be traversable: as root, Postgres runs as the `postgres` user.
  // The app's own pool size (the default).
  const {
    tmp,
    url,
    db,
    pool,
    pgVersion,
    postmasterPid,
    startMs: pgStartMs,
    migrateMs,
  } = await startBenchPostgres(cleanups, { poolSize: loadConfig({}).poolSize });
  const config = loadConfig({ LOG_LEVEL: 'silent', BRIDGEDESK_DATA_DIR: tmp });
  log(`Postgres ${pgVersion} started in ${fmt(pgStartMs / 1000, 1)} s, migrated in ${fmt(migrateMs / 1000, 1)} s; seeding ${REQUESTS} requests...`);

  const seeder = new pg.Client(url);
  // Without a listener, the server going away (cleanup after a failure) would crash the process before cleanup ends.
  seeder.on('error', () => {});
  await seeder.connect();
  let seederOpen = true;
  const endSeeder = async () => {
    if (seederOpen) await seeder.end().catch(() => {});
    seederOpen = false;
  };
  cleanups.push(endSeeder);
  let t0 = performance.now();
  const seeded = await seed(seeder, { requests: REQUESTS, bigRequestNumber: BIG_REQUEST_NUMBER, bigTimelineEntries: BIG_TIMELINE, progress: log });
  const seedMs = ms(t0);
  t0 = performance.now();
  const settleSteps = await settle(seeder);
  const settleMs = ms(t0);
  await endSeeder();
  log(
    `seeded ${seeded.requests} requests, ${seeded.timelineEntries} timeline entries, ${seeded.users} users in ${fmt(seedMs / 1000, 1)} s (+ ${fmt(settleMs / 1000, 1)} s vacuum analyze/checkpoint)`,
  );

  // The caller: an agent with an API token, as a script or integration would call the API (and a password, for the
  // paint figure, where the agent signs in as a person does).
  const password = randomToken();
  const agent = await insertUser(db, {
    email: 'bench-agent@bench.example',
    name: 'Bench Agent',
    role: 'agent',
    passwordHash: await hashPassword(password),
    managerId: null,
    department: null,
    title: null,
    location: null,
  });
  const token = API_TOKEN_PREFIX + randomToken();
  await insertToken(db, { userId: agent.id, name: 'bench', tokenHash: sha256(token), lastFour: token.slice(-4), expiresAt: null });

  let port: number;
  let serverPid: number | undefined;
  if (IN_PROCESS) {
    serverPid = process.pid;
    const app = createApp(benchAppDeps(db, config));
    const http = await listen(app, 0, '127.0.0.1');
    cleanups.push(() => http.close());
    port = http.port;
  } else {
    const child = await startAppProcess({ url, dataDir: tmp, worker: 'off' });
    cleanups.push(child.stop);
    port = child.port;
    serverPid = child.pid;
  }
  const base = `http://127.0.0.1:${port}`;

  const endpoints = await defineEndpoints(pool);

  // Check every endpoint once before timing anything.
  for (const e of endpoints) {
    const res = await call(base, e, token);
    const problem = res.status !== 200 ? `HTTP ${res.status}: ${res.text.slice(0, 300)}` : e.check(JSON.parse(res.text));
    if (problem) throw new Error(`${e.name} (${e.path}): ${problem}`);
  }

  log(`warming up (${WARMUP} rounds), then measuring ${SAMPLES} rounds over ${endpoints.length} endpoints, one request at a time...`);
  const samples = endpoints.map(() => [] as number[]);
  const bytes = endpoints.map(() => 0);
  const random = seededRandom(42);
  const order = endpoints.map((_, i) => i);
  const ourPids = [process.pid, ...(serverPid && serverPid !== process.pid ? [serverPid] : [])];
  let cpuBefore = null as ReturnType<typeof cpuSnapshot>;
  let measureStart = 0;
  for (let round = 0; round < WARMUP + SAMPLES; round++) {
    if (round === WARMUP) {
      cpuBefore = cpuSnapshot(ourPids, [postmasterPid]);
      measureStart = performance.now();
    }
    shuffle(order, random);
    for (const i of order) {
      const e = endpoints[i]!;
      const res = await call(base, e, token);
      if (res.status !== 200) throw new Error(`${e.name}: HTTP ${res.status} during the run: ${res.text.slice(0, 300)}`);
      if (round >= WARMUP) samples[i]!.push(res.ms);
      bytes[i] = Buffer.byteLength(res.text);
    }
  }
  const measureMs = ms(measureStart);
  const cpu = cpuUsage(cpuBefore, cpuSnapshot(ourPids, [postmasterPid]));
  const stats = samples.map((s) => summarize(s));

  printReport({ endpoints, stats, bytes, pgVersion, seeded, seedMs, settleMs, settleSteps, pgStartMs, migrateMs, measureMs, cpu, loadBefore });

  if (O['paint-loads'] > 0) {
    log(`paint: Chromium loads /requests ${O['paint-loads']} times as the agent (after 2 that fill the cache)...`);
    const paint = await measureWebPaint({ base, email: agent.email, password, loads: O['paint-loads'] });
    const verdict = paint.list.p50 < PAINT_GOAL_MS ? 'PASS' : 'OVER';
    process.stdout.write(
      `\nrequest list, largest contentful paint (ms): p50 ${fmt(paint.list.p50)}, p99 ${fmt(paint.list.p99)}; ` +
        `floor (/healthz in the same browser) p50 ${fmt(paint.floor.p50)}: ${fmt(paint.list.p50 / paint.floor.p50)}x; goal p50 < ${PAINT_GOAL_MS} ms: ${verdict}\n`,
    );
  }

  if (O.json) {
    const doc = {
      at: new Date().toISOString(),
      node: process.version,
      postgres: pgVersion,
      cpus: os.cpus().length,
      requests: seeded.requests,
      timelineEntries: seeded.timelineEntries,
      seedMs,
      samples: SAMPLES,
      warmup: WARMUP,
      inProcess: IN_PROCESS,
      floorMs: stats[endpoints.findIndex((e) => e.role === 'floor')]!.p50,
      cpu,
      endpoints: endpoints.map((e, i) => ({ name: e.name, path: e.path, matches: e.matches, bytes: bytes[i], ...stats[i], samples: samples[i] })),
    };
    fs.writeFileSync(O.json, JSON.stringify(doc, null, 1));
    log(`raw samples written to ${O.json}`);
  }
  if (O.explain) await explain({ pool, endpoints, token, config });
  log(`total run ${fmt(ms(tRun) / 1000, 1)} s`);

  if (O.keep) {
    log(`\nPostgres is still running: ${url.replace(/:[^:@/]+@/, ':<password>@')} (password in ${tmp}/postgres.password)`);
    log('press Enter to stop it and delete the data');
    await new Promise((resolve) => {
      process.stdin.once('data', resolve);
      process.stdin.once('end', resolve);
    });
    process.stdin.pause();
  }
}

async function defineEndpoints(pool: pg.Pool): Promise<Endpoint[]> {
  const one = async <T>(text: string, params: unknown[] = []) => (await pool.query(text, params)).rows[0] as T;
  const big = await one<{ id: string }>('select id from requests where number = $1', [BIG_REQUEST_NUMBER]);
  // A mid-busy agent and a mid-popular tag: neither the best nor the worst case.
  const assignee = await one<{ id: string }>(`select id from users where email = 'agent7@bench.example'`);
  const tag = 'printer';
  const count = async (where: string, params: unknown[] = []) => (await one<{ n: string }>(`select count(*) n from requests r where ${where}`, params)).n;

  const list = async (name: string, query: string, where: string, params: unknown[] = []): Promise<Endpoint> => {
    const matches = await count(where, params);
    const expect = Math.min(25, Number(matches));
    return {
      name,
      path: `/api/v1/requests?${query}`,
      auth: true,
      matches,
      check: (b) => (!Array.isArray(b?.items) ? 'no items array' : b.items.length !== expect ? `expected ${expect} items, got ${b.items.length}` : null),
    };
  };
  const old = await one<{ tag: string }>(`select substring(description from 'LT-[0-9]{5}') tag from requests where number = $1`, [OLD_REQUEST_NUMBER]);
  const search = (name: string, q: string) => list(name, `q=${encodeURIComponent(q)}&limit=25`, `search @@ websearch_to_tsquery('simple', $1)`, [q]);
  return [
    { name: 'GET /readyz (floor)', role: 'floor', path: '/readyz', auth: false, check: (b) => (b?.status === 'ready' ? null : 'not ready') },
    { name: 'GET /healthz (HTTP only, no DB)', role: 'info', path: '/healthz', auth: false, check: (b) => (b?.status === 'ok' ? null : 'not ok') },
    await list('list, first page', 'limit=25', 'true'),
    await list(
      'list status+priority, deep cursor',
      `status=in_progress,waiting&priority=high&limit=25&cursor=${encodeCursor({ sort: 'created', order: 'desc', value: String(DEEP_CURSOR), number: String(DEEP_CURSOR) })}`,
      `status in ('in_progress','waiting') and priority = 'high' and number < $1`,
      [DEEP_CURSOR],
    ),
    await list('list sorted by updated', 'sort=updated&limit=25', 'true'),
    await list('list sorted by priority', 'sort=priority&limit=25', 'true'),
    await list('list open, sorted by status', 'status=new,in_progress,waiting&sort=status&order=asc&limit=25', `status in ('new','in_progress','waiting')`),
    await list(
      'list escalation failed',
      'escalation=failed&limit=25',
      `exists (select 1 from escalations e where e.request_id = r.id and e.state in ('failed', 'link_failed'))`,
    ),
    await list('list tag+assignee', `tag=${tag}&assigneeId=${assignee.id}&limit=25`, `tags @> array[$1]::text[] and assignee_id = $2`, [tag, assignee.id]),
    await search('search q=printer (common word)', 'printer'),
    await search('search q=vpn certificate (2 words)', 'vpn certificate'),
    await search(`search q=${old.tag} (rare: asset tag)`, old.tag),
    await search('search q=prnter (typo: no match)', 'prnter'),
    {
      name: 'open request',
      path: `/api/v1/requests/${big.id}`,
      auth: true,
      check: (b) => (b?.id === big.id && Array.isArray(b.followers) ? null : 'wrong request'),
      matches: '1',
    },
    {
      name: `timeline, ${BIG_TIMELINE} entries`,
      path: `/api/v1/requests/${big.id}/timeline?limit=${BIG_TIMELINE}`,
      auth: true,
      check: (b) => (b?.items?.length === BIG_TIMELINE ? null : `expected ${BIG_TIMELINE} entries, got ${b?.items?.length}`),
      matches: String(BIG_TIMELINE),
    },
  ];
}

function shuffle(items: number[], random: () => number): void {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
}

async function call(base: string, e: Endpoint, token: string): Promise<{ status: number; text: string; ms: number }> {
  const t0 = performance.now();
  const res = await fetch(base + e.path, { headers: e.auth ? { authorization: `Bearer ${token}` } : {} });
  const text = await res.text();
  return { status: res.status, text, ms: performance.now() - t0 };
}

function printReport(r: {
  endpoints: Endpoint[];
  stats: Summary[];
  bytes: number[];
  pgVersion: string;
  seeded: Awaited<ReturnType<typeof seed>>;
  seedMs: number;
  settleMs: number;
  settleSteps: { name: string; ms: number }[];
  pgStartMs: number;
  migrateMs: number;
  measureMs: number;
  cpu: CpuUsage | null;
  loadBefore: number;
}) {
  const floorIndex = r.endpoints.findIndex((e) => e.role === 'floor');
  const floor = r.stats[floorIndex]!.p50;
  const out: string[] = [];
  out.push('');
  out.push(headerLine('API benchmark', r.pgVersion));
  out.push(
    `data: ${r.seeded.requests.toLocaleString('en')} requests, ${r.seeded.timelineEntries.toLocaleString('en')} timeline entries, ` +
      `${r.seeded.users.toLocaleString('en')} users; deep cursor = ${DEEP_CURSOR}, big timeline on REQ-${BIG_REQUEST_NUMBER}`,
  );
  out.push(
    `seed: ${fmt(r.seedMs / 1000, 1)} s (${r.seeded.steps
      .filter((s) => s.ms >= 100)
      .map((s) => `${s.name} ${fmt(s.ms / 1000, 1)} s`)
      .join(', ')})` +
      ` + ${r.settleSteps.map((s) => `${s.name} ${fmt(s.ms / 1000, 1)} s`).join(', ')}; Postgres start ${fmt(r.pgStartMs / 1000, 1)} s, migrate ${fmt(r.migrateMs / 1000, 1)} s`,
  );
  out.push(
    `timing: ${SAMPLES} samples per endpoint after ${WARMUP} warm-ups, one request at a time over one keep-alive connection, ` +
      `every endpoint once per round in shuffled order; server ${IN_PROCESS ? 'in the client process' : 'in its own process'}; ${fmt(r.measureMs / 1000, 1)} s`,
  );
  if (r.cpu) {
    const pct = (x: number) => `${Math.round(x * 100)}%`;
    const busy = r.cpu.others + r.cpu.steal > 0.1;
    out.push(
      `machine while measuring: benchmark processes ${pct(r.cpu.ours)} of all CPUs, other processes ${pct(r.cpu.others)}, steal ${pct(r.cpu.steal)}` +
        ` (load average before start ${r.loadBefore.toFixed(2)})` +
        (busy ? '\nWARNING: other work competed for the CPUs during the measurement; p99 figures are inflated by it. Re-run on a quiet machine.' : ''),
    );
  }
  out.push(`floor = p50 of GET /readyz = ${fmt(floor, 3)} ms; goal: p99 < ${GOAL}x floor = ${fmt(GOAL * floor, 3)} ms`);
  out.push('');
  const header = ['endpoint', 'matches', 'KB', 'p50 ms', 'p99 ms', 'p50/floor', 'p99/floor', `goal ${GOAL}x`];
  const rows = r.endpoints.map((e, i) => {
    const s = r.stats[i]!;
    return [
      e.name,
      e.matches ?? '',
      fmt(r.bytes[i]! / 1024, 1),
      fmt(s.p50),
      fmt(s.p99),
      fmt(s.p50 / floor),
      fmt(s.p99 / floor),
      e.role ? '-' : s.p99 < GOAL * floor ? 'PASS' : 'OVER',
    ];
  });
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((row) => row[c]!.length)));
  const line = (cells: string[]) => cells.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  ');
  out.push(line(header));
  out.push(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const row of rows) out.push(line(row));
  const goals = rows.filter((row) => row[row.length - 1] !== '-');
  const over = goals.filter((row) => row[row.length - 1] === 'OVER').length;
  out.push('');
  out.push(over ? `${over} of ${goals.length} endpoints OVER the ${GOAL}x goal at p99.` : `All ${goals.length} endpoints within the ${GOAL}x goal at p99.`);
  process.stdout.write(out.join('\n') + '\n');
}

/** Runs each endpoint through a copy of the app whose Kysely logs every statement, then EXPLAINs the slowest one. */
async function explain(o: { pool: pg.Pool; endpoints: Endpoint[]; token: string; config: ReturnType<typeof loadConfig> }) {
  type Captured = { sql: string; parameters: readonly unknown[]; ms: number };
  let captured: Captured[] = [];
  // Shares the pool; never destroyed (that would end the pool under the main Kysely).
  const traced = new Kysely<Database>({
    dialect: new PostgresDialect({ pool: o.pool }),
    log: (event) => {
      if (event.level === 'query') captured.push({ sql: event.query.sql, parameters: event.query.parameters, ms: event.queryDurationMillis });
    },
  });
  const app = createApp(benchAppDeps(traced, o.config));
  const out: string[] = ['', 'EXPLAIN: statements per endpoint (median of 20 in-process calls), then EXPLAIN (ANALYZE, BUFFERS) of the slowest'];
  for (const e of o.endpoints.filter((x) => x.auth)) {
    const bySql = new Map<string, Captured[]>();
    for (let i = 0; i < 25; i++) {
      captured = [];
      const res = await app.request(e.path, { headers: { authorization: `Bearer ${o.token}` } });
      await res.text();
      if (i < 5) continue;
      for (const c of captured) bySql.set(c.sql, [...(bySql.get(c.sql) ?? []), c]);
    }
    out.push('', `== ${e.name}: ${e.path}`);
    const rows = [...bySql.values()].map((cs) => ({ c: cs[0]!, calls: cs.length / 20, med: summarize(cs.map((c) => c.ms)).p50 }));
    for (const row of rows) out.push(`  ${fmt(row.med, 3).padStart(8)} ms  x${row.calls}  ${row.c.sql.replace(/\s+/g, ' ').slice(0, 150)}`);
    const slowest = rows.filter((row) => /^\s*select/i.test(row.c.sql)).sort((a, b) => b.med - a.med)[0];
    if (!slowest) continue;
    const plan = await o.pool.query<{ 'QUERY PLAN': string }>(`explain (analyze, buffers) ${slowest.c.sql}`, slowest.c.parameters as unknown[]);
    out.push(`  slowest: ${slowest.c.sql.replace(/\s+/g, ' ')}`);
    out.push(`  params: ${JSON.stringify(slowest.c.parameters)}`);
    for (const p of plan.rows) out.push(`    ${p['QUERY PLAN']}`);
  }
  process.stdout.write(out.join('\n') + '\n');
}

runBench('bench:api', run);
