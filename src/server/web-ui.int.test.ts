/** The built web UI as a browser gets it: precompressed, immutable assets; index.html revalidated with an ETag. */
import fs from 'node:fs';
import path from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { createTestApp } from '../../test/support/test-app.ts';

const webDir = path.resolve(import.meta.dirname, '../../dist/web');
const t = await createTestApp();

/** The scripts index.html loads at once: the entry and the chunks it preloads. */
function firstLoadScripts(html: string): string[] {
  return [...html.matchAll(/<(?:script[^>]+src|link[^>]+rel="modulepreload"[^>]+href)="([^"]+\.js)"/g)].map((m) => m[1]!);
}

describe('web UI assets', () => {
  it('serves index.html with an ETag, no-cache, and 304 on revalidation', async () => {
    const first = await t.raw('/requests');
    expect(first.status).toBe(200);
    expect(first.headers.get('cache-control')).toBe('no-cache');
    const tag = first.headers.get('etag');
    expect(tag).toBeTruthy();
    const again = await t.raw('/requests', { headers: { 'if-none-match': tag! } });
    expect(again.status).toBe(304);
    expect(await again.text()).toBe('');
  });

  it('serves a hashed script brotli- or gzip-compressed as asked, cached for a year', async () => {
    const html = await (await t.raw('/')).text();
    const entry = firstLoadScripts(html)[0]!;
    const original = fs.readFileSync(path.join(webDir, entry));
    const br = await t.raw(entry, { headers: { 'accept-encoding': 'gzip, deflate, br' } });
    expect(br.status).toBe(200);
    expect(br.headers.get('content-encoding')).toBe('br');
    expect(br.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(br.headers.get('vary')).toMatch(/accept-encoding/i);
    expect(brotliDecompressSync(Buffer.from(await br.arrayBuffer())).equals(original)).toBe(true);
    const gz = await t.raw(entry, { headers: { 'accept-encoding': 'gzip' } });
    expect(gz.headers.get('content-encoding')).toBe('gzip');
    expect(gunzipSync(Buffer.from(await gz.arrayBuffer())).equals(original)).toBe(true);
    const plain = await t.raw(entry);
    expect(plain.headers.get('content-encoding')).toBeNull();
    expect(Buffer.from(await plain.arrayBuffer()).equals(original)).toBe(true);
  });

  it('keeps the first page at most 150 KB of compressed JavaScript: admin and workflow code load later', async () => {
    const html = await (await t.raw('/')).text();
    const scripts = firstLoadScripts(html);
    const gzipped = scripts.reduce((sum, s) => sum + fs.statSync(path.join(webDir, `${s}.gz`)).size, 0);
    expect(gzipped).toBeLessThanOrEqual(150 * 1024);
    const all = fs.readdirSync(path.join(webDir, 'assets')).filter((f) => f.endsWith('.js'));
    expect(all.length).toBeGreaterThan(scripts.length);
  });

  it('answers 404 for an asset that does not exist instead of the app page', async () => {
    const r = await t.raw('/assets/index-OLDBUILD.js');
    expect(r.status).toBe(404);
    expect((await r.json()).error.code).toBe('not_found');
  });
});
