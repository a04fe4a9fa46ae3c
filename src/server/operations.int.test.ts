import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../logger.ts';
import { createTestApp } from '../../test/support/test-app.ts';

const t = await createTestApp();

describe('operations endpoints', () => {
  it('answers /healthz and /readyz when the database is up and migrated', async () => {
    expect((await t.api(null, 'GET', '/healthz')).body).toEqual({ status: 'ok' });
    expect((await t.api(null, 'GET', '/readyz')).body).toEqual({ status: 'ready' });
  });

  it('exposes Prometheus metrics labelled by route pattern, not raw path', async () => {
    const agent = await t.createUser('agent');
    await t.api(agent, 'GET', '/api/v1/requests/REQ-999999');
    const text = await (await t.raw('/metrics')).text();
    expect(text).toContain('bridgedesk_http_requests_total');
    expect(text).toContain('route="/api/v1/requests/:ref"');
    expect(text).not.toContain('REQ-999999');
  });

  it('publishes an OpenAPI 3.1 document with every route and a readable docs page', async () => {
    const doc = (await t.api(null, 'GET', '/api/openapi.json')).body;
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(['/api/v1/requests', '/api/v1/requests/{ref}', '/api/v1/requests/{id}/timeline', '/api/v1/auth/login']),
    );
    expect(Object.keys(doc.components.schemas)).toEqual(expect.arrayContaining(['Error', 'User', 'Inbox', 'Service', 'CustomField']));
    expect(doc.paths['/api/v1/custom-fields'].post.security).toBeDefined();
    const page = await t.raw('/api/docs');
    expect(page.headers.get('content-type')).toContain('text/html');
  });
});

describe('logs', () => {
  it('redact passwords, tokens, cookies and authorization headers', () => {
    let out = '';
    const sink = new Writable({
      write(chunk, _enc, done) {
        out += chunk;
        done();
      },
    });
    const log = createLogger('info', sink);
    log.info(
      { password: 'hunter2hunter2', req: { headers: { authorization: 'Bearer bdk_secret', cookie: 'bridgedesk_session=abc' } }, body: { token: 'tok-123' } },
      'x',
    );
    expect(out).not.toContain('hunter2');
    expect(out).not.toContain('bdk_secret');
    expect(out).not.toContain('abc');
    expect(out).not.toContain('tok-123');
    expect(out).toContain('[redacted]');
  });
});
