/**
 * What a delivery needs, made through the use cases as the app makes them: an admin, a Kustomer connection to the
 * emulator's org with its VIP queue enabled, and a request. `escalate()` submits the request to that queue.
 * `workerDelivery` adds what a worker needs around it: a config against a served emulator, and `start()` for a worker.
 */
import { randomBytes } from 'node:crypto';
import { seedDemoOrg, type DemoOrg, type serveEmulator } from '../../src/connectors/kustomer/emulator/index.ts';
import { loadConfig } from '../../src/config.ts';
import type { Db } from '../../src/db/database.ts';
import { insertUser } from '../../src/db/repositories/users.ts';
import { createSecretBox } from '../../src/db/secret-box.ts';
import { startWorker } from '../../src/jobs/run-worker.ts';
import { createLogger } from '../../src/logger.ts';
import { connectDestination, setDestinationTargets } from '../../src/usecases/connect-destination.ts';
import { createRequest } from '../../src/usecases/create-request.ts';
import { destinationDeps, type DestinationDeps } from '../../src/usecases/destination-access.ts';
import { submitEscalation } from '../../src/usecases/submit-escalation.ts';

export async function connectedRequest(db: Db, deps: DestinationDeps, demo: DemoOrg, title: string) {
  const adminRow = await insertUser(db, { email: 'admin@x.test', name: 'Admin', role: 'admin', passwordHash: null });
  const admin = { kind: 'user' as const, userId: adminRow.id, role: 'admin' as const, name: 'Admin' };
  await connectDestination(deps, admin, 'kustomer', { account: demo.org.name, secret: demo.apiKey });
  await setDestinationTargets(deps, 'kustomer', [{ kind: 'queue', remoteId: demo.queues.vip.id, enabled: true }]);
  const request = await createRequest(db, admin, { title }, new Date());
  const escalate = () =>
    submitEscalation(
      db,
      admin,
      request.id,
      { destination: 'kustomer', queueId: demo.queues.vip.id, channel: 'email', priority: 3, subject: title, message: 'm' },
      new Date(),
    );
  return { admin, request, escalate };
}

export async function workerDelivery(db: Db, url: string, emulator: Awaited<ReturnType<typeof serveEmulator>>, opts: { staleSeconds: number; title: string }) {
  const demo = seedDemoOrg(emulator.control, { name: 'acme' });
  const secretKey = randomBytes(32).toString('base64');
  const config = loadConfig({
    LOG_LEVEL: 'silent',
    DATABASE_URL: url,
    BRIDGEDESK_SECRET_KEY: secretKey,
    KUSTOMER_BASE_URL: emulator.url,
    BRIDGEDESK_WORKER_STALE_SECONDS: String(opts.staleSeconds),
  });
  const secrets = createSecretBox(Buffer.from(secretKey, 'base64'));
  const deps = destinationDeps(config, { db, now: () => new Date(), secrets });
  const start = () => startWorker({ db, config, connectionString: url, log: createLogger('silent'), now: () => new Date(), secrets });
  return { demo, start, ...(await connectedRequest(db, deps, demo, opts.title)) };
}
