/**
 * Kustomer's wire shapes (zod), shared by the client and the emulator so the two cannot drift apart.
 * Sources: docs/kustomer.md (developer.kustomer.com, the vendor OpenAPI spec as captured in
 * LarisLab/kustomer-client, and third-party code that calls the real API). Responses are parsed loosely (Kustomer
 * adds fields freely); request bodies are strict (we send only what we mean).
 */
import { z } from 'zod';

/** 24-hex ids (Mongo ObjectId style). */
export const KustomerId = z.string().regex(/^[0-9a-f]{24}$/);

const RelData = z.looseObject({ type: z.string(), id: z.string() });
export const Relationship = z.looseObject({
  data: z.union([RelData, z.array(RelData), z.null()]).optional(),
  links: z.looseObject({ self: z.string().optional() }).optional(),
});

export function resource<A extends z.ZodType>(type: string | null, attributes: A) {
  return z.looseObject({
    type: type === null ? z.string() : z.literal(type),
    id: z.string(),
    attributes,
    relationships: z.record(z.string(), Relationship).optional(),
    links: z.looseObject({ self: z.string().optional() }).optional(),
  });
}

export const single = <R extends z.ZodType>(r: R) => z.looseObject({ data: r });

export const PageLinks = z.looseObject({
  self: z.string().nullable().optional(),
  first: z.string().nullable().optional(),
  prev: z.string().nullable().optional(),
  /** Relative path of the next page (e.g. /v1/teams?page=2&pageSize=100), or null on the last page. */
  next: z.string().nullable().optional(),
  last: z.string().nullable().optional(),
});
export const PageMeta = z.looseObject({
  page: z.number().optional(),
  pageSize: z.number().optional(),
  total: z.number().optional(),
  totalPages: z.number().optional(),
});
export const list = <R extends z.ZodType>(r: R) =>
  z.looseObject({ data: z.array(r), meta: PageMeta.optional(), links: PageLinks.optional(), included: z.array(z.unknown()).optional() });

/**
 * Kustomer sends either `{errors:[{code,message}]}` (older docs) or the JSON:API form `{errors:[{status,code,title,detail?,source?}]}`.
 * Recorded replies carry `status` as a number and no `detail` on a 404 (solidus_kustomer vcr_cassettes; confirmed); the
 * docs show a string. Both are accepted; describe-error.ts turns either into words.
 */
export const ErrorBody = z.looseObject({
  errors: z.array(
    z.looseObject({
      status: z.union([z.string(), z.number()]).optional(),
      code: z.string().optional(),
      title: z.string().optional(),
      detail: z.string().optional(),
      message: z.string().optional(),
      source: z.record(z.string(), z.unknown()).optional(),
      meta: z.record(z.string(), z.unknown()).optional(),
    }),
  ),
});
export type ErrorBody = z.infer<typeof ErrorBody>;

const Iso = z.string();

// GET /v1/auth/tokens/current
export const TokenAttributes = z.looseObject({
  name: z.string().nullable().optional(),
  lastTokenChars: z.string().optional(),
  roles: z.array(z.string()),
  createdAt: Iso.optional(),
  updatedAt: Iso.optional(),
});
export const TokenResponse = single(resource(null, TokenAttributes));

/**
 * GET /v1/orgs/current: the key's org. `attributes.name` is the org name (the subdomain), as
 * YextSolutions/kustomer-conversations-connector platform/plugin/kustomerConversations/mod.ts reads it (third-party
 * code). The resource type "org" and links `/v1/orgs/<id>` are as recorded in relationships (solidus_kustomer
 * update_customer.yml); the rest of the record is assumed.
 */
export const OrgAttributes = z.looseObject({
  name: z.string(),
  displayName: z.string().nullable().optional(),
  createdAt: Iso.optional(),
  updatedAt: Iso.optional(),
});
export const OrgResponse = single(resource('org', OrgAttributes));

// GET /v1/routing/queues
export const QueueAttributes = z.looseObject({
  name: z.string(),
  displayName: z.string().nullable().optional(),
  description: z.string().nullable().optional(),
  priority: z.number().optional(),
  system: z.boolean().optional(),
  deleted: z.boolean().optional(),
  createdAt: Iso.optional(),
  updatedAt: Iso.optional(),
});
export const QueueList = list(resource('queue', QueueAttributes));

// GET /v1/teams
export const TeamAttributes = z.looseObject({
  name: z.string(),
  displayName: z.string().nullable().optional(),
  members: z.array(z.string()).optional(),
  createdAt: Iso.optional(),
  updatedAt: Iso.optional(),
});
export const TeamList = list(resource('team', TeamAttributes));

