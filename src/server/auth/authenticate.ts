/**
 * Resolves the caller from a Bearer API token or the session cookie, and enforces CSRF on cookie-authenticated
 * writes. Routes then check the role they need with guards.ts.
 */
import type { MiddlewareHandler } from 'hono';
import { getCookie } from 'hono/cookie';
import { AppError } from '../../core/errors.ts';
import { findLiveToken, tokenNeedsTouch, touchToken } from '../../db/repositories/api-tokens.ts';
import { findLiveSession } from '../../db/repositories/sessions.ts';
import type { AppEnv } from '../context.ts';
import { sha256 } from './secrets.ts';

export const SESSION_COOKIE = 'bridgedesk_session';
export const CSRF_HEADER = 'x-csrf-token';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
/**
 * Sign-in and setup act on no existing identity, so an old cookie must not block them. They only accept
 * application/json bodies, which a cross-site form cannot send.
 */
const CSRF_EXEMPT = new Set(['/api/v1/auth/login', '/api/v1/setup']);
/** The only API paths open without a session or token; every other one answers 401 before anything else runs. */
const PUBLIC = new Set(['/api/v1/auth/login', '/api/v1/setup']);
/** Webhooks authenticate by their secret URL and signature, checked by their route. */
const WEBHOOKS = '/api/v1/webhooks/';

export const authenticate: MiddlewareHandler<AppEnv> = async (c, next) => {
  const { db, now } = c.var.deps;
  c.set('actor', null);
  c.set('session', null);
  const header = c.req.header('authorization');
  if (header !== undefined) {
    const m = /^Bearer\s+(\S+)$/i.exec(header);
    if (!m) throw new AppError('unauthenticated', 'Authorization header must be "Bearer <token>"');
    const at = now();
    const token = await findLiveToken(db, sha256(m[1]!), at);
    if (!token || !token.active) throw new AppError('unauthenticated', 'API token is invalid, expired or revoked');
    // last_used_at is kept to the minute (touchToken writes only when it is older); checking here as well spares
    // a script's every call the round trip of an UPDATE that would change nothing.
    if (tokenNeedsTouch(token.last_used_at, at)) await touchToken(db, token.token_id, at);
    c.set('actor', { kind: 'token', userId: token.user_id, role: token.role, name: token.name, tokenId: token.token_id });
    return next();
  }
  const cookie = getCookie(c, SESSION_COOKIE);
  if (cookie) {
    const session = await findLiveSession(db, sha256(cookie), now());
    if (session && session.active) {
      c.set('actor', { kind: 'user', userId: session.user_id, role: session.role, name: session.name });
      c.set('session', { idHash: session.id_hash, csrfToken: session.csrf_token });
      if (!SAFE_METHODS.has(c.req.method) && !CSRF_EXEMPT.has(c.req.path) && c.req.header(CSRF_HEADER) !== session.csrf_token) {
        throw new AppError('forbidden', `Missing or wrong ${CSRF_HEADER} header (required with cookie sessions)`);
      }
    }
  }
  if (!c.var.actor && !PUBLIC.has(c.req.path) && !c.req.path.startsWith(WEBHOOKS)) throw new AppError('unauthenticated', 'Sign in or send an API token');
  return next();
};
