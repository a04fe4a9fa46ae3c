/**
 * The change feed's LISTEN connection through a Postgres restart: it reconnects by itself, tells its subscribers
 * that changes may have been missed, and hears the changes after. Uses its own embedded Postgres, since it stops it.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { createLogger } from '../logger.ts';
import { waitFor } from '../../test/support/test-app.ts';
import { CHANGE_CHANNEL, createChangeFeed, type Change } from './change-feed.ts';
import { createDb } from './database.ts';
import { startEmbeddedPostgres } from './embedded-postgres.ts';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'bridgedesk-feed-restart-'));
fs.chmodSync(tmp, 0o755); // as root, Postgres runs as `postgres` and must reach its folder
const dataDir = path.join(tmp, 'postgres');
let server = await startEmbeddedPostgres({ dataDir });
const { db } = createDb(server.url, 2);
afterAll(async () => {
  await db.destroy();
  await server.stop();
  fs.rmSync(tmp, { recursive: true, force: true });
});

const REQUEST_ID = '00000000-0000-4000-8000-000000000001';
const announce = (entryId: number) =>
  sql`select pg_notify(${CHANGE_CHANNEL}, ${JSON.stringify({ kind: 'timeline', requestId: REQUEST_ID, visibility: 'public', entryId: String(entryId) })})`.execute(
    db,
  );

describe('the change feed through a Postgres restart', () => {
  it('reconnects with backoff, reports the gap, hears changes again, and stops cleanly', async () => {
    const feed = createChangeFeed({ connectionString: server.url, log: createLogger('silent'), backoffMs: { min: 50, max: 400 } });
    const heard: Change[] = [];
    let gaps = 0;
    let ended = false;
    const sub = feed.subscribe({ change: (c) => heard.push(c), gap: () => (gaps += 1), end: () => (ended = true) });
    await sub.ready;
    await announce(1);
    await waitFor(async () => heard.length === 1);

    await server.stop({ mode: 'immediate' });
    await new Promise((r) => setTimeout(r, 1_500)); // down for several reconnect attempts
    server = await startEmbeddedPostgres({ dataDir, port: server.port });

    await waitFor(async () => gaps === 1, 30_000);
    await waitFor(async () => {
      await announce(2).catch(() => undefined); // the pool's clients reconnect too
      return heard.some((c) => c.kind === 'timeline' && c.entryId === '2');
    }, 30_000);

    await feed.stop();
    expect(ended).toBe(true);
    const listening = async () =>
      Number((await sql<{ n: string }>`select count(*) as n from pg_stat_activity where application_name = 'bridgedesk change feed'`.execute(db)).rows[0]!.n);
    // The backend leaves pg_stat_activity a moment after the client's Terminate.
    await waitFor(async () => (await listening()) === 0);
  }, 90_000);
});
