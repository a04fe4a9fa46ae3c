/**
 * Reads a JSON request body and checks it against a wire schema (docs/kustomer.md §7: plain JSON in). JSON content types only
 * (`application/json`, and `application/json-patch+json` that the spec names for PATCH, docs/kustomer.md §7). Bodies over 100 KB
 * get 413 (docs/kustomer.md §14). Every schema problem becomes one error item pointing at the field.
 */
import type { z } from 'zod';
import type { ApiContext } from './api-env.ts';
import { KustomerError, TITLES, kustomerError, type ErrorItem } from './kustomer-error.ts';

export const MAX_BODY_BYTES = 100 * 1024;

export function readJsonBody<S extends z.ZodType>(c: ApiContext, schema: S): z.infer<S> {
  const type = c.req.header('content-type') ?? '';
  if (!/^application\/([\w.-]+\+)?json(-patch\+json)?\s*(;|$)/i.test(type)) {
    throw kustomerError(400, `Content-Type must be application/json, got "${type || 'none'}"`);
  }
  const text = c.env.bodyText;
  if (Buffer.byteLength(text) > MAX_BODY_BYTES) throw kustomerError(413, `request body is over ${MAX_BODY_BYTES} bytes`);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw kustomerError(400, 'request body is not valid JSON');
  }
  const parsed = schema.safeParse(json);
  if (parsed.success) return parsed.data;
  const items: ErrorItem[] = parsed.error.issues.slice(0, 10).map((issue) => ({
    code: 'bad_request',
    title: TITLES[400]!,
    detail: issue.path.length ? `${issue.path.join('.')}: ${issue.message}` : issue.message,
    source: { pointer: `/${issue.path.join('/')}` },
  }));
  throw new KustomerError(400, 'bad_request', items[0]?.detail ?? 'invalid body', { items });
}
