/**
 * The `changes` part of a kustomer.conversation.update event (docs/kustomer.md §17): `{op, before, after}` per changed attribute.
 * Kustomer lists its bookkeeping fields beside the real change (`rev`, `updatedAt`, `modifiedAt`,
 * `modificationHistory`: pipedream components/kustomer/sources/updated-conversation-instant/test-event.mjs), so a
 * write that changes nothing else still sends an update whose changes are bookkeeping only. `lastActivityAt` is
 * listed when it moves (assumed: not in that recording, where it did not move). `custom` is reported as one
 * attribute holding the whole object.
 */
import type { ConversationRecord } from './records.ts';
import type { AttributeChange, EventChanges } from './webhook-dispatcher.ts';

const ATTRIBUTES = [
  'name',
  'externalId',
  'status',
  'priority',
  'direction',
  'channels',
  'tags',
  'assignedTeams',
  'assignedUsers',
  'custom',
  'snooze',
  'subStatus',
  'messageCount',
  'inboundMessageCount',
  'outboundMessageCount',
  'noteCount',
  'rev',
  'updatedAt',
  'modifiedAt',
  'lastActivityAt',
  'modificationHistory',
] as const satisfies readonly (keyof ConversationRecord)[];

function change(before: unknown, after: unknown): AttributeChange | null {
  if (JSON.stringify(before) === JSON.stringify(after)) return null;
  const absent = (v: unknown) => v === null || v === undefined;
  if (absent(before)) return { op: 'add', after };
  if (absent(after)) return { op: 'remove', before };
  return { op: 'replace', before, after };
}

export function diffConversation(before: ConversationRecord, after: ConversationRecord): EventChanges {
  const changes: EventChanges = { attributes: {}, relationships: {} };
  for (const field of ATTRIBUTES) {
    const c = change(before[field], after[field]);
    if (c) changes.attributes[field] = c;
  }
  const queue = change({ type: 'queue', id: before.queueId }, { type: 'queue', id: after.queueId });
  if (queue) changes.relationships.queue = queue;
  return changes;
}
