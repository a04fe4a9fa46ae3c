/** Which timeline entries wake the dispatcher (workflow matching and destination pushes): only those something follows. */
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { createTestApp } from '../../../test/support/test-app.ts';
import { changeRequestInTx } from '../../usecases/change-request.ts';
import { withTransaction } from '../transaction.ts';
import { SYSTEM } from '../../core/actor.ts';

const t = await createTestApp();
const agent = await t.createUser('agent');

const dispatchJobs = async () =>
  (await sql<{ n: number }>`select count(*)::int as n from graphile_worker.jobs where task_identifier = 'match-workflows'`.execute(t.db)).rows[0]!.n;

async function newRequest() {
  const res = await t.api(agent, 'POST', '/api/v1/requests', { title: 'Printer on fire', requesterId: agent.id });
  expect(res.status).toBe(201);
  return res.body.id as string;
}

async function enableWorkflowOn(event: string) {
  const w = await t.db
    .insertInto('workflows')
    .values({ name: `On ${event}`, enabled: true, current_version_id: null })
    .returning('id')
    .executeTakeFirstOrThrow();
  const v = await t.db
    .insertInto('workflow_versions')
    .values({ workflow_id: w.id, version: 1, definition: JSON.stringify({ trigger: { event, conditions: { match: 'all', rules: [] } }, steps: [] }) })
    .returning('id')
    .executeTakeFirstOrThrow();
  await t.db.updateTable('workflows').set({ current_version_id: v.id }).where('id', '=', w.id).execute();
  return w.id;
}

describe('dispatching timeline events', () => {
  it('queues no dispatch job for changes that no enabled workflow triggers on and no linked destination follows', async () => {
    const before = await dispatchJobs();
    const id = await newRequest();
    await t.api(agent, 'PATCH', `/api/v1/requests/${id}`, { priority: 'high', status: 'in_progress' });
    expect(await dispatchJobs()).toBe(before);
  });

  it('queues one when an enabled workflow triggers on the change, and not for changes of another kind', async () => {
    const workflowId = await enableWorkflowOn('request.priority_changed');
    try {
      const id = await newRequest();
      const before = await dispatchJobs();
      await t.api(agent, 'PATCH', `/api/v1/requests/${id}`, { status: 'in_progress' });
      expect(await dispatchJobs()).toBe(before);
      await t.api(agent, 'PATCH', `/api/v1/requests/${id}`, { priority: 'urgent' });
      expect(await dispatchJobs()).toBe(before + 1);
      // The job names the event entry the change wrote, read back from the insert in the same statement.
      const [job] = (
        await sql<{
          payload: { entryIds: string[] };
        }>`select j.payload from graphile_worker._private_jobs j join graphile_worker._private_tasks k on k.id = j.task_id
        where k.identifier = 'match-workflows' order by j.id desc limit 1`.execute(t.db)
      ).rows;
      const entry = await t.db
        .selectFrom('timeline_entries')
        .select('id')
        .where('request_id', '=', id)
        .where('type', '=', 'request.priority_changed')
        .executeTakeFirstOrThrow();
      expect(job!.payload.entryIds).toEqual([entry.id]);
    } finally {
      await t.db.updateTable('workflows').set({ enabled: false }).where('id', '=', workflowId).execute();
    }
  });

  it('queues one for a change to a request linked to a destination, which may follow it, with no workflow enabled', async () => {
    const id = await linkedRequest('kustomer', 'c1');
    const before = await dispatchJobs();
    await t.api(agent, 'PATCH', `/api/v1/requests/${id}`, { status: 'resolved' });
    expect(await dispatchJobs()).toBe(before + 1);
  });

  describe('a status change the linked destination itself asked for (inbound sync)', () => {
    const fromKustomer = (id: string, status: 'resolved' | 'in_progress') =>
      withTransaction(t.db, (tx) => changeRequestInTx(tx, SYSTEM, id, { status }, new Date(), undefined, 'kustomer'));

    it('queues none when the request is linked only there: it is never pushed back (the hot path of inbound sync)', async () => {
      const id = await linkedRequest('kustomer', 'c2');
      const before = await dispatchJobs();
      expect(await fromKustomer(id, 'resolved')).toHaveLength(1);
      expect(await dispatchJobs()).toBe(before);
    });

    it('queues one when another destination is linked to the request too, which follows it', async () => {
      const id = await linkedRequest('kustomer', 'c3');
      await linkEscalation(id, 'other', 'o3');
      const before = await dispatchJobs();
      await fromKustomer(id, 'resolved');
      expect(await dispatchJobs()).toBe(before + 1);
    });

    it('queues one when the request status is mapped to an attribute, which must follow the change', async () => {
      const id = await linkedRequest('kustomer', 'c4');
      const connection = await t.db
        .insertInto('destination_connections')
        .values({ provider: 'kustomer', account: 'acme', secret_encrypted: 'x', secret_last_four: 'abcd', status: 'connected', sync_settings: '{}' })
        .returning('id')
        .executeTakeFirstOrThrow();
      await t.db
        .insertInto('field_mappings')
        .values({ connection_id: connection.id, request_field: 'status', remote_field: 'bridgedeskStatusStr', remote_type: 'text' })
        .execute();
      const before = await dispatchJobs();
      await fromKustomer(id, 'in_progress');
      expect(await dispatchJobs()).toBe(before + 1);
    });
  });
});

async function linkEscalation(requestId: string, provider: string, remoteId: string) {
  await t.db
    .insertInto('escalations')
    .values({
      request_id: requestId,
      provider,
      target_kind: 'queue',
      target_remote_id: 'q1',
      channel: 'email',
      priority: 2,
      subject: 's',
      message: 'm',
      state: 'linked',
      remote_id: remoteId,
    })
    .execute();
}

async function linkedRequest(provider: string, remoteId: string) {
  const id = await newRequest();
  await linkEscalation(id, provider, remoteId);
  return id;
}
