/**
 * What a delivery needs, made through the use cases as the app makes them: an admin, a Kustomer connection to the
 * emulator's org with its VIP queue enabled, and a request. `escalate()` submits the request to that queue.
 */
import type { DemoOrg } from '../../src/connectors/kustomer/emulator/index.ts';
import type { Db } from '../../src/db/database.ts';
import { insertUser } from '../../src/db/repositories/users.ts';
import { connectDestination, setDestinationTargets } from '../../src/usecases/connect-destination.ts';
import { createRequest } from '../../src/usecases/create-request.ts';
import type { DestinationDeps } from '../../src/usecases/destination-access.ts';
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
