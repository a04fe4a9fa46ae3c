import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const bin = path.resolve('bin/bridgedesk.js');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'bridgedesk-cli-'));
fs.chmodSync(tmp, 0o755);
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

interface Running {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

function launch(args: string[], env: Record<string, string>): Running {
  const child = spawn(process.execPath, [bin, ...args], { env: { PATH: process.env.PATH!, HOME: process.env.HOME ?? tmp, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, output: () => out, exited };
}

/** Waits until the log shows the server is up, and returns the port it listens on. */
async function waitForListening(r: Running): Promise<number> {
  for (;;) {
    const m = /"port":(\d+)[^\n]*Bridgedesk is running/.exec(r.output());
    if (m) return Number(m[1]);
    const code = await Promise.race([r.exited, new Promise((res) => setTimeout(() => res('wait'), 50))]);
    if (code !== 'wait') throw new Error(`exited with ${code}: ${r.output()}`);
  }
}

describe('bridgedesk start', () => {
  it('runs on embedded Postgres, creates the env admin, stops cleanly on Ctrl-C and reuses the data on the next start', async () => {
    const dataDir = path.join(tmp, 'data');
    const env = { PORT: '0', BRIDGEDESK_DATA_DIR: dataDir, BRIDGEDESK_ADMIN_EMAIL: 'root@example.com', BRIDGEDESK_ADMIN_PASSWORD: 'a long password' };
    const first = launch(['start'], env);
    const port = await waitForListening(first);
    expect((await fetch(`http://127.0.0.1:${port}/readyz`)).status).toBe(200);
    const login = await fetch(`http://127.0.0.1:${port}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'root@example.com', password: 'a long password' }),
    });
    expect(login.status).toBe(200);
    expect(first.output()).toContain('worker running');
    expect(first.output()).not.toContain('a long password');
    first.child.kill('SIGINT');
    expect(await first.exited).toBe(0);
    expect(fs.existsSync(path.join(dataDir, 'postgres', 'postmaster.pid'))).toBe(false);

    const second = launch(['start'], { PORT: '0', BRIDGEDESK_DATA_DIR: dataDir });
    const port2 = await waitForListening(second);
    const setup = await (await fetch(`http://127.0.0.1:${port2}/api/v1/setup`)).json();
    expect(setup).toEqual({ needsAdmin: false });
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
  });

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
    second.child.kill('SIGINT');
    expect(await second.exited).toBe(0);
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
    const r = launch(['server'], { DATABASE_URL: 'postgres://nobody:secretpw@127.0.0.1:1/none' });
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
