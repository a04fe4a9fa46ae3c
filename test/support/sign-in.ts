/** Signing in through the API the way a browser does, for tests of cookie sessions. */
import type { TestApp } from '../support/test-app.ts';

export interface SignIn {
  status: number;
  body: any;
  /** `bridgedesk_session=<id>`, ready for a Cookie header; '' when none was set. */
  cookie: string;
  setCookie: string;
  headers: Headers;
}

export async function signIn(t: TestApp, email: string, password: string, cookie?: string): Promise<SignIn> {
  const res = await t.raw('/api/v1/auth/login', {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(cookie ? { cookie } : {}) },
    body: JSON.stringify({ email, password }),
  });
  const setCookie = res.headers.get('set-cookie') ?? '';
  return { status: res.status, body: await res.json(), cookie: setCookie.split(';')[0]!, setCookie, headers: res.headers };
}

/** Calls the API with a cookie (and optionally a CSRF header); JSON body in, status and parsed body out. */
export async function withCookie(t: TestApp, cookie: string, method: string, path: string, body?: unknown, csrf?: string) {
  const headers: Record<string, string> = { cookie };
  if (csrf !== undefined) headers['x-csrf-token'] = csrf;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await t.raw(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}
