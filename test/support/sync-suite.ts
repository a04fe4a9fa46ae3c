/**
 * What the status-sync suites share: `syncStack` connected with both directions on and polling off, a worker of 5;
 * after each test, every webhook delivered and no fault left behind. Helpers: a request escalated until linked, writes
 * in Kustomer as its people make them, the timeline, and waits for the worker to go quiet or a status to be reached.
 */
import { sql } from 'kysely';
import { afterEach, beforeAll, expect } from 'vitest';
import { destinationDeps } from '../../src/usecases/destination-access.ts';
import { escalateUntilLinked } from './escalate-until-linked.ts';
import { syncStack } from './sync-stack.ts';

export async function syncSuite() {
  const stack = await syncStack();
  const { emulator, demo, t, agent, requester, statusOf } = stack;
  let webhookUrl = '';

  beforeAll(async () => {
    webhookUrl = (await stack.connect({ inbound: true, outbound: true, pollMinutes: 0 }, 5)).webhook.url;
  });
  afterEach(async () => {
    await emulator.control.webhooks.idle();
    emulator.control.clearFaults();
  });

  async function linkedRequest() {
    const { request: r, conversationId } = await escalateUntilLinked(t, agent, {
      title: 'Sync me',
      requesterId: requester.id,
      queueId: demo.queues.vip.id,
      subject: 'Sync me',
    });
    await emulator.control.webhooks.idle();
    const esc = await t.db.selectFrom('escalations').select('id').where('remote_id', '=', conversationId).executeTakeFirstOrThrow();
    return { request: r, conversationId, escalationId: esc.id };
  }
  const deps = () => destinationDeps(t.config, { db: t.db, now: () => new Date(), secrets: t.secrets });
  /** Writes in Kustomer the way its agents and customers do, through the emulator's HTTP controls. */
  async function control(path: string, body: unknown) {
    const res = await fetch(`${emulator.url}/__emulator/orgs/acme${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    expect(res.status, await res.clone().text()).toBe(201);
    return (await res.json()) as { id: string; attributes: Record<string, unknown> };
  }

  const timeline = async (requestId: string, who = agent) => (await t.api(who, 'GET', `/api/v1/requests/${requestId}/timeline?limit=100`)).body.items as any[];
  const ofType = async (requestId: string, type: string) => (await timeline(requestId)).filter((e) => e.type === type);
  /** Until no job is due or running (the next poll waits minutes): whatever the worker would still write is written. */
  const quiet = () =>
    t.waitFor(
      async () => (await sql`select 1 from graphile_worker.jobs where run_at <= now() or locked_at is not null`.execute(t.db)).rows.length === 0 || undefined,
    );
  const until = (id: string, status: string) => t.waitFor(async () => ((await statusOf(id)) === status ? true : undefined));
  const remoteStatus = (conversationId: string) => emulator.control.conversations('acme').find((c) => c.id === conversationId)!.attributes.status;

  return {
    ...stack,
    /** The webhook URL the connection was given (known once the suite's beforeAll has run). */
    webhookUrl: () => webhookUrl,
    linkedRequest,
    deps,
    control,
    timeline,
    ofType,
    quiet,
    until,
    remoteStatus,
  };
}
