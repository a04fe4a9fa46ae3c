/** Renders customers, conversations, notes and messages as Kustomer resources (shapes from docs/kustomer.md §6). */
import { linksOnly, rel, type Rel, type ResourceObject } from './json-api.ts';
import type { ConversationRecord, CustomerRecord, MessageRecord, NoteRecord } from './records.ts';
import { inOrg, type EmulatorStore } from './store.ts';

export function renderCustomer(c: CustomerRecord, store: EmulatorStore): ResourceObject {
  // Counted on read: cheap for an emulator, and never out of step with the conversations.
  const convs = inOrg(store.conversations, c.orgId).filter((v) => v.customerId === c.id);
  const count = (s: string) => convs.filter((v) => v.status === s).length;
  return {
    type: 'customer',
    id: c.id,
    attributes: {
      name: c.name,
      displayName: c.name ?? c.emails[0]?.email ?? null,
      externalId: c.externalId,
      externalIds: c.externalId ? [{ externalId: c.externalId, verified: true, id: null }] : [],
      emails: c.emails.map((e) => ({ ...e, id: null })),
      sharedEmails: [],
      phones: [],
      sharedPhones: [],
      custom: { ...c.custom },
      conversationCounts: { all: convs.length, snoozed: count('snoozed'), open: count('open'), done: count('done') },
      locale: null,
      createdAt: c.createdAt,
      updatedAt: c.updatedAt,
      modifiedAt: c.modifiedAt,
      rev: c.rev,
    },
    relationships: {
      org: rel('org', c.orgId),
      createdBy: rel('user', c.createdBy),
      messages: linksOnly(`/v1/customers/${c.id}/messages`),
    },
    links: { self: `/v1/customers/${c.id}` },
  };
}

export const renderConversation = (v: ConversationRecord): ResourceObject => ({
  type: 'conversation',
  id: v.id,
  attributes: {
    name: v.name,
    externalId: v.externalId,
    status: v.status,
    priority: v.priority,
    direction: v.direction,
    channels: [...v.channels],
    tags: [...v.tags],
    assignedUsers: [...v.assignedUsers],
    assignedTeams: [...v.assignedTeams],
    custom: { ...v.custom },
    ...(v.snooze ? { snooze: { ...v.snooze } } : {}),
    subStatus: v.subStatus,
    messageCount: v.messageCount,
    noteCount: v.noteCount,
    outboundMessageCount: v.outboundMessageCount,
    inboundMessageCount: v.inboundMessageCount,
    defaultLang: v.defaultLang,
    ended: false,
    spam: false,
    rev: v.rev,
    createdAt: v.createdAt,
    updatedAt: v.updatedAt,
    modifiedAt: v.modifiedAt,
    lastActivityAt: v.lastActivityAt,
    modificationHistory: { ...v.modificationHistory },
  },
  relationships: {
    customer: rel('customer', v.customerId, `/v1/customers/${v.customerId}`),
    queue: rel('queue', v.queueId, `/v1/routing/queues/${v.queueId}`),
    org: rel('org', v.orgId),
    createdBy: rel('user', v.createdBy),
    modifiedBy: rel('user', v.modifiedBy),
    messages: linksOnly(`/v1/conversations/${v.id}/messages`),
  },
  links: { self: `/v1/conversations/${v.id}` },
});

/**
 * relationships.attachments {links, data:[{type:'attachment', id}]}, as the spec shows on listed messages (S-OAS
 * GetMessagesByConversationResponses; documented only); the same on notes is assumed (docs/kustomer.md §36).
 */
const attachmentsRel = (ids: string[], self: string): Record<string, Rel> =>
  ids.length ? { attachments: { links: { self }, data: ids.map((id) => ({ type: 'attachment', id })) } } : {};

export const renderNote = (n: NoteRecord): ResourceObject => ({
  type: 'note',
  id: n.id,
  attributes: { body: n.body, externalId: n.externalId, createdAt: n.createdAt, updatedAt: n.updatedAt },
  relationships: {
    org: rel('org', n.orgId),
    customer: rel('customer', n.customerId, `/v1/customers/${n.customerId}`),
    conversation: rel('conversation', n.conversationId, `/v1/conversations/${n.conversationId}`),
    createdBy: rel('user', n.createdBy),
    userMentions: { data: [] },
    ...attachmentsRel(n.attachmentIds, `/v1/notes/${n.id}/attachments`),
  },
  links: { self: `/v1/notes/${n.id}` },
});

export const renderMessage = (m: MessageRecord): ResourceObject => ({
  type: 'message',
  id: m.id,
  attributes: {
    channel: m.channel,
    app: m.app,
    direction: m.direction,
    directionType: m.direction === 'in' ? 'initial-in' : 'response-out',
    preview: m.preview ?? '',
    size: Buffer.byteLength(m.preview ?? ''),
    subject: m.subject,
    meta: { subject: m.subject },
    status: m.status,
    externalId: m.externalId,
    sentAt: m.createdAt,
    createdAt: m.createdAt,
    updatedAt: m.updatedAt,
    modifiedAt: m.updatedAt,
  },
  relationships: {
    org: rel('org', m.orgId),
    customer: rel('customer', m.customerId, `/v1/customers/${m.customerId}`),
    conversation: rel('conversation', m.conversationId, `/v1/conversations/${m.conversationId}`),
    createdBy: rel('user', m.createdBy),
    modifiedBy: rel('user', m.createdBy),
    ...attachmentsRel(m.attachmentIds, `/v1/messages/${m.id}/attachments`),
  },
  links: { self: `/v1/messages/${m.id}` },
});
