/** Saved request-list views as the API shows them. */
import { z } from '@hono/zod-openapi';
import { ListFiltersQuery } from './request.ts';

export const SavedViewSchema = z
  .object({
    id: z.uuid(),
    name: z.string(),
    query: z.record(z.string(), z.string()).openapi({ description: 'GET /api/v1/requests query parameters (filters, sort, order)' }),
    createdAt: z.string(),
  })
  .openapi('SavedView');
export type SavedView = z.infer<typeof SavedViewSchema>;

/**
 * A view's query: GET /api/v1/requests parameters as strings (what a URL holds), only the list's own parameters,
 * each one valid. Stored as given, so the view opens the very list the person saw.
 */
const ViewQuery = z
  .record(z.string().max(20), z.string().max(200))
  .superRefine((query, ctx) => {
    const keys = Object.keys(ListFiltersQuery.shape);
    for (const k of Object.keys(query))
      if (!keys.includes(k)) ctx.addIssue({ code: 'custom', path: [k], message: `not a list parameter (one of ${keys.join(', ')})` });
    const parsed = ListFiltersQuery.safeParse(query);
    if (!parsed.success) for (const issue of parsed.error.issues) ctx.addIssue({ code: 'custom', path: issue.path as string[], message: issue.message });
  })
  .openapi({
    description: 'GET /api/v1/requests query parameters (filters, sort, order); no cursor or limit',
    example: { status: 'new,in_progress', assigneeId: 'me', sort: 'updated' },
  });

/** POST /saved-views. */
export const NewSavedViewSchema = z.strictObject({ name: z.string().trim().min(1).max(60), query: ViewQuery });
export type NewSavedViewBody = z.input<typeof NewSavedViewSchema>;
