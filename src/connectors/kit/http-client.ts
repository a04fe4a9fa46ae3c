/**
 * JSON over HTTP for connectors: every call has a timeout, takes a unit of the shared rate budget first, feeds the
 * vendor's rate-limit headers back into it, and turns every failure into a classified ConnectorError.
 */
import { classifyStatus, ConnectorError } from './errors.ts';
import { nodeFetch, type FetchLike, type FetchReply } from './node-fetch.ts';
import { waitWithoutReset, type RateBudget, type RateWindow } from './rate-budget.ts';

export interface HttpClientOptions {
  baseUrl: string;
  headers: Record<string, string>;
  /** Per-call timeout. (Default: 15 s.) */
  timeoutMs?: number;
  /** How calls go out. (Default: nodeFetch; tests inject the emulator's.) */
  fetch?: FetchLike;
  budget?: RateBudget;
  /** Reads the vendor's rate-limit headers; null when a reply carries none. */
  readRateWindow?: (headers: Headers, now: Date) => RateWindow | null;
  /** Reads the vendor's per-object rate-limit headers (for a call with an objectKey); null when a reply has none. */
  readObjectWindow?: (headers: Headers, now: Date) => RateWindow | null;
  /** The vendor's rate window, for a 429 that names no reset. (Default: 60 s.) */
  rateWindowMs?: number;
  /** Draws the jitter of a 429's wait when it names no reset, in [0, 1). (Default: Math.random.) */
  random?: () => number;
  /** Pulls the vendor's message and code out of an error body. */
  describeError?: (body: unknown) => { message?: string; code?: string };
  /** Longest wait for the rate budget inside one call; longer waits fail as retryable with retryAfterMs. (Default and least: SHORT_BUDGET_WAIT_MS.) */
  maxBudgetWaitMs?: number;
  now?: () => Date;
  sleep?: (ms: number) => Promise<void>;
}

export interface HttpRequest {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Path relative to the base URL, already encoded, e.g. `/v1/customers/email=a%40b.c`. */
  path: string;
  query?: Record<string, string | number | undefined>;
  body?: unknown;
  /**
   * The object whose own, per-object rate limit the call draws on (e.g. `notes:<conversation id>`), when the vendor
   * has one for this call: the budget then also waits for that object's window.
   */
  objectKey?: string;
  /**
   * The call has a limit of its own besides the shared one (Kustomer's search: 100 calls a minute per key). A 429 on
   * it is that limit's: the shared budget is neither emptied nor fed by the refusal, and only this call fails.
   */
  ownLimit?: boolean;
}

export interface HttpReply {
  status: number;
  headers: Headers;
  body: unknown;
}

export type HttpClient = (req: HttpRequest) => Promise<HttpReply>;

/** Budget waits up to this long are slept inside the call whatever maxBudgetWaitMs says. */
export const SHORT_BUDGET_WAIT_MS = 250;

const realSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export function createHttpClient(opts: HttpClientOptions): HttpClient {
  const doFetch = opts.fetch ?? nodeFetch;
  const now = opts.now ?? (() => new Date());
  const sleep = opts.sleep ?? realSleep;
  const timeoutMs = opts.timeoutMs ?? 15_000;
  const base = new URL(opts.baseUrl);

  return async (req) => {
    if (!req.path.startsWith('/') || req.path.startsWith('//')) throw new Error(`path must be relative to the base URL: ${req.path}`);
    const budget = opts.budget;
    if (budget) {
      // Short waits (another caller's probe in flight, a reset moments away) are slept here; a longer wait goes
      // back to the caller, which reschedules rather than hold a worker slot.
      const maxWait = Math.max(opts.maxBudgetWaitMs ?? 0, SHORT_BUDGET_WAIT_MS);
      const takeAll = async (takeOne: () => Promise<number>, what: string) => {
        let waited = 0;
        for (let wait = await takeOne(); wait > 0; wait = await takeOne()) {
          if (wait > maxWait || waited + wait > maxWait * 4) {
            throw new ConnectorError('retryable', `Rate limit budget ${what}used up; waiting for the window to reset`, {
              retryAfterMs: wait,
              reason: 'rate_limited',
            });
          }
          await sleep(wait);
          waited += wait;
        }
      };
      // The object first: a call its object's limit holds back must not spend a unit of the shared budget.
      const objectKey = req.objectKey;
      if (objectKey && budget.takeObject) await takeAll(() => budget.takeObject!(objectKey, now()), 'of this object ');
      await takeAll(() => budget.take(now()), '');
    }
    // The URL is always base + our own path: nothing the caller passes can change the host.
    const url = new URL(base.pathname.replace(/\/$/, '') + req.path, base);
    for (const [k, v] of Object.entries(req.query ?? {})) if (v !== undefined) url.searchParams.set(k, String(v));
    const headers: Record<string, string> = { accept: 'application/json', ...opts.headers };
    if (req.body !== undefined) headers['content-type'] = 'application/json';

    let res: FetchReply;
    let text: string;
    try {
      res = await doFetch(url, {
        method: req.method,
        headers,
        body: req.body === undefined ? undefined : JSON.stringify(req.body),
        signal: AbortSignal.timeout(timeoutMs),
      });
      text = await res.text();
    } catch (err) {
      const e = err as Error;
      if (e.name === 'TimeoutError' || e.name === 'AbortError') {
        throw new ConnectorError('retryable', `No reply within ${timeoutMs} ms`, { reason: 'timeout' });
      }
      throw new ConnectorError('retryable', `Could not reach ${base.host}: ${(e.cause as Error | undefined)?.message ?? e.message}`, { reason: 'network' });
    }

    const window = opts.readRateWindow?.(res.headers, now()) ?? null;
    const objectWindow = req.objectKey ? (opts.readObjectWindow?.(res.headers, now()) ?? null) : null;
    // A 429 with the object's budget at 0 and the org's not is the object's limit: only that object waits.
    const objectRefused = res.status === 429 && objectWindow !== null && objectWindow.remaining === 0 && (window === null || window.remaining > 0);
    const ownRefused = res.status === 429 && req.ownLimit === true;
    if (opts.budget && !ownRefused) {
      if (window) await opts.budget.observe(res.status === 429 && !objectRefused ? { ...window, remaining: 0 } : window, now());
      else await opts.budget.unknown?.(now());
      if (objectWindow && req.objectKey) await opts.budget.observeObject?.(req.objectKey, objectWindow, now());
    }

    let body: unknown = null;
    if (text) {
      try {
        body = JSON.parse(text);
      } catch {
        body = text;
      }
    }
    const kind = classifyStatus(res.status);
    if (!kind) return { status: res.status, headers: res.headers, body };

    const described = opts.describeError?.(body) ?? {};
    const vendorMessage = described.message ?? (typeof body === 'string' && body.length < 300 ? body : undefined);
    const detail = { status: res.status, vendorMessage, vendorCode: described.code };
    if (res.status === 429) {
      // The vendor's reset when it named one; else to the end of the window on our clock, jittered and bounded.
      const named = !objectRefused && window && !window.estimated ? window.resetAt : null;
      const retryAfterMs = named
        ? Math.max(0, named.getTime() - now().getTime())
        : waitWithoutReset(now(), opts.rateWindowMs ?? 60_000, opts.random ?? Math.random);
      throw new ConnectorError('retryable', objectRefused ? 'Rate limited on this object' : 'Rate limited', {
        ...detail,
        retryAfterMs,
        reason: 'rate_limited',
      });
    }
    if (kind === 'retryable')
      throw new ConnectorError('retryable', `Server error ${res.status}${vendorMessage ? `: ${vendorMessage}` : ''}`, { ...detail, reason: 'server_error' });
    if (kind === 'auth') throw new ConnectorError('auth', 'Invalid credentials', { ...detail, reason: 'http' });
    throw new ConnectorError('permanent', vendorMessage ?? `Request refused with ${res.status}`, { ...detail, reason: 'http' });
  };
}
