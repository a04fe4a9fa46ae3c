import { z } from '@hono/zod-openapi';

/** A `change` event on GET /stream: what changed, by id (the page refetches it through the routes that check access). */
export const ChangeEventSchema = z.object({
  kind: z.enum(['timeline', 'escalation']),
  requestId: z.uuid(),
  entryId: z.string().optional(),
  escalationId: z.uuid().optional(),
});
export type ChangeEvent = z.infer<typeof ChangeEventSchema>;
