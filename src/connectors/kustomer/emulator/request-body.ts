/**
 * Reads a JSON request body and checks it against a wire schema (docs/kustomer.md §7: plain JSON in). JSON content types only
 * (`application/json`, and `application/json-patch+json` that the spec names for PATCH, docs/kustomer.md §7). Bodies over 100 KB
 * get 413 (docs/kustomer.md §14). Every schema problem becomes one error item pointing at the field.
 */
import type { z } from 'zod';
import type { ApiContext } from './api-env.ts';
import { CODES, KustomerError, kustomerError, type ErrorItem } from './kustomer-error.ts';

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
  // As recorded (solidus_kustomer create_failure.yml): code `badparam`, the problem as the title, the culprit in
  // `source`; an unknown key is "Additional properties not allowed" pointing at that key.
  const items: ErrorItem[] = parsed.error.issues.slice(0, 10).map((issue) => {
    const unknown = issue.code === 'unrecognized_keys' ? issue.keys[0] : undefined;
    const path = unknown === undefined ? issue.path : [...issue.path, unknown];
    return { code: CODES[400]!, title: unknown === undefined ? issue.message : 'Additional properties not allowed', source: { pointer: `/${path.join('/')}` } };
  });
  throw new KustomerError(400, CODES[400]!, items[0]?.title ?? 'invalid body', { items });
}
