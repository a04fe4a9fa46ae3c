/**
 * The emulator's stored records: plain data, one interface per Kustomer object. Routes render them into JSON:API
 * resources (render-*.ts); nothing here is a wire shape. Times are ISO-8601 strings from the injected clock.
 */

export type ErrorShape = 'jsonapi' | 'simple';
export type ConversationStatus = 'open' | 'snoozed' | 'done';

export interface OrgSettings {
  /** Requests per fixed 60-second window, shared by every key of the org (docs/kustomer.md §13). (Default: 1000.) */
  rateLimitPerMinute: number;
  /** Extra budget for POST /v1/customers/search by API keys (docs/kustomer.md §11: 100 per minute). (Default: 100.) */
  searchRateLimitPerMinute: number;
  /**
   * Status for a key that lacks the endpoint's role. Kustomer's errors page lists "missing role" under 401
   * (developer.kustomer.com/kustomer-api-docs/reference/errors; documented, not recorded); singer-io/tap-kustomer
   * treats a 403 as a stream it may not read. (Default: 401.)
   */
  missingRoleStatus: 401 | 403;
  /** `jsonapi` = {errors:[{status,code,title,detail}]}; `simple` = {errors:[{code,message}]} (docs/kustomer.md §14). (Default: jsonapi.) */
  errorShape: ErrorShape;
  /** x-ratelimit-reset as UTC epoch seconds (old docs) or seconds until the reset (new docs' demo), docs/kustomer.md §13. (Default: epochSeconds.) */
  rateLimitResetFormat: 'epochSeconds' | 'secondsUntilReset';
  /**
   * Which replies carry x-ratelimit-reset: `429` only, as recorded (200/201/400/404 replies in
   * nebulab/solidus_kustomer spec/fixtures/vcr_cassettes/*.yml carry limit and remaining, never the reset; the reset
   * on 429s is what singer-io/tap-kustomer tap_kustomer/client.py quotes from the old docs), or `every` reply, as
   * the newer docs say. (Default: 429.)
   */
  rateLimitResetOn: '429' | 'every';
  /**
   * Per-object limit on notes created on one conversation, per minute: x-ratelimit-object-limit 120 on a recorded
   * note create (a public trace of a Kustomer workflow calling POST /v1/conversations/{id}/notes; confirmed by a
   * recording). (Default: 120.)
   */
  noteCreatesPerConversationPerMinute: number;
  /**
   * Per-object limit on updates of one conversation, per minute. Recorded only for a customer update (600,
   * solidus_kustomer update_customer.yml); the same for a conversation is assumed. (Default: 600.)
   */
  updatesPerConversationPerMinute: number;
  /** Region: prod1 (US), prod2 (EU), prod4 (India); keys work only in their region (docs/kustomer.md §2). (Default: prod1.) */
  pod: 'prod1' | 'prod2' | 'prod4';
  /**
   * Largest attachment POST /v1/attachments accepts, in bytes. Kustomer publishes no limit for API attachments
   * (docs/kustomer.md §37: assumed); the emulator refuses larger ones with a 400. (Default: 25 MB.)
   */
  maxAttachmentBytes: number;
}

export interface OrgRecord {
  id: string;
  /** The subdomain: `acme` in acme.api.kustomerapp.com. */
  name: string;
  settings: OrgSettings;
  createdAt: string;
}

export interface ApiKeyRecord {
  id: string;
  orgId: string;
  /** The key's machine user (docs/kustomer.md §3: every key has its own). */
  userId: string;
  name: string;
  token: string;
  roles: string[];
  expiresAt: string | null;
  revokedAt: string | null;
  createdAt: string;
  lastAccessedAt: string | null;
}

export interface QueueRecord {
  id: string;
  orgId: string;
  name: string;
  displayName: string;
  description: string | null;
  priority: number;
  system: boolean;
  deleted: boolean;
  createdAt: string;
  updatedAt: string;
}

export interface TeamRecord {
  id: string;
  orgId: string;
  name: string;
  displayName: string;
  members: string[];
  createdAt: string;
  updatedAt: string;
}

/** A tag (GET /v1/tags); a conversation's `tags` hold tag ids (docs/kustomer.md §28). */
export interface TagRecord {
  id: string;
  orgId: string;
  name: string;
  color: string | null;
  createdAt: string;
  updatedAt: string;
}

/** A sub-status (GET /v1/sub-statuses): a label inside one parent status (docs/kustomer.md §28). */
export interface SubStatusRecord {
  id: string;
  orgId: string;
  label: string;
  description: string;
  parentStatus: ConversationStatus;
  resourceType: 'conversation' | 'kobject';
  createdAt: string;
  updatedAt: string;
}

