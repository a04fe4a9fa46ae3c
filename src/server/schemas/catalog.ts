/** The service catalog, team inboxes and custom field definitions as the API shows them. */
import { z } from '@hono/zod-openapi';
import { CUSTOM_FIELD_TYPES } from '../../core/custom-fields.ts';

export const InboxSchema = z
  .object({
    id: z.uuid(),
    name: z.string(),
    description: z.string(),
    /** Agents and admins who work this inbox. */
    memberIds: z.array(z.uuid()),
  })
  .openapi('Inbox');
export type Inbox = z.infer<typeof InboxSchema>;

export const ServiceSchema = z
  .object({
    id: z.uuid(),
    name: z.string(),
    description: z.string(),
    /** Requests for this service land here unless the submitter picks another inbox. */
    defaultInboxId: z.uuid().nullable(),
    active: z.boolean(),
  })
  .openapi('Service');
export type Service = z.infer<typeof ServiceSchema>;

export const CustomFieldTypeSchema = z.enum(CUSTOM_FIELD_TYPES);

/** Stable machine name used in request payloads, e.g. customer_email. */
export const CustomFieldKeySchema = z.string().regex(/^[a-z][a-z0-9_]{0,62}$/, 'must be lowercase letters, digits and _, starting with a letter');

export const CustomFieldSchema = z
  .object({
    id: z.uuid(),
    key: z.string(),
    label: z.string(),
    type: CustomFieldTypeSchema,
    /** The choices of a select field; empty for other types. */
    options: z.array(z.string()),
    required: z.boolean(),
    /** null: asked on requests of every service. */
    serviceIds: z.array(z.uuid()).nullable(),
    position: z.int(),
    active: z.boolean(),
  })
  .openapi('CustomField');
export type CustomField = z.infer<typeof CustomFieldSchema>;

/** `?includeInactive=true` on catalog lists (ignored for requesters, who only ever see active entries). */
export const IncludeInactiveQuery = z.object({
  includeInactive: z.enum(['true', 'false']).optional(),
});
