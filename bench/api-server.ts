/**
 * The server side of `npm run bench:api`: the real Bridgedesk app on 127.0.0.1, in its own process so the
 * benchmark client's work (and its garbage collection) never lands inside a measured request.
 * Started by bench/api.bench.ts with an IPC channel; reports { port } once listening; exits when told or when the
 * parent goes away.
 */
import { listen } from '../src/cli/serve.ts';
import { loadConfig } from '../src/config.ts';
import { createDb } from '../src/db/database.ts';
import { createApp } from '../src/server/app.ts';
import { benchAppDeps } from './app-deps.ts';

const url = process.env.BENCH_DATABASE_URL;
const dataDir = process.env.BENCH_DATA_DIR;
if (!url || !dataDir || !process.send) {
  process.stderr.write('bench/api-server.ts is started by bench/api.bench.ts\n');
  process.exit(2);
}

const config = loadConfig({ LOG_LEVEL: 'silent', BRIDGEDESK_DATA_DIR: dataDir });
const { db } = createDb(url, config.poolSize);
const app = createApp(benchAppDeps(db, config));
const server = await listen(app, 0, '127.0.0.1');

let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  await server.close();
  await db.destroy();
  process.exit(0);
};
process.on('message', (m) => {
  if (m === 'stop') void stop();
});
process.on('disconnect', () => void stop());
process.on('SIGTERM', () => void stop());
process.on('SIGINT', () => {}); // the parent handles Ctrl-C and stops us
process.send({ port: server.port, pid: process.pid });
