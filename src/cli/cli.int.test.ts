import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { seedDemoOrg, serveEmulator } from '../connectors/kustomer/emulator/index.ts';
import { createTestDatabase } from '../../test/support/test-database.ts';
import { createSecretBox } from '../db/secret-box.ts';
import { readEventStream } from '../../test/support/event-stream.ts';
import { DRAIN_MS } from './serve.ts';
import { launch, stop, waitForOutput, type Running } from '../../test/support/cli-process.ts';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'bridgedesk-cli-'));
fs.chmodSync(tmp, 0o755);
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));
const secretKey = randomBytes(32).toString('base64');

/** Waits until the log shows the server is up, and returns the port it listens on. */
const waitForListening = async (r: Running) => Number((await waitForOutput(r, /"port":(\d+)[^\n]*Bridgedesk is running/))[1]);

const rootAdmin = { BRIDGEDESK_ADMIN_EMAIL: 'root@example.com', BRIDGEDESK_ADMIN_PASSWORD: 'a long password' };
/** Signs in as `rootAdmin`. */
const signInAsRoot = (port: number) =>
  fetch(`http://127.0.0.1:${port}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: 'root@example.com', password: 'a long password' }),
  });

describe('bridgedesk start', () => {
  it('runs on embedded Postgres, creates the env admin, stops cleanly on Ctrl-C (ending open streams at once) and reuses the data on the next start', async () => {
    const dataDir = path.join(tmp, 'data');
    const first = launch(['start'], { PORT: '0', BRIDGEDESK_DATA_DIR: dataDir, ...rootAdmin });
    const port = await waitForListening(first);
    expect((await fetch(`http://127.0.0.1:${port}/readyz`)).status).toBe(200);
    const login = await signInAsRoot(port);
    expect(login.status).toBe(200);
    expect(first.output()).toContain('worker running');
    expect(first.output()).not.toContain('a long password');
    // An open page's live stream: stopping ends it at once, not after the server's drain time.
    const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
    const stream = readEventStream(await fetch(`http://127.0.0.1:${port}/api/v1/stream`, { headers: { cookie } }));
    await stream.next((e) => e.event === 'ready');
    const stopAt = Date.now();
    expect(await stop(first)).toBe(0);
    await stream.ended;
    expect(Date.now() - stopAt).toBeLessThan(DRAIN_MS);
    expect(fs.existsSync(path.join(dataDir, 'postgres', 'postmaster.pid'))).toBe(false);

    const second = launch(['start'], { PORT: '0', BRIDGEDESK_DATA_DIR: dataDir });
    const port2 = await waitForListening(second);
    const setup = await (await fetch(`http://127.0.0.1:${port2}/api/v1/setup`)).json();
    expect(setup).toEqual({ needsAdmin: false });
    expect(await stop(second, 'SIGTERM')).toBe(0);
  });

  it.runIf(process.getuid?.() === 0)(
    'as root under a private (0700) parent, keeps the cluster under /var/lib/bridgedesk, says so, and finds the same data on the next start',
    async () => {
      // Like a clone in /root/app: the postgres user cannot enter the parent, so the data folder cannot hold the cluster.
      const privateParent = fs.mkdtempSync(path.join(os.tmpdir(), 'bridgedesk-private-'));
      fs.chmodSync(privateParent, 0o700);
      const dataDir = path.join(privateParent, 'app', '.bridgedesk');
      const pointer = path.join(dataDir, 'postgres.location');
      try {
        const first = launch(['start'], { PORT: '0', BRIDGEDESK_DATA_DIR: dataDir, ...rootAdmin });
        await waitForListening(first);
        const cluster = fs.readFileSync(pointer, 'utf8').trim();
        expect(cluster).toMatch(/^\/var\/lib\/bridgedesk\/[0-9a-f]{16}$/);
        expect(first.output()).toContain(`its cluster is in ${cluster}`);
        expect(fs.statSync(cluster).mode & 0o777).toBe(0o700);
        expect(await stop(first), first.output()).toBe(0);

        const second = launch(['start'], { PORT: '0', BRIDGEDESK_DATA_DIR: dataDir });
        const port = await waitForListening(second);
        expect(second.output()).toContain(`its cluster is in ${cluster}`);
        // The admin made by the first start is there: the same data.
        expect(await (await fetch(`http://127.0.0.1:${port}/api/v1/setup`)).json()).toEqual({ needsAdmin: false });
        expect(await stop(second)).toBe(0);
      } finally {
        const cluster = fs.existsSync(pointer) ? fs.readFileSync(pointer, 'utf8').trim() : null;
        if (cluster?.startsWith('/var/lib/bridgedesk/')) {
          fs.rmSync(cluster, { recursive: true, force: true });
          fs.rmSync(`${cluster}.password`, { force: true });
        }
        fs.rmSync(privateParent, { recursive: true, force: true });
      }
    },
  );

  it('recovers when the previous run was killed with SIGKILL and left Postgres running', async () => {
    const dataDir = path.join(tmp, 'killed');
    const first = launch(['start'], { PORT: '0', BRIDGEDESK_DATA_DIR: dataDir });
    await waitForListening(first);
    first.child.kill('SIGKILL');
    await first.exited;
    expect(fs.existsSync(path.join(dataDir, 'postgres', 'postmaster.pid'))).toBe(true);
    const second = launch(['start'], { PORT: '0', BRIDGEDESK_DATA_DIR: dataDir });
    const port = await waitForListening(second);
    expect((await fetch(`http://127.0.0.1:${port}/readyz`)).status).toBe(200);
    expect(await stop(second)).toBe(0);
  });

  it('says clearly when the port is taken, and leaves no Postgres running', async () => {
    const blocker = net.createServer().listen(0, '127.0.0.1');
    await new Promise((r) => blocker.once('listening', r));
    const port = (blocker.address() as net.AddressInfo).port;
    const r = launch(['start'], { PORT: String(port), HOST: '127.0.0.1', BRIDGEDESK_DATA_DIR: path.join(tmp, 'port') });
    expect(await r.exited).toBe(1);
    expect(r.output()).toContain(`Port ${port} is already in use`);
    expect(r.output()).not.toMatch(/\n\s+at /);
    expect(fs.existsSync(path.join(tmp, 'port', 'postgres', 'postmaster.pid'))).toBe(false);
    blocker.close();
  });

  it('says clearly when DATABASE_URL cannot be reached', async () => {
    const r = launch(['server'], { DATABASE_URL: 'postgres://nobody:secretpw@127.0.0.1:1/none', BRIDGEDESK_SECRET_KEY: secretKey });
    expect(await r.exited).toBe(1);
    expect(r.output()).toContain('Cannot reach Postgres at 127.0.0.1:1/none');
    expect(r.output()).not.toContain('secretpw');
  });

  it('says clearly when the data folder cannot be written', async () => {
    const file = path.join(tmp, 'a-file');
    fs.writeFileSync(file, '');
    const r = launch(['start'], { BRIDGEDESK_DATA_DIR: path.join(file, 'sub') });
    expect(await r.exited).toBe(1);
    expect(r.output()).toContain('Cannot write to the data folder');
  });

  it('lists every configuration problem at once', async () => {
    const r = launch(['start'], { PORT: 'eighty', LOG_LEVEL: 'loud', BRIDGEDESK_ADMIN_EMAIL: 'not-an-email' });
    expect(await r.exited).toBe(1);
    expect(r.output()).toMatch(/PORT/);
    expect(r.output()).toMatch(/LOG_LEVEL/);
    expect(r.output()).toMatch(/BRIDGEDESK_ADMIN_EMAIL/);
  });

  it('prints help and refuses unknown commands', async () => {
    const help = launch(['--help'], {});
    expect(await help.exited).toBe(0);
    expect(help.output()).toContain('bridgedesk <command>');
    const bad = launch(['frobnicate'], {});
    expect(await bad.exited).toBe(2);
  });
});

