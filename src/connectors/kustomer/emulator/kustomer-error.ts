/**
 * Kustomer's error replies (docs/kustomer.md §14). One error class carries status, code and texts; `errorBody` renders it in the org's
 * shape: `jsonapi` (the default) or `simple` ({errors:[{code,message}]}, the older docs' form, kept so the client is
 * tested on both).
 *
 * The `jsonapi` form follows recorded real replies (nebulab/solidus_kustomer spec/fixtures/vcr_cassettes/
 * find_failure.yml, find_by_email_failure.yml, create_failure.yml; confirmed by recordings): `status` is a NUMBER,
 * there is no `meta`, a 404 is `{status:404, code:"notfound", title:"Not Found", source:{parameter}}` with no
 * `detail`, and a 400 is `{status:400, code:"badparam", title:<what is wrong>, source:{parameter|pointer}}` (the
 * recorded detail is a JSON-schema path, of no use to a person, so the emulator leaves it out).
 * Codes for other statuses have no recording: ours (`unauthorized`, `forbidden`, `conflict`, ...) are assumed, and
 * for those statuses the title is the generic one and the message goes in `detail` (assumed).
 */
import type { ErrorShape } from './records.ts';

export interface ErrorSource {
  pointer?: string;
  parameter?: string;
}

export interface ErrorItem {
  code: string;
  title: string;
  detail?: string;
  source?: ErrorSource;
}

export class KustomerError extends Error {
  readonly status: number;
  readonly items: ErrorItem[];
  /** Extra reply headers, e.g. the rate-limit headers of a 429. */
  readonly headers: Record<string, string>;

  constructor(
    status: number,
    code: string,
    message: string,
    extra: { title?: string; source?: ErrorSource; items?: ErrorItem[]; headers?: Record<string, string> } = {},
  ) {
    super(message);
    this.status = status;
    this.headers = extra.headers ?? {};
    this.items = extra.items ?? [itemFor(status, code, message, extra.title, extra.source)];
  }
}

/**
 * Where the message goes: the title of a 400 (recorded), or its detail when the title is given (the recorded
 * unknown-attribute reply: title "Additional properties not allowed", detail a schema path); nowhere on a 404
 * (recorded); else `detail` (assumed).
 */
function itemFor(status: number, code: string, message: string, title: string | undefined, source: ErrorSource | undefined): ErrorItem {
  const where = source ? { source } : {};
  if (status === 400) return title && title !== message ? { code, title, detail: message, ...where } : { code, title: message, ...where };
  if (status === 404) return { code, title: title ?? TITLES[404]!, ...where };
  return { code, title: title ?? TITLES[status] ?? 'Error', detail: message, ...where };
}

export const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  409: 'Conflict',
  413: 'Payload Too Large',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
};

/** `badparam` and `notfound` are recorded; the others are assumed. */
export const CODES: Record<number, string> = {
  400: 'badparam',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'notfound',
  409: 'conflict',
  413: 'payload_too_large',
  429: 'too_many_requests',
  500: 'internal_error',
  502: 'bad_gateway',
  503: 'service_unavailable',
};

export function errorBody(shape: ErrorShape, status: number, items: ErrorItem[]): unknown {
  if (shape === 'simple') return { errors: items.map((i) => ({ code: i.code, message: i.detail ?? i.title, meta: {} })) };
  return {
    errors: items.map((i) => ({
      status,
      ...(i.source ? { source: i.source } : {}),
      code: i.code,
      title: i.title,
      ...(i.detail !== undefined ? { detail: i.detail } : {}),
    })),
  };
}

export function errorResponse(shape: ErrorShape, err: KustomerError): Response {
  return new Response(JSON.stringify(errorBody(shape, err.status, err.items)), {
    status: err.status,
    headers: { 'content-type': 'application/json; charset=utf-8', ...err.headers },
  });
}

/** The common case: status → default code and title. */
export const kustomerError = (status: number, message: string, source?: ErrorSource, headers?: Record<string, string>) =>
  new KustomerError(status, CODES[status] ?? 'error', message, { source, headers });