// Customers
export const CustomerEmail = z.looseObject({ email: z.string(), type: z.string().optional(), verified: z.boolean().optional() });
export const CustomerAttributes = z.looseObject({
  name: z.string().nullable().optional(),
  displayName: z.string().nullable().optional(),
  externalId: z.string().nullable().optional(),
  emails: z.array(CustomerEmail).default([]),
  custom: z.record(z.string(), z.unknown()).optional(),
  createdAt: Iso.optional(),
  updatedAt: Iso.optional(),
  rev: z.number().optional(),
});
export const CustomerResource = resource('customer', CustomerAttributes);
export const CustomerResponse = single(CustomerResource);
export const CreateCustomerBody = z.strictObject({
  name: z.string().max(256).optional(),
  externalId: z.string().max(256).optional(),
  emails: z.array(z.strictObject({ type: z.enum(['home', 'work', 'other']), email: z.string() })).optional(),
});
export type CreateCustomerBody = z.infer<typeof CreateCustomerBody>;

// Conversations
export const ConversationStatus = z.enum(['open', 'snoozed', 'done']);
export const ConversationAttributes = z.looseObject({
  name: z.string().nullable().optional(),
  externalId: z.string().nullable().optional(),
  status: ConversationStatus,
  priority: z.number().int().min(1).max(5).optional(),
  direction: z.enum(['in', 'out']).optional(),
  channels: z.array(z.string()).default([]),
  tags: z.array(z.string()).optional(),
  assignedTeams: z.array(z.string()).optional(),
  assignedUsers: z.array(z.string()).optional(),
  custom: z.record(z.string(), z.unknown()).optional(),
  snooze: z.looseObject({ time: Iso.optional(), status: z.string().optional() }).nullable().optional(),
  /** docs/kustomer.md §24: an id in the spec; shown as given. */
  subStatus: z.string().nullable().optional(),
  lastActivityAt: Iso.optional(),
  messageCount: z.number().optional(),
  noteCount: z.number().optional(),
  createdAt: Iso,
  updatedAt: Iso,
  modifiedAt: Iso.optional(),
  rev: z.number().optional(),
});
export const ConversationResource = resource('conversation', ConversationAttributes);
export const ConversationResponse = single(ConversationResource);
export const ConversationList = list(ConversationResource);
const CustomValues = z.record(z.string().regex(/^[a-z][A-Za-z0-9]*(Str|Txt|Num|At|Bool|Url|Id|Tree)$/), z.unknown());
export const CreateConversationBody = z.strictObject({
  customer: KustomerId,
  name: z.string().max(256).optional(),
  externalId: z.string().max(256).optional(),
  status: z.enum(['open', 'done']).optional(),
  priority: z.number().int().min(1).max(5).optional(),
  direction: z.enum(['in', 'out']).optional(),
  tags: z.array(KustomerId).optional(),
  assignedTeams: z.array(KustomerId).optional(),
  assignedUsers: z.array(KustomerId).optional(),
  queue: z.strictObject({ id: KustomerId }).optional(),
  custom: CustomValues.optional(),
});
export type CreateConversationBody = z.infer<typeof CreateConversationBody>;
export const UpdateConversationBody = z.strictObject({
  name: z.string().max(256).optional(),
  status: ConversationStatus.optional(),
  priority: z.number().int().min(1).max(5).optional(),
  assignedTeams: z.array(KustomerId).optional(),
  assignedUsers: z.array(KustomerId).optional(),
  queue: z.strictObject({ id: KustomerId }).optional(),
  snooze: z.strictObject({ time: Iso, status: z.literal('scheduled') }).optional(),
  /**
   * A sub-status id (GET /v1/sub-statuses). In the update body of Kustomer's Core Resources OAS
   * (UpdateConversationAttributesRequest `subStatus?: string`) but not in its create body: docs/kustomer.md §28.
   */
  subStatus: KustomerId.optional(),
  custom: CustomValues.optional(),
  rev: z.number().optional(),
});
export type UpdateConversationBody = z.infer<typeof UpdateConversationBody>;

/**
 * A file referenced from a message or note create: the attachment record's id (`_id`) with its metadata, as
 * Kustomer's guide and spec show (docs/kustomer.md §21, §36; documented only: developer.kustomer.com/docs/guides/
 * attachments, S-OAS CreateNoteWithinConversationData / CreateMessageFromConversationData). The record and its
 * upload are in attachment-wire.ts.
 */
export const AttachmentRef = z.strictObject({
  _id: KustomerId,
  name: z.string().min(1).max(1024),
  contentType: z.string().min(1).max(255),
  contentLength: z.number().int().nonnegative(),
});
export type AttachmentRef = z.infer<typeof AttachmentRef>;

