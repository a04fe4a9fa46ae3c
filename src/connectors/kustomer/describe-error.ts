/**
 * Turns a Kustomer error body into one line a person can read, whichever of its shapes arrives:
 * - recorded real replies (nebulab/solidus_kustomer spec/fixtures/vcr_cassettes/*.yml; confirmed):
 *   `{errors:[{status:404, code:"notfound", title:"Not Found", source:{parameter:"email"}}]}` and
 *   `{errors:[{status:400, code:"badparam", title:"Additional properties not allowed",
 *   detail:"/properties/custom/additionalProperties", source:{parameter:"notAnActualAttribute"}}]}`;
 * - the docs' JSON:API form with a string `status` and a sentence in `detail` (documented only);
 * - the older `{errors:[{code, message}]}` (documented only);
 * - `meta.subErrors[].{title, source.pointer}` as PipedreamHQ/pipedream components/kustomer/common/utils.mjs reads
 *   them (third-party code).
 * `detail` is often absent, and when it is a JSON-schema path it says nothing to a person, so it is left out then.
 */
import { z } from 'zod';
import * as W from './wire.ts';

type ErrorItem = W.ErrorBody['errors'][number];

const SubErrors = z.array(z.looseObject({ title: z.string().optional(), detail: z.string().optional(), source: z.record(z.string(), z.unknown()).optional() }));

/** A JSON pointer or schema path ("/properties/custom/additionalProperties"): no words for a person. */
const isPath = (s: string) => /^\/\S*$/.test(s);

/** "/attributes/custom/fooStr" → "attributes.custom.fooStr"; a parameter name as it is. */
function culprit(source: Record<string, unknown> | undefined): string | undefined {
  const parameter = typeof source?.parameter === 'string' ? source.parameter : undefined;
  const pointer = typeof source?.pointer === 'string' ? source.pointer : undefined;
  const named = parameter || pointer?.replace(/^\//, '').replaceAll('/', '.');
  return named || undefined;
}

function describeItem(e: ErrorItem): string | undefined {
  const sub = SubErrors.safeParse(e.meta?.subErrors);
  const first = sub.success ? sub.data[0] : undefined;
  const words = (s: string | undefined) => (s && s.trim() && !isPath(s.trim()) ? s.trim() : undefined);
  const title = words(e.title) ?? words(first?.title);
  const detail = words(e.detail) ?? words(e.message) ?? words(first?.detail);
  const text = title && detail && title !== detail && !detail.startsWith(title) ? `${title}: ${detail}` : (detail ?? title);
  const where = culprit(e.source) ?? culprit(first?.source);
  if (!text) return where;
  return where && !text.includes(where) ? `${text} (${where})` : text;
}

export function describeKustomerError(body: unknown): { message?: string; code?: string } {
  const parsed = W.ErrorBody.safeParse(body);
  if (!parsed.success || !parsed.data.errors.length) return {};
  const messages = [...new Set(parsed.data.errors.map(describeItem).filter((m): m is string => Boolean(m)))];
  const shown = messages.slice(0, 3).join('; ') + (messages.length > 3 ? ` (and ${messages.length - 3} more)` : '');
  return { ...(shown ? { message: shown } : {}), ...(parsed.data.errors[0]!.code ? { code: parsed.data.errors[0]!.code } : {}) };
}
