import { afterEach, describe, expect, it } from 'vitest';
import { seedDemoOrg } from './seed-demo-org.ts';
import { serveEmulator, type ServedEmulator } from './serve-emulator.ts';

describe('serveEmulator over real HTTP', () => {
  let served: ServedEmulator | undefined;
  afterEach(async () => {
    await served?.close();
    served = undefined;
  });

  it('serves the API and the controls on a local port', async () => {
    served = await serveEmulator({ port: 0 });
    expect(served.url).toBe(`http://127.0.0.1:${served.port}`);
    const seeded = await (
      await fetch(`${served.url}/__emulator/seed-demo`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'acme' }),
      })
    ).json();
    const headers = { authorization: `Bearer ${seeded.apiKey}`, 'content-type': 'application/json' };
    const token = await fetch(`${served.url}/v1/auth/tokens/current`, { headers });
    expect(token.status).toBe(200);
    expect(token.headers.get('x-ratelimit-limit')).toBe('1000');
    const customer = await fetch(`${served.url}/v1/customers`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ name: 'Jane', emails: [{ type: 'work', email: 'jane@example.com' }] }),
    });
    expect(customer.status).toBe(201);
    const lookup = await fetch(`${served.url}/v1/customers/email=${encodeURIComponent('jane@example.com')}`, { headers });
    expect((await lookup.json()).data.id).toBe((await customer.json()).data.id);
  });

  it('drops the connection of a lost reply after committing the write', async () => {
    served = await serveEmulator({ port: 0 });
    const demo = seedDemoOrg(served.control, { name: 'acme' });
    const headers = { authorization: `Bearer ${demo.apiKey}`, 'content-type': 'application/json' };
    served.control.injectFault({ kind: 'lost_reply', reply: 'close', method: 'POST' });
    await expect(fetch(`${served.url}/v1/customers`, { method: 'POST', headers, body: JSON.stringify({ externalId: 'crm-1' }) })).rejects.toThrow(
      /fetch failed/,
    );
    const found = await fetch(`${served.url}/v1/customers/externalId=crm-1`, { headers });
    expect(found.status).toBe(200);
  });

  it('lets a client time out on a slow reply', async () => {
    served = await serveEmulator({ port: 0 });
    const demo = seedDemoOrg(served.control, { name: 'acme' });
    served.control.injectFault({ kind: 'slow', delayMs: 5_000 });
    await expect(
      fetch(`${served.url}/v1/teams`, { headers: { authorization: `Bearer ${demo.apiKey}` }, signal: AbortSignal.timeout(50) }),
    ).rejects.toMatchObject({ name: 'TimeoutError' });
  });
});
