/**
 * Timeline lines for sync.* entries (status sync, comment sync and field mapping with Kustomer), e.g.
 * "Kustomer conversation 6b06a1b2… marked done in Kustomer → request resolved" and
 * "Bridgedesk marked Kustomer conversation 6b06a1b2… done". A message from Kustomer is a bubble, not a line, with
 * its author and direction. Field names are labels, never Kustomer attribute keys.
 * null for anything that is not a sync entry this knows. Pure: unit-tested in sync-timeline-format.test.ts.
 */
import type { TimelineEntry } from '../../../server/schemas/request.ts';
import type { RemoteTicketState } from '../../../server/schemas/escalation.ts';
import { formatDateTime, joinWords, plural, priorityLabel, statusLabel } from '../../ui/format.ts';
import { channelLabel, destinationPriorityLabel, type LinePart, partsText, remoteFieldLabel } from '../escalations/escalation-format.ts';
import { assigneeText, queueText } from '../escalations/remote-state-format.ts';
import { remoteStatusWord } from './sync-format.ts';

/** A sync line in pieces: the timeline shows `subject` in bold (where the actor goes), then `rest`, then ` — detail`. */
export interface SyncLine {
  /** "Bridgedesk" for what Bridgedesk did, "Kustomer" for what happened there. */
  subject: string;
  /** The words after the subject, conversation ids short. */
  rest: string;
  /** The same as parts: the conversation id as an id part, to show like every other conversation id. */
  parts: LinePart[];
  detail?: string;
  /**
   * sync.message_received: shown as a bubble. `author` is who wrote it (the customer, or an agent in Kustomer),
   * `badge` says where and which way ("Customer wrote in Kustomer · Email"), `writtenAt` when Kustomer says it
   * was written (null for entries from before this was recorded).
   */
  message?: { author: string; direction: 'in' | 'out' | null; badge: string; body: string; writtenAt: string | null; note?: boolean };
}

type Data = Record<string, unknown>;
const str = (v: unknown): string | null => (typeof v === 'string' && v.trim() !== '' ? v : null);
const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string' && x !== '') : []);

const BRIDGEDESK = 'Bridgedesk';
/** Field names listed in a line before "and N more". */
const MAX_FIELDS = 5;

/** "conversation 6b06a1b2…" as parts, or "conversation" when the entry lacks the id. */
const conversation = (d: Data): LinePart[] => {
  const id = str(d.conversationId);
  return id ? ['conversation ', { id, href: str(d.url) }] : ['conversation'];
};

/** "a, b and c", or "a, b, c, d, e and 2 more". */
function fieldNames(fields: string[]): string {
  if (fields.length <= MAX_FIELDS) return joinWords(fields);
  return `${fields.slice(0, MAX_FIELDS).join(', ')} and ${fields.length - MAX_FIELDS} more`;
}

/**
 * The fields' labels: the mapped request field's label when the entry recorded it (`labels`, same order as
 * `fields`), else the Kustomer attribute's name in words ("orderNumberStr" → "Order number"). Never the raw key.
 */
function fieldLabels(d: Data, key: 'fields'): string[] {
  const labels = Array.isArray(d.labels) ? d.labels : [];
  return strings(d[key]).map((f, i) => str(labels[i]) ?? remoteFieldLabel(f));
}

/** "Order number" or "3 fields" (the names go in the detail). */
const fieldCount = (labels: string[]): string =>
  labels.length === 1 ? labels[0]! : labels.length ? `${labels.length} ${plural(labels.length, 'field')}` : 'field values';

function line(subject: string, parts: LinePart[], detail?: string): SyncLine {
  return { subject, rest: partsText(parts), parts, ...(detail ? { detail } : {}) };
}

/** Who wrote a message synced from Kustomer, and the badge that says where and which way it went. */
function messageOf(d: Data, destination: string): NonNullable<SyncLine['message']> {
  const direction = d.direction === 'in' || d.direction === 'out' ? d.direction : null;
  const channel = str(d.channel) ? ` · ${channelLabel(d.channel as string)}` : '';
  const author = str(d.author) ?? (direction === 'out' ? `Agent in ${destination}` : direction === 'in' ? 'Customer' : destination);
  const badge =
    direction === 'in'
      ? `Customer wrote in ${destination}${channel}`
      : direction === 'out'
        ? `Agent replied in ${destination}${channel}`
        : `From ${destination}${channel}`;
  return { author, direction, badge, body: typeof d.body === 'string' ? d.body : '', writtenAt: str(d.writtenAt) };
}

