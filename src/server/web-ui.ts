/**
 * Serves the built web UI. Hashed assets go out precompressed (Vite writes .br and .gz copies) and are cached for a
 * year: their names change with their content. index.html is revalidated on every visit and answers 304 when
 * unchanged, so a new build reaches people at once without re-sending the page.
 */
import fs from 'node:fs';
import path from 'node:path';
import { serveStatic } from '@hono/node-server/serve-static';
import type { Hono } from 'hono';
import { etag } from 'hono/etag';
import { errorBody } from './errors.ts';

export const IMMUTABLE = 'public, max-age=31536000, immutable';

export function mountWebUi(app: Hono<any>, webDir: string): void {
  if (!fs.existsSync(webDir)) {
    app.get('*', (c) => c.text('The web UI is not built: run `npm run build:web` (npm start does it for you).', 503));
    return;
  }
  // serveStatic's onFound runs after the response is built, so the cache header is added on the way out.
  app.use('/assets/*', async (c, next) => {
    await next();
    if (c.res.status === 200 || c.res.status === 206) c.res.headers.set('Cache-Control', IMMUTABLE);
  });
  app.use('/assets/*', serveStatic({ root: path.relative(process.cwd(), webDir), precompressed: true }));
  // A missing asset (an old build's name) is a 404, not the app's HTML under a .js name.
  app.get('/assets/*', (c) => c.json(errorBody('not_found', `No asset ${c.req.path}`), 404));
  app.get('*', etag(), (c) => {
    c.header('Cache-Control', 'no-cache');
    return c.html(fs.readFileSync(path.join(webDir, 'index.html'), 'utf8'));
  });
}
