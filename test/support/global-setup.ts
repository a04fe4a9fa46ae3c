/** Starts one embedded Postgres for the whole test run and a migrated template database each test file clones. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { createDb, withDatabase } from '../../src/db/database.ts';
import { startEmbeddedPostgres } from '../../src/db/embedded-postgres.ts';
import { migrate } from '../../src/db/migrate.ts';
import { scanRunLogs } from './log-capture.ts';

export const TEMPLATE_DB = 'bridgedesk_template';

declare module 'vitest' {
  export interface ProvidedContext {
    pgAdminUrl: string;
    /** The run folder of test/support/log-capture.ts: every test app's log, and the Kustomer keys to scan them for. */
    testRunDir: string;
  }
}

/**
 * scripts/run-tests.js names the run folder (BRIDGEDESK_TEST_RUN_DIR) and reads its log-scan.json; a plain
 * `npx vitest run` gets a temporary one, removed at the end unless the scan found a leak.
 */
function runFolder(): { dir: string; keep: boolean } {
  const named = process.env.BRIDGEDESK_TEST_RUN_DIR;
  if (named) {
    fs.rmSync(named, { recursive: true, force: true });
    fs.mkdirSync(named, { recursive: true });
    return { dir: path.resolve(named), keep: true };
  }
  return { dir: fs.mkdtempSync(path.join(os.tmpdir(), 'bridgedesk-test-run-')), keep: false };
}

export default async function setup(project: TestProject) {
  const run = runFolder();
  project.provide('testRunDir', run.dir);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bridgedesk-test-'));
  fs.chmodSync(dir, 0o755);
  const server = await startEmbeddedPostgres({ dataDir: path.join(dir, 'pg') });
  const admin = new pg.Client(server.url);
  await admin.connect();
  await admin.query(`create database ${TEMPLATE_DB}`);
  await admin.end();
  const templateUrl = withDatabase(server.url, TEMPLATE_DB);
  const { db } = createDb(templateUrl, 2);
  await migrate(db, templateUrl);
  await db.destroy();
  project.provide('pgAdminUrl', server.url);
  return async () => {
    await server.stop();
    fs.rmSync(dir, { recursive: true, force: true });
    // No Kustomer key in any log line written by any test app of the run (issue 8, point 5).
    const scan = scanRunLogs(run.dir);
    fs.writeFileSync(path.join(run.dir, 'log-scan.json'), JSON.stringify(scan, null, 2));
    if (scan.leaks.length) {
      throw new Error(
        `A Kustomer API key appears in ${scan.leaks.length} log line(s) of this run (logs kept in ${run.dir}):\n` +
          scan.leaks
            .slice(0, 10)
            .map((l) => `  ${l.file}:${l.line} (${l.form}): ${l.excerpt}`)
            .join('\n'),
      );
    }
    if (!run.keep) fs.rmSync(run.dir, { recursive: true, force: true });
  };
}
