import { expect, it } from 'vitest';
import { JOBS } from '../core/jobs.ts';
import { createLogger } from '../logger.ts';
import { createTestApp } from '../../test/support/test-app.ts';
import { taskList } from './run-worker.ts';

it('runs a task for every job of the contract, and none outside it', async () => {
  const t = await createTestApp({ SMTP_URL: 'smtp://127.0.0.1:2525' });
  const tasks = taskList({ db: t.db, config: t.config, connectionString: t.url, log: createLogger('silent'), now: () => new Date(), secrets: t.secrets });
  expect(Object.keys(tasks).sort()).toEqual(Object.keys(JOBS).sort());
});
