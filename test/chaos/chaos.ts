/**
 * `npm run test:chaos`: escalations and workflow runs go through Bridgedesk while it is broken on purpose, and at the
 * end every one of them must have come out exactly once. See test/chaos/README.md for what it does and how to read
 * the output.
 *
 * One `bridgedesk server` and 2-3 `bridgedesk worker` processes (node bin/bridgedesk.js, as an operator runs them) share
 * an embedded Postgres reached by URL; the Kustomer emulator runs in this process. While the load is submitted
 * through the API (requests + escalations, and requests tagged for the "Specialist handoff" example workflow whose
 * manager approvals a script decides through the API as the managers), the suite SIGKILLs workers at random moments
 * and starts replacements, restarts Postgres once (immediate stop, same port and data folder), and has the emulator
 * answer 5xx to 10 % of calls, with 429 bursts, slow replies and replies lost after commit. Then the faults stop, the
 * queue drains, and the checks in checks.ts run. Exit 0 when every check passes, 1 otherwise.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { createHash, randomBytes } from 'node:crypto';
import { seedDemoOrg, serveEmulator, type FaultKind, type ServedEmulator } from '../../src/connectors/kustomer/emulator/index.ts';
import { workflowExamples } from '../../src/core/workflow-examples.ts';
import { createDb, withDatabase } from '../../src/db/database.ts';
import { freePort, startEmbeddedPostgres, type EmbeddedPostgres } from '../../src/db/embedded-postgres.ts';
import { migrate } from '../../src/db/migrate.ts';
import { insertToken } from '../../src/db/repositories/api-tokens.ts';
import { insertUser } from '../../src/db/repositories/users.ts';
import { API_TOKEN_PREFIX, randomToken, sha256 } from '../../src/server/auth/secrets.ts';
import { png } from '../support/attachment-files.ts';
import { apiClient, type ApiStats } from './api.ts';
import { runChecks, type Check } from './checks.ts';
import { logTail, ProcessSet, type BridgedeskProcess } from './processes.ts';
import { drainStatus, NEVER_AGAIN, PENDING_JOB, queueSummary, stuckDetail } from './queue-status.ts';
import { remoteFiles } from './remote-files.ts';
import { between, seededRandom } from './rng.ts';

// ---------------------------------------------------------------------------------------------------------------
// Options

const { values: flags } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    escalations: { type: 'string' },
    runs: { type: 'string' },
    seed: { type: 'string' },
    'kill-every': { type: 'string' },
    workers: { type: 'string' },
    'fault-seconds': { type: 'string' },
    'stale-seconds': { type: 'string' },
    'pg-down-seconds': { type: 'string' },
    'approve-share': { type: 'string' },
    'drain-timeout': { type: 'string' },
    keep: { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  },
});
if (flags.help) {
  process.stdout.write(`npm run test:chaos -- [options]   (each also as an environment variable)
  --quick                 smaller run: 200 escalations, 60 workflow runs, 45 s of faults     CHAOS_QUICK=1
  --escalations N         escalations submitted through the API (1000)                       CHAOS_ESCALATIONS
  --runs N                requests tagged for the approval workflow (300)                    CHAOS_RUNS
  --seed N                random seed for kills, decisions and faults (random, printed)      CHAOS_SEED
  --kill-every S          mean seconds between worker kills (8; 5 quick)                     CHAOS_KILL_EVERY
  --workers N             worker processes to keep alive (3)                                 CHAOS_WORKERS
  --fault-seconds S       how long faults last from the first submit (150; 45 quick)         CHAOS_FAULT_SECONDS
  --stale-seconds S       BRIDGEDESK_WORKER_STALE_SECONDS of the workers (5)                 CHAOS_STALE_SECONDS
  --pg-down-seconds S     how long Postgres stays down in its restart (5)                    CHAOS_PG_DOWN_SECONDS
  --approve-share X       share of approvals approved, the rest rejected (0.7)               CHAOS_APPROVE_SHARE
  --drain-timeout S       longest wait for the queue to drain after the faults (420)         CHAOS_DRAIN_TIMEOUT
  --keep                  keep the temp folder (Postgres data, process logs)                 CHAOS_KEEP=1
`);
  process.exit(0);
}
const QUICK = flags.quick || process.env.CHAOS_QUICK === '1';
const num = (flag: string, env: string, dflt: number, opts: { min?: number; int?: boolean } = {}) => {
  const raw = ((flags as Record<string, unknown>)[flag] as string | undefined) ?? process.env[env];
  const n = raw === undefined || raw === '' ? dflt : Number(raw);
  if (!Number.isFinite(n) || n < (opts.min ?? 0) || (opts.int && !Number.isInteger(n))) throw new Error(`--${flag} / ${env}: bad value "${raw}"`);
  return n;
};
const O = {
  escalations: num('escalations', 'CHAOS_ESCALATIONS', QUICK ? 200 : 1000, { int: true }),
  runs: num('runs', 'CHAOS_RUNS', QUICK ? 60 : 300, { int: true }),
  seed: num('seed', 'CHAOS_SEED', Math.floor(Math.random() * 2 ** 31), { int: true }),
  killEveryMs: num('kill-every', 'CHAOS_KILL_EVERY', QUICK ? 5 : 8, { min: 0.5 }) * 1000,
  workers: num('workers', 'CHAOS_WORKERS', 3, { min: 2, int: true }),
  faultMs: num('fault-seconds', 'CHAOS_FAULT_SECONDS', QUICK ? 45 : 150, { min: 5 }) * 1000,
  staleSeconds: num('stale-seconds', 'CHAOS_STALE_SECONDS', 5, { min: 1 }),
  pgDownMs: num('pg-down-seconds', 'CHAOS_PG_DOWN_SECONDS', 5) * 1000,
  approveShare: num('approve-share', 'CHAOS_APPROVE_SHARE', 0.7),
  drainTimeoutMs: num('drain-timeout', 'CHAOS_DRAIN_TIMEOUT', 420, { min: 10 }) * 1000,
  keep: flags.keep || process.env.CHAOS_KEEP === '1',
};
/** Requests are submitted over this share of the fault window, so the last ones still meet faults. */
const LOAD_SHARE = 0.7;
/** Postgres is restarted this far into the fault window. */
const PG_RESTART_AT = 0.4;
const MANAGERS = 10;
const REQUESTERS = 100;
const KUSTOMER_TIMEOUT_MS = 5_000;
/** A job may be held by a dead worker at most this long (the issue's bound). */
const MAX_HELD_BY_DEAD_S = 60;
const LANES = 8;
const ORG = 'acme';

