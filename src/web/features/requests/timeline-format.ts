/**
 * Turns timeline entries into what the timeline shows: comments as bubbles, changes as one readable line
 * ("Ada changed priority from Medium to High"), escalation.* as internal lines whose conversation ids link to
 * Kustomer ("Bridgedesk created Kustomer conversation 5f1c2a9b…"), workflow and sync lines, and anything unknown generically.
 * Pure (the escalation lines are React elements, made without rendering): unit-tested in timeline-format.test.ts.
 */
import { createElement, Fragment, type ReactNode } from 'react';
import type { CustomFieldType } from '../../../core/custom-fields.ts';
import type { TimelineEntry } from '../../../server/schemas/request.ts';
import { humanize, joinWords, plural, priorityLabel, statusLabel } from '../../ui/format.ts';
import { channelLabel, destinationPriorityLabel, formatClock, type LinePart, partsText, reasonWords, shortId } from '../escalations/escalation-format.ts';
import { syncTimelineParts } from '../sync/sync-timeline-format.ts';
import { formatWorkflowEntry } from '../workflows/workflow-timeline-format.ts';

export interface TimelineContext {
  /** Custom field definitions by key, to name fields and show their values. */
  fields?: Map<string, { label: string; type: CustomFieldType }>;
  /** A person's name by id (for person custom fields); undefined when unknown. */
  personName?: (id: string) => string | undefined;
  /** A time of day for retry times ("10:42"); the viewer's clock by default. */
  clock?: (iso: string) => string;
}

export type { LinePart } from '../escalations/escalation-format.ts';

export type DescribedEntry =
  /**
   * A comment bubble. A message synced from Kustomer also has a `badge` (where and which way it went), its
   * `direction`, and `writtenAt`, when it was written there.
   */
  | {
      kind: 'comment';
      actor: string;
      internal: boolean;
      body: string;
      badge?: string;
      direction?: 'in' | 'out' | null;
      writtenAt?: string | null;
      /** Who sees it, when not just "Internal note" (internal) or everyone: e.g. "Note in Kustomer", "Agents only". */
      label?: string;
      /** A Note to Kustomer: how its posting went (timeline-items.ts folds the entries that say so into it). */
      delivery?: { state: 'sending' | 'sent' | 'failed'; reason?: string; escalationId: string; destination: string; conversationId: string | null };
    }
  /** A change line; `parts` (when set) is `action` with conversation ids as id parts. */
  | { kind: 'change'; actor: string; action: string; detail?: string; parts?: LinePart[] }
  | { kind: 'other'; actor: string; type: string; action: string }
  /**
   * An escalation.* line: always internal. `parts` and `text` are the words; `action` is the same as React
   * elements (the conversation id a link to Kustomer), with the detail, ready to render after the actor.
   */
  | { kind: 'escalation'; actor: string; internal: true; parts: LinePart[]; text: string; detail?: string; action: ReactNode };

type Data = Record<string, unknown>;
const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);
const quote = (v: unknown): string => `“${typeof v === 'string' ? v : ''}”`;
const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);

export function actorName(actor: TimelineEntry['actor']): string {
  if (actor.type === 'system') return actor.name ?? 'Bridgedesk';
  const name = actor.name ?? 'Someone';
  return actor.type === 'token' ? `${name} (API)` : name;
}

/** "from X to Y", "to Y" or "from X" for a change between two optional values. */
function fromTo(what: string, before: string | null, after: string | null): string {
  if (before && after) return `changed ${what} from ${before} to ${after}`;
  if (after) return `set ${what} to ${after}`;
  if (before) return `removed ${what} ${before}`;
  return `changed ${what}`;
}

function labelled(d: Data, idKey: 'before' | 'after'): string | null {
  return str(d[`${idKey}Label`]) ?? (str(d[idKey]) ? 'unknown' : null);
}

export function formatFieldValue(value: unknown, type: CustomFieldType | undefined, ctx: TimelineContext): string | null {
  if (value === null || value === undefined || value === '') return null;
  if (typeof value === 'boolean') return value ? 'Yes' : 'No';
  if (type === 'person' && typeof value === 'string') return ctx.personName?.(value) ?? 'a person';
  const text = String(value);
  return type === 'long_text' || text.length > 80 ? (text.length > 80 ? `${quote(text.slice(0, 77))}…` : quote(text)) : text;
}

