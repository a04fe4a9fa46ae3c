/** Field mapping as the API shows it: the destination's custom attributes, the mapping pairs, the values a request sends. */
import { z } from '@hono/zod-openapi';

const REMOTE_FIELD_TYPES = ['text', 'long_text', 'number', 'date', 'boolean', 'url', 'reference', 'list', 'other'] as const;
const RemoteFieldType = z.enum(REMOTE_FIELD_TYPES).openapi({
  description: "From the attribute name's suffix: Str text, Txt long_text, Num number, At date, Bool boolean, Url url, Id reference, Tree list",
});

export const RemoteFieldSchema = z
  .object({
    name: z.string().openapi({ example: 'orderNumberStr' }),
    plainName: z.string().openapi({
      description: "The name without the destination's naming marks (Kustomer: its type suffix), whose words the suggested mapping reads",
      example: 'orderNumber',
    }),
    label: z.string().openapi({ example: 'Order Number' }),
    type: RemoteFieldType,
    options: z.array(z.string()).openapi({ description: 'The allowed values, when the attribute has a list of them' }),
  })
  .openapi('KustomerField');

export const RequestField = z.string().trim().min(1).max(70).openapi({
  description:
    'A built-in field (title, description, priority, status, service, tags, requester_email, requester_name, request_key, request_link), an internal fact for Kustomer agents (assignee_name, assignee_email, pending_approval, last_internal_update, last_internal_update_at), or field.<custom field key>',
  example: 'field.order_number',
});

export const FieldMappingSchema = z
  .object({
    requestField: RequestField,
    requestFieldLabel: z.string(),
    remoteField: z.string(),
    remoteType: RemoteFieldType,
    refused: z
      .object({ since: z.string().openapi({ description: 'When Kustomer first refused it' }), reason: z.string().openapi({ description: "Kustomer's words" }) })
      .optional()
      .openapi({
        description:
          'Present when Kustomer no longer knows the attribute (deleted from its metadata): it is not sent from `since` until it is back or the set is saved again',
      }),
  })
  .openapi('FieldMapping');

export const MappingSuggestionSchema = z
  .object({
    requestField: RequestField,
    requestFieldLabel: z.string().openapi({ example: 'Status' }),
    remoteField: z.string().openapi({ example: 'bridgedeskStatusStr' }),
    remoteType: RemoteFieldType,
    score: z.number().min(0).max(1).openapi({ description: "How well the attribute's name or label matches the field's words, 0–1 (suggested from 0.6)" }),
  })
  .openapi('FieldMappingSuggestion');
export type MappingSuggestion = z.infer<typeof MappingSuggestionSchema>;

export const MappingProblem = z.object({ requestField: z.string(), remoteField: z.string(), message: z.string() });
export type RemoteField = z.infer<typeof RemoteFieldSchema>;
export type RemoteFieldType = RemoteField['type'];
export type FieldMapping = z.infer<typeof FieldMappingSchema>;
/** One pair the server refused, in words an admin understands ("Order total is a number; orderNumberStr holds text"). */
export type MappingProblem = z.infer<typeof MappingProblem>;
/** The PUT's 422: each pair that cannot work, when that is the reason. */
export const MappingProblemsError = z.object({
  error: z.object({ code: z.string(), message: z.string(), details: z.looseObject({ problems: z.array(MappingProblem).optional() }).optional() }),
});

/** What escalating a request sends to one attribute (only mapped fields that have a value). */
export const MappedValueSchema = z.object({
  requestField: z.string(),
  label: z.string().openapi({ description: "The request field's label" }),
  remoteField: z.string(),
  value: z.union([z.string(), z.number(), z.boolean()]).nullable(),
});
export type MappedValue = z.infer<typeof MappedValueSchema>;

/** PUT /integrations/{provider}/field-mappings: the whole set, replacing what is saved. */
export const FieldMappingsBodySchema = z.strictObject({
  items: z.array(z.strictObject({ requestField: RequestField, remoteField: z.string().trim().min(1).max(200) })).max(500),
});
export type FieldMappingsBody = z.input<typeof FieldMappingsBodySchema>;
export type MappingInput = FieldMappingsBody['items'][number];
