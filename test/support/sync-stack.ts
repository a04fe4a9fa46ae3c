/**
 * Kustomer and the app, wired as in production, against a served emulator whose webhook deliveries reach the
 * in-process app (the URL's path routes them; 503 while `down()` or before the app exists): the org "acme" without a
 * practical rate limit, an app with a public URL (and `env`), an admin, an agent and a requester (with `users`' fields,
 * else named by role). `connectKustomer()` connects Kustomer with the given queues and teams enabled (its VIP queue
 * unless told); `connect()` does so, saves the sync settings (the webhook must be subscribed) and starts a worker;
 * `settled()` waits until every received event is processed, `drained()` also until every job due has run;
 * `statusOf()` reads a request's status.
 */
import { sql } from 'kysely';
import { afterAll, expect } from 'vitest';
import { seedDemoOrg, serveEmulator, type ServeEmulatorOptions } from '../../src/connectors/kustomer/emulator/index.ts';
import { createTestApp, type TestApp } from './test-app.ts';

type StackUser = 'admin' | 'agent' | 'requester';

export async function syncStack(
  options: Partial<Omit<ServeEmulatorOptions, 'deliver'>> & {
    down?: () => boolean;
    onApp?: (t: TestApp) => void;
    users?: Partial<Record<StackUser, Parameters<TestApp['createUser']>[1]>>;
    /** More of the app's environment, given the emulator's URL. */
    env?: (emulatorUrl: string) => Record<string, string>;
  } = {},
) {
  const { down = () => false, onApp, users = {}, env, ...emulatorOptions } = options;
  let app: TestApp | null = null;
  const emulator = await serveEmulator({
    port: 0,
    ...emulatorOptions,
    deliver: async (url, init) => (app && !down() ? app.raw(new URL(url).pathname, init) : new Response(null, { status: 503 })),
  });
  afterAll(() => emulator.close());
  const demo = seedDemoOrg(emulator.control, { name: 'acme' });
  emulator.control.updateOrg('acme', { rateLimitPerMinute: 100_000 });
  const t = await createTestApp({ KUSTOMER_BASE_URL: emulator.url, BRIDGEDESK_PUBLIC_URL: 'https://desk.example.com', ...env?.(emulator.url) });
  app = t;
  onApp?.(t);
  const user = (role: StackUser) => t.createUser(role, users[role]);
  const admin = await user('admin');
  const agent = await user('agent');
  const requester = await user('requester');

  async function connectKustomer({ queueIds = [demo.queues.vip.id], teamIds = [] }: { queueIds?: string[]; teamIds?: string[] } = {}) {
    const connected = await t.api(admin, 'PUT', '/api/v1/integrations/kustomer', { orgName: 'acme', apiKey: demo.apiKey });
    expect(connected.status, JSON.stringify(connected.body)).toBe(200);
    if (queueIds.length + teamIds.length > 0) {
      const enabled = (ids: string[]) => ids.map((remoteId) => ({ remoteId, enabled: true }));
      await t.api(admin, 'PATCH', '/api/v1/integrations/kustomer', { queues: enabled(queueIds), ...(teamIds.length ? { teams: enabled(teamIds) } : {}) });
    }
  }
  async function connect(
    sync: { inbound: boolean; outbound: boolean; pollMinutes: number },
    concurrency: number,
    { queueIds, ...worker }: { queueIds?: string[] } & Omit<NonNullable<Parameters<TestApp['startWorker']>[0]>, 'concurrency'> = {},
  ) {
    await connectKustomer({ queueIds });
    const saved = await t.api(admin, 'PUT', '/api/v1/integrations/kustomer/sync', sync);
    expect(saved.status, JSON.stringify(saved.body)).toBe(200);
    expect(saved.body.webhook.subscribed).toBe(true);
    await t.startWorker({ concurrency, ...worker });
    return saved.body as { webhook: { url: string } };
  }
  const settled = () =>
    t.waitFor(
      async () => (await t.db.selectFrom('destination_events').select('id').where('processed_at', 'is', null).executeTakeFirst()) === undefined || undefined,
    );
  /** Every Kustomer event applied and every job due has run (jobs scheduled for later, such as a wait's deadline, aside). */
  async function drained() {
    await emulator.control.webhooks.idle();
    await t.waitFor(async () => {
      const pending = await t.db.selectFrom('destination_events').select('id').where('processed_at', 'is', null).executeTakeFirst();
      const { rows } = await sql`select 1 from graphile_worker.jobs where (run_at <= now() or locked_at is not null) and attempts < max_attempts`.execute(t.db);
      return (pending === undefined && rows.length === 0) || undefined;
    });
  }
  const statusOf = async (id: string) => (await t.api(agent, 'GET', `/api/v1/requests/${id}`)).body.status as string;
  return { emulator, demo, t, admin, agent, requester, connectKustomer, connect, settled, drained, statusOf };
}
