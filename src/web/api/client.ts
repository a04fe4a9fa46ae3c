/** The fetch client: JSON in and out, the session's CSRF token on every write, and one error type. */

/** `{"error": {"code", "message", "details"?}}` from the API, or a network failure (status 0). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

let csrfToken: string | null = null;

/** Kept in memory only: set from login, setup and the session reply. */
export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

/** For writes made outside `api` (an upload with progress goes through XMLHttpRequest). */
export const currentCsrfToken = (): string | null => csrfToken;

export type Query = Record<string, string | number | boolean | null | undefined>;

export function queryString(query: Query | undefined): string {
  if (!query) return '';
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== null && v !== '') p.set(k, String(v));
  const s = p.toString();
  return s ? `?${s}` : '';
}

export async function api<T>(method: string, path: string, body?: unknown, query?: Query): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && csrfToken) headers['x-csrf-token'] = csrfToken;
  let res: Response;
  try {
    res = await fetch(`/api/v1${path}${queryString(query)}`, {
      method,
      headers,
      credentials: 'same-origin',
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new ApiError(0, 'network', 'Cannot reach Bridgedesk. Check your connection and try again.');
  }
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  let parsed: unknown;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    parsed = null;
  }
  if (!res.ok) {
    const err = (parsed as { error?: { code?: string; message?: string; details?: unknown } } | null)?.error;
    if (res.status === 429) throw new ApiError(429, err?.code ?? 'rate_limited', 'Too many attempts, try again later', err?.details);
    throw new ApiError(res.status, err?.code ?? 'http_error', err?.message ?? `Request failed (${res.status})`, err?.details);
  }
  return parsed as T;
}

export const get = <T>(path: string, query?: Query) => api<T>('GET', path, undefined, query);
/** A list's items: the API answers every list as `{ items: [...] }` (server/openapi.ts `jsonItems`). */
export const getItems = <T>(path: string, query?: Query) => get<{ items: T[] }>(path, query).then((r) => r.items);
export const post = <T>(path: string, body?: unknown) => api<T>('POST', path, body ?? {});
export const patch = <T>(path: string, body: unknown) => api<T>('PATCH', path, body);
export const put = <T>(path: string) => api<T>('PUT', path);
export const del = <T>(path: string) => api<T>('DELETE', path);

/**
 * Per-field messages from an error: validation issues (details.issues[].path), custom field problems
 * (details.fields, keyed `customFields.<key>`), and single-field conflicts (details.field).
 */
export function fieldErrors(err: unknown): Record<string, string> {
  if (!(err instanceof ApiError) || !err.details || typeof err.details !== 'object') return {};
  const d = err.details as { issues?: { path?: string; message?: string }[]; fields?: Record<string, string>; field?: string };
  const out: Record<string, string> = {};
  for (const issue of d.issues ?? []) {
    if (issue.path && issue.message) out[issue.path] ??= issue.message;
  }
  for (const [key, message] of Object.entries(d.fields ?? {})) out[`customFields.${key}`] = message;
  if (typeof d.field === 'string') out[d.field] ??= err.message.replace(new RegExp(`^${d.field}:\\s*`), '');
  return out;
}

export function errorMessage(err: unknown): string {
  if (err instanceof ApiError) return err.message;
  if (err instanceof Error) return err.message;
  return 'Something went wrong';
}
