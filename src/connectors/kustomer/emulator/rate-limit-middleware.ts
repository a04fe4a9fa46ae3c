/**
 * Applies the org's per-minute budget to every authenticated call and stamps the x-ratelimit-* headers on the
 * reply, errors included (docs/kustomer.md §13). Search calls also draw on the org's search budget (§11: 100 per minute for API
 * keys); when that one is used up the 429 carries the search budget's headers.
 */
import type { MiddlewareHandler } from 'hono';
import type { ApiEnv } from './api-env.ts';
import { kustomerError } from './kustomer-error.ts';
import { rateLimitHeaders, type RateLimiter } from './rate-limit.ts';

export const SEARCH_PATH = '/v1/customers/search';

export function rateLimit(deps: { limiter: RateLimiter; now: () => Date }): MiddlewareHandler<ApiEnv> {
  return async (c, next) => {
    const { org } = c.var.auth;
    const { settings } = org;
    const state = deps.limiter.take(org.id, settings.rateLimitPerMinute);
    const headers = rateLimitHeaders(state, settings.rateLimitResetFormat, deps.now());
    if (!state.allowed) throw kustomerError(429, `rate limit of ${state.limit} requests per minute exceeded`, undefined, headers);
    if (c.req.method === 'POST' && c.req.path === SEARCH_PATH) {
      const search = deps.limiter.take(`${org.id}:search`, settings.searchRateLimitPerMinute);
      if (!search.allowed) {
        throw kustomerError(429, `search rate limit of ${search.limit} requests per minute exceeded`, undefined, rateLimitHeaders(search, settings.rateLimitResetFormat, deps.now()));
      }
    }
    await next();
    for (const [k, v] of Object.entries(headers)) if (!c.res.headers.has(k)) c.res.headers.set(k, v);
  };
}
