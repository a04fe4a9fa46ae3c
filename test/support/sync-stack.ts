/**
 * Status sync against a served emulator whose webhook deliveries reach the in-process app (the URL's path routes
 * them; 503 while `down()` or before the app exists): the org "acme" without a practical rate limit, an app with a
 * public URL, an admin, an agent and a requester (named by `names`, else by role). `connect()` connects Kustomer with
 * the given queues enabled (its VIP queue unless told), saves the sync settings (the webhook must be subscribed) and
 * starts a worker; `settled()` waits until every received event is
 * processed; `statusOf()` reads a request's status.
 */
import { afterAll, expect } from 'vitest';
import { seedDemoOrg, serveEmulator, type ServeEmulatorOptions } from '../../src/connectors/kustomer/emulator/index.ts';
import { createTestApp, type TestApp } from './test-app.ts';

type StackUser = 'admin' | 'agent' | 'requester';

export async function syncStack(
  options: Partial<Omit<ServeEmulatorOptions, 'deliver'>> & {
    down?: () => boolean;
    onApp?: (t: TestApp) => void;
    names?: Partial<Record<StackUser, string>>;
  } = {},
) {
  const { down = () => false, onApp, names = {}, ...emulatorOptions } = options;
  let app: TestApp | null = null;
  const emulator = await serveEmulator({
    port: 0,
    ...emulatorOptions,
    deliver: async (url, init) => (app && !down() ? app.raw(new URL(url).pathname, init) : new Response(null, { status: 503 })),
  });
  afterAll(() => emulator.close());
  const demo = seedDemoOrg(emulator.control, { name: 'acme' });
  emulator.control.updateOrg('acme', { rateLimitPerMinute: 100_000 });
  const t = await createTestApp({ KUSTOMER_BASE_URL: emulator.url, BRIDGEDESK_PUBLIC_URL: 'https://desk.example.com' });
  app = t;
  onApp?.(t);
  const user = (role: StackUser) => t.createUser(role, names[role] === undefined ? {} : { name: names[role] });
  const admin = await user('admin');
  const agent = await user('agent');
  const requester = await user('requester');

  async function connect(
    sync: { inbound: boolean; outbound: boolean; pollMinutes: number },
    concurrency: number,
    { queueIds = [demo.queues.vip.id], retryBaseMs }: { queueIds?: string[]; retryBaseMs?: number } = {},
  ) {
    expect((await t.api(admin, 'PUT', '/api/v1/integrations/kustomer', { orgName: 'acme', apiKey: demo.apiKey })).status).toBe(200);
    if (queueIds.length > 0) {
      await t.api(admin, 'PATCH', '/api/v1/integrations/kustomer', { queues: queueIds.map((remoteId) => ({ remoteId, enabled: true })) });
    }
    const saved = await t.api(admin, 'PUT', '/api/v1/integrations/kustomer/sync', sync);
    expect(saved.status, JSON.stringify(saved.body)).toBe(200);
    expect(saved.body.webhook.subscribed).toBe(true);
    await t.startWorker({ concurrency, ...(retryBaseMs === undefined ? {} : { retryBaseMs }) });
    return saved.body as { webhook: { url: string } };
  }
  const settled = () =>
    t.waitFor(
      async () => (await t.db.selectFrom('destination_events').select('id').where('processed_at', 'is', null).executeTakeFirst()) === undefined || undefined,
    );
  const statusOf = async (id: string) => (await t.api(agent, 'GET', `/api/v1/requests/${id}`)).body.status as string;
  return { emulator, demo, t, admin, agent, requester, connect, settled, statusOf };
}
