/** The `bridgedesk` command. */
import fs from 'node:fs';
import path from 'node:path';
import { ConfigError, loadConfig, type Config } from '../config.ts';
import { createChangeFeed } from '../db/change-feed.ts';
import { createFileStorages } from '../storage/file-storage.ts';
import { EmbeddedPostgresError } from '../db/embedded-postgres.ts';
import { migrate } from '../db/migrate.ts';
import { startWorker } from '../jobs/run-worker.ts';
import { createLogger } from '../logger.ts';
import { createApp } from '../server/app.ts';
import { bootstrapAdmin } from './bootstrap-admin.ts';
import { openDatabase, StartupError } from './database.ts';
import { listen } from './serve.ts';
import { seedDemoOrg, serveEmulator } from '../connectors/kustomer/emulator/index.ts';
import { destinationDeps } from '../usecases/destination-access.ts';
import { rotateSecrets, UnreadableSecret } from '../usecases/rotate-secrets.ts';
import { actInKustomerOnceLinked } from './demo-escalation.ts';
import { DEMO_PASSWORD, isDemoSeeded, seedDemo } from './demo-seed.ts';
import { addDemoAttributes } from './demo-kustomer.ts';
import type { Db } from '../db/database.ts';
import type { Logger } from 'pino';

const HELP = `bridgedesk: a self-hosted service desk that escalates requests into Kustomer

Usage: bridgedesk <command>

Commands:
  start      server and worker in one process (the default; npm start runs this)
  server     only the HTTP server (API, web UI, webhooks)
  worker     only the background worker (deliveries, workflows, sync)
  migrate    apply database migrations and exit
  rotate-secrets
             re-encrypt stored secrets with BRIDGEDESK_SECRET_KEY, opening them with it or
             BRIDGEDESK_PREVIOUS_SECRET_KEYS (docs/deploy.md, Secrets)
  demo       start + a Kustomer emulator + demo data, connected and ready to click
  kustomer-emulator [--port 4010] [--seed <org>]
             run the Kustomer emulator (test controls under /__emulator/)
  help       show this help

Without DATABASE_URL, Bridgedesk starts an embedded Postgres in BRIDGEDESK_DATA_DIR (default ./.bridgedesk).
With DATABASE_URL, no data folder is used and BRIDGEDESK_SECRET_KEY is required (the same in every process).
Every setting is an environment variable: see .env.example.
`;

type Command = 'start' | 'server' | 'worker' | 'migrate' | 'rotate-secrets' | 'demo';

async function main(argv: string[]): Promise<number> {
  const command = argv[0] ?? 'start';
  if (['help', '--help', '-h'].includes(command)) {
    process.stdout.write(HELP);
    return 0;
  }
  if (command === 'kustomer-emulator') {
    await runEmulator(argv.slice(1));
    return 0;
  }
  if (!['start', 'server', 'worker', 'migrate', 'rotate-secrets', 'demo'].includes(command)) {
    process.stderr.write(`Unknown command "${command}".\n\n${HELP}`);
    return 2;
  }
  if (command === 'demo') {
    await runDemo();
    return 0;
  }
  await run(command as Command, loadConfig());
  return 0;
}

function flag(args: string[], name: string): string | undefined {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
}

