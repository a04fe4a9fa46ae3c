/** Builds the HTTP app: API under /api/v1, operations endpoints, OpenAPI, and the built web UI. */
import { isUtf8 } from 'node:buffer';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { OpenAPIHono } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { sql } from 'kysely';
import { AppError } from '../core/errors.ts';
import { createChangeFeed, type ChangeFeed } from '../db/change-feed.ts';
import { connectionStringOf } from '../db/database.ts';
import { migrationsComplete } from '../db/migrate.ts';
import { authenticate } from './auth/authenticate.ts';
import type { AppDeps, AppEnv } from './context.ts';
import { destinationDeps } from '../usecases/destination-access.ts';
import { docsPage } from './docs-page.ts';
import { errorBody, handleError } from './errors.ts';
import { httpMetrics, metricsText } from './metrics.ts';
import { withInputErrors } from './openapi.ts';
import { apiRoutes } from './routes/index.ts';
import { UPLOAD_PATH } from './routes/attachments.ts';
import { mountWebUi } from './web-ui.ts';
import { createFileStorages, type FileStorages } from '../storage/file-storage.ts';

const webDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../dist/web');

/**
 * What a caller must give; destination access defaults from configuration (see destinationDeps), and the change
 * feed to one of the database's URL (give your own to stop it with the process).
 */
export type AppInput = Omit<AppDeps, 'secrets' | 'transports' | 'changes' | 'storage'> &
  Partial<Parameters<typeof destinationDeps>[1]> & { changes?: ChangeFeed; storage?: FileStorages };

export function createApp(input: AppInput) {
  const changes = input.changes ?? createChangeFeed({ connectionString: connectionStringOf(input.db), log: input.log });
  const storage = input.storage ?? createFileStorages(input.config, connectionStringOf(input.db) ?? '');
  const deps: AppDeps = { ...input, ...destinationDeps(input.config, input), changes, storage };
  const app = new OpenAPIHono<AppEnv>();
  app.onError(handleError);
  app.notFound((c) => c.json(errorBody('not_found', `No route for ${c.req.method} ${c.req.path}`), 404));
  app.use('*', async (c, next) => {
    c.set('deps', deps);
    await next();
  });
  app.use('*', httpMetrics);

  app.get('/healthz', (c) => c.json({ status: 'ok' }));
  app.get('/readyz', async (c) => {
    const ok = await sql`select 1`.execute(deps.db).then(
      () => migrationsComplete(deps.db),
      () => false,
    );
    return ok ? c.json({ status: 'ready' }) : c.json(errorBody('not_ready', 'Database unreachable or migrations pending'), 503);
  });
  app.get('/metrics', async (c) => c.text(await metricsText(), 200, { 'content-type': 'text/plain; version=0.0.4' }));

  const maxBody = deps.config.maxBodyBytes;
  const tooLarge = () => {
    throw new AppError('payload_too_large', `Request body is larger than ${maxBody} bytes`);
  };
  const streamedLimit = bodyLimit({ maxSize: maxBody, onError: tooLarge });
  // Body checks go by method and headers, never by asking for `raw.body`: on the Node server that getter builds a
  // whole web Request. A declared length is checked here; only a chunked body goes through bodyLimit, which counts it
  // as it streams.
  const bodyless = (c: Context) => c.req.method === 'GET' || c.req.method === 'HEAD';
  // A file upload is raw bytes with limits of its own, counted as it streams (routes/attachments.ts).
  const upload = (c: Context) => c.req.method === 'POST' && c.req.path === UPLOAD_PATH;
  app.use('/api/*', async (c, next) => {
    if (bodyless(c) || upload(c)) return next();
    const length = c.req.header('content-length');
    if (length === undefined || c.req.header('transfer-encoding') !== undefined) return streamedLimit(c, next);
    if (Number(length) > maxBody) tooLarge();
    return next();
  });
  app.use('/api/v1/*', authenticate);
  // JSON is UTF-8 (RFC 8259): a body that is not is refused, never read with replacement characters.
  app.use('/api/v1/*', async (c, next) => {
    if (!bodyless(c) && !upload(c) && !isUtf8(await c.req.arrayBuffer())) throw new AppError('bad_request', 'Request body is not valid UTF-8');
    await next();
  });
  app.route('/api/v1', apiRoutes);

  app.openAPIRegistry.registerComponent('securitySchemes', 'session', { type: 'apiKey', in: 'cookie', name: 'bridgedesk_session' });
  app.openAPIRegistry.registerComponent('securitySchemes', 'bearer', { type: 'http', scheme: 'bearer' });
  const openApiConfig = {
    openapi: '3.1.0',
    info: {
      title: 'Bridgedesk API',
      version: '1',
      description:
        'Service desk API. Authenticate with a session cookie (browser; send the X-CSRF-Token header on writes) ' +
        'or `Authorization: Bearer <API token>`. Every error is `{"error": {"code", "message", "details"?}}`.',
    },
  };
  app.get('/api/openapi.json', (c) => c.json(withInputErrors(app.getOpenAPI31Document(openApiConfig))));
  app.get('/api/docs', (c) => c.html(docsPage()));
  app.all('/api/*', (c) => c.json(errorBody('not_found', `No route for ${c.req.method} ${c.req.path}`), 404));

  mountWebUi(app, webDir);
  return app;
}

export type App = ReturnType<typeof createApp>;
