/** Sign-in, sign-out, the current session, and first-admin setup. */
import { createRoute } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { getConnInfo } from '@hono/node-server/conninfo';
import { deleteCookie, setCookie } from 'hono/cookie';
import { AppError } from '../../core/errors.ts';
import type { Db } from '../../db/database.ts';
import { withTransaction } from '../../db/transaction.ts';
import { adminExists, findUserByEmail, findUserById, insertUser, toUser } from '../../db/repositories/users.ts';
import { clearFailures, countRecentFailures, deleteFailures, deleteSession, insertSession, recordFailure } from '../../db/repositories/sessions.ts';
import { SESSION_COOKIE } from '../auth/authenticate.ts';
import { requireUser } from '../auth/guards.ts';
import { hashPassword, verifyPassword } from '../auth/passwords.ts';
import { randomToken, sha256 } from '../auth/secrets.ts';
import type { AppEnv } from '../context.ts';
import { errors, json, jsonBody, router, securedRoute } from '../openapi.ts';
import { CredentialsSchema, FirstAdminSchema, SessionSchema, SetupStatusSchema } from '../schemas/user.ts';
import { sql } from 'kysely';

export const authRoutes = router();

/** Starts a new session (a fresh id every sign-in, so a planted cookie is never promoted: no session fixation). */
async function startSession(c: Context<AppEnv>, db: Db, userId: string) {
  const { config, now } = c.var.deps;
  const id = randomToken();
  const csrfToken = randomToken();
  await insertSession(db, { idHash: sha256(id), userId, csrfToken, expiresAt: new Date(now().getTime() + config.sessionTtlMs) });
  setCookie(c, SESSION_COOKIE, id, {
    httpOnly: true,
    sameSite: 'Lax',
    secure: config.cookieSecure,
    path: '/',
    maxAge: Math.floor(config.sessionTtlMs / 1000),
  });
  return csrfToken;
}

/**
 * The caller's address: the connecting one, or behind N trusted proxies the entry the outermost of them appended
 * to X-Forwarded-For (entries further left are the client's to invent, so they are never read).
 */
function clientAddress(c: Context<AppEnv>): string {
  const hops = c.var.deps.config.trustedProxyHops;
  if (hops > 0) {
    const chain = (c.req.header('x-forwarded-for') ?? '')
      .split(',')
      .map((a) => a.trim())
      .filter(Boolean);
    const forwarded = chain[chain.length - hops];
    if (forwarded) return forwarded;
  }
  try {
    return getConnInfo(c).remote.address ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

authRoutes.openapi(
  createRoute({
    method: 'post',
    path: '/auth/login',
    tags: ['Auth'],
    summary: 'Sign in with email and password; sets the session cookie',
    request: { body: jsonBody(CredentialsSchema) },
    responses: { 200: json(SessionSchema), ...errors(400, 401, 429) },
  }),
  async (c) => {
    const { db, config, now } = c.var.deps;
    const { email, password } = c.req.valid('json');
    const keys = [`email:${email}`, `ip:${clientAddress(c)}`];
    const since = new Date(now().getTime() - config.login.windowMs);
    // The attempt is recorded as a failure before it is counted and checked, so guesses sent in parallel cannot all
    // pass a count taken before any of them was recorded; it is taken back when refused unchecked or when it succeeds.
    const attempt = await recordFailure(db, keys, now());
    const failures = await countRecentFailures(db, keys, since);
    // The per-address limit is wider: many people may share one office address.
    if ((failures[keys[0]!] ?? 0) > config.login.maxFailures || (failures[keys[1]!] ?? 0) > config.login.maxFailures * 4) {
      await deleteFailures(db, attempt);
      c.header('Retry-After', String(Math.ceil(config.login.windowMs / 1000)));
      throw new AppError('rate_limited', 'Too many failed sign-ins; try again later');
    }
    const user = await findUserByEmail(db, email);
    const ok = await verifyPassword(user?.active ? user.password_hash : null, password);
    if (!user || !ok) throw new AppError('unauthenticated', 'Email or password is wrong');
    await deleteFailures(db, attempt);
    await clearFailures(db, keys[0]!);
    const existing = c.var.session;
    if (existing) await deleteSession(db, existing.idHash);
    const csrfToken = await startSession(c, db, user.id);
    return c.json({ user: toUser(user), csrfToken }, 200);
  },
);

authRoutes.openapi(
  securedRoute('user', {
    method: 'post',
    path: '/auth/logout',
    tags: ['Auth'],
    summary: 'Sign out: ends the session',
    responses: { 204: { description: 'Signed out' }, ...errors(401, 403) },
  }),
  async (c) => {
    const session = c.var.session;
    if (session) await deleteSession(c.var.deps.db, session.idHash);
    deleteCookie(c, SESSION_COOKIE, { path: '/' });
    return c.body(null, 204);
  },
);

authRoutes.openapi(
  securedRoute('user', {
    method: 'get',
    path: '/auth/session',
    tags: ['Auth'],
    summary: 'The signed-in user and the CSRF token to send with writes',
    responses: { 200: json(SessionSchema), ...errors(401) },
  }),
  async (c) => {
    const actor = requireUser(c);
    const user = await findUserById(c.var.deps.db, actor.userId);
    if (!user) throw new AppError('unauthenticated', 'Sign in again');
    return c.json({ user: toUser(user), csrfToken: c.var.session?.csrfToken ?? '' }, 200);
  },
);

authRoutes.openapi(
  createRoute({
    method: 'get',
    path: '/setup',
    tags: ['Auth'],
    summary: 'Whether Bridgedesk still needs its first admin',
    responses: { 200: json(SetupStatusSchema) },
  }),
  async (c) => c.json({ needsAdmin: !(await adminExists(c.var.deps.db)) }, 200),
);

authRoutes.openapi(
  createRoute({
    method: 'post',
    path: '/setup',
    tags: ['Auth'],
    summary: 'Create the first admin (only while no admin exists) and sign in as them',
    request: { body: jsonBody(FirstAdminSchema) },
    responses: { 201: json(SessionSchema), ...errors(400, 409) },
  }),
  async (c) => {
    const { db } = c.var.deps;
    const body = c.req.valid('json');
    const passwordHash = await hashPassword(body.password);
    const user = await withTransaction(db, async (tx) => {
      // Two first visitors racing: the lock makes the second one see the first one's admin.
      await sql`select pg_advisory_xact_lock(hashtext('bridgedesk:first-admin'))`.execute(tx);
      if (await adminExists(tx)) throw new AppError('conflict', 'An admin already exists; sign in instead');
      if (await findUserByEmail(tx, body.email)) throw new AppError('conflict', 'A user with this email exists');
      return insertUser(tx, { email: body.email, name: body.name, role: 'admin', passwordHash });
    });
    const csrfToken = await startSession(c, db, user.id);
    return c.json({ user: toUser(user), csrfToken }, 201);
  },
);
