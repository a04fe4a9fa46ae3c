/**
 * Timeline lines for sync.* entries (status sync, comment sync and field mapping with Kustomer), e.g.
 * "Kustomer conversation 6b06a1b2… marked done in Kustomer → request resolved" and
 * "Bridgedesk marked Kustomer conversation 6b06a1b2… done". A message from Kustomer is a bubble, not a line.
 * null for anything that is not a sync entry this knows. Pure: unit-tested in sync-timeline-format.test.ts.
 */
import type { TimelineEntry } from '../../api/types.ts';
import { joinWords, plural, priorityLabel, statusLabel } from '../../ui/format.ts';
import { channelLabel, shortId } from '../escalations/escalation-format.ts';
import { remoteStatusWord } from './sync-format.ts';

/** A sync line in pieces: the timeline shows `subject` in bold (where the actor goes), then `rest`, then ` — detail`. */
export interface SyncLine {
  /** "Bridgedesk" for what Bridgedesk did, "Kustomer" for what happened there. */
  subject: string;
  rest: string;
  detail?: string;
  /** sync.message_received: shown as a bubble with this badge (e.g. "From Kustomer · Email") and body. */
  message?: { badge: string; body: string };
}

type Data = Record<string, unknown>;
const str = (v: unknown): string | null => (typeof v === 'string' && v.trim() !== '' ? v : null);
const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string' && x !== '') : []);

const BRIDGEDESK = 'Bridgedesk';
/** Field names listed in a line before "and N more". */
const MAX_FIELDS = 5;

/** "conversation 6b06a1b2…", or "conversation" when the entry lacks the id. */
const conversation = (d: Data): string => {
  const id = str(d.conversationId);
  return id ? `conversation ${shortId(id)}` : 'conversation';
};

/** "a, b and c", or "a, b, c, d, e and 2 more". */
function fieldNames(fields: string[]): string {
  if (fields.length <= MAX_FIELDS) return joinWords(fields);
  return `${fields.slice(0, MAX_FIELDS).join(', ')} and ${fields.length - MAX_FIELDS} more`;
}

/** "field orderNumberStr" or "3 fields" (the names go in the detail). */
const fieldCount = (fields: string[]): string => (fields.length === 1 ? `field ${fields[0]}` : fields.length ? `${fields.length} ${plural(fields.length, 'field')}` : 'field values');

export function syncTimelineParts(entry: Pick<TimelineEntry, 'type' | 'data'>): SyncLine | null {
  const d: Data = entry.data ?? {};
  const destination = str(d.destination) ?? 'Kustomer';
  switch (entry.type) {
    case 'sync.status_received': {
      const applied = str(d.appliedStatus);
      return {
        subject: destination,
        rest: `${conversation(d)} ${str(d.remoteStatus) ? `marked ${remoteStatusWord(d.remoteStatus)}` : 'changed'} in ${destination}${applied ? ` → request ${statusLabel(applied).toLowerCase()}` : ''}`,
        detail: applied ? undefined : 'request unchanged',
      };
    }
    case 'sync.status_sent':
      return { subject: BRIDGEDESK, rest: `marked ${destination} ${conversation(d)} ${remoteStatusWord(d.status)}` };
    case 'sync.status_failed':
      return { subject: BRIDGEDESK, rest: `could not mark ${destination} ${conversation(d)} ${remoteStatusWord(d.status)}`, detail: str(d.reason) ?? undefined };
    case 'sync.priority_sent':
    case 'sync.priority_failed': {
      const level = typeof d.remotePriority === 'number' ? `priority ${d.remotePriority}` : 'its priority';
      const from = str(d.priority) ? ` (request ${priorityLabel(d.priority).toLowerCase()})` : '';
      return entry.type === 'sync.priority_sent'
        ? { subject: BRIDGEDESK, rest: `set ${destination} ${conversation(d)} to ${level}${from}` }
        : { subject: BRIDGEDESK, rest: `could not set ${destination} ${conversation(d)} to ${level}${from}`, detail: str(d.reason) ?? undefined };
    }
    case 'sync.message_received': {
      const channel = str(d.channel);
      return {
        subject: destination,
        rest: `${conversation(d)} got a message${channel ? ` (${channelLabel(channel)})` : ''}`,
        message: { badge: `From ${destination}${channel ? ` · ${channelLabel(channel)}` : ''}`, body: typeof d.body === 'string' ? d.body : '' },
      };
    }
    case 'sync.comment_sent':
      return { subject: BRIDGEDESK, rest: `posted a public reply as a note on ${destination} ${conversation(d)}` };
    case 'sync.fields_sent': {
      const fields = strings(d.fields);
      return { subject: BRIDGEDESK, rest: `sent ${fieldCount(fields)} to ${destination} ${conversation(d)}`, detail: fields.length > 1 ? fieldNames(fields) : undefined };
    }
    case 'sync.field_rejected': {
      const field = str(d.field) ?? 'a field';
      const label = str(d.label);
      return { subject: destination, rest: `refused ${label ? `“${label}” (${field})` : field} on ${conversation(d)}`, detail: str(d.message) ?? undefined };
    }
    case 'sync.fields_failed': {
      const fields = strings(d.fields);
      return {
        subject: BRIDGEDESK,
        rest: `could not send ${fieldCount(fields)} to ${destination} ${conversation(d)}${str(d.reason) ? `: ${d.reason as string}` : ''}`,
        detail: fields.length > 1 ? fieldNames(fields) : undefined,
      };
    }
    default:
      return null;
  }
}

/** The whole line as text, or null for an entry that is not a sync entry this knows. */
export function syncTimelineLine(entry: Pick<TimelineEntry, 'type' | 'data'>): string | null {
  const p = syncTimelineParts(entry);
  return p ? `${p.subject} ${p.rest}${p.detail ? ` — ${p.detail}` : ''}` : null;
}
