/**
 * An in-process Bridgedesk for integration tests: a real Postgres database of its own, the real Hono app, and
 * helpers to make users and call the API as them. Nothing is mocked.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, inject } from 'vitest';
import { createSecretBox } from '../../src/db/secret-box.ts';
import { startWorker } from '../../src/jobs/run-worker.ts';
import type { Role, UserActor } from '../../src/core/actor.ts';
import { loadConfig, type Config } from '../../src/config.ts';
import type { Db } from '../../src/db/database.ts';
import { insertToken } from '../../src/db/repositories/api-tokens.ts';
import { insertUser } from '../../src/db/repositories/users.ts';
import { createLogger } from '../../src/logger.ts';
import { createKustomerEmulator, seedDemoOrg } from '../../src/connectors/kustomer/emulator/index.ts';
import { createApp, type App } from '../../src/server/app.ts';
import { hashPassword } from '../../src/server/auth/passwords.ts';
import { API_TOKEN_PREFIX, randomToken, sha256 } from '../../src/server/auth/secrets.ts';
import { logDestination, registerSecret, registeringFetch, useRunDir } from './log-capture.ts';
import { createTestDatabase } from './test-database.ts';

export interface TestUser {
  id: string;
  email: string;
  name: string;
  role: Role;
  token: string;
  password: string;
}

export interface Reply<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

export interface TestApp {
  app: App;
  db: Db;
  url: string;
  config: Config;
  /** The app's secret box (to build use-case dependencies in tests). */
  secrets: ReturnType<typeof createSecretBox>;
  /** The file this app and its worker log to (every line, at trace level); see log-capture.ts. */
  logFile: string;
  /** Moves the app's clock; starts at the real time. */
  clock: { now: Date; advance(ms: number): void };
  createUser(
    role: Role,
    fields?: Partial<{ email: string; name: string; managerId: string; department: string; title: string; location: string }>,
  ): Promise<TestUser>;
  /** Calls the API with a user's API token (or anonymously with null). */
  api<T = any>(who: TestUser | null, method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<Reply<T>>;
  raw(path: string, init?: RequestInit): Promise<Response>;
  /** Starts a real graphile-worker on this database with the app's secrets; stopped after the file. */
  startWorker(opts?: { concurrency?: number; retryBaseMs?: number; now?: () => Date }): Promise<Awaited<ReturnType<typeof startWorker>>>;
  /** Polls until `check` returns a value (not undefined/false); fails after `timeoutMs`. */
  waitFor<T>(check: () => Promise<T | undefined | false>, timeoutMs?: number): Promise<T>;
  /** Stops the workers it started, then drops the database; once, however often called (it also runs after the file). */
  stop(): Promise<void>;
}

let counter = 0;
// Hashing is deliberately slow (argon2id); tests share one hash.
let sharedHash: Promise<string> | null = null;
export const TEST_PASSWORD = 'correct horse battery';

export interface TestAppOptions {
  /** Where Kustomer calls go: e.g. an in-process emulator's fetch. */
  kustomerFetch?: typeof fetch;
  sleep?: (ms: number) => Promise<void>;
  /** The app's clock (default: the test clock, `clock`, which stands still until advanced). */
  now?: () => Date;
}

