/**
 * Which key roles open which endpoint (docs/kustomer.md §5 "Role" column, §3). Each permission has
 * the permission-set name `org.permission.<object>.<action>` and the legacy names that still work
 * (`org.user.<object>.<read|write>`, `org.admin.*`).
 * Guesses, marked [I] in the notes: a legacy `write` role also grants `read` (as the client's roles.ts assumes),
 * and the bare `org.admin` / `org.permission` roles grant everything.
 */

export interface RequiredRole {
  /** The permission-set name, used in error messages. */
  name: string;
  grantedBy: readonly string[];
}

const perm = (object: string, action: 'read' | 'create' | 'update' | 'delete', legacy: string[]): RequiredRole => ({
  name: `org.permission.${object}.${action}`,
  grantedBy: [`org.permission.${object}.${action}`, ...legacy],
});

export const REQUIRED = {
  customerRead: perm('customer', 'read', ['org.user.customer.read', 'org.user.customer.write']),
  customerCreate: perm('customer', 'create', ['org.user.customer.write']),
  conversationRead: perm('conversation', 'read', ['org.user.conversation.read', 'org.user.conversation.write']),
  conversationCreate: perm('conversation', 'create', ['org.user.conversation.write']),
  conversationUpdate: perm('conversation', 'update', ['org.user.conversation.write']),
  // The spec's legacy column says org.user.note.read for note creation (likely a typo, docs/kustomer.md §3); accepted as written.
  noteCreate: perm('note', 'create', ['org.user.note.write', 'org.user.note.read']),
  noteRead: perm('note', 'read', ['org.user.note.read', 'org.user.note.write']),
  messageCreate: perm('message', 'create', ['org.user.message.write']),
  messageRead: perm('message', 'read', ['org.user.message.read', 'org.user.message.write']),
  queueRead: perm('queue', 'read', ['org.permission.routing.read', 'org.user.routing.read']),
  teamRead: perm('team', 'read', ['org.user.team.read']),
  userRead: perm('user', 'read', ['org.user.read', 'org.user.user.read']),
  metadataRead: perm('metadata', 'read', ['org.user.metadata.read']),
  // No source names the role that reads GET /v1/tags: tag.read follows the others' naming (assumed, docs/kustomer.md §28).
  tagRead: perm('tag', 'read', ['org.user.tag.read']),
  // GET /v1/sub-statuses is read with any of these (developer.kustomer.com/api/core-resources/get-sub-statuses; documented).
  subStatusRead: perm('sub_status', 'read', [
    'org.permission.conversation.read',
    'org.permission.kobject.read',
    'org.user.conversation.read',
    'org.user.kobject.read',
    'org.admin.sub_status.read',
    'org.admin.content.sub_status.read',
  ]),
  searchCreate: perm('search', 'create', ['org.user.search.read']),
  webhookCreate: perm('outbound_webhook', 'create', ['org.admin.outbound_webhooks']),
  webhookRead: perm('outbound_webhook', 'read', ['org.admin.outbound_webhooks', 'org.outbound_webhooks']),
  webhookDelete: perm('outbound_webhook', 'delete', ['org.admin.outbound_webhooks']),
  // The update endpoint itself is assumed (wire.ts UpdateWebhookBody); its role follows the naming of the others.
  webhookUpdate: perm('outbound_webhook', 'update', ['org.admin.outbound_webhooks']),
  attachmentRead: perm('attachment', 'read', ['org.user.attachment.read']),
  // POST /v1/attachments: "any one of" the note or message create roles (S-OAS createAttachment; documented).
  attachmentCreate: {
    name: 'org.permission.note.create or org.permission.message.create',
    grantedBy: ['org.permission.note.create', 'org.user.note.write', 'org.permission.message.create', 'org.user.message.write'],
  },
} as const satisfies Record<string, RequiredRole>;

/** Every permission-set role the emulator checks: what an "all roles" key gets. */
export const ALL_ROLES: readonly string[] = Object.values(REQUIRED)
  .map((r) => r.name)
  .filter((name) => name.startsWith('org.permission.') && !name.includes(' '));

const GRANT_ALL = new Set(['org.admin', 'org.permission']);

export function rolesGrant(roles: readonly string[], required: RequiredRole): boolean {
  return roles.some((r) => GRANT_ALL.has(r) || required.grantedBy.includes(r));
}
