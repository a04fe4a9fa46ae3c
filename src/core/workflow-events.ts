/** Turns timeline entries into the events workflows trigger on. */
import { INTERNAL_FACT_ENTRY_TYPES } from './internal-facts.ts';
import type { TriggerEvent } from './workflow-definition.ts';

export interface WorkflowEvent {
  event: TriggerEvent;
  /** What narrows the event: the new status (or "reopened"), the field key, the tag, the escalation state. */
  detail: string | null;
}

const STAFF = new Set(['admin', 'agent']);
const ESCALATION_STATES: Record<string, string> = {
  'escalation.created': 'created',
  'escalation.linked': 'linked',
  'escalation.link_failed': 'link_failed',
  'escalation.failed': 'failed',
};

/**
 * The linked conversation's changes as the destination told them (webhook or poll): each is one timeline entry, never
 * two (apply-event.ts, ticket-state.ts, read-thread.ts), so a workflow they trigger runs once per change.
 */
const CONVERSATION_ENTRIES = ['sync.status_received', 'sync.ticket_changed', 'sync.note_received', 'sync.message_received'] as const;

/** The conversation change an entry tells of: its status, an assignee change riding along, a note or message. */
function conversationEvents(entry: { type: string; data: Record<string, unknown> }): WorkflowEvent[] {
  const d = entry.data;
  const assigneeChanged = Array.isArray(d.changed) && d.changed.includes('assignee');
  const assignee: WorkflowEvent[] = assigneeChanged ? [{ event: 'conversation.assignee_changed', detail: null }] : [];
  switch (entry.type) {
    case 'sync.status_received':
      return [{ event: 'conversation.status_changed', detail: String(d.remoteStatus) }, ...assignee];
    case 'sync.ticket_changed':
      return assignee;
    case 'sync.note_received':
      return [{ event: 'conversation.reply_or_note', detail: 'note' }];
    case 'sync.message_received': {
      const direction = d.direction === 'in' || d.direction === 'out' ? d.direction : null;
      return [
        { event: 'conversation.reply_or_note', detail: 'message' },
        ...(direction ? [{ event: 'conversation.reply_or_note' as const, detail: `message_${direction}` }] : []),
      ];
    }
    default:
      return [];
  }
}

/** `actorRole` is the role of the person who wrote the entry (null for the system). */
export function eventsFromEntry(entry: { type: string; data: Record<string, unknown> }, actorRole: string | null): WorkflowEvent[] {
  const d = entry.data;
  switch (entry.type) {
    case 'request.created':
      return [{ event: 'request.submitted', detail: null }];
    case 'request.status_changed': {
      const reopened = (d.before === 'resolved' || d.before === 'archived') && (d.after === 'new' || d.after === 'in_progress' || d.after === 'waiting');
      return [
        { event: 'request.status_changed', detail: String(d.after) },
        ...(reopened ? [{ event: 'request.status_changed' as const, detail: 'reopened' }] : []),
      ];
    }
    case 'request.priority_changed':
      return [{ event: 'request.priority_changed', detail: String(d.after) }];
    case 'request.service_changed':
      return [{ event: 'request.service_changed', detail: d.after === null ? null : String(d.after) }];
    case 'request.assignee_changed':
      return [{ event: 'request.assignee_changed', detail: d.after === null ? null : String(d.after) }];
    case 'request.field_changed':
      return [{ event: 'request.field_changed', detail: String(d.field) }];
    case 'request.tags_changed':
      return ((d.added as string[] | undefined) ?? []).map((tag) => ({ event: 'request.tag_added' as const, detail: tag }));
    case 'comment.public_reply':
      if (actorRole === null) return [];
      return [{ event: STAFF.has(actorRole) ? 'request.agent_replied' : 'request.requester_replied', detail: null }];
    case 'escalation.failed':
      return [
        { event: 'escalation.state_changed', detail: 'failed' },
        { event: 'escalation.failed', detail: null },
      ];
    default:
      if ((CONVERSATION_ENTRIES as readonly string[]).includes(entry.type)) return conversationEvents(entry);
      return ESCALATION_STATES[entry.type] ? [{ event: 'escalation.state_changed', detail: ESCALATION_STATES[entry.type]! }] : [];
  }
}

/**
 * Entry types worth dispatching, with the trigger events each can raise: workflow events, plus title and
 * description changes (no trigger of their own: mapped fields sync them).
 */
const TRIGGER_EVENTS_OF: Record<string, readonly TriggerEvent[]> = {
  'request.created': ['request.submitted'],
  'request.title_changed': [],
  'request.description_changed': [],
  'request.status_changed': ['request.status_changed'],
  'request.priority_changed': ['request.priority_changed'],
  'request.service_changed': ['request.service_changed'],
  'request.assignee_changed': ['request.assignee_changed'],
  'request.field_changed': ['request.field_changed'],
  'request.tags_changed': ['request.tag_added'],
  'comment.public_reply': ['request.agent_replied', 'request.requester_replied'],
  ...Object.fromEntries(Object.keys(ESCALATION_STATES).map((type) => [type, ['escalation.state_changed'] as const])),
  'escalation.failed': ['escalation.state_changed', 'escalation.failed'],
  'sync.status_received': ['conversation.status_changed', 'conversation.assignee_changed'],
  'sync.ticket_changed': ['conversation.assignee_changed'],
  'sync.note_received': ['conversation.reply_or_note'],
  'sync.message_received': ['conversation.reply_or_note'],
};

/** Entries that only feed workflows: escalation states, and what the destination itself told (never sent back to it). */
const WORKFLOW_ONLY = new Set<string>([...Object.keys(ESCALATION_STATES), ...CONVERSATION_ENTRIES]);

export const isEventEntry = (type: string) => type in TRIGGER_EVENTS_OF;

/** The trigger events an entry of this type may raise (which of them, and their detail, depend on its data). */
export const triggerEventsOf = (type: string): readonly TriggerEvent[] => TRIGGER_EVENTS_OF[type] ?? [];

/** Event entries that linked destinations may follow (status, public replies, mapped fields); the rest only feed workflows. */
export const feedsDestinations = (type: string) => (isEventEntry(type) && !WORKFLOW_ONLY.has(type)) || changesInternalFact(type);

/**
 * The destination that asked for every change among these entries that destinations follow, when that is one and
 * the same: such a change is not sent back to it (push-status.ts skips its origin). Only status changes carry an
 * origin a push honours, so any other followed entry means there is no such destination (null).
 */
export function soleOrigin(entries: readonly { type: string; data: unknown }[]): string | null {
  const followed = entries.filter((e) => feedsDestinations(e.type) && !changesInternalFact(e.type));
  const origins = new Set(followed.map((e) => (e.type === 'request.status_changed' ? (e.data as { origin?: unknown }).origin : undefined)));
  const [origin] = origins;
  return origins.size === 1 && typeof origin === 'string' ? origin : null;
}

/**
 * Entries that change a request's internal facts (an internal note, an approval asked or decided: core/internal-facts.ts),
 * which linked destinations follow only when an admin mapped such a fact to an attribute.
 */
export const changesInternalFact = (type: string) => INTERNAL_FACT_ENTRY_TYPES.includes(type);

export function triggerMatches(trigger: { event: TriggerEvent; to?: string; field?: string; tag?: string }, e: WorkflowEvent): boolean {
  if (trigger.event !== e.event) return false;
  const narrow = trigger.to ?? trigger.field ?? trigger.tag;
  return !narrow || narrow === e.detail;
}
