import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { nodeFetch } from './node-fetch.ts';

const server = http.createServer((req, res) => {
  let body = '';
  req.on('data', (c: Buffer) => (body += c.toString()));
  req.on('end', () => {
    if (req.url === '/echo') {
      res.writeHead(201, { 'content-type': 'application/json', 'x-ratelimit-remaining': '41' });
      return res.end(JSON.stringify({ method: req.method, auth: req.headers.authorization, body }));
    }
    if (req.url === '/redirect') return res.writeHead(302, { location: 'http://169.254.169.254/' }).end();
    if (req.url === '/slow') return setTimeout(() => res.end('late'), 2_000);
    if (req.url === '/cut') {
      res.writeHead(200, { 'content-length': '1000' });
      res.write('partial');
      return setTimeout(() => res.destroy(), 20);
    }
    res.writeHead(404).end();
  });
});
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
afterAll(() => {
  server.closeAllConnections();
  server.close();
});

const call = (path: string, timeoutMs = 5_000) =>
  nodeFetch(new URL(path, base), { method: 'POST', headers: { authorization: 'Bearer k' }, body: '{"a":"é"}', signal: AbortSignal.timeout(timeoutMs) });

describe('nodeFetch', () => {
  it('sends the method, headers and body, and returns the status, headers and text', async () => {
    const res = await call('/echo');
    expect(res.status).toBe(201);
    expect(res.headers.get('x-ratelimit-remaining')).toBe('41');
    expect(JSON.parse(await res.text())).toEqual({ method: 'POST', auth: 'Bearer k', body: '{"a":"é"}' });
  });

  it('reuses one connection for calls one after another', async () => {
    const sockets = new Set<unknown>();
    const onConnection = (s: unknown) => sockets.add(s);
    server.on('connection', onConnection);
    for (let i = 0; i < 5; i++) await call('/echo');
    server.off('connection', onConnection);
    expect(sockets.size).toBeLessThanOrEqual(1);
  });

  it('fails on a redirect instead of following it', async () => {
    await expect(call('/redirect')).rejects.toThrow(/redirect/);
  });

  it('fails with the timeout as fetch does (a TimeoutError) when no reply comes in time', async () => {
    await expect(call('/slow', 100)).rejects.toMatchObject({ name: 'TimeoutError' });
  });

  it('fails when the connection drops before the whole reply arrived', async () => {
    await expect(call('/cut')).rejects.toThrow();
  });
});