const log = (msg: string) => process.stderr.write(`[chaos ${new Date().toISOString().slice(11, 19)}] ${msg}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const int = (n: number) => Math.round(n).toLocaleString('en-US');
const secs = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

// ---------------------------------------------------------------------------------------------------------------
// Cleanup: on success, failure, Ctrl-C or SIGTERM

const cleanups: (() => Promise<void>)[] = [];
let cleaning: Promise<void> | null = null;
const cleanup = () =>
  (cleaning ??= (async () => {
    for (const fn of cleanups.reverse()) await fn().catch((err) => log(`cleanup: ${(err as Error).message}`));
  })());
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    log(`${signal}: stopping every process and removing the temp folder`);
    void cleanup().finally(() => process.exit(130));
  });
}

async function main() {
  let ok = false;
  try {
    ok = await run();
  } catch (err) {
    log(`test:chaos failed: ${(err as Error).stack ?? err}`);
  } finally {
    await cleanup();
  }
  process.exit(ok ? 0 : 1);
}

// ---------------------------------------------------------------------------------------------------------------
// The run

async function run(): Promise<boolean> {
  const tRun = Date.now();
  const rng = seededRandom(O.seed);
  log(
    `seed ${O.seed}; ${O.escalations} escalations, ${O.runs} workflow runs, ${O.workers} workers, a kill every ~${O.killEveryMs / 1000} s, faults for ${O.faultMs / 1000} s`,
  );

  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'bridgedesk-chaos-'));
  fs.chmodSync(tmp, 0o755); // as root, Postgres runs as `postgres` and must reach its folder
  cleanups.push(async () => {
    if (O.keep) log(`kept ${tmp}`);
    else fs.rmSync(tmp, { recursive: true, force: true });
  });
  const logDir = path.join(tmp, 'logs');
  fs.mkdirSync(logDir);

  // Postgres, reached by URL as a managed one would be.
  const dataDir = path.join(tmp, 'postgres');
  let postgres: EmbeddedPostgres = await startEmbeddedPostgres({ dataDir });
  cleanups.push(() => postgres.stop());
  const admin = new pg.Client(postgres.url);
  await admin.connect();
  await admin.query('create database chaos');
  await admin.end();
  const url = withDatabase(postgres.url, 'chaos');
  const { db, pool } = createDb(url, 6);
  cleanups.push(() => db.destroy());
  await migrate(db, url);

  // The Kustomer emulator, in this process: its records are what the checks compare against.
  const emulator: ServedEmulator = await serveEmulator({ port: 0, random: seededRandom(O.seed ^ 0x9e3779b9) });
  cleanups.push(() => emulator.close());
  const demo = seedDemoOrg(emulator.control, { name: ORG });
  emulator.control.updateOrg(ORG, { rateLimitPerMinute: 1_000_000 }); // 429s come from the injected bursts

  // People: an admin, an agent who files and escalates, managers who approve, requesters who report to them.
  const token = async (userId: string) => {
    const t = API_TOKEN_PREFIX + randomToken();
    await insertToken(db, { userId, name: 'chaos', tokenHash: sha256(t), lastFour: t.slice(-4), expiresAt: null });
    return t;
  };
  const adminRow = await insertUser(db, { email: 'admin@chaos.test', name: 'Chaos Admin', role: 'admin', passwordHash: null });
  const agentRow = await insertUser(db, { email: 'agent@chaos.test', name: 'Chaos Agent', role: 'agent', passwordHash: null });
  const adminToken = await token(adminRow.id);
  const agentToken = await token(agentRow.id);
  const managers: { id: string; token: string }[] = [];
  for (let m = 0; m < MANAGERS; m++) {
    const row = await insertUser(db, { email: `manager${m}@chaos.test`, name: `Manager ${m}`, role: 'agent', passwordHash: null });
    managers.push({ id: row.id, token: await token(row.id) });
  }
  const requesters: string[] = [];
  for (let r = 0; r < REQUESTERS; r++) {
    const row = await insertUser(db, {
      email: `requester${r}@chaos.test`,
      name: `Requester ${r}`,
      role: 'requester',
      passwordHash: null,
      managerId: managers[r % MANAGERS]!.id,
    });
    requesters.push(row.id);
  }

  // The processes.
  const port = await freePort();
  const env: Record<string, string> = {
    DATABASE_URL: url,
    BRIDGEDESK_DATA_DIR: path.join(tmp, 'app'),
    BRIDGEDESK_SECRET_KEY: randomBytes(32).toString('base64'),
    BRIDGEDESK_PUBLIC_URL: `http://127.0.0.1:${port}`,
    KUSTOMER_BASE_URL: emulator.url,
    KUSTOMER_WEB_URL: emulator.url,
    KUSTOMER_TIMEOUT_MS: String(KUSTOMER_TIMEOUT_MS),
    BRIDGEDESK_WORKER_STALE_SECONDS: String(O.staleSeconds),
    LOG_LEVEL: 'info',
  };
  const processes = new ProcessSet(env, logDir);
  cleanups.push(() => processes.killAll());
  const server = processes.start('server', { PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn' });
  const baseUrl = `http://127.0.0.1:${port}`;
  await waitFor('the server to answer /healthz', 60_000, async () => {
    if (!server.alive()) throw new Error(`the server exited at start:\n${logTail(server)}`);
    return (
      (await fetch(`${baseUrl}/healthz`)
        .then((r) => r.ok)
        .catch(() => false)) || undefined
    );
  });

  const apiStats: ApiStats = { calls: 0, transientFailures: 0 };
  const api = apiClient(baseUrl, apiStats, { giveUpAfterMs: 120_000 });
  await api.ok('PUT', '/integrations/kustomer', adminToken, { orgName: ORG, apiKey: demo.apiKey });
  const escalationQueue = demo.queues.tier2Support.id;
  await api.ok('PATCH', '/integrations/kustomer', adminToken, {
    queues: [escalationQueue, demo.queues.vip.id].map((remoteId) => ({ remoteId, enabled: true })),
  });
  // Kustomer -> Bridgedesk, as production runs it: the webhook (polling each minute behind it) brings the notes and
  // messages with files that remote-files.ts writes. No status mapping: the requests keep the states the checks expect.
  const sync = await api.ok<{ webhook: { subscribed: boolean; setupNote: string | null } }>('PUT', '/integrations/kustomer/sync', adminToken, {
    inbound: true,
    inboundMap: { open: null, waiting: null, closed: null },
    pollMinutes: 1,
  });
  if (!sync.webhook.subscribed) throw new Error(`inbound sync: the webhook was not subscribed (${sync.webhook.setupNote})`);
  const example = workflowExamples({ vipQueueId: demo.queues.vip.id }).find((w) => w.key === 'specialist-handoff')!;
  const workflow = await api.ok<{ id: string }>('POST', '/workflows', adminToken, { name: example.name, enabled: true, definition: example.definition });
  const workflowTag = (example.definition.trigger as { tag?: string }).tag ?? 'vip-customer';

  // Workers, and a supervisor that replaces any that dies without being killed (and counts it).
  const startWorker = () => processes.start('worker');
  for (let w = 0; w < O.workers; w++) startWorker();
  await waitFor(`${O.workers} workers to beat`, 90_000, async () => {
    const dead = processes.unexpectedExits();
    if (dead.length) throw new Error(`${dead[0]!.name} exited at start:\n${logTail(dead[0]!)}`);
    const { rows } = await pool.query<{ n: number }>('select count(distinct process_label)::int n from worker_heartbeats');
    return rows[0]!.n >= O.workers || undefined;
  });
  log(`Postgres on ${postgres.port}, emulator ${emulator.url}, server ${baseUrl}, ${O.workers} workers beating; logs in ${logDir}`);

  // ---------------------------------------------------------------------------------------------------------
  // Monitor: jobs held by dead workers, worker liveness, heartbeats

  const state = {
    faultsOver: false,
    stopping: false,
    kills: [] as { at: number; name: string; pid: number }[],
    pgRestart: null as { stoppedAt: number; startedAt: number } | null,
    maxHeldByDead: { seconds: 0, job: '' },
    workerIdToPid: new Map<string, number>(),
    aliveSamples: [] as number[],
    unexpected: [] as string[],
    refusedStarts: [] as string[],
    pgStoppedAt: null as number | null,
  };
  const host = os.hostname();
  const monitor = async () => {
    while (!state.stopping) {
      await sleep(1_000);
      state.aliveSamples.push(processes.live('worker').length);
      try {
        const beats = await pool.query<{ worker_id: string; process_label: string }>('select worker_id, process_label from worker_heartbeats');
        for (const b of beats.rows) if (b.process_label.startsWith(`${host}:`)) state.workerIdToPid.set(b.worker_id, Number(b.process_label.split(':').pop()));
        const locked = await pool.query<{ id: string; task: string; locked_by: string; age: number }>(
          `select id::text, task_identifier task, locked_by, extract(epoch from now() - locked_at)::float8 age from graphile_worker.jobs where locked_by is not null`,
        );
        for (const j of locked.rows) {
          const pid = state.workerIdToPid.get(j.locked_by);
          const owner = pid === undefined ? undefined : processes.all.find((p) => p.pid === pid);
          // Held by a dead worker: since it died (or since it locked the job, if later). Unknown owner: by lock age.
          const held = owner ? (owner.exitedAt === null ? 0 : Math.min(j.age, (Date.now() - owner.exitedAt) / 1000)) : j.age;
          if (held > state.maxHeldByDead.seconds)
            state.maxHeldByDead = { seconds: held, job: `job ${j.id} (${j.task}) locked by ${owner?.name ?? j.locked_by}` };
        }
      } catch {
        // Postgres is restarting: nothing to sample.
      }
      for (const p of processes.unexpectedExits()) {
        if (state.unexpected.includes(p.name) || state.refusedStarts.includes(p.name)) continue;
        // `bridgedesk worker` refuses to start while the database is unreachable (it says so, or fails its start,
        // and exits 1) for a supervisor to retry: expected of a start that overlapped the Postgres restart, before it
        // ever beat; a failure at any other time.
        const everBeat = [...state.workerIdToPid.values()].includes(p.pid);
        const overlapsOutage =
          state.pgStoppedAt !== null &&
          (p.exitedAt ?? Date.now()) >= state.pgStoppedAt - 1_000 &&
          (state.pgRestart === null || p.startedAt <= state.pgRestart.startedAt + 5_000);
        if (p.kind === 'worker' && overlapsOutage && !everBeat && p.exit?.code === 1) {
          state.refusedStarts.push(p.name);
          log(`${p.name} could not start while Postgres was down (${logTail(p, 1).slice(0, 160)}); starting another`);
        } else {
          state.unexpected.push(p.name);
          log(`UNEXPECTED: ${p.name} (pid ${p.pid}) exited on its own (${JSON.stringify(p.exit)}):\n${logTail(p)}`);
        }
        if (p.kind === 'worker' && !state.stopping) {
          await sleep(1_000);
          startWorker();
        }
      }
    }
  };
  const monitorDone = monitor();
  cleanups.push(async () => {
    state.stopping = true;
    await monitorDone;
  });

  // ---------------------------------------------------------------------------------------------------------
  // Load: escalations, workflow requests, approvals

  const t0 = Date.now();
  const loadMs = O.faultMs * LOAD_SHARE;
  const runTag = O.seed.toString(36);
  const escalationIds: string[] = [];
  const workflowRequestIds: string[] = [];
  const requestIds: string[] = [];
  const decisions = new Map<string, 'approved' | 'rejected'>();
  const remote = remoteFiles({ pool, control: emulator.control, org: ORG, runTag, faultsOver: () => state.faultsOver });
  cleanups.push(() => remote.stop());
  const findRequest = async (title: string) => (await pool.query<{ id: string }>('select id from requests where title = $1', [title])).rows[0];

  const createRequest = async (title: string, requesterId: string) => {
    const r = await api.ok<{ id: string }>(
      'POST',
      '/requests',
      agentToken,
      { title, description: `Chaos run ${runTag}: ${title}`, requesterId, priority: 'medium' },
      () => findRequest(title),
    );
    requestIds.push(r.id);
    return r.id;
  };
  // Every 5th escalation takes two files to its conversation's first message (issue 18): each must arrive exactly once.
  const filesByEscalation = new Map<string, string[]>();
  const upload = async (name: string, bytes: Buffer) => (await api.ok<{ id: string }>('POST', `/uploads?name=${name}`, agentToken, bytes)).id;
  const escalate = async (i: number) => {
    const submittedAt = Date.now();
    const files = i % 5 === 0 ? [png({ width: 6, height: 6, rgb: [i % 256, (i >> 8) % 256, 77] }), Buffer.from(`chaos ${runTag} escalation ${i} log\n`)] : [];
    const attachmentIds = files.length ? [await upload(`shot-${i}.png`, files[0]!), await upload(`log-${i}.txt`, files[1]!)] : undefined;
    const title = `Chaos ${runTag} E${i}`;
    const requestId = files.length
      ? (
          await api.ok<{ id: string }>(
            'POST',
            '/requests',
            agentToken,
            { title, requesterId: requesters[i % REQUESTERS]!, priority: 'medium', attachmentIds },
            () => findRequest(title),
          )
        ).id
      : await createRequest(title, requesters[i % REQUESTERS]!);
    if (files.length) requestIds.push(requestId);
    const landed = async () => (await pool.query<{ id: string }>('select id from escalations where request_id = $1', [requestId])).rows[0];
    const body = {
      destination: 'kustomer',
      queueId: escalationQueue,
      channel: 'email',
      priority: 3,
      subject: `Chaos ${runTag} E${i}`,
      message: `Escalation ${i} of chaos run ${runTag}`,
      ...(attachmentIds ? { attachmentIds } : {}),
    };
    const r = await api.call<{ id: string }>('POST', `/requests/${requestId}/escalations`, agentToken, body, landed);
    // 409: a first try landed after all (its reply was lost) and left the escalation open.
    const id = r.status === 202 || r.status === 200 ? r.json.id : r.status === 409 ? (await landed())?.id : undefined;
    if (!id) throw new Error(`escalation ${i}: HTTP ${r.status} ${JSON.stringify(r.json)}`);
    escalationIds.push(id);
    remote.want(id, i, submittedAt - t0 < loadMs / 2);
    if (files.length)
      filesByEscalation.set(
        id,
        files.map((f) => createHash('sha256').update(f).digest('hex')),
      );
  };
  const tagForWorkflow = async (j: number) => {
    const requestId = await createRequest(`Chaos ${runTag} W${j}`, requesters[j % REQUESTERS]!);
    await api.ok('PATCH', `/requests/${requestId}`, agentToken, { tags: [workflowTag] });
    workflowRequestIds.push(requestId);
  };

  // Both kinds interleaved, paced evenly over the load period, from a few parallel lanes.
  const items = [...Array.from({ length: O.escalations }, (_, i) => () => escalate(i)), ...Array.from({ length: O.runs }, (_, j) => () => tagForWorkflow(j))];
  for (let i = items.length - 1; i > 0; i--) {
    const k = Math.floor(rng() * (i + 1));
    [items[i], items[k]] = [items[k]!, items[i]!];
  }
  let next = 0;
  let submitted = 0;
  const lane = async () => {
    while (next < items.length) {
      const i = next++;
      const due = t0 + (i / items.length) * loadMs;
      if (due > Date.now()) await sleep(due - Date.now());
      await items[i]!();
      submitted += 1;
    }
  };
  const loadDone = Promise.all(Array.from({ length: LANES }, lane)).then(() => Date.now());

  // The approvers: each manager polls their pending approvals and decides each after a short while.
  let approversStop = false;
  const decide = async (m: { token: string }, approvalId: string) => {
    const decision = rng() < O.approveShare ? 'approve' : 'reject';
    const landed = async () => {
      const s = (await pool.query<{ state: string }>('select state from approvals where id = $1', [approvalId])).rows[0]?.state;
      return s === 'approved' || s === 'rejected' ? { state: s } : undefined;
    };
    const r = await api.call<{ state?: string }>('POST', `/approvals/${approvalId}/decision`, m.token, { decision, comment: `chaos ${runTag}` }, landed);
    if (r.status === 409) {
      const s = await landed();
      if (!s) throw new Error(`approval ${approvalId}: 409 but not decided`);
    } else if (r.status >= 300) throw new Error(`approval ${approvalId}: HTTP ${r.status} ${JSON.stringify(r.json)}`);
    decisions.set(approvalId, decision === 'approve' ? 'approved' : 'rejected');
  };
  const approverErrors: string[] = [];
  const approver = async (m: { token: string }) => {
    const seen = new Set<string>();
    const pending: Promise<void>[] = [];
    while (!approversStop) {
      const r = await api.call<{ items: { id: string }[] }>('GET', '/approvals?state=pending', m.token).catch(() => null);
      for (const a of r?.status === 200 ? r.json.items : []) {
        if (seen.has(a.id)) continue;
        seen.add(a.id);
        pending.push(
          sleep(between(rng, 200, 3_000))
            .then(() => decide(m, a.id))
            .catch((err) => void approverErrors.push((err as Error).message)),
        );
      }
      await sleep(1_000);
    }
    await Promise.all(pending);
  };
  const approversDone = Promise.all(managers.map(approver));
  cleanups.push(async () => {
    approversStop = true;
  });

  // ---------------------------------------------------------------------------------------------------------
  // Faults

  const injectedAt = Date.now();
  const c = emulator.control;
  // 5xx on 10 % of calls: 5 % answer 500, and 5 % of the others 503 (the first matching fault wins).
  c.injectFault({ kind: '500', share: 0.05 });
  c.injectFault({ kind: '503', share: 0.05 / 0.95 });
  // Writes that commit and whose reply is lost: a bare 502, or a dropped connection.
  c.injectFault({ kind: 'lost_reply', share: 0.03, method: 'POST', reply: '502' });
  c.injectFault({ kind: 'lost_reply', share: 0.02, method: 'POST', reply: 'close' });
  // Slow replies: some merely slow, some past the client's timeout (the call was handled all the same).
  c.injectFault({ kind: 'slow', share: 0.03, delayMs: 1_500 });
  c.injectFault({ kind: 'slow', share: 0.01, delayMs: KUSTOMER_TIMEOUT_MS + 2_000 });
  const bursts = async () => {
    while (!state.faultsOver) {
      await sleep(between(rng, 10_000, 20_000));
      if (state.faultsOver) break;
      c.injectFault({ kind: '429', count: Math.round(between(rng, 15, 40)), resetAt: new Date(Date.now() + between(rng, 1_000, 5_000)) });
    }
  };
  const killer = async () => {
    while (!state.faultsOver) {
      await sleep(between(rng, 0.5, 1.5) * O.killEveryMs);
      if (state.faultsOver) break;
      const live = processes.live('worker');
      if (live.length < 2) continue; // keep at least 2 alive most of the time
      const victim = live[Math.floor(rng() * live.length)]!;
      victim.kill('SIGKILL');
      state.kills.push({ at: Date.now(), name: victim.name, pid: victim.pid });
      const delay = between(rng, 500, 3_000);
      void sleep(delay).then(() => {
        if (!state.stopping) startWorker();
      });
    }
  };
  const pgRestart = async () => {
    await sleep(O.faultMs * PG_RESTART_AT);
    const stoppedAt = Date.now();
    state.pgStoppedAt = stoppedAt;
    log('Postgres: immediate stop');
    await postgres.stop({ mode: 'immediate' });
    await sleep(O.pgDownMs);
    postgres = await startEmbeddedPostgres({ dataDir, port: postgres.port });
    state.pgRestart = { stoppedAt, startedAt: Date.now() };
    log(`Postgres: started again after ${secs(Date.now() - stoppedAt)}`);
  };
  const progress = async () => {
    while (!state.faultsOver) {
      await sleep(10_000);
      log(
        `t+${secs(Date.now() - t0)}: ${submitted}/${items.length} submitted, ${decisions.size} approvals decided, ${processes.live('worker').length} workers alive, ${state.kills.length} kills${await queueSummary(pool)}`,
      );
    }
  };
  const chaos = Promise.all([bursts(), killer(), pgRestart(), progress()]);

  // The fault window ends when its time is up and the whole load is in.
  const loadFinishedAt = await loadDone;
  log(`load submitted in ${secs(loadFinishedAt - t0)} (${apiStats.transientFailures} API calls retried)`);
  const faultEnd = Math.max(loadFinishedAt, t0 + O.faultMs);
  if (faultEnd > Date.now()) await sleep(faultEnd - Date.now());
  state.faultsOver = true;
  await chaos;
  const faultList = c.faults();
  c.clearFaults();
  // Back to full strength at once; starting a process is not a fault.
  while (processes.live('worker').length < O.workers) startWorker();
  const lastFaultAt = Math.max(Date.now(), ...state.kills.map((k) => k.at), state.pgRestart?.startedAt ?? 0);
  // Kustomer retries failed webhook deliveries on its own for about an hour (docs/kustomer.md §19).
  const webhooksRetried = c.webhooks.retryFailed();
  log(`faults over at t+${secs(lastFaultAt - t0)}: ${state.kills.length} kills; waiting for the queue to drain`);

  // ---------------------------------------------------------------------------------------------------------
  // Drain

  const expectedRuns = workflowRequestIds.length;
  let drainedAt: number | null = null;
  let lastLog = Date.now();
  let lastStatus = '';
  while (Date.now() - lastFaultAt < O.drainTimeoutMs) {
    try {
      const s = await drainStatus(pool, workflow.id);
      const threadItems = await remote.pending();
      lastStatus = `escalations ${JSON.stringify(s.escalations)}, runs ${JSON.stringify(s.runs)}, pending approvals ${s.pendingApprovals}, Kustomer notes and messages without all their files ${threadItems}, jobs ${s.jobs} (locked ${s.locked})`;
      const runsDone = Object.entries(s.runs).reduce((n, [k, v]) => n + (['succeeded', 'failed', 'cancelled'].includes(k) ? v : 0), 0);
      if (s.unsettledEscalations === 0 && runsDone >= expectedRuns && s.pendingApprovals === 0 && threadItems === 0 && s.jobs === 0 && s.locked === 0) {
        drainedAt = Date.now();
        break;
      }
    } catch (err) {
      lastStatus = `(status query failed: ${(err as Error).message})`;
    }
    if (Date.now() - lastLog >= 10_000) {
      lastLog = Date.now();
      log(`draining, ${secs(Date.now() - lastFaultAt)} after the last fault: ${lastStatus}`);
    }
    await sleep(500);
  }
  approversStop = true;
  await approversDone;
  await remote.stop();
  await webhooksRetried;
  if (drainedAt) log(`drained ${secs(drainedAt - lastFaultAt)} after the last fault`);
  else log(`NOT drained ${secs(O.drainTimeoutMs)} after the last fault: ${lastStatus}${await stuckDetail(pool)}`);

  // ---------------------------------------------------------------------------------------------------------
  // Checks and figures

  const { checks, figures } = await runChecks(pool, emulator.control, {
    org: ORG,
    escalationIds,
    filesByEscalation,
    workflowRequestIds,
    requestIds,
    workflowId: workflow.id,
    decisions,
  });
  const finalJobs = await pool.query<{ pending: number; locked: number }>(
    `select count(*) filter (where ${PENDING_JOB})::int pending, count(*) filter (where locked_by is not null)::int locked from graphile_worker.jobs`,
  );
  // Rows graphile-worker will never run again (superseded, or superseded and then failed): the work they stood for
  // must be done (escalation linked, run finished). A periodic check (webhook check, polling, pruning) has no end
  // state: the next scheduled run (cron, or a worker's start) redoes it.
  const superseded = await pool.query<{ task: string; payload: Record<string, string>; error: string | null; done: boolean }>(
    `select t.identifier task, j.payload, j.last_error error,
            coalesce(case when t.identifier in ('check-webhook', 'poll-destination', 'prune-expired') then true end,
                     -- A drain stood for the stored Kustomer events: done when none is left to apply.
                     case when t.identifier = 'drain-sync-events' then not exists (select 1 from destination_events d where d.processed_at is null) end,
                     -- A thread read: done when no read is wanted any more (migration 020).
                     case when t.identifier = 'read-thread' then (select e.thread_read_wanted_at is null from escalations e where e.id::text = j.payload->>'escalationId') end,
                     (select e.state = 'linked' from escalations e where e.id::text = j.payload->>'escalationId'),
                     (select r.state in ('succeeded', 'cancelled', 'failed') from workflow_runs r where r.id::text = j.payload->>'runId'), false) done
       from graphile_worker._private_jobs j join graphile_worker._private_tasks t on t.id = j.task_id where ${NEVER_AGAIN}`,
  );
  const liveWorkers = processes.live('worker');
  const beating = new Set(
    (await pool.query<{ process_label: string }>('select distinct process_label from worker_heartbeats')).rows.map((r) => r.process_label),
  );
  const silent = liveWorkers.filter((p) => !beating.has(`${host}:${p.pid}`)).map((p) => p.name);
  const extra: Check[] = [
    {
      name: `queue drained within ${O.drainTimeoutMs / 1000} s of the last fault`,
      ok: drainedAt !== null,
      detail: drainedAt ? `in ${secs(drainedAt - lastFaultAt)}` : lastStatus,
    },
    {
      name: 'no job left queued or locked',
      ok: finalJobs.rows[0]!.pending === 0 && finalJobs.rows[0]!.locked === 0,
      detail: `${finalJobs.rows[0]!.pending} queued, ${finalJobs.rows[0]!.locked} locked`,
    },
    {
      name: 'job rows graphile-worker will never run again (superseded, then maybe failed) stand for finished work',
      ok: superseded.rows.every((r) => r.done),
      detail: `${superseded.rows.length} rows${superseded.rows
        .filter((r) => r.error)
        .map((r) => `; ${r.task} failed after it was superseded: ${r.error}`)
        .join('')}${superseded.rows
        .filter((r) => !r.done)
        .map((r) => `; NOT DONE ${r.task} ${JSON.stringify(r.payload)}`)
        .join('')}`,
    },
    {
      name: `no job held by a dead worker for more than ${MAX_HELD_BY_DEAD_S} s`,
      ok: state.maxHeldByDead.seconds <= MAX_HELD_BY_DEAD_S,
      detail: `longest ${state.maxHeldByDead.seconds.toFixed(1)} s${state.maxHeldByDead.job ? ` (${state.maxHeldByDead.job})` : ''}`,
    },
    { name: 'no process died without being killed', ok: state.unexpected.length === 0, detail: state.unexpected.length ? state.unexpected.join(', ') : 'none' },
    {
      name: 'every live worker process still beats (none silently stopped working)',
      ok: silent.length === 0,
      detail: silent.length ? silent.join(', ') : `${liveWorkers.length} live, all beating`,
    },
    {
      name: 'the approver script decided every approval it saw',
      ok: approverErrors.length === 0,
      detail: approverErrors.length ? approverErrors.slice(0, 3).join('; ') : `${decisions.size} decided`,
    },
  ];
  checks.push(...extra);
  const download = async (id: string) => {
    const res = await fetch(`${baseUrl}/api/v1/attachments/${id}`, { headers: { authorization: `Bearer ${agentToken}` } });
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    return Buffer.from(await res.arrayBuffer());
  };
  const threadFiles = await remote.checks(download);
  checks.push(...threadFiles.checks);
  const deliveries = c.webhooks.deliveries();

  // Figures
  const calls = emulator.control.calls().filter((x) => new Date(x.at).getTime() >= injectedAt);
  const faultsByKind = new Map<FaultKind, number>();
  for (const x of calls) if (x.fault) faultsByKind.set(x.fault, (faultsByKind.get(x.fault) ?? 0) + 1);
  const jobFailures = processes.all.filter((p) => p.kind === 'worker').reduce((n, p) => n + countLines(p, '"Failed task'), 0);
  const workersStarted = processes.all.filter((p) => p.kind === 'worker').length;
  const aliveShare = state.aliveSamples.length ? state.aliveSamples.filter((n) => n >= 2).length / state.aliveSamples.length : 0;
  const lines = [
    '',
    `Bridgedesk chaos run (seed ${O.seed}${QUICK ? ', --quick' : ''}): node ${process.version}, ${os.cpus().length} CPUs`,
    `  load          ${int(O.escalations)} escalations + ${int(O.runs)} requests tagged "${workflowTag}" (workflow "${example.name}": manager approval, then a Kustomer conversation, then a notice), submitted through the API in ${secs(loadFinishedAt - t0)}`,
    `  escalations   ${int(figures.escalations.total)} (${int(figures.escalations.direct)} direct, ${int(figures.escalations.fromWorkflows)} from approved runs): ${fmtCounts(figures.escalations.byState)}`,
    `  conversations ${int(figures.conversations.total)} in Kustomer; duplicates ${figures.conversations.duplicates}, missing ${figures.conversations.missing}, without an escalation ${figures.conversations.orphans}`,
    `  runs          ${int(figures.runs.total)}: ${fmtCounts(figures.runs.byState)}; approvals approved ${figures.approvals.approved}, rejected ${figures.approvals.rejected}${figures.approvals.other ? `, other ${figures.approvals.other}` : ''}`,
    `  kills         ${state.kills.length} workers SIGKILLed (${workersStarted} started in all, ${state.refusedStarts.length} could not start while Postgres was down; >= 2 alive ${(aliveShare * 100).toFixed(0)}% of the time); stale after ${O.staleSeconds} s; longest job held by a dead worker ${state.maxHeldByDead.seconds.toFixed(1)} s`,
    `  postgres      restarted once (immediate stop) at t+${state.pgRestart ? secs(state.pgRestart.stoppedAt - t0) : '-'}, down ${state.pgRestart ? secs(state.pgRestart.startedAt - state.pgRestart.stoppedAt) : '-'}`,
    `  faults        ${int([...faultsByKind.values()].reduce((a, b) => a + b, 0))} of ${int(calls.length)} Kustomer calls: ${[...faultsByKind.entries()].map(([k, n]) => `${k} ${int(n)}`).join(', ')} (${faultList.filter((f) => f.kind === '429').length} bursts of 429)`,
    `  thread files  ${threadFiles.figure}; ${int(deliveries.length)} webhook deliveries (${deliveries.filter((d) => d.state === 'failed').length} failed, ${deliveries.filter((d) => d.state === 'not_sent').length} not sent while Kustomer had the webhook disabled)`,
    `  retries       ${int(figures.retries.scheduled)} delivery retries scheduled (${int(figures.retries.rateLimited)} rate-limited, ${int(figures.retries.errors)} after an error); ${figures.retries.foundExisting} conversations found by external id instead of created again; ${int(jobFailures)} job attempts failed and were retried by graphile-worker; ${int(apiStats.transientFailures)} API calls retried by the load`,
    `  drain         ${drainedAt ? secs(drainedAt - lastFaultAt) : `NOT DRAINED within ${secs(O.drainTimeoutMs)}`} after the last fault (faults from t+0 to t+${secs(lastFaultAt - t0)}); total run ${secs(Date.now() - tRun)}`,
    '',
    'checks',
    ...checks.map((x) => `  ${x.ok ? 'ok  ' : 'FAIL'}  ${x.name}: ${x.detail}`),
    '',
  ];
  const failed = checks.filter((x) => !x.ok).length;
  lines.push(
    failed
      ? `FAILED: ${failed} of ${checks.length} checks (seed ${O.seed}; rerun with --seed ${O.seed} --keep to keep the logs)`
      : `PASSED: all ${checks.length} checks`,
  );
  process.stdout.write(lines.join('\n') + '\n');
  if (failed && !O.keep) {
    // Keep the process logs of a failed run: they are the first thing to read.
    const keepTo = fs.mkdtempSync(path.join(os.tmpdir(), 'bridgedesk-chaos-logs-'));
    fs.cpSync(logDir, keepTo, { recursive: true });
    log(`process logs copied to ${keepTo}`);
  }
  return failed === 0;
}

// ---------------------------------------------------------------------------------------------------------------
// Helpers

const fmtCounts = (m: Record<string, number>) =>
  Object.entries(m)
    .sort((a, b) => b[1] - a[1])
    .map(([k, v]) => `${k} ${int(v)}`)
    .join(', ') || 'none';

function countLines(p: BridgedeskProcess, needle: string): number {
  try {
    return fs
      .readFileSync(p.logFile, 'utf8')
      .split('\n')
      .filter((l) => l.includes(needle)).length;
  } catch {
    return 0;
  }
}

async function waitFor<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}`);
    await sleep(250);
  }
}

await main();
