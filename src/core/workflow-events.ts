/** Turns timeline entries into the events workflows trigger on. */
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

/** `actorRole` is the role of the person who wrote the entry (null for the system). */
export function eventsFromEntry(entry: { type: string; data: Record<string, unknown> }, actorRole: string | null): WorkflowEvent[] {
  const d = entry.data;
  switch (entry.type) {
    case 'request.created':
      return [{ event: 'request.submitted', detail: null }];
    case 'request.status_changed': {
      const reopened = (d.before === 'resolved' || d.before === 'archived') && (d.after === 'new' || d.after === 'in_progress' || d.after === 'waiting');
      return [{ event: 'request.status_changed', detail: String(d.after) }, ...(reopened ? [{ event: 'request.status_changed' as const, detail: 'reopened' }] : [])];
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
    default:
      return ESCALATION_STATES[entry.type] ? [{ event: 'escalation.state_changed', detail: ESCALATION_STATES[entry.type]! }] : [];
  }
}

/** Entry types worth dispatching: workflow events, plus title/description changes (mapped fields sync them). */
export const isEventEntry = (type: string) =>
  type === 'request.created' ||
  type === 'request.title_changed' ||
  type === 'request.description_changed' ||
  type === 'request.status_changed' ||
  type === 'request.priority_changed' ||
  type === 'request.service_changed' ||
  type === 'request.assignee_changed' ||
  type === 'request.field_changed' ||
  type === 'request.tags_changed' ||
  type === 'comment.public_reply' ||
  type in ESCALATION_STATES;

/** Event entries that linked destinations may follow (status, public replies, mapped fields); escalation states only feed workflows. */
export const feedsDestinations = (type: string) => isEventEntry(type) && !(type in ESCALATION_STATES);

export function triggerMatches(trigger: { event: TriggerEvent; to?: string; field?: string; tag?: string }, e: WorkflowEvent): boolean {
  if (trigger.event !== e.event) return false;
  const narrow = trigger.to ?? trigger.field ?? trigger.tag;
  return !narrow || narrow === e.detail;
}
