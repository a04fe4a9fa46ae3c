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
    for (const map of [
      this.orgs,
      this.keys,
      this.keysByToken,
      this.queues,
      this.teams,
      this.users,
      this.customers,
      this.conversations,
      this.notes,
      this.messages,
      this.webhooks,
      this.attachments,
      this.tags,
      this.subStatuses,
      this.metadata,
    ]) {
      map.clear();
    }
  }

  /** An org by name (subdomain) or id; throws for an unknown one (a mistake in a test, not an API error). */
  org(ref: string): OrgRecord {
    const byId = this.orgs.get(ref);
    if (byId) return byId;
    for (const org of this.orgs.values()) if (org.name === ref) return org;
    throw new Error(`emulator: no org "${ref}"`);
  }

  orgByName(name: string): OrgRecord | undefined {
    for (const org of this.orgs.values()) if (org.name === name) return org;
    return undefined;
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