/** "assigned to Ana Ruiz · Tier 2; priority 4 — High": what a sync.ticket_changed entry says changed. */
function ticketChangeWords(d: Data): string | null {
  const details = (d.details ?? {}) as Partial<RemoteTicketState>;
  const words: Record<string, () => string> = {
    assignee: () => (details.assignee ? `assigned to ${assigneeText(details.assignee)}` : 'unassigned'),
    queue: () => `moved to ${queueText(details.queue ?? null) ?? 'no queue'}`,
    priority: () => `priority ${typeof details.priority === 'number' ? destinationPriorityLabel(details.priority) : 'cleared'}`,
    subStatus: () => (details.subStatus ? `sub-status ${details.subStatus}` : 'sub-status cleared'),
    snoozedUntil: () => (details.snoozedUntil ? `snoozed until ${formatDateTime(details.snoozedUntil)}` : 'snooze ended'),
  };
  const said = strings(d.changed)
    .filter((f) => f in words)
    .map((f) => words[f]!());
  return said.length ? said.join('; ') : null;
}

export function syncTimelineParts(entry: Pick<TimelineEntry, 'type' | 'data'>): SyncLine | null {
  const d: Data = entry.data ?? {};
  const destination = str(d.destination) ?? 'Kustomer';
  switch (entry.type) {
    case 'sync.status_received': {
      const applied = str(d.appliedStatus);
      return line(
        destination,
        [
          ...conversation(d),
          ` ${str(d.remoteStatus) ? `marked ${remoteStatusWord(d.remoteStatus)}` : 'changed'} in ${destination}${applied ? ` → request ${statusLabel(applied).toLowerCase()}` : ''}`,
        ],
        applied ? undefined : 'request unchanged',
      );
    }
    case 'sync.ticket_changed':
      return line(destination, [...conversation(d), ` changed in ${destination}`], ticketChangeWords(d) ?? undefined);
    case 'sync.status_sent':
      return line(BRIDGEDESK, [`marked ${destination} `, ...conversation(d), ` ${remoteStatusWord(d.status)}`]);
    case 'sync.status_failed':
      return line(BRIDGEDESK, [`could not mark ${destination} `, ...conversation(d), ` ${remoteStatusWord(d.status)}`], str(d.reason) ?? undefined);
    case 'sync.priority_sent':
    case 'sync.priority_failed': {
      const level = typeof d.remotePriority === 'number' ? `priority ${d.remotePriority}` : 'its priority';
      const from = str(d.priority) ? ` (request ${priorityLabel(d.priority).toLowerCase()})` : '';
      return entry.type === 'sync.priority_sent'
        ? line(BRIDGEDESK, [`set ${destination} `, ...conversation(d), ` to ${level}${from}`])
        : line(BRIDGEDESK, [`could not set ${destination} `, ...conversation(d), ` to ${level}${from}`], str(d.reason) ?? undefined);
    }
    case 'sync.message_received': {
      const message = messageOf(d, destination);
      const channel = str(d.channel);
      return { ...line(destination, [...conversation(d), ` got a message${channel ? ` (${channelLabel(channel)})` : ''}`]), message };
    }
    case 'sync.note_received': {
      // A note Kustomer's agents wrote for each other: internal there, internal here.
      const message = {
        author: str(d.author) ?? `Agent in ${destination}`,
        direction: null,
        badge: `Note in ${destination}`,
        body: String(d.body ?? ''),
        writtenAt: str(d.writtenAt),
        note: true,
      };
      return { ...line(destination, [...conversation(d), ' got a note']), message };
    }
    case 'sync.files_not_copied': {
      const files = Array.isArray(d.files) ? (d.files as Data[]) : [];
      const names = files.map((f) => `${str(f.name) ?? 'a file'}${str(f.reason) ? ` (${f.reason as string})` : ''}`);
      return line(BRIDGEDESK, [`could not copy ${files.length} ${plural(files.length, 'file')} from ${destination} `, ...conversation(d)], names.join('; '));
    }
    case 'sync.comment_sent':
      return line(BRIDGEDESK, [`posted a public reply as a note on ${destination} `, ...conversation(d)]);
    case 'sync.fields_sent': {
      const labels = fieldLabels(d, 'fields');
      return line(BRIDGEDESK, [`sent ${fieldCount(labels)} to ${destination} `, ...conversation(d)], labels.length > 1 ? fieldNames(labels) : undefined);
    }
    case 'sync.field_rejected': {
      const label = str(d.label) ?? (str(d.field) ? remoteFieldLabel(d.field as string) : 'a field');
      return line(destination, [`refused “${label}” on `, ...conversation(d)], str(d.message) ?? undefined);
    }
    case 'sync.fields_failed': {
      const labels = fieldLabels(d, 'fields');
      return line(
        BRIDGEDESK,
        [`could not send ${fieldCount(labels)} to ${destination} `, ...conversation(d), str(d.reason) ? `: ${d.reason as string}` : ''],
        labels.length > 1 ? fieldNames(labels) : undefined,
      );
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
