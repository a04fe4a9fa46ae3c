/** Who is acting: a signed-in person, a person's API token, or Bridgedesk itself. */

export const ROLES = ['admin', 'agent', 'requester'] as const;
export type Role = (typeof ROLES)[number];

export interface UserActor {
  kind: 'user' | 'token';
  userId: string;
  role: Role;
  name: string;
  /** Set when acting through an API token. */
  tokenId?: string;
}
export interface SystemActor {
  kind: 'system';
}
export type Actor = UserActor | SystemActor;

export const SYSTEM: SystemActor = { kind: 'system' };

/** Agents and admins work requests; requesters only file and follow their own. */
export const isStaffRole = (role: Role | undefined): boolean => role === 'admin' || role === 'agent';
export const isStaff = (actor: Actor): boolean => actor.kind === 'system' || isStaffRole(actor.role);
