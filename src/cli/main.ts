/** The `bridgedesk` command. */
import { ConfigError, loadConfig, type Config } from '../config.ts';
import { EmbeddedPostgresError } from '../db/embedded-postgres.ts';
import { migrate } from '../db/migrate.ts';
import { startWorker } from '../jobs/run-worker.ts';
import { createLogger } from '../logger.ts';
import { createApp } from '../server/app.ts';
import { bootstrapAdmin } from './bootstrap-admin.ts';
import { openDatabase, StartupError } from './database.ts';
import { listen } from './serve.ts';

const HELP = `bridgedesk: a self-hosted service desk that escalates requests into Kustomer

Usage: bridgedesk <command>

Commands:
  start      server and worker in one process (the default; npm start runs this)
  server     only the HTTP server (API, web UI, webhooks)
  worker     only the background worker (deliveries, workflows, sync)
  migrate    apply database migrations and exit
  help       show this help

Without DATABASE_URL, Bridgedesk starts an embedded Postgres in BRIDGEDESK_DATA_DIR (default ./.bridgedesk).
Every setting is an environment variable: see .env.example.
`;

type Command = 'start' | 'server' | 'worker' | 'migrate';

async function main(argv: string[]): Promise<number> {
  const command = argv[0] ?? 'start';
  if (['help', '--help', '-h'].includes(command)) {
    process.stdout.write(HELP);
    return 0;
  }
  if (!['start', 'server', 'worker', 'migrate'].includes(command)) {
    process.stderr.write(`Unknown command "${command}".\n\n${HELP}`);
    return 2;
  }
  const config = loadConfig();
  await run(command as Command, config);
  return 0;
}

async function run(command: Command, config: Config) {
  const log = createLogger(config.logLevel);
  const database = await openDatabase(config, log);
  const stops: (() => Promise<void>)[] = [database.close];
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'stopping');
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
    await bootstrapAdmin(database.db, config, log);
    const now = () => new Date();
    if (command === 'start' || command === 'worker') {
      const worker = await startWorker({ db: database.db, connectionString: database.url, concurrency: config.workerConcurrency, log, now });
      stops.push(worker.stop);
      log.info({ concurrency: config.workerConcurrency }, 'worker running');
    }
    if (command === 'start' || command === 'server') {
      const app = createApp({ db: database.db, config, log, now });
      const server = await listen(app, config.port, config.host);
      stops.push(server.close);
      log.info({ url: config.publicUrl, port: server.port }, `Bridgedesk is running at ${config.publicUrl}`);
    }
  } catch (err) {
    // Never leave an embedded Postgres running behind a failed start.
    for (const stop of stops.reverse()) await stop().catch(() => {});
    throw err;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code !== 0) process.exit(code);
  },
  (err: unknown) => {
    if (err instanceof ConfigError || err instanceof StartupError || err instanceof EmbeddedPostgresError) {
      process.stderr.write(`bridgedesk: ${err.message}\n`);
    } else {
      process.stderr.write(`bridgedesk: unexpected error: ${(err as Error)?.stack ?? String(err)}\n`);
    }
    process.exit(1);
  },
);
