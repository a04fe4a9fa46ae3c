/** Requests and timeline entries as the API shows and accepts them. */
import { z } from '@hono/zod-openapi';
import { LONG_TEXT_MAX } from '../../core/custom-fields.ts';
import { MAX_TAGS, PRIORITIES, STATUSES, TAG_PATTERN } from '../../core/request.ts';
import { ESCALATION_FILTERS, ORDERS, SORTS } from '../../core/request-list.ts';
import { ESCALATION_STATES } from '../../core/escalation.ts';
import { AttachmentIdsSchema, AttachmentSchema } from './attachments.ts';

export const StatusSchema = z.enum(STATUSES);
export const PrioritySchema = z.enum(PRIORITIES);
const PersonRef = z.object({ id: z.uuid(), name: z.string(), email: z.string() });
const NamedRef = z.object({ id: z.uuid(), name: z.string() });
const FieldValue = z.union([z.string(), z.number(), z.boolean(), z.null()]);
export type PersonRef = z.infer<typeof PersonRef>;
export type FieldValue = z.infer<typeof FieldValue>;

export const RequestSchema = z
  .object({
    id: z.uuid(),
    number: z.int(),
    key: z.string().openapi({ example: 'REQ-42' }),
    title: z.string(),
    description: z.string(),
    status: StatusSchema,
    priority: PrioritySchema,
    requester: PersonRef,
    createdBy: PersonRef.nullable(),
    assignee: PersonRef.nullable(),
    inbox: NamedRef.nullable(),
    service: NamedRef.nullable(),
    tags: z.array(z.string()),
    customFields: z.record(z.string(), FieldValue),
    channel: z.string(),
    createdAt: z.string(),
    updatedAt: z.string(),
    resolvedAt: z.string().nullable(),
  })
  .openapi('Request');
export type Request = z.infer<typeof RequestSchema>;

export const RequestDetailSchema = RequestSchema.extend({ followers: z.array(PersonRef) }).openapi('RequestDetail');
export type RequestDetail = z.infer<typeof RequestDetailSchema>;

export const TagsSchema = z
  .array(z.string().trim().toLowerCase().regex(TAG_PATTERN, 'tags are lowercase letters, digits, ".", "_" or "-" (at most 50)'))
  .max(MAX_TAGS);
export const TitleSchema = z.string().trim().min(1, 'title is required').max(200);
export const DescriptionSchema = z.string().max(LONG_TEXT_MAX);
const CustomFieldInput = z.record(z.string().max(63), z.unknown());

export const CreateRequestSchema = z
  .strictObject({
    title: TitleSchema,
    description: DescriptionSchema.optional(),
    requesterId: z.uuid().optional().openapi({ description: "Staff only: file on someone's behalf. Defaults to you." }),
    priority: PrioritySchema.optional(),
    serviceId: z.uuid().nullable().optional(),
    inboxId: z.uuid().nullable().optional().openapi({ description: "Defaults to the service's inbox" }),
    assigneeId: z.uuid().nullable().optional(),
    tags: TagsSchema.optional(),
    customFields: CustomFieldInput.optional(),
    attachmentIds: AttachmentIdsSchema.optional(),
  })
  .openapi('CreateRequest');
export type NewRequestBody = z.input<typeof CreateRequestSchema>;

export const PatchRequestSchema = CreateRequestSchema.omit({ requesterId: true })
  .partial()
  .extend({
    status: StatusSchema.optional(),
    inboxId: z.uuid().nullable().optional(),
    customFields: CustomFieldInput.optional().openapi({ description: 'Only the keys sent change; null clears a value' }),
    wakeAt: z.iso.datetime({ offset: true }).optional().openapi({
      description:
        'With status `waiting`: when the linked Kustomer conversations wake up (they are snoozed until then; without it, 7 days). Must be in the future.',
    }),
  })
  .openapi('PatchRequest');
export type RequestPatch = z.input<typeof PatchRequestSchema>;

export const TimelineEntrySchema = z
  .object({
    id: z.string(),
    requestId: z.uuid(),
    type: z.string().openapi({ example: 'request.priority_changed' }),
    actor: z.object({
      type: z.enum(['user', 'token', 'system']),
      userId: z.uuid().nullable(),
      tokenId: z.uuid().nullable(),
      name: z.string().nullable(),
    }),
    visibility: z.enum(['public', 'internal']),
    data: z.record(z.string(), z.unknown()),
    createdAt: z.string(),
    causedByRunId: z.uuid().nullable().openapi({ description: 'The workflow run whose step wrote the entry (staff only; null otherwise)' }),
    attachments: z.array(AttachmentSchema).openapi({ description: 'Files sent with the entry; who may see them follows the entry' }),
  })
  .openapi('TimelineEntry');

/** POST /requests/{id}/comments. */
export const NewCommentSchema = z
  .strictObject({
    body: z.string().trim().min(1).max(20_000),
    visibility: z.enum(['public', 'internal']).default('public'),
    attachmentIds: AttachmentIdsSchema.optional(),
  })
  .openapi('NewComment');
export type NewCommentBody = z.input<typeof NewCommentSchema>;
export type TimelineEntry = z.infer<typeof TimelineEntrySchema>;

