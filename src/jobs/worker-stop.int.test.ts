/** A worker told to stop (SIGTERM, a deploy) while a delivery is under way. */
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { serveEmulator } from '../connectors/kustomer/emulator/index.ts';
import { createTestDatabase } from '../../test/support/test-database.ts';
import { workerDelivery } from '../../test/support/connected-request.ts';
import { waitFor } from '../../test/support/test-app.ts';

const { db, url, drop } = await createTestDatabase();
const emulator = await serveEmulator({ port: 0 });
afterAll(async () => {
  await emulator.close();
  await drop();
});

describe('a stopping worker', () => {
  it('keeps vouching for the delivery it finishes while stopping, so no other worker takes it meanwhile', async () => {
    const { escalate, start } = await workerDelivery(db, url, emulator, { staleSeconds: 1, title: 'Deploy under way' });

    const stopping = await start();
    // Kustomer commits the conversation and holds its reply longer than the stale time.
    emulator.control.injectFault({ kind: 'slow', delayMs: 3_500, count: 1, method: 'POST', pathPrefix: '/v1/conversations' });
    const escalation = await escalate();
    await waitFor(async () => emulator.control.conversations('acme').some((c) => c.attributes.externalId === escalation.id) || undefined, 20_000);
    const job = sql<{
      locked_by: string | null;
      held: boolean;
    }>`select locked_by, locked_at < now() - interval '1.2 seconds' as held from graphile_worker.jobs where task_identifier = 'deliver-escalation'`;
    const { locked_by: lockedBy } = (await job.execute(db)).rows[0]!;
    expect(lockedBy).not.toBeNull();

    const stopped = stopping.stop();
    const other = await start();
    try {
      // Held past the stale time by a worker that is stopping, not dead: another worker must leave it alone.
      const now = async () => (await job.execute(db)).rows[0];
      await waitFor(async () => {
        const r = await now();
        return r?.held || r?.locked_by !== lockedBy || undefined;
      }, 10_000);
      expect(await other.releaseStale()).not.toContain(lockedBy);
      expect((await now())?.locked_by).toBe(lockedBy);
      await stopped;
      const row = await db.selectFrom('escalations').select(['state', 'attempts']).where('id', '=', escalation.id).executeTakeFirstOrThrow();
      expect(row).toMatchObject({ state: 'linked', attempts: 1 });
      expect(emulator.control.conversations('acme').filter((c) => c.attributes.externalId === escalation.id)).toHaveLength(1);
    } finally {
      await other.stop();
    }
  }, 60_000);
});