export interface UserRecord {
  id: string;
  orgId: string;
  name: string;
  displayName: string | null;
  email: string | null;
  userType: 'user' | 'machine' | 'limited';
  roles: string[];
  createdAt: string;
  updatedAt: string;
}

export interface CustomerEmailRecord {
  email: string;
  type: string;
  verified: boolean;
}

export interface CustomerRecord {
  id: string;
  orgId: string;
  name: string | null;
  externalId: string | null;
  emails: CustomerEmailRecord[];
  custom: Record<string, unknown>;
  createdBy: string | null;
  createdAt: string;
  updatedAt: string;
  modifiedAt: string;
  rev: number;
}

export interface SnoozeRecord {
  time: string;
  status: 'scheduled' | 'canceled' | 'elapsed';
}

export interface ConversationRecord {
  id: string;
  orgId: string;
  customerId: string;
  queueId: string;
  name: string | null;
  externalId: string | null;
  status: ConversationStatus;
  priority: number;
  direction: 'in' | 'out';
  /** Read-only: filled from the conversation's messages (docs/kustomer.md §6). */
  channels: string[];
  tags: string[];
  assignedTeams: string[];
  assignedUsers: string[];
  custom: Record<string, unknown>;
  snooze: SnoozeRecord | null;
  /** An agent's finer status (docs/kustomer.md §24); set through the agent controls only. */
  subStatus: string | null;
  messageCount: number;
  inboundMessageCount: number;
  outboundMessageCount: number;
  noteCount: number;
  defaultLang: string;
  rev: number;
  createdBy: string | null;
  modifiedBy: string | null;
  createdAt: string;
  /** Any change, counters included. */
  updatedAt: string;
  /** Changes someone made (API update or agent), not counter bumps. */
  modifiedAt: string;
  lastActivityAt: string;
  modificationHistory: Record<string, string>;
}

export interface NoteRecord {
  id: string;
  orgId: string;
  conversationId: string;
  customerId: string;
  body: string;
  externalId: string | null;
  /** Attachment records it references (docs/kustomer.md §36). */
  attachmentIds: string[];
  createdBy: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface MessageRecord {
  id: string;
  orgId: string;
  conversationId: string;
  customerId: string;
  channel: string;
  app: string;
  direction: 'in' | 'out';
  preview: string | null;
  subject: string | null;
  externalId: string | null;
  status: 'sent' | 'received';
  /** Attachment records it references (docs/kustomer.md §36). */
  attachmentIds: string[];
  createdBy: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface MetadataPropertyRecord {
  type: string;
  displayName: string;
  enumeration?: unknown[];
  multi?: boolean;
  target?: string;
  modifiedAt: string;
}

export interface WebhookRecord {
  id: string;
  orgId: string;
  name: string;
  url: string;
  events: string[];
  headers: { name: string; value: string }[];
  /** The signing secret (HMAC-SHA256 key), shown on create and get (docs/kustomer.md §16, §18). */
  token: string;
  enabled: boolean;
  /**
   * Set with `enabled: false` when Kustomer disables the webhook after repeated failed deliveries (the record's
   * fields: MeltanoLabs/tap-kustomer outbound_webhooks.json; the behaviour: docs.digitalgenius.com
   * add-digitalgenius-kustomer-webhook, developer.kustomer.com list-outbound-webhooks; documented, not recorded).
   */
  isError: boolean;
  /** Failed deliveries in a row; a success resets it, and so does enabling the webhook again. */
  consecutiveFailures: number;
  createdAt: string;
  updatedAt: string;
}

/** An attachment record (docs/kustomer.md §21, §36): its metadata, where its bytes go, and the bytes once uploaded. */
export interface AttachmentRecord {
  id: string;
  orgId: string;
  name: string;
  contentType: string;
  /** As declared on create: the upload policy allows exactly this many bytes. */
  contentLength: number;
  /** The object key in the emulated bucket: attachments/<org id>/<id>-<name>, as recorded. */
  key: string;
  uploaded: boolean;
  bytes: Buffer | null;
  /** A file registered by URL instead of uploaded (newest docs only). */
  externalUrl: string | null;
  /** The message or note that references it: a record is referenced once (assumed, docs/kustomer.md §36). */
  attachedTo: { type: 'message' | 'note'; id: string } | null;
  createdBy: string | null;
  createdAt: string;
  updatedAt: string;
}
