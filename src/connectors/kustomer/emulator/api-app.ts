/**
 * The emulated Kustomer REST API as a Hono app: authenticate → rate limit → route. Every error, including unknown
 * paths, is rendered in the key's org's error shape (docs/kustomer.md §14). Faults, slow and lost replies are applied around this
 * app by the pipeline in create-emulator.ts.
 */
import { Hono } from 'hono';
import type { ApiEnv } from './api-env.ts';
import { authenticate } from './authenticate.ts';
import type { EmulatorDeps } from './emulator-deps.ts';
import { errorResponse, KustomerError, kustomerError } from './kustomer-error.ts';
import type { RateLimiter } from './rate-limit.ts';
import { rateLimit } from './rate-limit-middleware.ts';
import { registerAttachmentRoutes } from './routes/attachment-routes.ts';
import { registerConversationRoutes } from './routes/conversation-routes.ts';
import { registerCustomerRoutes } from './routes/customer-routes.ts';
import { registerDirectoryRoutes } from './routes/directory-routes.ts';
import { registerMetadataRoutes } from './routes/metadata-routes.ts';
import { registerSearchRoutes } from './routes/search-routes.ts';
import { registerTagRoutes } from './routes/tag-routes.ts';
import { registerTimelineRoutes } from './routes/timeline-routes.ts';
import { registerWebhookRoutes } from './routes/webhook-routes.ts';

export function createApiApp(deps: EmulatorDeps & { limiter: RateLimiter }): Hono<ApiEnv> {
  const app = new Hono<ApiEnv>();

  app.onError((err, c) => {
    const shape = (c.var.auth?.org ?? c.env.keyOrg)?.settings.errorShape ?? 'jsonapi';
    if (err instanceof KustomerError) return errorResponse(shape, err);
    return errorResponse(shape, kustomerError(500, `emulator error: ${err.message}`));
  });
  app.notFound((c) => errorResponse(c.var.auth?.org.settings.errorShape ?? 'jsonapi', kustomerError(404, `no route ${c.req.method} ${c.req.path}`)));

  app.use('*', authenticate(deps));
  app.use('*', rateLimit({ limiter: deps.limiter, now: deps.now }));

  registerDirectoryRoutes(app, deps);
  registerSearchRoutes(app, deps);
  registerCustomerRoutes(app, deps);
  registerConversationRoutes(app, deps);
  registerTimelineRoutes(app, deps);
  registerMetadataRoutes(app, deps);
  registerTagRoutes(app, deps);
  registerWebhookRoutes(app, deps);
  registerAttachmentRoutes(app, deps);
  return app;
}
