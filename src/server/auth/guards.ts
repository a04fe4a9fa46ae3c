/** Role checks every route calls first. A route without one of these is a bug. */
import type { Context } from 'hono';
import type { Role, UserActor } from '../../core/actor.ts';
import { AppError, forbidden } from '../../core/errors.ts';
import type { AppEnv } from '../context.ts';

/** Any signed-in person or token. */
export function requireUser(c: Context<AppEnv>): UserActor {
  const actor = c.var.actor;
  if (!actor) throw new AppError('unauthenticated', 'Sign in or send an API token');
  return actor;
}

export function requireRole(c: Context<AppEnv>, ...roles: Role[]): UserActor {
  const actor = requireUser(c);
  if (!roles.includes(actor.role)) throw forbidden(`This needs the ${roles.join(' or ')} role`);
  return actor;
}

export const requireStaff = (c: Context<AppEnv>) => requireRole(c, 'admin', 'agent');
export const requireAdmin = (c: Context<AppEnv>) => requireRole(c, 'admin');