export async function createTestApp(env: Record<string, string> = {}, opts: TestAppOptions = {}): Promise<TestApp> {
  const database = await createTestDatabase();
  const workerStops: (() => Promise<void>)[] = [];
  const stop = once(async () => {
    for (const stopWorker of workerStops.reverse()) await stopWorker();
    await database.drop();
  });
  afterAll(stop);
  const config = loadConfig({ LOG_LEVEL: 'silent', BRIDGEDESK_DATA_DIR: '/nonexistent', ...env });
  // Every app logs at the most verbose level to the run's log folder, scanned for Kustomer keys when the run ends
  // (log-capture.ts); every key the app sends to Kustomer is registered for that scan.
  useRunDir(inject('testRunDir'));
  const logFile = logDestination('app');
  const log = createLogger('trace', logFile.stream);
  const kustomerFetch = registeringFetch(opts.kustomerFetch);
  const clock = {
    now: new Date(),
    advance(ms: number) {
      this.now = new Date(this.now.getTime() + ms);
    },
  };
  const now = opts.now ?? (() => clock.now);
  const secrets = createSecretBox(randomBytes(32));
  const app = createApp({
    db: database.db,
    config,
    log,
    now,
    secrets,
    // Waiting for a rate-limit reset or a backoff moves the test clock instead of taking real time.
    transports: { kustomer: { fetch: kustomerFetch, sleep: opts.sleep ?? (async (ms) => clock.advance(ms)) } },
  });
  const raw = async (path: string, init?: RequestInit) => app.request(path, init);
  return {
    app,
    db: database.db,
    url: database.url,
    config,
    clock,
    secrets,
    logFile: logFile.file,
    async createUser(role, fields = {}) {
      counter += 1;
      sharedHash ??= hashPassword(TEST_PASSWORD);
      const email = fields.email ?? `${role}${counter}-${Math.random().toString(36).slice(2, 8)}@example.com`;
      const row = await insertUser(database.db, {
        email,
        name: fields.name ?? `${role[0]!.toUpperCase()}${role.slice(1)} ${counter}`,
        role,
        passwordHash: await sharedHash,
        managerId: fields.managerId ?? null,
        department: fields.department ?? null,
        title: fields.title ?? null,
        location: fields.location ?? null,
      });
      const token = API_TOKEN_PREFIX + randomToken();
      await insertToken(database.db, { userId: row.id, name: 'test', tokenHash: sha256(token), lastFour: token.slice(-4), expiresAt: null });
      return { id: row.id, email, name: row.name, role, token, password: TEST_PASSWORD };
    },
    async api(who, method, path, body, headers = {}) {
      const h: Record<string, string> = { ...headers };
      if (body && typeof body === 'object' && 'apiKey' in body) registerSecret((body as { apiKey?: string }).apiKey);
      if (who) h.authorization = `Bearer ${who.token}`;
      if (body !== undefined) h['content-type'] = 'application/json';
      const res = await raw(path, { method, headers: h, body: body === undefined ? undefined : JSON.stringify(body) });
      const text = await res.text();
      let parsed: unknown = text;
      try {
        parsed = text ? JSON.parse(text) : null;
      } catch {
        // not JSON: keep the text
      }
      return { status: res.status, body: parsed as any, headers: res.headers };
    },
    raw,
    async startWorker(o = {}) {
      const worker = await startWorker({
        db: database.db,
        config: { ...config, workerConcurrency: o.concurrency ?? 5 },
        connectionString: database.url,
        log,
        // Jobs run on real time unless a test injects a clock: graphile-worker schedules with the database clock.
        now: o.now ?? (() => new Date()),
        secrets,
        retryBaseMs: o.retryBaseMs ?? 10,
        pollIntervalMs: 100,
        transports: { kustomer: { fetch: kustomerFetch } },
      });
      const stopWorker = once(() => worker.stop());
      workerStops.push(stopWorker);
      afterAll(stopWorker);
      return worker;
    },
    waitFor,
    stop,
  };
}

/** The actor a use case called by this user sees. */
export const actorOf = (user: TestUser): UserActor => ({ kind: 'user', userId: user.id, role: user.role, name: user.name });

const once = (fn: () => Promise<void>) => {
  let done: Promise<void> | null = null;
  return () => (done ??= fn());
};

export async function waitFor<T>(check: () => Promise<T | undefined | false>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value as T;
    if (Date.now() > deadline) throw new Error(`waitFor: condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/**
 * A test app whose Kustomer calls go to an in-process emulator (no socket), seeded with the org "acme": the
 * emulator, its demo data (API key, queues, teams) and the app.
 */
export async function createTestAppWithEmulator(env: Record<string, string> = {}) {
  const emulator = createKustomerEmulator();
  const demo = seedDemoOrg(emulator.control, { name: 'acme' });
  const kustomerFetch = ((input: RequestInfo | URL, init?: RequestInit) => emulator.fetch(new Request(input, init))) as typeof fetch;
  const t = await createTestApp({ KUSTOMER_BASE_URL: 'http://kustomer.emulator', ...env }, { kustomerFetch });
  return { emulator, demo, t };
}
