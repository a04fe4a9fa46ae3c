/** Saved request-list views as the API shows them. */
import { z } from '@hono/zod-openapi';

export const SavedViewSchema = z
  .object({
    id: z.uuid(),
    name: z.string(),
    query: z.record(z.string(), z.string()).openapi({ description: 'GET /api/v1/requests query parameters (filters, sort, order)' }),
    createdAt: z.string(),
  })
  .openapi('SavedView');
export type SavedView = z.infer<typeof SavedViewSchema>;