/** Why Bridgedesk moved a status by itself, in words (the entry keeps a code); a person's own reason as written. */
const STATUS_REASONS: Record<string, string> = {
  first_reply: 'after the first reply',
  requester_replied: 'after the requester replied',
};
function statusReason(reason: unknown): string | undefined {
  const r = str(reason);
  if (!r) return undefined;
  return STATUS_REASONS[r] ?? (/^[a-z]+(_[a-z]+)+$/.test(r) ? humanize(r).toLowerCase() : r);
}

function describeChange(type: string, d: Data, actorId: string | null, ctx: TimelineContext): { action: string; detail?: string } | null {
  switch (type) {
    case 'request.created': {
      const requester = d.requester as { name?: string } | undefined;
      return { action: d.onBehalf && requester?.name ? `created this request on behalf of ${requester.name}` : 'created this request' };
    }
    case 'request.title_changed':
      return { action: `changed the title from ${quote(d.before)} to ${quote(d.after)}` };
    case 'request.description_changed':
      return { action: 'edited the description' };
    case 'request.status_changed':
      return { action: `changed status from ${statusLabel(d.before)} to ${statusLabel(d.after)}`, detail: statusReason(d.reason) };
    case 'request.priority_changed':
      return { action: `changed priority from ${priorityLabel(d.before)} to ${priorityLabel(d.after)}` };
    case 'request.assignee_changed': {
      const before = labelled(d, 'before');
      const after = labelled(d, 'after');
      if (after && !before) return { action: d.after === actorId ? 'assigned this to themself' : `assigned this to ${after}` };
      if (before && !after) return { action: `unassigned ${before}` };
      return { action: `reassigned this from ${before ?? 'nobody'} to ${after ?? 'nobody'}` };
    }
    case 'request.inbox_changed': {
      const before = labelled(d, 'before');
      const after = labelled(d, 'after');
      if (after && !before) return { action: `moved this to the ${after} inbox` };
      if (before && !after) return { action: `took this out of the ${before} inbox` };
      return { action: `moved this from the ${before} inbox to ${after}` };
    }
    case 'request.service_changed':
      return { action: fromTo('the service', labelled(d, 'before'), labelled(d, 'after')) };
    case 'request.tags_changed': {
      const added = strings(d.added);
      const removed = strings(d.removed);
      const parts: string[] = [];
      if (added.length) parts.push(`added ${plural(added.length, 'tag')} ${joinWords(added)}`);
      if (removed.length) parts.push(`removed ${plural(removed.length, 'tag')} ${joinWords(removed)}`);
      return { action: parts.length ? parts.join(' and ') : 'changed the tags' };
    }
    case 'request.field_changed': {
      const key = typeof d.field === 'string' ? d.field : 'a field';
      const def = ctx.fields?.get(key);
      const label = def?.label ?? humanize(key);
      const before = formatFieldValue(d.before, def?.type, ctx);
      const after = formatFieldValue(d.after, def?.type, ctx);
      if (after === null) return { action: `cleared ${label}` };
      return { action: before === null ? `set ${label} to ${after}` : `changed ${label} from ${before} to ${after}` };
    }
    case 'request.follower_added':
    case 'request.follower_removed': {
      const user = (d.user ?? {}) as { id?: string; name?: string };
      const added = type === 'request.follower_added';
      if (user.id && user.id === actorId) return { action: added ? 'started following' : 'stopped following' };
      return { action: added ? `added ${user.name ?? 'someone'} as a follower` : `removed ${user.name ?? 'someone'} as a follower` };
    }
    default:
      return null;
  }
}

const STEP_WORDS: Record<string, string> = {
  contact: 'finding the customer',
  conversation: 'creating the conversation',
  message: 'posting the first message',
  link: 'posting the back-link',
};

/** The conversation id as a part (linked when the entry has its url). */
function conversation(d: Data): LinePart {
  return { id: str(d.conversationId) ?? 'unknown', href: str(d.url) };
}

