/**
 * Notes and messages on a conversation. Each bumps the conversation's counters; a message also adds its channel to
 * the conversation's read-only `channels` (docs/kustomer.md §6, [I]) and, when inbound, reopens a done or snoozed conversation
 * (docs/kustomer.md §9). Both inherit the conversation's customer (§7).
 */
import type { CreateMessageBody, CreateNoteBody } from '../wire.ts';
import { attach, referencedAttachments } from './attachment-writes.ts';
import { touchConversation } from './conversation-writes.ts';
import type { Actor, EmulatorDeps } from './emulator-deps.ts';
import { kustomerError } from './kustomer-error.ts';
import { newObjectId } from './object-id.ts';
import type { MessageRecord, NoteRecord } from './records.ts';
import { renderMessage } from './render-records.ts';
import { findInOrg } from './store.ts';

/** What a note and a message share: the conversation they are on, its customer, their files, who wrote them and when. */
function timelineEntry(deps: EmulatorDeps, actor: Actor, conversationId: string, body: CreateNoteBody | CreateMessageBody, type: 'note' | 'message') {
  const conv = findInOrg(deps.store.conversations, actor.org.id, conversationId);
  if (!conv) throw kustomerError(404, `conversation ${conversationId} not found`);
  const files = referencedAttachments(deps, actor.org.id, body.attachments);
  const at = deps.now().toISOString();
  const id = newObjectId(deps.now());
  const entry = {
    id,
    orgId: actor.org.id,
    conversationId: conv.id,
    customerId: conv.customerId,
    externalId: body.externalId ?? null,
    attachmentIds: attach(files, { type, id }, at),
    createdBy: actor.userId,
    createdAt: at,
    updatedAt: at,
  };
  return { conv, entry };
}

export function addNote(deps: EmulatorDeps, actor: Actor, conversationId: string, body: CreateNoteBody): NoteRecord {
  const { conv, entry } = timelineEntry(deps, actor, conversationId, body, 'note');
  const note: NoteRecord = { ...entry, body: body.body };
  deps.store.notes.set(note.id, note);
  const before = structuredClone(conv);
  conv.noteCount += 1;
  touchConversation(deps, actor, conv, before);
  return note;
}

export function addMessage(deps: EmulatorDeps, actor: Actor, conversationId: string, body: CreateMessageBody): MessageRecord {
  const { conv, entry } = timelineEntry(deps, actor, conversationId, body, 'message');
  const message: MessageRecord = {
    ...entry,
    channel: body.channel,
    app: body.app,
    direction: body.direction,
    preview: body.preview ?? null,
    subject: body.subject ?? null,
    status: body.direction === 'in' ? 'received' : 'sent',
  };
  deps.store.messages.set(message.id, message);
  const before = structuredClone(conv);
  conv.messageCount += 1;
  if (body.direction === 'in') conv.inboundMessageCount += 1;
  else conv.outboundMessageCount += 1;
  if (!conv.channels.includes(body.channel)) conv.channels = [...conv.channels, body.channel];
  if (body.direction === 'in' && conv.status !== 'open') {
    conv.status = 'open';
    if (conv.snooze?.status === 'scheduled') conv.snooze = { ...conv.snooze, status: 'canceled' };
  }
  deps.webhooks.emit(actor.org, 'kustomer.message.create', renderMessage(message), { client: actor.client });
  touchConversation(deps, actor, conv, before);
  return message;
}
