/** The user as the API shows it (never the password hash). */
import { z } from '@hono/zod-openapi';
import { ROLES } from '../../core/actor.ts';

export const RoleSchema = z.enum(ROLES);

export const UserSchema = z
  .object({
    id: z.uuid(),
    email: z.string(),
    name: z.string(),
    role: RoleSchema,
    managerId: z.uuid().nullable(),
    department: z.string().nullable(),
    title: z.string().nullable(),
    location: z.string().nullable(),
    active: z.boolean(),
    hasPassword: z.boolean(),
    createdAt: z.string(),
  })
  .openapi('User');
export type User = z.infer<typeof UserSchema>;
export type Role = User['role'];

export const SessionSchema = z.object({ user: UserSchema, csrfToken: z.string() }).openapi('Session');
export type Session = z.infer<typeof SessionSchema>;

export const EmailSchema = z
  .email()
  .max(254)
  .transform((e) => e.toLowerCase());
export const NameSchema = z.string().trim().min(1).max(200);
