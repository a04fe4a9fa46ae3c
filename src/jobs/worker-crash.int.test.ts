/**
 * A worker process killed with SIGKILL right after Kustomer committed a conversation, before the worker could
 * record it: the next worker must find that conversation (by external id) and link it, within a minute.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { seedDemoOrg, serveEmulator } from '../connectors/kustomer/emulator/index.ts';
import { loadConfig } from '../config.ts';
import { createSecretBox } from '../db/secret-box.ts';
import { destinationDeps } from '../usecases/destination-access.ts';
import { createRequest } from '../usecases/create-request.ts';
import { createTestDatabase } from '../../test/support/test-database.ts';
import { connectedRequest } from '../../test/support/connected-request.ts';
import { waitFor } from '../../test/support/test-app.ts';
import { createWorkflow } from '../usecases/workflows/save-workflow.ts';
import { WorkflowDefinition } from '../core/workflow-definition.ts';

const emulator = await serveEmulator({ port: 0 });
const demo = seedDemoOrg(emulator.control, { name: 'acme' });
const database = await createTestDatabase();
const secretKey = randomBytes(32).toString('base64');
const env = {
  LOG_LEVEL: 'silent',
  DATABASE_URL: database.url,
  BRIDGEDESK_SECRET_KEY: secretKey,
  KUSTOMER_BASE_URL: emulator.url,
  BRIDGEDESK_WORKER_STALE_SECONDS: '2',
};
const config = loadConfig(env);
const db = database.db;
const workers: ChildProcess[] = [];
afterAll(async () => {
  for (const w of workers) w.kill('SIGKILL');
  await emulator.close();
  await database.drop();
});

function startWorkerProcess(): ChildProcess {
  const child = spawn(process.execPath, [path.resolve('bin/bridgedesk.js'), 'worker'], { env: { PATH: process.env.PATH!, ...env }, stdio: 'ignore' });
  workers.push(child);
  return child;
}

describe('a worker killed mid-delivery', () => {
  it('does not open two conversations when the worker dies after Kustomer answered, and links within 60 s of a new worker', async () => {
    const deps = destinationDeps(config, { db, now: () => new Date(), secrets: createSecretBox(Buffer.from(secretKey, 'base64')) });
    const { request, escalate } = await connectedRequest(db, deps, demo, 'Crash test');

    // Kustomer commits the conversation, then holds the reply: the worker is killed while it waits.
    emulator.control.injectFault({ kind: 'slow', delayMs: 10_000, count: 1, method: 'POST', pathPrefix: '/v1/conversations' });
    const first = startWorkerProcess();
    const escalation = await escalate();
    await waitFor(async () => emulator.control.conversations('acme').some((c) => c.attributes.externalId === escalation.id) || undefined, 20_000);
    first.kill('SIGKILL');
    const row = await db.selectFrom('escalations').select(['state', 'remote_id']).where('id', '=', escalation.id).executeTakeFirstOrThrow();
    expect(row).toEqual({ state: 'sending', remote_id: null });

    const restartedAt = Date.now();
    startWorkerProcess();
    const linked = await waitFor(async () => {
      const r = await db.selectFrom('escalations').selectAll().where('id', '=', escalation.id).executeTakeFirstOrThrow();
      return r.state === 'linked' ? r : undefined;
    }, 60_000);
    const tookMs = Date.now() - restartedAt;
    expect(tookMs).toBeLessThan(60_000);
    expect(emulator.control.conversations('acme').filter((c) => c.attributes.externalId === escalation.id)).toHaveLength(1);
    expect(linked.remote_id).toBe(emulator.control.conversations('acme').find((c) => c.attributes.externalId === escalation.id)!.id);
    const types = (await db.selectFrom('timeline_entries').select('type').where('request_id', '=', request.id).orderBy('id').execute()).map((e) => e.type);
    expect(types.filter((t) => t === 'escalation.created')).toHaveLength(1);
    expect(types.at(-1)).toBe('escalation.linked');
  }, 90_000);

  it('resumes a workflow run killed mid-run after its last finished step, without repeating it or doubling the conversation', async () => {
    const adminRow = await db.selectFrom('users').selectAll().where('email', '=', 'admin@x.test').executeTakeFirstOrThrow();
    const admin = { kind: 'user' as const, userId: adminRow.id, role: 'admin' as const, name: 'Admin' };
    await createWorkflow(db, admin, {
      name: 'Crashy',
      enabled: true,
      definition: WorkflowDefinition.parse({
        trigger: { event: 'request.submitted' },
        steps: [
          { type: 'add_comment', body: 'Step one', visibility: 'internal' },
          { type: 'create_conversation', destination: 'kustomer', queueId: demo.queues.vip.id },
          { type: 'add_tag', tag: 'step-three' },
        ],
      }),
    });
    emulator.control.injectFault({ kind: 'slow', delayMs: 10_000, count: 1, method: 'POST', pathPrefix: '/v1/conversations' });
    const first = startWorkerProcess();
    const request = await createRequest(db, admin, { title: 'Workflow crash test' }, new Date());
    await waitFor(async () => emulator.control.conversations('acme').some((c) => c.attributes.name === 'Workflow crash test') || undefined, 20_000);
    first.kill('SIGKILL');
    startWorkerProcess();
    const run = await waitFor(async () => {
      const r = await db.selectFrom('workflow_runs').selectAll().where('request_id', '=', request.id).executeTakeFirst();
      return r?.state === 'succeeded' ? r : undefined;
    }, 60_000);
    expect(run.state).toBe('succeeded');
    const entries = await db.selectFrom('timeline_entries').select(['type', 'data']).where('request_id', '=', request.id).execute();
    expect(entries.filter((e) => e.type === 'comment.internal_note')).toHaveLength(1);
    expect(emulator.control.conversations('acme').filter((c) => c.attributes.name === 'Workflow crash test')).toHaveLength(1);
    const tags = await db.selectFrom('requests').select('tags').where('id', '=', request.id).executeTakeFirstOrThrow();
    expect(tags.tags).toEqual(['step-three']);
  }, 90_000);
});
