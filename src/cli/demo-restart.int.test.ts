/**
 * `npm run demo` twice on one folder, as a visitor who stops the demo and starts it again the next day: the second
 * run finds Kustomer's side where the first left it (the emulator's records are saved in .bridgedesk-demo/), so the
 * escalated request is still linked to a conversation that exists, and Kustomer's changes still come back.
 */
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { launch, stop, waitForOutput, type Running } from '../../test/support/cli-process.ts';
import { DEMO_PASSWORD } from './demo-seed.ts';

const cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'bridgedesk-demo-'));
fs.chmodSync(cwd, 0o755);
const running: Running[] = [];
afterAll(async () => {
  for (const r of running) r.child.kill('SIGKILL');
  fs.rmSync(cwd, { recursive: true, force: true });
});

async function freePort(): Promise<number> {
  const probe = net.createServer().listen(0, '127.0.0.1');
  await new Promise((r) => probe.once('listening', r));
  const { port } = probe.address() as net.AddressInfo;
  await new Promise((r) => probe.close(r));
  return port;
}

async function until<T>(probe: () => Promise<T | undefined>, what: string, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const json = async (url: string, init?: RequestInit) => (await fetch(url, init)).json();
const conversationsIn = async (emulatorUrl: string): Promise<{ id: string }[]> => json(`${emulatorUrl}/__emulator/orgs/acme/conversations`);

async function startDemo(port: number) {
  const demo = launch(['demo'], { PORT: String(port), HOST: '127.0.0.1' }, { cwd });
  running.push(demo);
  const [, emulatorUrl] = await waitForOutput(demo, /"kustomerEmulator":"([^"]+)"[^\n]*Demo ready/);
  return { demo, emulatorUrl: emulatorUrl! };
}

describe('npm run demo, stopped and started again', () => {
  it("keeps Kustomer's side: the escalated request's conversation exists and Kustomer's new notes still reach the request", async () => {
    const port = await freePort();
    const app = `http://127.0.0.1:${port}`;
    const first = await startDemo(port);
    const [conversation] = await until(async () => {
      const list = await conversationsIn(first.emulatorUrl);
      return list.length > 0 ? list : undefined;
    }, 'the demo escalation to be linked');
    expect(await stop(first.demo)).toBe(0);
    expect(fs.existsSync(path.join(cwd, '.bridgedesk-demo', 'kustomer-emulator.json'))).toBe(true);

    const second = await startDemo(port);
    await waitForOutput(second.demo, /restarted on an earlier run's data, Kustomer's side included/);
    expect(second.demo.output()).not.toContain('was not saved');
    expect((await conversationsIn(second.emulatorUrl)).map((c) => c.id)).toContain(conversation!.id);

    // A Kustomer agent writes on the conversation after the restart: the webhook it was given in the first run and
    // the API key the connection holds both still work, so the note is read back onto the request.
    const note = 'Written in Kustomer after the demo restarted';
    const added = await fetch(`${second.emulatorUrl}/__emulator/orgs/acme/conversations/${conversation!.id}/notes`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ body: note }),
    });
    expect(added.status).toBe(201);
    const login = await fetch(`${app}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'ada@demo.test', password: DEMO_PASSWORD }),
    });
    const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
    const { items } = await json(`${app}/api/v1/requests?escalation=escalated`, { headers: { cookie } });
    expect(items).toHaveLength(1);
    await until(async () => {
      const timeline = JSON.stringify(await json(`${app}/api/v1/requests/${items[0].id}/timeline`, { headers: { cookie } }));
      return timeline.includes(note) ? true : undefined;
    }, "Kustomer's note on the request");

    expect(await stop(second.demo)).toBe(0);
  }, 180_000);
});
