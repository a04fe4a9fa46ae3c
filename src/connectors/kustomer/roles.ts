/**
 * The Kustomer permissions Bridgedesk uses, each with the role names that grant it. Kustomer has a permission-set
 * form (org.permission.<object>.<action>) and an older legacy form (org.user.<object>.<read|write>); both still work
 * (docs/kustomer.md §3). The broad roles `org.permission` and `org.admin` grant everything.
 */
interface Permission {
  name: string;
  grantedBy: string[];
  /** Escalation cannot work without it. */
  required: boolean;
}

const p = (object: string, action: string, legacy: string[], required: boolean): Permission => ({
  name: `org.permission.${object}.${action}`,
  grantedBy: [`org.permission.${object}.${action}`, ...legacy],
  required,
});

export const PERMISSIONS: Permission[] = [
  p('customer', 'read', ['org.user.customer.read', 'org.user.customer.write'], true),
  p('customer', 'create', ['org.user.customer.write'], true),
  p('conversation', 'read', ['org.user.conversation.read', 'org.user.conversation.write'], true),
  p('conversation', 'create', ['org.user.conversation.write'], true),
  p('conversation', 'update', ['org.user.conversation.write'], true),
  p('note', 'create', ['org.user.note.write', 'org.user.note.read'], true),
  p('message', 'create', ['org.user.message.write'], true),
  p('queue', 'read', ['org.permission.routing.read', 'org.user.routing.read'], true),
  p('team', 'read', ['org.user.team.read', 'org.user.read'], true),
  p('metadata', 'read', ['org.user.metadata.read'], false),
  p('outbound_webhook', 'create', ['org.admin.outbound_webhooks'], false),
  p('search', 'create', ['org.user.search.read'], false),
];

/** Permissions only some calls need; not checked at connect (their features work without them or look elsewhere). */
const CALL_ONLY: Permission[] = [
  p('note', 'read', ['org.user.note.read', 'org.user.note.write'], false),
  p('message', 'read', ['org.user.message.read', 'org.user.message.write'], false),
  p('outbound_webhook', 'read', ['org.admin.outbound_webhooks', 'org.outbound_webhooks'], false),
  p('outbound_webhook', 'delete', ['org.admin.outbound_webhooks'], false),
  // Reading the files on notes and messages (docs/kustomer.md §37); creating one needs note.create or message.create.
  p('attachment', 'read', ['org.user.attachment.read'], false),
];

const GRANT_ALL = new Set(['org.permission', 'org.admin']);

/** Whether `roles` grant the permission-set role `name` (itself, a legacy equivalent, or a broad role). */
export function rolesGrant(roles: readonly string[], name: string): boolean {
  if (roles.some((r) => GRANT_ALL.has(r) || r === name)) return true;
  const perm = [...PERMISSIONS, ...CALL_ONLY].find((x) => x.name === name);
  return perm ? perm.grantedBy.some((r) => roles.includes(r)) : false;
}

export const isRequiredPermission = (name: string) => PERMISSIONS.some((x) => x.name === name && x.required);

export function missingPermissions(roles: string[]): { missing: string[]; missingRequired: string[] } {
  const have = new Set(roles);
  if (roles.some((r) => GRANT_ALL.has(r))) return { missing: [], missingRequired: [] };
  const missing = PERMISSIONS.filter((perm) => !perm.grantedBy.some((r) => have.has(r)));
  return { missing: missing.map((m) => m.name), missingRequired: missing.filter((m) => m.required).map((m) => m.name) };
}

/** The permission-set role each call needs, to name it when Kustomer refuses the call. */
export const PERM = {
  customerRead: 'org.permission.customer.read',
  customerCreate: 'org.permission.customer.create',
  conversationRead: 'org.permission.conversation.read',
  conversationCreate: 'org.permission.conversation.create',
  conversationUpdate: 'org.permission.conversation.update',
  noteCreate: 'org.permission.note.create',
  noteRead: 'org.permission.note.read',
  userRead: 'org.permission.user.read',
  messageCreate: 'org.permission.message.create',
  messageRead: 'org.permission.message.read',
  queueRead: 'org.permission.queue.read',
  teamRead: 'org.permission.team.read',
  metadataRead: 'org.permission.metadata.read',
  searchCreate: 'org.permission.search.create',
  webhookCreate: 'org.permission.outbound_webhook.create',
  webhookDelete: 'org.permission.outbound_webhook.delete',
} as const;
