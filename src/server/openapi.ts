/** Route-building pieces shared by every routes/ file, so each route validates and documents the same way. */
import { createRoute, OpenAPIHono, type RouteConfig, z } from '@hono/zod-openapi';
import type { Context, MiddlewareHandler } from 'hono';
import { offeredProvider, type ProviderId } from '../connectors/registry.ts';
import { notFound } from '../core/errors.ts';
import { findRequestId } from '../db/repositories/requests.ts';
import { requireAdmin, requireStaff, requireUser } from './auth/guards.ts';
import type { AppEnv } from './context.ts';
import { validationError } from './errors.ts';

/** A router whose validation failures come back in our error shape. */
export function router() {
  return new OpenAPIHono<AppEnv>({
    defaultHook: (result, c) => {
      if (!result.success) return validationError(c, result.error, result.target === 'json' ? 'body' : result.target);
    },
  });
}

export const ErrorSchema = z
  .object({
    error: z.object({ code: z.string(), message: z.string(), details: z.unknown().optional() }),
  })
  .openapi('Error');

const errorContent = { 'application/json': { schema: ErrorSchema } };

/** The error replies a route can give, for the OpenAPI document. */
export function errors(...statuses: (400 | 401 | 403 | 404 | 409 | 413 | 415 | 416 | 422 | 429 | 502)[]) {
  const text: Record<number, string> = {
    400: 'Malformed input',
    401: 'Not signed in',
    403: 'Not allowed for your role',
    404: 'Not found',
    409: 'Conflict',
    413: 'Body too large',
    415: 'The body is not of a type this route accepts',
    416: 'The requested range is past the end',
    422: 'Input breaks a rule',
    429: 'Too many attempts',
    502: 'A system Bridgedesk depends on failed or could not be reached',
  };
  return Object.fromEntries(statuses.map((s) => [s, { description: text[s], content: errorContent }]));
}

type DocumentOperation = { parameters?: { in: string }[]; requestBody?: unknown; responses?: Record<string, unknown> };

/**
 * Adds to every operation of the generated document the refusals the app gives before any handler runs, so each
 * route need not list them: an Authorization header that is malformed or names no live token (401, public routes
 * too); a parameter that fails its schema (400); a body that is not JSON, not UTF-8 (400), not application/json
 * (415) or over the size limit (413). Methods that can carry a body can meet the last two even when the route
 * reads none.
 */
export function withInputErrors<T>(doc: T): T {
  const error = (description: string) => ({ description, content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } });
  const paths = (doc as { paths?: Record<string, Record<string, DocumentOperation>> }).paths ?? {};
  for (const ops of Object.values(paths)) {
    for (const [method, op] of Object.entries(ops)) {
      if (!op?.responses) continue;
      const add: Record<string, ReturnType<typeof error>> = { 401: error('Not signed in, or the Authorization header is invalid') };
      const mayHaveBody = Boolean(op.requestBody) || ['post', 'put', 'patch', 'delete'].includes(method);
      if (mayHaveBody || (op.parameters ?? []).some((p) => p.in === 'path' || p.in === 'query')) add[400] = error('Malformed input');
      if (mayHaveBody) add[413] = error('Body too large');
      if (op.requestBody) add[415] = error('Body is not application/json');
      op.responses = Object.fromEntries(Object.entries({ ...add, ...op.responses }).sort(([a], [b]) => a.localeCompare(b)));
    }
  }
  return doc;
}

export const json = <T extends z.ZodType>(schema: T, description = 'OK') => ({
  description,
  content: { 'application/json': { schema } },
});

/** A list reply: every list answers `{ items: [...] }` (the web reads it with `getItems`). */
export const jsonItems = <T extends z.ZodType>(schema: T) => json(z.object({ items: z.array(schema) }));

/** A required JSON body: a missing or non-JSON body is refused, never silently skipped. */
export const jsonBody = <T extends z.ZodType>(schema: T) => ({
  required: true,
  content: { 'application/json': { schema } },
});

export const IdParam = z.object({ id: z.uuid().openapi({ param: { name: 'id', in: 'path' } }) });

/** The `{provider}` of /integrations/{provider}/...: any text passes the shape; routeProvider checks it against the registry. */
export const ProviderParam = z.object({
  provider: z
    .string()
    .openapi({ param: { name: 'provider', in: 'path' }, description: 'A destination id, as GET /integrations lists them', example: 'kustomer' }),
});

/**
 * The destination a `{provider}` route names when this deployment offers it, else 404 (unknown, or test-only and not
 * turned on). Handlers call it, so the role check has answered first.
 */
export function routeProvider(c: Context<AppEnv>, id = c.req.param('provider') ?? ''): ProviderId {
  const provider = offeredProvider(id, c.var.deps.config);
  if (!provider) throw notFound('Destination');
  return provider;
}

/** The id of the request a `/requests/{id}/...` route names, else 404 (handlers call it, after the role check). */
export async function requestIdOr404(c: Context<AppEnv>, id: string): Promise<string> {
  const found = await findRequestId(c.var.deps.db, { id });
  if (!found) throw notFound('Request');
  return found;
}

export const security: Record<string, string[]>[] = [{ session: [] }, { bearer: [] }];

/**
 * The role a route needs, as route middleware: it runs before body validation, so a caller without the role gets
 * 401/403 and learns nothing about what the route accepts.
 */
export function allow(level: 'user' | 'staff' | 'admin'): MiddlewareHandler<AppEnv> {
  const check = level === 'admin' ? requireAdmin : level === 'staff' ? requireStaff : requireUser;
  return async (c, next) => {
    check(c);
    await next();
  };
}

/**
 * A route for signed-in callers with `access`: documented as needing a session or a token, and checked by `allow`
 * before anything else runs.
 */
export const securedRoute = <const R extends Omit<RouteConfig, 'security' | 'middleware'>>(access: 'user' | 'staff' | 'admin', config: R) =>
  createRoute({ ...config, security, middleware: [allow(access)] as const });
