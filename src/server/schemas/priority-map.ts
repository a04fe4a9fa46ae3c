/** The destination priority each request priority becomes, as the API shows and accepts it. */
import { z } from '@hono/zod-openapi';
import { PrioritySchema } from './request.ts';

// Any number passes the shape; the range (1–5 for Kustomer) and whole numbers are checked by the use case (422).
export const Levels = z.strictObject({
  low: z.number().openapi({ example: 2 }),
  medium: z.number().openapi({ example: 3 }),
  high: z.number().openapi({ example: 4 }),
  urgent: z.number().openapi({ example: 5 }),
});

export const PriorityMapSchema = z
  .object({
    map: Levels.openapi({ description: 'The Kustomer priority each request priority becomes now' }),
    defaultMap: Levels.openapi({ description: "Kustomer's default map (3 is Kustomer's normal priority): low 2, medium 3, high 4, urgent 5" }),
    range: z.object({ min: z.number(), max: z.number() }),
    customised: z.boolean().openapi({ description: 'Whether the map differs from the default' }),
  })
  .openapi('KustomerPriorityMap');

export const ProblemsError = z
  .object({
    error: z.object({
      code: z.string(),
      message: z.string(),
      details: z.object({ problems: z.array(z.object({ priority: PrioritySchema, message: z.string() })) }).optional(),
    }),
  })
  .openapi('PriorityMapError');
export type PriorityLevels = z.infer<typeof Levels>;
export type PriorityMapView = z.infer<typeof PriorityMapSchema>;
