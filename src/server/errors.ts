/** The one error shape every reply uses: {"error": {"code", "message", "details"?}}, and the code → status table. */
import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { ZodError } from 'zod';
import { AppError, type ErrorCode } from '../core/errors.ts';
import type { AppEnv } from './context.ts';

const STATUS: Record<ErrorCode, ContentfulStatusCode> = {
  bad_request: 400,
  validation_failed: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  payload_too_large: 413,
  unprocessable: 422,
  unsupported_media_type: 415,
  range_not_satisfiable: 416,
  rate_limited: 429,
  upstream_unavailable: 502,
};

export const errorBody = (code: string, message: string, details?: unknown) => ({
  error: details === undefined ? { code, message } : { code, message, details },
});

export function errorResponse(c: Context, err: AppError) {
  return c.json(errorBody(err.code, err.message, err.details), STATUS[err.code]);
}

/** Turns zod issues into a list a client can show next to each field. */
const validationDetails = (error: ZodError) => ({ issues: error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })) });

export function validationError(c: Context, error: ZodError, where: string) {
  const first = error.issues[0];
  const message = first ? `Invalid ${where}: ${first.path.length ? `${first.path.join('.')}: ` : ''}${first.message}` : `Invalid ${where}`;
  return c.json(errorBody('validation_failed', message, validationDetails(error)), 400);
}

/** Last resort: known errors keep their status; anything else is logged and answered without internals. */
export function handleError(err: Error, c: Context<AppEnv>) {
  if (err instanceof AppError) return errorResponse(c, err);
  if (err instanceof HTTPException) {
    const status = err.status;
    if (status === 413) return c.json(errorBody('payload_too_large', 'Request body is too large'), 413);
    if (status === 415) return c.json(errorBody('unsupported_media_type', 'Request body must be sent as application/json'), 415);
    const message = /json/i.test(err.message) ? 'Request body is not valid JSON' : err.message || 'Bad request';
    return c.json(errorBody(status === 401 ? 'unauthenticated' : 'bad_request', message), status as ContentfulStatusCode);
  }
  const pgCode = (err as { code?: string }).code;
  // Invalid text in a uuid/int column, a value out of range, or a NUL character in text (22021) or jsonb (22P05):
  // the client's input, not our bug.
  if (pgCode === '22P02' || pgCode === '22003' || pgCode === '22021' || pgCode === '22P05' || pgCode === '22001') {
    return c.json(errorBody('bad_request', 'A value in the request is malformed'), 400);
  }
  if (pgCode === '23505') return c.json(errorBody('conflict', 'That already exists'), 409);
  if (pgCode === '23503') return c.json(errorBody('unprocessable', 'A referenced record does not exist'), 422);
  c.var.deps?.log.error({ err }, 'unhandled error');
  return c.json(errorBody('internal', 'Something went wrong on our side; it has been logged'), 500);
}