function describeEscalation(type: string, d: Data, ctx: TimelineContext): { parts: LinePart[]; detail?: string } | null {
  const destination = str(d.destination) ?? 'Kustomer';
  const reason = str(d.reason) ? reasonWords(d.reason as string, destination) : undefined;
  switch (type) {
    case 'escalation.requested': {
      const target = (d.target ?? null) as { kind?: string; id?: string; name?: string | null } | null;
      const targetName = target ? (str(target.name) ?? `${target.kind ?? 'target'} ${target.id ?? ''}`.trim()) : null;
      const detail = [
        str(d.channel) ? channelLabel(d.channel as string) : null,
        typeof d.priority === 'number' ? `priority ${destinationPriorityLabel(d.priority)}` : null,
        // What it asked beyond its target (issue 17 point 5): an assignee, a sub-status, the tags sent.
        d.assignee && typeof d.assignee === 'object' && str((d.assignee as Data).name) ? `assigned to ${str((d.assignee as Data).name)}` : null,
        str(d.subStatus) ? `sub-status ${str(d.subStatus)}` : null,
        Array.isArray(d.tags) && d.tags.length ? `tags ${d.tags.join(', ')}` : null,
      ].filter(Boolean);
      return { parts: [`escalated to ${destination}${targetName ? ` · ${targetName}` : ''}`], detail: detail.length ? detail.join(', ') : undefined };
    }
    case 'escalation.customer_matched':
    case 'escalation.customer_created': {
      const email = str(d.email);
      const verb = type === 'escalation.customer_matched' ? 'matched the existing' : 'created the';
      return { parts: [`${verb} ${destination} customer${email ? ` ${email}` : ''}`] };
    }
    case 'escalation.created':
      return d.foundExisting
        ? { parts: [`found ${destination} conversation `, conversation(d), ' made by an earlier attempt'] }
        : { parts: [`created ${destination} conversation `, conversation(d)] };
    case 'escalation.linked':
      return { parts: ['linked this request to conversation ', conversation(d)], detail: 'back-link posted' };
    case 'escalation.retry_scheduled': {
      const attempt = typeof d.attempt === 'number' ? ` ${d.attempt}` : '';
      const at = str(d.retryAt) ? ` for ${(ctx.clock ?? formatClock)(d.retryAt as string)}` : '';
      const step = str(d.step) ? STEP_WORDS[d.step as string] : undefined;
      return { parts: [`scheduled retry${attempt}${at}${reason ? `: ${reason}` : ''}`], detail: step ? `while ${step}` : undefined };
    }
    case 'escalation.link_failed':
      return {
        parts: ['could not post the back-link on conversation ', conversation(d), reason ? `: ${reason}` : ''],
        detail: d.final ? 'gave up: retry or re-link' : undefined,
      };
    case 'escalation.failed':
      return { parts: [`could not escalate to ${destination}${reason ? `: ${reason}` : ''}`], detail: 'nothing was created' };
    case 'escalation.retry_requested': {
      // A retry to another queue or team names both (its queue was gone).
      const to = str((d.target as { name?: unknown } | undefined)?.name);
      const was = str((d.previousTarget as { name?: unknown } | null | undefined)?.name);
      return { parts: [to ? `retried the escalation to ${to}` : 'retried the escalation'], detail: to && was ? `instead of ${was}` : undefined };
    }
    case 'escalation.relinked': {
      const previous = str(d.previousConversationId);
      return {
        parts: ['re-linked the escalation to conversation ', conversation(d)],
        detail: previous && previous !== d.conversationId ? `was ${shortId(previous)}` : undefined,
      };
    }
    case 'escalation.linked_existing':
      return { parts: [`linked this request to an existing ${destination} conversation `, conversation(d)] };
    case 'escalation.unlinked':
      return { parts: ['unlinked conversation ', conversation(d)], detail: 'no longer synced; history stays on both sides' };
    case 'escalation.unlink_noted':
      return { parts: [`posted the unlink note on ${destination} conversation `, conversation(d)] };
    case 'escalation.unlink_note_failed':
      return { parts: ['could not post the unlink note on conversation ', conversation(d), reason ? `: ${reason}` : ''] };
    default:
      return null;
  }
}

