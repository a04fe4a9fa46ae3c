/**
 * The emulator's in-memory database: one Map per Kustomer object, keyed by id, each record tagged with its org.
 * Maps keep insertion order, which is creation order, which is what Kustomer's lists default to (docs/kustomer.md §11, "sorts by id").
 */
import type {
  ApiKeyRecord,
  AttachmentRecord,
  ConversationRecord,
  CustomerRecord,
  MessageRecord,
  MetadataPropertyRecord,
  NoteRecord,
  OrgRecord,
  QueueRecord,
  SubStatusRecord,
  TagRecord,
  TeamRecord,
  UserRecord,
  WebhookRecord,
} from './records.ts';

export class EmulatorStore {
  readonly orgs = new Map<string, OrgRecord>();
  readonly keys = new Map<string, ApiKeyRecord>();
  readonly keysByToken = new Map<string, ApiKeyRecord>();
  readonly queues = new Map<string, QueueRecord>();
  readonly teams = new Map<string, TeamRecord>();
  readonly users = new Map<string, UserRecord>();
  readonly customers = new Map<string, CustomerRecord>();
  readonly conversations = new Map<string, ConversationRecord>();
  readonly notes = new Map<string, NoteRecord>();
  readonly messages = new Map<string, MessageRecord>();
  readonly webhooks = new Map<string, WebhookRecord>();
  readonly attachments = new Map<string, AttachmentRecord>();
  readonly tags = new Map<string, TagRecord>();
  readonly subStatuses = new Map<string, SubStatusRecord>();
  /** Custom-attribute metadata, keyed `<orgId>:<resource>` (resource: conversation, customer, message, company). */
  readonly metadata = new Map<string, Record<string, MetadataPropertyRecord>>();

  clear(): void {
    // Every field is one of the maps above.
    for (const map of Object.values(this) as Map<string, unknown>[]) map.clear();
  }

  /** An org by name (subdomain) or id; throws for an unknown one (a mistake in a test, not an API error). */
  org(ref: string): OrgRecord {
    const org = this.orgs.get(ref) ?? this.orgByName(ref);
    if (!org) throw new Error(`emulator: no org "${ref}"`);
    return org;
  }

  orgByName(name: string): OrgRecord | undefined {
    return [...this.orgs.values()].find((org) => org.name === name);
  }
}

/** Records of one org, in creation order. */
export function inOrg<T extends { orgId: string }>(map: Map<string, T>, orgId: string): T[] {
  return [...map.values()].filter((r) => r.orgId === orgId);
}

/** One record of one org; another org's id is "not found", as Kustomer scopes everything to the key's org. */
export function findInOrg<T extends { orgId: string }>(map: Map<string, T>, orgId: string, id: string): T | undefined {
  const r = map.get(id);
  return r && r.orgId === orgId ? r : undefined;
}
