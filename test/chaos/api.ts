/**
 * The chaos run's API client: plain HTTP to the `bridgedesk server` process with a personal API token, as a script
 * would. A failure that may have committed (a 5xx or a dropped connection, e.g. while Postgres restarts) is never
 * simply retried: the caller first checks whether the first try took effect (`landed`), so the load itself never
 * doubles anything.
 */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: string,
    what: string,
  ) {
    super(`${what}: HTTP ${status}: ${body.slice(0, 300)}`);
  }
}

export interface ApiStats {
  calls: number;
  /** Attempts that failed with a 5xx or a network error and were retried. */
  transientFailures: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function apiClient(baseUrl: string, stats: ApiStats, opts: { giveUpAfterMs: number }) {
  /** A Uint8Array body goes as raw bytes (an upload), anything else as JSON. */
  async function once(method: string, path: string, token: string, body?: unknown): Promise<{ status: number; text: string }> {
    stats.calls += 1;
    const raw = body instanceof Uint8Array;
    const res = await fetch(`${baseUrl}/api/v1${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': raw ? 'application/octet-stream' : 'application/json' }) },
      body: body === undefined ? undefined : raw ? (body as BodyInit) : JSON.stringify(body),
      signal: AbortSignal.timeout(30_000),
    });
    return { status: res.status, text: await res.text() };
  }

  /**
   * Calls until a non-5xx answer. Before each retry, `landed()` (if given) says whether the failed try took effect
   * after all; if it returns a value, that value is the answer.
   */
  async function call<T>(
    method: string,
    path: string,
    token: string,
    body?: unknown,
    landed?: () => Promise<T | undefined>,
  ): Promise<{ status: number; json: T }> {
    const start = Date.now();
    for (let attempt = 0; ; attempt++) {
      let failure: string;
      try {
        const r = await once(method, path, token, body);
        if (r.status < 500) return { status: r.status, json: (r.text ? JSON.parse(r.text) : null) as T };
        failure = `HTTP ${r.status}: ${r.text.slice(0, 200)}`;
      } catch (err) {
        failure = (err as Error).message;
      }
      stats.transientFailures += 1;
      if (Date.now() - start > opts.giveUpAfterMs)
        throw new Error(`${method} ${path}: still failing after ${Math.round((Date.now() - start) / 1000)} s: ${failure}`);
      await sleep(Math.min(2_000, 100 * 2 ** attempt));
      if (landed) {
        const found = await landed().catch(() => undefined);
        if (found !== undefined) return { status: 200, json: found };
      }
    }
  }

  /** `call`, and anything but a 2xx is an error. */
  async function ok<T>(method: string, path: string, token: string, body?: unknown, landed?: () => Promise<T | undefined>): Promise<T> {
    const r = await call<T>(method, path, token, body, landed);
    if (r.status >= 300) throw new ApiError(r.status, JSON.stringify(r.json), `${method} ${path}`);
    return r.json;
  }

  return { call, ok };
}

export type ApiClient = ReturnType<typeof apiClient>;