describe('bridgedesk server and worker with DATABASE_URL', () => {
  it('start with no data folder at all: no embedded Postgres, no folder created, the Kustomer key stored with BRIDGEDESK_SECRET_KEY', async () => {
    const database = await createTestDatabase();
    const emulator = await serveEmulator({ port: 0 });
    const org = seedDemoOrg(emulator.control, { name: 'acme' });
    const absent = path.join(tmp, 'never-created');
    const file = path.join(tmp, 'a-plain-file');
    fs.writeFileSync(file, '');
    const unwritable = path.join(file, 'data'); // under a regular file: cannot be created, even by root
    const env = {
      PORT: '0',
      HOST: '127.0.0.1',
      DATABASE_URL: database.url,
      BRIDGEDESK_SECRET_KEY: secretKey,
      KUSTOMER_BASE_URL: emulator.url,
      ...rootAdmin,
    };
    const server = launch(['server'], { ...env, BRIDGEDESK_DATA_DIR: absent });
    const worker = launch(['worker'], { ...env, BRIDGEDESK_DATA_DIR: unwritable });
    try {
      const port = await waitForListening(server);
      const ready = await fetch(`http://127.0.0.1:${port}/readyz`);
      expect(ready.status).toBe(200);
      expect(await ready.json()).toEqual({ status: 'ready' });
      await waitForOutput(worker, /worker running/);

      // Storing a secret is what used to create a key file in the data folder.
      const login = await signInAsRoot(port);
      expect(login.status).toBe(200);
      const { csrfToken } = (await login.json()) as { csrfToken: string };
      const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
      const connect = await fetch(`http://127.0.0.1:${port}/api/v1/integrations/kustomer`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json', cookie, 'x-csrf-token': csrfToken },
        body: JSON.stringify({ orgName: 'acme', apiKey: org.apiKey }),
      });
      expect(connect.status).toBe(200);

      expect(fs.existsSync(absent)).toBe(false);
      expect(fs.existsSync(unwritable)).toBe(false);
      expect(server.output()).not.toContain('embedded Postgres');
      expect(worker.output()).not.toContain('embedded Postgres');
      expect(await Promise.all([stop(server, 'SIGTERM'), stop(worker, 'SIGTERM')])).toEqual([0, 0]);
      expect(fs.existsSync(absent)).toBe(false);
    } finally {
      server.child.kill('SIGKILL');
      worker.child.kill('SIGKILL');
      await emulator.close();
      await database.drop();
    }
  });

  it('rotate-secrets re-encrypts the stored secrets with a new key, and changes nothing when a secret opens with none of the keys given', async () => {
    const database = await createTestDatabase();
    const [oldKey, newKey, otherKey] = [randomBytes(32), randomBytes(32), randomBytes(32)];
    const env = { DATABASE_URL: database.url, BRIDGEDESK_DATA_DIR: path.join(tmp, 'rotate') };
    const row = () =>
      database.db
        .selectFrom('destination_connections')
        .select([
          'secret_encrypted',
          'webhook_token_encrypted',
          'webhook_signing_key_encrypted',
          'webhook_secret_encrypted',
          'webhook_previous_secret_encrypted',
        ])
        .executeTakeFirstOrThrow();
    try {
      expect(await launch(['migrate'], env).exited).toBe(0);
      const old = createSecretBox(oldKey);
      await database.db
        .insertInto('destination_connections')
        .values({
          provider: 'kustomer',
          account: 'acme',
          secret_encrypted: old.seal('the-api-key'),
          secret_last_four: '-key',
          status: 'connected',
          sync_settings: '{}',
          webhook_token_encrypted: old.seal('hook-token'),
          webhook_secret_encrypted: old.seal('header-secret'),
          webhook_previous_secret_encrypted: old.seal('previous-header-secret'),
        })
        .execute();
      const before = await row();

      const refused = launch(['rotate-secrets'], {
        ...env,
        BRIDGEDESK_SECRET_KEY: newKey.toString('base64'),
        BRIDGEDESK_PREVIOUS_SECRET_KEYS: otherKey.toString('base64'),
      });
      expect(await refused.exited).toBe(1);
      expect(refused.output()).toContain(
        "The Kustomer connection's secret was sealed with a key that is neither BRIDGEDESK_SECRET_KEY nor one of BRIDGEDESK_PREVIOUS_SECRET_KEYS. Nothing was changed.",
      );
      expect(refused.output()).not.toMatch(/\n\s+at /);
      expect(await row()).toEqual(before);

      const previous = [otherKey, oldKey].map((k) => k.toString('base64')).join(',');
      const rotated = launch(['rotate-secrets'], { ...env, BRIDGEDESK_SECRET_KEY: newKey.toString('base64'), BRIDGEDESK_PREVIOUS_SECRET_KEYS: previous });
      expect(await rotated.exited).toBe(0);
      expect(rotated.output()).toContain('Re-encrypted 4 secrets of 1 connection with BRIDGEDESK_SECRET_KEY.');
      const after = await row();
      const fresh = createSecretBox(newKey);
      expect(
        [after.secret_encrypted, after.webhook_token_encrypted, after.webhook_secret_encrypted, after.webhook_previous_secret_encrypted].map((s) =>
          fresh.open(s!),
        ),
      ).toEqual(['the-api-key', 'hook-token', 'header-secret', 'previous-header-secret']);
      expect(() => old.open(after.secret_encrypted)).toThrow();
      expect(after.webhook_signing_key_encrypted).toBeNull();
      for (const k of [oldKey, newKey, otherKey]) expect(rotated.output() + refused.output()).not.toContain(k.toString('base64'));
    } finally {
      await database.drop();
    }
  });

  it('refuses to start server or worker without BRIDGEDESK_SECRET_KEY, with one clear message', async () => {
    const database = await createTestDatabase();
    try {
      for (const command of ['server', 'worker']) {
        const dataDir = path.join(tmp, `no-key-${command}`);
        const r = launch([command], { DATABASE_URL: database.url, BRIDGEDESK_DATA_DIR: dataDir });
        expect(await r.exited).toBe(1);
        expect(r.output()).toContain('BRIDGEDESK_SECRET_KEY: required when DATABASE_URL is set');
        expect(r.output()).toContain('openssl rand -base64 32');
        expect(r.output()).not.toMatch(/\n\s+at /);
        expect(fs.existsSync(dataDir)).toBe(false);
      }
      // migrate stores no secret: it needs no key.
      const m = launch(['migrate'], { DATABASE_URL: database.url, BRIDGEDESK_DATA_DIR: path.join(tmp, 'no-key-migrate') });
      expect(await m.exited).toBe(0);
      expect(fs.existsSync(path.join(tmp, 'no-key-migrate'))).toBe(false);
    } finally {
      await database.drop();
    }
  });

  it('names the key file a previous setup used, so its secrets stay readable', async () => {
    const dataDir = path.join(tmp, 'old-key');
    fs.mkdirSync(dataDir);
    fs.writeFileSync(path.join(dataDir, 'secret.key'), secretKey);
    const r = launch(['worker'], { DATABASE_URL: 'postgres://nobody:pw@127.0.0.1:1/none', BRIDGEDESK_DATA_DIR: dataDir });
    expect(await r.exited).toBe(1);
    expect(r.output()).toContain(`set BRIDGEDESK_SECRET_KEY to its content`);
    expect(r.output()).toContain(path.join(dataDir, 'secret.key'));
    expect(r.output()).not.toContain(secretKey);
  });
});
