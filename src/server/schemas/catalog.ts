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

// Request bodies: the server validates them, the web's admin forms send them (their types, below).
const InboxName = z.string().trim().min(1).max(200);
const Description = z.string().trim().max(2000);
const MemberIds = z.array(z.uuid()).max(1000).openapi({ description: 'Agents and admins; replaces the whole member list' });
const ServiceName = z.string().trim().min(1).max(200);

export const NewInboxBody = z.strictObject({ name: InboxName, description: Description.optional(), memberIds: MemberIds.optional() });
export const InboxChangesBody = NewInboxBody.partial();
export type InboxInput = z.input<typeof InboxChangesBody>;

export const NewServiceBody = z.strictObject({ name: ServiceName, description: Description.optional(), defaultInboxId: z.uuid().nullable().optional() });
export const ServiceChangesBody = NewServiceBody.partial().extend({ active: z.boolean().optional() });
export type ServiceInput = z.input<typeof ServiceChangesBody>;

const Label = z.string().trim().min(1).max(200);
const Options = z
  .array(z.string().trim().min(1).max(200))
  .max(500)
  .openapi({ description: 'The choices of a select field (at least one, no repeats); empty or left out for other types' });
const ServiceIds = z
  .array(z.uuid())
  .min(1)
  .max(500)
  .nullable()
  .openapi({ description: 'The services whose requests ask for this field; null for every service' });
const Position = z.int().min(-1_000_000).max(1_000_000).openapi({ description: 'Sort order in forms: lower first, then by label' });

export const NewCustomFieldBody = z.strictObject({
  key: CustomFieldKeySchema.openapi({ description: 'Stable machine name used in request payloads; cannot change later' }),
  label: Label,
  type: CustomFieldTypeSchema.openapi({ description: 'Cannot change later' }),
  options: Options.optional(),
  required: z.boolean().optional(),
  serviceIds: ServiceIds.optional(),
  position: Position.optional(),
});
export const CustomFieldChangesBody = NewCustomFieldBody.omit({ key: true, type: true }).partial().extend({ active: z.boolean().optional() });
/** What the custom field form sends: a new field's, or a change's (key and type are fixed once made). */
export type CustomFieldInput = Partial<z.input<typeof NewCustomFieldBody>> & z.input<typeof CustomFieldChangesBody>;
