/**
 * Inputs of the test controls, as zod schemas: the /__emulator/ HTTP routes parse bodies with them, and the
 * in-process `control` object takes the inferred types. Org references are the org's name or id.
 */
import { z } from 'zod';
import { MESSAGE_CHANNELS, UpdateConversationBody } from '../wire.ts';

export const OrgSettingsInput = z.strictObject({
  rateLimitPerMinute: z.number().int().positive().optional(),
  searchRateLimitPerMinute: z.number().int().positive().optional(),
  missingRoleStatus: z.union([z.literal(401), z.literal(403)]).optional(),
  errorShape: z.enum(['jsonapi', 'simple']).optional(),
  rateLimitResetFormat: z.enum(['epochSeconds', 'secondsUntilReset']).optional(),
  rateLimitResetOn: z.enum(['429', 'every']).optional(),
  noteCreatesPerConversationPerMinute: z.number().int().positive().optional(),
  updatesPerConversationPerMinute: z.number().int().positive().optional(),
  pod: z.enum(['prod1', 'prod2', 'prod4']).optional(),
  maxAttachmentBytes: z.number().int().positive().optional(),
});
export type OrgSettingsInput = z.infer<typeof OrgSettingsInput>;

export const CreateOrgInput = OrgSettingsInput.extend({
  name: z.string().regex(/^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/, 'an org name is a lowercase DNS label'),
});
export type CreateOrgInput = z.infer<typeof CreateOrgInput>;

export const CreateApiKeyInput = z.strictObject({
  org: z.string(),
  roles: z.array(z.string()),
  expiresAt: z.union([z.iso.datetime(), z.date()]).nullable().optional(),
  name: z.string().optional(),
});
export type CreateApiKeyInput = z.infer<typeof CreateApiKeyInput>;

export const CreateQueueInput = z.strictObject({
  org: z.string(),
  name: z.string().min(1),
  displayName: z.string().optional(),
  description: z.string().nullable().optional(),
  priority: z.number().int().optional(),
});
export type CreateQueueInput = z.infer<typeof CreateQueueInput>;

export const CreateTeamInput = z.strictObject({
  org: z.string(),
  name: z.string().min(1),
  displayName: z.string().optional(),
  members: z.array(z.string()).optional(),
});
export type CreateTeamInput = z.infer<typeof CreateTeamInput>;

export const CreateUserInput = z.strictObject({
  org: z.string(),
  name: z.string().min(1),
  email: z.string().nullable().optional(),
  userType: z.enum(['user', 'machine', 'limited']).optional(),
  roles: z.array(z.string()).optional(),
});
export type CreateUserInput = z.infer<typeof CreateUserInput>;

export const CreateCustomerInput = z.strictObject({
  org: z.string(),
  name: z.string().optional(),
  externalId: z.string().optional(),
  /** Shorthand for one `home` email. */
  email: z.string().optional(),
  emails: z.array(z.strictObject({ type: z.enum(['home', 'work', 'other']), email: z.string() })).optional(),
});
export type CreateCustomerInput = z.infer<typeof CreateCustomerInput>;

export const CreateTagInput = z.strictObject({ org: z.string(), name: z.string().min(1), color: z.string().nullable().optional() });
export type CreateTagInput = z.infer<typeof CreateTagInput>;

export const CreateSubStatusInput = z.strictObject({
  org: z.string(),
  label: z.string().min(1),
  parentStatus: z.enum(['open', 'snoozed', 'done']),
  description: z.string().optional(),
  resourceType: z.enum(['conversation', 'kobject']).optional(),
});
export type CreateSubStatusInput = z.infer<typeof CreateSubStatusInput>;

export const MetadataPropertyInput = z.strictObject({
  type: z.string(),
  displayName: z.string().optional(),
  enumeration: z.array(z.unknown()).optional(),
  multi: z.boolean().optional(),
  target: z.string().optional(),
});
export const SetMetadataInput = z.strictObject({
  org: z.string(),
  /** (Default: conversation.) */
  resource: z.string().optional(),
  properties: z.record(z.string(), MetadataPropertyInput),
});
export type SetMetadataInput = z.infer<typeof SetMetadataInput>;

/** What an agent can change in Kustomer's app; the same fields as the API's update, without `rev`. */
export const AgentChangeInput = UpdateConversationBody.omit({ rev: true }).extend({
  org: z.string(),
  id: z.string(),
  /** A finer status an agent picks (docs/kustomer.md §24); null clears it. Not in the API's update body: no source shows it writable there. */
  subStatus: z.string().max(256).nullable().optional(),
  /** The agent's user id. (Default: the org's first non-machine user, if any.) */
  by: z.string().optional(),
});
export type AgentChangeInput = z.infer<typeof AgentChangeInput>;

/** A file an agent (or a customer) attaches in Kustomer's app: uploaded as it would be, then referenced. */
export const ControlFileInput = z.strictObject({
  name: z.string().min(1),
  contentType: z.string().min(1),
  /** The bytes, base64. */
  contentBase64: z.base64(),
});
export type ControlFileInput = z.infer<typeof ControlFileInput>;

/** A note an agent writes on a conversation in Kustomer's app (emits kustomer.conversation.update: notes have no event). */
export const AgentNoteInput = z.strictObject({
  org: z.string(),
  id: z.string(),
  body: z.string().min(1),
  /** The agent's user id. (Default: the org's first non-machine user, if any.) */
  by: z.string().optional(),
  attachments: z.array(ControlFileInput).max(50).optional(),
});
export type AgentNoteInput = z.infer<typeof AgentNoteInput>;

/** A message on a conversation: the customer writing in (`in`) or an agent replying (`out`, by `by`). */
export const ThreadMessageInput = AgentNoteInput.extend({
  direction: z.enum(['in', 'out']),
  channel: z.enum(MESSAGE_CHANNELS).optional(),
});
export type ThreadMessageInput = z.infer<typeof ThreadMessageInput>;

export const FaultInput = z.strictObject({
  kind: z.enum(['429', '500', '503', 'slow', 'lost_reply']),
  count: z.number().int().positive().optional(),
  share: z.number().min(0).max(1).optional(),
  method: z.string().optional(),
  pathPrefix: z.string().startsWith('/').optional(),
  resetAt: z.union([z.iso.datetime(), z.date()]).optional(),
  delayMs: z.number().int().nonnegative().optional(),
  reply: z.enum(['502', 'close']).optional(),
});
