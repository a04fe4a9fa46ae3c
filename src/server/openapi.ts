/** Route-building pieces shared by every routes/ file, so each route validates and documents the same way. */
import { OpenAPIHono, z } from '@hono/zod-openapi';
import type { MiddlewareHandler } from 'hono';
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
export function errors(...statuses: (400 | 401 | 403 | 404 | 409 | 413 | 422 | 429 | 502)[]) {
  const text: Record<number, string> = {
    400: 'Malformed input',
    401: 'Not signed in',
    403: 'Not allowed for your role',
    404: 'Not found',
    409: 'Conflict',
    413: 'Body too large',
    422: 'Input breaks a rule',
    429: 'Too many attempts',
    502: 'A system Bridgedesk depends on failed or could not be reached',
  };
  return Object.fromEntries(statuses.map((s) => [s, { description: text[s], content: errorContent }]));
}

export const json = <T extends z.ZodType>(schema: T, description = 'OK') => ({
  description,
  content: { 'application/json': { schema } },
});

/** A required JSON body: a missing or non-JSON body is refused, never silently skipped. */
export const jsonBody = <T extends z.ZodType>(schema: T) => ({
  required: true,
  content: { 'application/json': { schema } },
});

export const IdParam = z.object({ id: z.uuid().openapi({ param: { name: 'id', in: 'path' } }) });

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