async function runEmulator(args: string[]) {
  const port = Number(flag(args, 'port') ?? 4010);
  const emulator = await serveEmulator({ port, host: flag(args, 'host') ?? '127.0.0.1' });
  const org = flag(args, 'seed');
  const seeded = org ? seedDemoOrg(emulator.control, { name: org }) : null;
  process.stdout.write(`Kustomer emulator on ${emulator.url} (controls under ${emulator.url}/__emulator/)\n`);
  if (seeded) process.stdout.write(`org "${org}", API key with every role:\n${seeded.apiKey}\n`);
  const stop = () => void emulator.close().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

/**
 * The demo: an emulator seeded with an org, and Bridgedesk pointed at it with demo data and the connection made. The
 * emulator's webhooks go straight to this process's server (same machine), whatever public URL is configured.
 */
async function runDemo() {
  let serverHost = '';
  const dataDir = '.bridgedesk-demo';
  // Kustomer's side is kept in the demo's folder too, so a restart finds the conversations its requests link to.
  const emulator = await serveEmulator({
    port: 0,
    stateFile: path.join(dataDir, 'kustomer-emulator.json'),
    deliver: (url, init) => fetch(`http://${serverHost}${new URL(url).pathname}`, { ...init, signal: AbortSignal.timeout(10_000) }),
  });
  const config = loadConfig(undefined, {
    BRIDGEDESK_DATA_DIR: dataDir,
    KUSTOMER_BASE_URL: emulator.url,
    KUSTOMER_WEB_URL: emulator.url,
    BRIDGEDESK_ADMIN_EMAIL: 'admin@demo.test',
    BRIDGEDESK_ADMIN_PASSWORD: DEMO_PASSWORD,
    BRIDGEDESK_ADMIN_NAME: 'Avery Admin',
  });
  // The server listens on HOST (all IPv4 addresses by default): reach it on loopback, whatever the public URL says.
  const loopback = ['0.0.0.0', '::'].includes(config.host) ? '127.0.0.1' : config.host.includes(':') ? `[${config.host}]` : config.host;
  serverHost = `${loopback}:${config.port}`;
  await run(
    'demo',
    config,
    async ({ db, log }) => {
      const ready = () =>
        log.info(
          { kustomerEmulator: emulator.url },
          `Demo ready: sign in at ${config.publicUrl} as ${config.admin?.email} / ${DEMO_PASSWORD} (also ada@demo.test, riley@demo.test, morgan@demo.test); ` +
            `Kustomer's side (the emulator's agent console): ${emulator.url}/app/conversations`,
        );
      if (await isDemoSeeded(db)) {
        ready();
        if (emulator.restored) log.info("demo: restarted on an earlier run's data, Kustomer's side included; delete .bridgedesk-demo/ to start over");
        // Seeded by a run that did not stop cleanly, so its Kustomer side was never saved: the conversations are gone.
        else log.warn('demo: this data folder was seeded by an earlier run whose Kustomer side was not saved; delete .bridgedesk-demo/ to start over');
        return;
      }
      // A saved Kustomer side without Bridgedesk's data (a first run that stopped before seeding) starts over with it.
      emulator.control.reset();
      const org = seedDemoOrg(emulator.control, { name: 'acme' });
      addDemoAttributes(emulator.control, 'acme');
      const seeded = await seedDemo(
        { ...destinationDeps(config, { db, now: () => new Date() }), log, publicUrl: config.publicUrl },
        { org: 'acme', apiKey: org.apiKey, enableQueues: ['Tier 2 Support', 'VIP'], enableTeams: ['Escalations'] },
      );
      ready();
      // Not awaited: the demo is usable at once, and the Kustomer agent acts once the worker has linked the escalation.
      if (seeded) {
        void actInKustomerOnceLinked({ db, log }, { control: emulator.control, org }, seeded.escalationId).catch((err: unknown) =>
          log.warn({ err }, 'demo: the Kustomer agent could not act on the escalated request'),
        );
      }
    },
    emulator.close,
  );
}

async function run(command: Command, config: Config, afterStart?: (ctx: { db: Db; log: Logger }) => Promise<void>, alsoStop?: () => Promise<void>) {
  assertSharedDatabaseConfig(command, config);
  const log = createLogger(config.logLevel);
  const database = await openDatabase(config, log);
  const stops: (() => Promise<void>)[] = [database.close, ...(alsoStop ? [alsoStop] : [])];
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'stopping');
    // Connections close under running work now (a job's query, a pool's idle client): an error they raise late is
    // part of stopping, logged like the stops' own errors, and must not turn a clean stop into a crash.
    const late = (err: unknown) => log.error({ err }, 'error while stopping');
    process.on('uncaughtException', late);
    process.on('unhandledRejection', late);
    for (const stop of stops.reverse()) await stop().catch((err) => log.error({ err }, 'error while stopping'));
    log.info('stopped');
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));

  try {
    const applied = await migrate(database.db, database.url);
    if (applied.length) log.info({ applied }, 'migrations applied');
    if (command === 'migrate') {
      await database.close();
      return;
    }
    if (command === 'rotate-secrets') {
      const done = await rotateSecrets(database.db, destinationDeps(config, { db: database.db, now: () => new Date() }).secrets);
      await database.close();
      const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
      process.stdout.write(
        `Re-encrypted ${plural(done.secrets, 'secret')} of ${plural(done.connections, 'connection')} with BRIDGEDESK_SECRET_KEY. ` +
          'Once every process runs with this key, BRIDGEDESK_PREVIOUS_SECRET_KEYS can be removed.\n',
      );
      return;
    }
    await bootstrapAdmin(database.db, config, log);
    const now = () => new Date();
    if (command === 'start' || command === 'worker' || command === 'demo') {
      const worker = await startWorker({ db: database.db, config, connectionString: database.url, log, now });
      stops.push(worker.stop);
      log.info({ concurrency: config.workerConcurrency }, 'worker running');
    }
    if (command === 'start' || command === 'server' || command === 'demo') {
      const changes = createChangeFeed({ connectionString: database.url, log });
      const storage = createFileStorages(config, database.url);
      const app = createApp({ db: database.db, config, log, now, changes, storage });
      const server = await listen(app, config.port, config.host);
      // Stops run last-first: the streams end first, so the server need not wait out its drain time for them.
      stops.push(storage.close, server.close, changes.stop);
      log.info({ url: config.publicUrl, port: server.port }, `Bridgedesk is running at ${config.publicUrl}`);
    }
    await afterStart?.({ db: database.db, log });
  } catch (err) {
    // Never leave an embedded Postgres running behind a failed start.
    for (const stop of stops.reverse()) await stop().catch(() => {});
    throw err;
  }
}

/**
 * With DATABASE_URL, processes share one database and may run on several machines without a data folder: nothing
 * may then come from the data folder. The only thing that would is the key file that encrypts secrets at rest (the
 * Kustomer API key): each machine would make its own and could not read what another stored. So the key must be
 * given. `migrate` touches no secret and needs none; the demo keeps its own folder.
 */
function assertSharedDatabaseConfig(command: Command, config: Config) {
  if (!config.databaseUrl || config.secretKey || command === 'migrate' || command === 'demo') return;
  const keyFile = path.join(config.dataDir, 'secret.key');
  const existing = fs.existsSync(keyFile)
    ? ` Secrets stored so far were encrypted with the key file ${keyFile}: set BRIDGEDESK_SECRET_KEY to its content to keep reading them.`
    : '';
  throw new ConfigError([
    `BRIDGEDESK_SECRET_KEY: required when DATABASE_URL is set (every server and worker process must use the same key; ` +
      `generate one with: openssl rand -base64 32).${existing}`,
  ]);
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code !== 0) process.exit(code);
  },
  (err: unknown) => {
    if (err instanceof ConfigError || err instanceof StartupError || err instanceof EmbeddedPostgresError || err instanceof UnreadableSecret) {
      process.stderr.write(`bridgedesk: ${err.message}\n`);
    } else {
      process.stderr.write(`bridgedesk: unexpected error: ${(err as Error)?.stack ?? String(err)}\n`);
    }
    process.exit(1);
  },
);
