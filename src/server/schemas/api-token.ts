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