// Notes: POST /v1/conversations/{id}/notes
export const NoteAttributes = z.looseObject({ body: z.string(), externalId: z.string().nullable().optional(), createdAt: Iso, updatedAt: Iso.optional() });
export const NoteResource = resource('note', NoteAttributes);
export const NoteResponse = single(NoteResource);
export const CreateNoteBody = z.strictObject({
  body: z.string().min(1).max(100_000),
  externalId: z.string().max(256).optional(),
  attachments: z.array(AttachmentRef).max(50).optional(),
});
export type CreateNoteBody = z.infer<typeof CreateNoteBody>;

// Messages: POST /v1/conversations/{id}/messages (records a message; Kustomer takes the conversation's channel from it)
export const MESSAGE_CHANNELS = ['email', 'sms', 'chat', 'facebook', 'twitter-dm', 'twitter-tweet', 'voice', 'instagram', 'whatsapp'] as const;
export const MessageAttributes = z.looseObject({
  channel: z.string(),
  app: z.string(),
  direction: z.enum(['in', 'out']),
  preview: z.string().optional(),
  subject: z.string().nullable().optional(),
  status: z.string().optional(),
  externalId: z.string().nullable().optional(),
  // The sender as the channel tells it, e.g. an email's From: `meta` is in the message shape (docs/kustomer.md §6,
  // documented only: S-OAS); that `meta.from` is a plain string for every channel is assumed, so it is read leniently.
  meta: z.looseObject({ from: z.unknown().optional() }).nullable().optional(),
  createdAt: Iso,
});
export const MessageResource = resource('message', MessageAttributes);
export const MessageResponse = single(MessageResource);
export const CreateMessageBody = z.strictObject({
  channel: z.enum(MESSAGE_CHANNELS),
  app: z.string().min(1),
  direction: z.enum(['in', 'out']),
  preview: z.string().max(100_000).optional(),
  subject: z.string().max(1000).optional(),
  externalId: z.string().max(256).optional(),
  attachments: z.array(AttachmentRef).max(50).optional(),
});
export type CreateMessageBody = z.infer<typeof CreateMessageBody>;

// GET /v1/metadata/conversation
export const MetadataProperty = z.looseObject({
  type: z.string(),
  displayName: z.string().optional(),
  enumeration: z.array(z.unknown()).optional(),
  multi: z.boolean().optional(),
});
export const MetadataResponse = single(resource(null, z.looseObject({ properties: z.record(z.string(), MetadataProperty).default({}) })));

// Outbound webhooks: POST /v1/outbound-webhooks
export const CreateWebhookBody = z.strictObject({
  name: z.string().min(1),
  url: z.url(),
  events: z.array(z.string()).min(1).max(12),
  headers: z.array(z.strictObject({ name: z.string(), value: z.string() })).optional(),
});
export type CreateWebhookBody = z.infer<typeof CreateWebhookBody>;
/**
 * PUT /v1/outbound-webhooks/{id}: changes the given fields. ASSUMED: no public source shows an update endpoint (the
 * API reference lists create, list, get and delete), yet the settings page can edit a webhook and re-enable one
 * Kustomer disabled; Bridgedesk falls back to delete + create when it is refused.
 */
export const UpdateWebhookBody = CreateWebhookBody.partial().extend({ enabled: z.boolean().optional() });
export type UpdateWebhookBody = z.infer<typeof UpdateWebhookBody>;
export const WebhookAttributes = z.looseObject({
  name: z.string(),
  url: z.string(),
  events: z.array(z.string()),
  headers: z.array(z.looseObject({ name: z.string(), value: z.string() })).optional(),
  enabled: z.boolean().optional(),
  /** Set (with enabled false) when Kustomer disabled the webhook after failed deliveries (MeltanoLabs/tap-kustomer outbound_webhooks.json). */
  isError: z.boolean().optional(),
  token: z.string().optional(),
  createdAt: Iso.optional(),
  updatedAt: Iso.optional(),
});
export const WebhookResource = resource(null, WebhookAttributes);
export const WebhookResponse = single(WebhookResource);

/**
 * What Kustomer POSTs to a webhook URL. Recorded real delivery (jasbanza/osl-kustomer-notifications-bot
 * processor.php): id, name, org, partition (= the org id), data, createdAt, persist; no orgName, dataId or client.
 * Update events' `changes` list bookkeeping fields (rev, updatedAt, modifiedAt, modificationHistory) beside the real
 * change (pipedream components/kustomer/sources/updated-conversation-instant/test-event.mjs).
 */
