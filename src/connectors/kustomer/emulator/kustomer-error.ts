/**
 * Kustomer's error replies (docs/kustomer.md §14). One error class carries status, code and texts; `errorBody` renders it in the
 * org's shape: `jsonapi` (shape 2, the default) or `simple` (shape 1). Code strings other than `bad_request` are
 * not documented and are our guesses.
 */
import type { ErrorShape } from './records.ts';

export interface ErrorSource {
  pointer?: string;
  parameter?: string;
}

export interface ErrorItem {
  code: string;
  title: string;
  detail: string;
  source?: ErrorSource;
}

export class KustomerError extends Error {
  readonly status: number;
  readonly items: ErrorItem[];
  /** Extra reply headers, e.g. the rate-limit headers of a 429. */
  readonly headers: Record<string, string>;

  constructor(status: number, code: string, detail: string, extra: { title?: string; source?: ErrorSource; items?: ErrorItem[]; headers?: Record<string, string> } = {}) {
    super(detail);
    this.status = status;
    this.headers = extra.headers ?? {};
    this.items = extra.items ?? [{ code, title: extra.title ?? TITLES[status] ?? 'Error', detail, ...(extra.source ? { source: extra.source } : {}) }];
  }
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

export const CODES: Record<number, string> = {
  400: 'bad_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  409: 'conflict',
  413: 'payload_too_large',
  429: 'too_many_requests',
  500: 'internal_error',
  502: 'bad_gateway',
  503: 'service_unavailable',
};

export function errorBody(shape: ErrorShape, status: number, items: ErrorItem[]): unknown {
  if (shape === 'simple') return { errors: items.map((i) => ({ code: i.code, message: i.detail, meta: {} })) };
  return { errors: items.map((i) => ({ status: String(status), code: i.code, title: i.title, detail: i.detail, ...(i.source ? { source: i.source } : {}), meta: {} })) };
}

export function errorResponse(shape: ErrorShape, err: KustomerError): Response {
  return new Response(JSON.stringify(errorBody(shape, err.status, err.items)), {
    status: err.status,
    headers: { 'content-type': 'application/json; charset=utf-8', ...err.headers },
  });
}

/** The common case: status → default code and title. */
export const kustomerError = (status: number, detail: string, source?: ErrorSource, headers?: Record<string, string>) =>
  new KustomerError(status, CODES[status] ?? 'error', detail, { source, headers });
