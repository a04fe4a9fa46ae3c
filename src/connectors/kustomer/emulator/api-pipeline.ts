/**
 * One Kustomer API call end to end: log it, apply any scripted fault, run the emulated API, then delay or lose
 * the reply if the fault says so. `slow` and `lost_reply` act after the call was handled, so a write commits
 * and only the reply is late or gone: the case a client's retry must survive without duplicating (docs/kustomer.md §15).
 */
import type { Hono } from 'hono';
import type { ApiEnv } from './api-env.ts';
import { keyNamedBy } from './authenticate.ts';
import type { CallLog } from './call-log.ts';
import type { ActiveFault, FaultInjector } from './faults.ts';
import { errorResponse, kustomerError } from './kustomer-error.ts';
import { LostReplyError } from './lost-reply-error.ts';
import { rateLimitHeaders, type RateLimiter } from './rate-limit.ts';
import { DEFAULT_ORG_SETTINGS } from './directory-writes.ts';
import type { OrgRecord } from './records.ts';
import type { EmulatorStore } from './store.ts';

export interface PipelineDeps {
  store: EmulatorStore;
  now: () => Date;
  limiter: RateLimiter;
  faults: FaultInjector;
  calls: CallLog;
  api: Hono<ApiEnv>;
}

/** Default `slow` delay: longer than any sensible client timeout. */
export const DEFAULT_SLOW_MS = 30_000;

function parseBody(text: string): unknown {
  if (!text) return null;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function abortableDelay(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => (clearTimeout(timer), reject(signal.reason)), { once: true });
  });
}

/** A 429/500/503 the gateway answers instead of the API. Rate-limit headers come from the key's org when known. */
function faultResponse(fault: ActiveFault, org: OrgRecord | null, deps: PipelineDeps): Response {
  const settings = org?.settings ?? DEFAULT_ORG_SETTINGS;
  const now = deps.now();
  const window = deps.limiter.peek(org?.id ?? '-', settings.rateLimitPerMinute);
  if (fault.kind === '429') {
    const resetAtMs = fault.resetAt !== undefined ? new Date(fault.resetAt).getTime() : window.resetAtMs;
    const headers = rateLimitHeaders({ limit: settings.rateLimitPerMinute, remaining: 0, resetAtMs }, settings, now, true);
    return errorResponse(settings.errorShape, kustomerError(429, 'rate limit exceeded', undefined, headers));
  }
  const status = fault.kind === '503' ? 503 : 500;
  const headers = org ? rateLimitHeaders(window, settings, now) : {};
  return errorResponse(
    settings.errorShape,
    kustomerError(status, status === 503 ? 'service temporarily unavailable' : 'internal server error', undefined, headers),
  );
}

export async function handleApiCall(req: Request, deps: PipelineDeps): Promise<Response> {
  const url = new URL(req.url);
  // Read once, here: asking a Node server's request for its body stream or a clone builds a whole web Request
  // (a third of the emulator's CPU per call); the routes parse the text from the bindings instead.
  const text = req.method === 'GET' || req.method === 'HEAD' ? '' : await req.text();
  const call = deps.calls.start({
    at: deps.now().toISOString(),
    method: req.method,
    path: url.pathname,
    query: Object.fromEntries(url.searchParams),
    body: parseBody(text),
  });
  const key = keyNamedBy(deps.store, req);
  const keyOrg = key ? (deps.store.orgs.get(key.orgId) ?? null) : null;
  call.org = keyOrg?.name ?? null;

  const fault = deps.faults.take(req.method, url.pathname);
  call.fault = fault?.kind ?? null;
  let res: Response;
  if (fault && (fault.kind === '429' || fault.kind === '500' || fault.kind === '503')) {
    res = faultResponse(fault, keyOrg, deps);
  } else {
    res = await deps.api.fetch(req, { call, keyOrg, bodyText: text });
    call.handledStatus = res.status;
  }

  if (fault?.kind === 'slow') {
    call.status = res.status;
    await abortableDelay(fault.delayMs ?? DEFAULT_SLOW_MS, req.signal);
  }
  if (fault?.kind === 'lost_reply') {
    await res.arrayBuffer();
    if (fault.reply === 'close') {
      call.status = 0;
      throw new LostReplyError();
    }
    res = new Response(null, { status: 502 });
  }
  call.status = res.status;
  return res;
}
