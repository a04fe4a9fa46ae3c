/** The user as the API shows it (never the password hash). */
import { z } from '@hono/zod-openapi';
import { ROLES } from '../../core/actor.ts';
import { PASSWORD_MIN } from '../auth/passwords.ts';

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

const PasswordSchema = z.string().min(PASSWORD_MIN).max(1000);

/** POST /auth/login. */
export const CredentialsSchema = z.strictObject({ email: EmailSchema, password: z.string().min(1).max(1000) });
export type Credentials = z.input<typeof CredentialsSchema>;

/** POST /setup: the first admin. */
export const FirstAdminSchema = z.strictObject({ email: EmailSchema, name: NameSchema, password: PasswordSchema });
export type FirstAdminBody = z.input<typeof FirstAdminSchema>;

/** GET /setup. */
export const SetupStatusSchema = z.object({ needsAdmin: z.boolean() });
export type SetupStatus = z.infer<typeof SetupStatusSchema>;
/** Optional profile text; an empty string clears it, like null. */
const ProfileText = z
  .string()
  .trim()
  .max(200)
  .nullable()
  .transform((v) => (v === '' ? null : v));

/** POST /users. */
export const NewUserBody = z.strictObject({
  email: EmailSchema,
  name: NameSchema,
  role: RoleSchema,
  password: PasswordSchema.optional().openapi({ description: 'Leave out for people who do not sign in (yet)' }),
  managerId: z.uuid().nullable().optional(),
  department: ProfileText.optional(),
  title: ProfileText.optional(),
  location: ProfileText.optional(),
});

/** PATCH /users/{id}; the web's user form sends it (and, without an id, the new user's fields). */
export const UserChangesBody = NewUserBody.partial().extend({
  password: PasswordSchema.optional().openapi({ description: 'Setting it signs the user out of every browser session' }),
  active: z.boolean().optional().openapi({ description: 'false deactivates: sessions end and API tokens stop working' }),
});
export type UserInput = z.input<typeof UserChangesBody>;
