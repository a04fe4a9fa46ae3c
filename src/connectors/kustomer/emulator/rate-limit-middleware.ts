/**
 * Applies the org's per-minute budget to every authenticated call and stamps the x-ratelimit-* headers on the
 * reply, errors included (docs/kustomer.md §13). Search calls also draw on their API key's search budget (§11, §26: 100 per
 * minute for each API key); when that one is used up the 429 carries the search budget's headers.
 *
 * Some calls also draw on a budget of the object they write (recorded: x-ratelimit-object-limit/-remaining, 120 on
 * a note create, 600 on a customer update). Here: notes created on one conversation and updates of one
 * conversation. Past it the reply is 429 with the object headers at 0 and the org's limit and remaining, and no
 * x-ratelimit-reset: whether Kustomer sends one there is unknown, so the emulator takes the case a client must
 * survive (assumed).
 */
import type { MiddlewareHandler } from 'hono';
import type { ApiEnv } from './api-env.ts';
import { kustomerError } from './kustomer-error.ts';
import { objectRateLimitHeaders, rateLimitHeaders, type RateLimiter } from './rate-limit.ts';
import type { OrgSettings } from './records.ts';

export const SEARCH_PATH = '/v1/customers/search';

const NOTE_CREATE = /^\/v1\/conversations\/([^/]+)\/notes$/;
const CONVERSATION = /^\/v1\/conversations\/([^/=]+)$/;

/** The object budget a call draws on, if any: its bucket and limit. */
function objectBudget(method: string, path: string, settings: OrgSettings): { bucket: string; limit: number } | null {
  const note = method === 'POST' ? NOTE_CREATE.exec(path) : null;
  if (note) return { bucket: `note:${note[1]}`, limit: settings.noteCreatesPerConversationPerMinute };
  const conversation = method === 'PATCH' || method === 'PUT' ? CONVERSATION.exec(path) : null;
  if (conversation) return { bucket: `conversation:${conversation[1]}`, limit: settings.updatesPerConversationPerMinute };
  return null;
}

export function rateLimit(deps: { limiter: RateLimiter; now: () => Date }): MiddlewareHandler<ApiEnv> {
  return async (c, next) => {
    const { org } = c.var.auth;
    const { settings } = org;
    const state = deps.limiter.take(org.id, settings.rateLimitPerMinute);
    const now = deps.now();
    const headers = rateLimitHeaders(state, settings, now, !state.allowed);
    if (!state.allowed) throw kustomerError(429, `rate limit of ${state.limit} requests per minute exceeded`, undefined, headers);
    if (c.req.method === 'POST' && c.req.path === SEARCH_PATH) {
      // Per machine user, i.e. per API key: "Search requests by machine users (API keys): 100 per minute" (D-RL).
      const search = deps.limiter.take(`${org.id}:search:${c.var.auth.key.id}`, settings.searchRateLimitPerMinute);
      if (!search.allowed) {
        throw kustomerError(429, `search rate limit of ${search.limit} requests per minute exceeded`, undefined, rateLimitHeaders(search, settings, now, true));
      }
    }
    const object = objectBudget(c.req.method, c.req.path, settings);
    if (object) {
      const o = deps.limiter.take(`${org.id}:${object.bucket}`, object.limit);
      Object.assign(headers, objectRateLimitHeaders(o));
      if (!o.allowed) throw kustomerError(429, `rate limit of ${o.limit} requests per minute on this object exceeded`, undefined, headers);
    }
    await next();
    for (const [k, v] of Object.entries(headers)) if (!c.res.headers.has(k)) c.res.headers.set(k, v);
  };
}
