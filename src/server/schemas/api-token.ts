/** A personal API token as the API shows it (never the token text, but once at creation). */
import { z } from '@hono/zod-openapi';

export const ApiTokenSchema = z
  .object({
    id: z.uuid(),
    name: z.string(),
    lastFour: z.string(),
    createdAt: z.string(),
    lastUsedAt: z.string().nullable(),
    expiresAt: z.string().nullable(),
    revokedAt: z.string().nullable(),
  })
  .openapi('ApiToken');
export type ApiToken = z.infer<typeof ApiTokenSchema>;

/** POST /api-tokens. */
export const NewApiTokenSchema = z.strictObject({ name: z.string().trim().min(1).max(100), expiresInDays: z.int().min(1).max(3650).optional() });
export type NewApiTokenBody = z.input<typeof NewApiTokenSchema>;

/** The reply to POST /api-tokens: the only time the token text is shown. */
export const CreatedApiTokenSchema = ApiTokenSchema.extend({ token: z.string() });
export type CreatedApiToken = z.infer<typeof CreatedApiTokenSchema>;