export const WebhookEvent = z.looseObject({
  id: z.string(),
  name: z.string(),
  org: z.string(),
  /** The org id again (recorded); not a customer or conversation id. */
  partition: z.string().optional(),
  orgName: z.string().optional(),
  createdAt: Iso,
  dataId: z.string().optional(),
  data: resource(null, z.record(z.string(), z.unknown())),
  changes: z
    .looseObject({
      attributes: z.record(z.string(), z.looseObject({ op: z.string(), before: z.unknown().optional(), after: z.unknown().optional() })).optional(),
      relationships: z.record(z.string(), z.unknown()).optional(),
    })
    .optional(),
});
export type WebhookEvent = z.infer<typeof WebhookEvent>;

// GET /v1/users, GET /v1/users/current (docs/kustomer.md §3, §6; an API key's user has userType "machine")
export const UserAttributes = z.looseObject({
  name: z.string().nullable().optional(),
  displayName: z.string().nullable().optional(),
  email: z.string().nullable().optional(),
  userType: z.string().optional(),
  roles: z.array(z.string()).optional(),
  createdAt: Iso.optional(),
  updatedAt: Iso.optional(),
});
export const UserResource = resource('user', UserAttributes);
export const UserResponse = single(UserResource);
export const UserList = list(UserResource);

// GET /v1/conversations/{id}/notes, GET /v1/conversations/{id}/messages, GET /v1/outbound-webhooks
export const NoteList = list(NoteResource);
export const MessageList = list(MessageResource);
export const WebhookList = list(WebhookResource);

/**
 * POST /v1/customers/search with queryContext "conversation" (docs/kustomer.md §11): the subset a polling cursor needs.
 * Criteria are ANDed; times are ISO-8601. Sorting by conversation_updated_at follows Singer's tap (the spec says
 * only customer_* attributes sort; unresolved, docs/kustomer.md §11).
 */
const SearchTimeRange = z
  .strictObject({ gte: z.iso.datetime().optional(), gt: z.iso.datetime().optional(), lte: z.iso.datetime().optional(), lt: z.iso.datetime().optional() })
  .refine((r) => Object.keys(r).length > 0, { message: 'a time range needs gte, gt, lte or lt' });
export const ConversationSearchCriterion = z.union([
  z.strictObject({ conversation_updated_at: SearchTimeRange }),
  z.strictObject({ conversation_created_at: SearchTimeRange }),
  z.strictObject({ conversation_status: z.strictObject({ equals: ConversationStatus }) }),
  // Finding a conversation to link (docs/kustomer.md §26): the customer's email (a documented standard attribute,
  // `customer_email`, string operators) and words of the conversation's name. The operator names `equals` (documented
  // for other attributes) and `contains` on strings are assumed.
  z.strictObject({ customer_email: z.strictObject({ equals: z.string().min(1).max(320) }) }),
  z.strictObject({ conversation_name: z.strictObject({ contains: z.string().min(1).max(256) }) }),
]);
export const ConversationSearchBody = z.strictObject({
  queryContext: z.literal('conversation'),
  and: z.array(ConversationSearchCriterion).optional(),
  sort: z
    .array(
      z.union([z.strictObject({ conversation_updated_at: z.enum(['asc', 'desc']) }), z.strictObject({ conversation_created_at: z.enum(['asc', 'desc']) })]),
    )
    .max(1)
    .optional(),
  timeZone: z.string().optional(),
});
export type ConversationSearchBody = z.infer<typeof ConversationSearchBody>;

/**
 * GET /v1/tags: the org's tags; a conversation's `tags` hold their ids (PipedreamHQ/pipedream components/kustomer
 * kustomer.app.mjs lists /tags and sends the ids it read as a conversation's `tags`). docs/kustomer.md §28.
 */
export const TagAttributes = z.looseObject({
  name: z.string(),
  color: z.string().nullable().optional(),
  deleted: z.boolean().optional(),
  createdAt: Iso.optional(),
  updatedAt: Iso.optional(),
});
export const TagList = list(resource(null, TagAttributes));

/**
 * GET /v1/sub-statuses (developer.kustomer.com/api/core-resources/get-sub-statuses; documented only): `label`,
 * `parentStatus` (open, snoozed or done), `resourceType` (conversation or kobject). docs/kustomer.md §28.
 */
export const SubStatusAttributes = z.looseObject({
  label: z.string(),
  description: z.string().nullable().optional(),
  parentStatus: ConversationStatus,
  resourceType: z.string().optional(),
  default: z.boolean().optional(),
  createdAt: Iso.optional(),
  updatedAt: Iso.optional(),
});
export const SubStatusList = list(resource(null, SubStatusAttributes));