export const TimelinePageSchema = z.object({
  items: z.array(TimelineEntrySchema),
  nextCursor: z.string().nullable().openapi({ description: 'Pass as ?cursor= for the older entries; null when there are none' }),
});
export type TimelinePage = z.infer<typeof TimelinePageSchema>;

const csv = <const T extends readonly [string, ...string[]]>(values: T) =>
  z
    .string()
    .transform((s) =>
      s
        .split(',')
        .map((x) => x.trim())
        .filter(Boolean),
    )
    .pipe(z.array(z.enum(values)).max(10));

/** The filters a list (and a saved view) can hold: everything but the page position. */
export const ListFiltersQuery = z.object({
  status: csv(STATUSES).optional().openapi({ description: 'Comma-separated statuses', example: 'new,in_progress' }),
  priority: csv(PRIORITIES).optional(),
  serviceId: z.uuid().optional(),
  tag: z.string().max(50).optional(),
  assigneeId: z.union([z.uuid(), z.enum(['me', 'none'])]).optional(),
  inboxId: z.union([z.uuid(), z.literal('none')]).optional(),
  requesterId: z.uuid().optional(),
  q: z.string().trim().max(200).optional().openapi({ description: 'Free text over title and description, or a number like REQ-42' }),
  escalation: z.enum(ESCALATION_FILTERS).optional().openapi({
    description:
      "Staff only. By the request's latest escalation: not_escalated (never), escalated (being sent, or a conversation exists), failed (nothing was created, or it could not be linked back); waiting_on_destination (escalated, open in the destination, request not resolved or archived); done_in_destination (escalated, done in the destination)",
  }),
  sort: z
    .enum(SORTS)
    .default('created')
    .openapi({ description: 'created (filing order), updated, priority (by rank), status (new → archived); ties by number' }),
  order: z.enum(ORDERS).default('desc'),
});

export const ListRequestsQuery = ListFiltersQuery.extend({
  cursor: z
    .string()
    .max(200)
    .regex(/^[A-Za-z0-9_-]+$/, 'cursor must come from a previous page')
    .optional()
    .openapi({ description: "A previous page's nextCursor, with the same sort and order" }),
  limit: z.coerce.number().int().min(1).max(100).default(25),
});

export const EscalationSummarySchema = z
  .object({
    provider: z.string(),
    state: z.enum(ESCALATION_STATES),
    remoteStatus: z
      .string()
      .nullable()
      .openapi({ description: "The conversation's status in the destination once known: open, waiting or closed (Kustomer's open, snoozed, done)" }),
    remoteOpenSince: z.string().nullable().openapi({ description: 'Since when it is open in the destination (waiting on them)' }),
    remoteSnoozedUntil: z.string().nullable().openapi({ description: 'When a snoozed conversation wakes up' }),
  })
  .openapi('EscalationSummary');

export const RequestListItemSchema = RequestSchema.extend({
  escalation: EscalationSummarySchema.nullable().openapi({ description: 'The latest escalation (staff only; null for requesters)' }),
}).openapi('RequestListItem');

export const RequestListSchema = z
  .object({
    items: z.array(RequestListItemSchema),
    nextCursor: z.string().nullable(),
    total: z.int().nullable().openapi({ description: 'How many requests match the filters; on the first page only (null with a cursor)' }),
  })
  .openapi('RequestList');
export type RequestList = z.infer<typeof RequestListSchema>;
export type RequestListItem = RequestList['items'][number];
export type EscalationSummary = z.infer<typeof EscalationSummarySchema>;

export const BulkChangeSchema = z
  .strictObject({
    ids: z.array(z.uuid()).min(1).max(100).openapi({ description: 'The requests to change (at most 100)' }),
    changes: z
      .strictObject({
        status: StatusSchema.optional(),
        priority: PrioritySchema.optional(),
        assigneeId: z.uuid().nullable().optional().openapi({ description: 'An agent or admin; null unassigns' }),
        addTags: TagsSchema.optional(),
        removeTags: TagsSchema.optional(),
      })
      .refine((c) => Object.values(c).some((v) => v !== undefined && !(Array.isArray(v) && v.length === 0)), 'name at least one change'),
  })
  .openapi('BulkChange');
export type BulkChangeBody = z.input<typeof BulkChangeSchema>;
export type BulkChange = BulkChangeBody['changes'];

const BulkRef = z.object({ id: z.uuid(), key: z.string() });
export const BulkOutcomeSchema = z
  .object({
    changed: z.array(BulkRef).openapi({ description: 'Changed, each with its timeline entries' }),
    unchanged: z.array(BulkRef).openapi({ description: 'Already as asked' }),
    skipped: z
      .array(
        z.object({
          id: z.uuid(),
          key: z.string().nullable().openapi({ description: 'null when the request does not exist or is not visible to you' }),
          code: z.enum(['not_found', 'forbidden', 'unprocessable']),
          reason: z.string(),
        }),
      )
      .openapi({ description: 'Not changed, with the reason (the same rules as PATCH /requests/{id})' }),
  })
  .openapi('BulkOutcome');
export type BulkOutcome = z.infer<typeof BulkOutcomeSchema>;
