/** The request tags an admin allows to reach a destination's conversations (docs/kustomer.md §28). */
import { z } from '@hono/zod-openapi';
import { TagsSchema } from './request.ts';

export const TagAllowListBody = z.strictObject({
  tags: TagsSchema.max(200).openapi({ description: 'Request tags that may be sent (lowercase); empty: none is sent' }),
});

export const TagAllowListSchema = z
  .object({
    allowed: z.array(z.string()).openapi({ description: 'Request tags that go to the conversation at create, when Kustomer has a tag of that name' }),
    unknownInDestination: z.array(z.string()).openapi({ description: 'Allowed tags Kustomer has no tag for (as the last sync read them): not sent' }),
    destinationTags: z.array(z.string()).openapi({ description: "Kustomer's tags (names), as the last connect or re-sync read them" }),
    requestTags: z.array(z.string()).openapi({ description: 'Tags in use on requests, most used first (up to 100)' }),
  })
  .openapi('TagAllowList');
export type TagAllowListView = z.infer<typeof TagAllowListSchema>;