/**
 * The parts as elements: ids short in monospace with the whole id in the title (as everywhere a conversation id is
 * shown), linked to the conversation (a new tab) when the url is known.
 */
export function renderParts(parts: LinePart[], detail?: string): ReactNode {
  const nodes: ReactNode[] = parts.map((p, i) => {
    if (typeof p === 'string') return p;
    const text = createElement('span', { className: 'mono' }, shortId(p.id));
    return p.href
      ? createElement(
          'a',
          {
            key: i,
            href: p.href,
            target: '_blank',
            rel: 'noopener noreferrer',
            title: `${p.id} — open in Kustomer`,
            className: 'tl-conversation',
            'data-conversation-id': p.id,
          },
          text,
        )
      : createElement('span', { key: i, title: p.id, className: 'tl-conversation', 'data-conversation-id': p.id }, text);
  });
  if (detail) nodes.push(createElement('span', { key: 'detail', className: 'muted' }, ` — ${detail}`));
  return createElement(Fragment, null, ...nodes);
}

export function describeEntry(entry: TimelineEntry, ctx: TimelineContext = {}): DescribedEntry {
  const actor = actorName(entry.actor);
  if (entry.type === 'comment.public_reply' || entry.type === 'comment.internal_note') {
    return { kind: 'comment', actor, internal: entry.type === 'comment.internal_note' || entry.visibility === 'internal', body: String(entry.data.body ?? '') };
  }
  if (entry.type === 'sync.note_to_remote') {
    const destination = str(entry.data.destination) ?? 'Kustomer';
    const delivery = {
      state: 'sending' as const,
      escalationId: String(entry.data.escalationId ?? ''),
      destination,
      conversationId: str(entry.data.conversationId),
    };
    return { kind: 'comment', actor, internal: true, label: `Note to ${destination}`, body: String(entry.data.body ?? ''), delivery };
  }
  const change = describeChange(entry.type, entry.data, entry.actor.userId, ctx);
  if (change) return { kind: 'change', actor, ...change };
  const escalation = entry.type.startsWith('escalation.') ? describeEscalation(entry.type, entry.data, ctx) : null;
  if (escalation) {
    const { parts, detail } = escalation;
    return { kind: 'escalation', actor, internal: true, parts, text: partsText(parts), detail, action: renderParts(parts, detail) };
  }
  // sync.* (status, comment and field sync): a line led by Bridgedesk or Kustomer; a message from Kustomer as a bubble.
  const sync = entry.type.startsWith('sync.') ? syncTimelineParts(entry) : null;
  if (sync) {
    const m = sync.message;
    // Kustomer's thread is for agents only: its customer is often not the requester (read-thread.ts says why).
    return m
      ? m.note
        ? { kind: 'comment', actor: m.author, internal: true, label: m.badge, body: m.body, writtenAt: m.writtenAt }
        : {
            kind: 'comment',
            actor: m.author,
            internal: false,
            label: 'Agents only',
            body: m.body,
            badge: m.badge,
            direction: m.direction,
            writtenAt: m.writtenAt,
          }
      : { kind: 'change', actor: sync.subject, action: sync.rest, detail: sync.detail, parts: sync.parts };
  }
  const workflow = entry.type.startsWith('workflow.') ? formatWorkflowEntry(entry) : null;
  if (workflow) return { kind: 'change', actor, action: workflow };
  return { kind: 'other', actor, type: entry.type, action: humanize(entry.type).toLowerCase() };
}

/** The whole line as text, e.g. for titles and tests. */
export function entrySentence(entry: TimelineEntry, ctx: TimelineContext = {}): string {
  const d = describeEntry(entry, ctx);
  if (d.kind === 'comment') return `${d.actor} ${d.internal ? 'added an internal note' : 'replied'}`;
  if (d.kind === 'other') return `${d.actor}: ${d.type}`;
  if (d.kind === 'escalation') return `${d.actor} ${d.text}${d.detail ? ` (${d.detail})` : ''}`;
  return `${d.actor} ${d.action}${d.detail ? ` (${d.detail})` : ''}`;
}
