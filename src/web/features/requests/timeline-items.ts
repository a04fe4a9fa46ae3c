/**
 * What the timeline lists, from its entries: one line per entry, except
 *  - an escalation's entries (requested, customer matched, created, linked, retries, failures…) are ONE group, and
 *    so are a workflow run's entries (started, steps, approvals, finished, and the changes its steps made); a group
 *    says how it ended and expands to its steps, consecutive retries collapsed ("retried 3 times: Kustomer answered 503");
 *  - a status change that came from Kustomer is one line, not the sync entry plus the change it caused; a status
 *    Bridgedesk sent to Kustomer is told on the change that caused it;
 *  - messages synced from Kustomer sit in the order they were written there (deliveries may arrive out of order).
 * A group sits where its first entry is. Pure: unit-tested in timeline-items.test.ts.
 */
import type { TimelineEntry } from '../../../server/schemas/request.ts';
import { statusLabel } from '../../ui/format.ts';
import { idParts, type LinePart, reasonWords } from '../escalations/escalation-format.ts';
import { remoteStatusWord } from '../sync/sync-format.ts';
import { syncTimelineParts } from '../sync/sync-timeline-format.ts';
import { formatRunStep } from '../workflows/workflow-timeline-format.ts';
import { actorName, type DescribedEntry, describeEntry, type TimelineContext } from './timeline-format.ts';

/** One entry as one line. `also` adds what followed from it (e.g. the status sent to Kustomer). */
export interface TimelineLine {
  kind: 'entry';
  key: string;
  entry: TimelineEntry;
  described: DescribedEntry;
  also?: LinePart[];
}

export type GroupTone = 'done' | 'active' | 'waiting' | 'failed' | 'stopped';

export interface GroupStep {
  key: string;
  actor: string;
  parts: LinePart[];
  detail?: string;
  at: string;
  failed?: boolean;
}

export interface TimelineGroup {
  kind: 'group';
  key: string;
  group: 'escalation' | 'workflow';
  actor: string;
  /** The headline after the actor: "escalated this to Kustomer · VIP", "ran workflow “Specialist handoff”". */
  parts: LinePart[];
  detail?: string;
  /** How it stands or ended: "linked to conversation 5f1c2a9b…", "failed: Kustomer answered 503", "waiting for Morgan Manager". */
  outcome: { parts: LinePart[]; tone: GroupTone };
  at: string;
  steps: GroupStep[];
}

export type TimelineItem = TimelineLine | TimelineGroup;

type Data = Record<string, unknown>;
const str = (v: unknown): string | null => (typeof v === 'string' && v.trim() !== '' ? v : null);

/** Which group an entry belongs to, if any. Changes a run's steps made join the run (never comments: they stay bubbles). */
function groupKey(e: TimelineEntry, runs: Set<string>): string | null {
  const d = e.data as Data;
  if (e.type.startsWith('escalation.') && str(d.escalationId)) return `esc:${d.escalationId as string}`;
  if (e.type.startsWith('workflow.') && str(d.runId)) return `run:${d.runId as string}`;
  if (e.causedByRunId && runs.has(e.causedByRunId) && e.type.startsWith('request.')) return `run:${e.causedByRunId}`;
  return null;
}

/** Synced messages into the order they were written, keeping the places they hold among the other entries. */
function messagesInWrittenOrder(entries: TimelineEntry[]): TimelineEntry[] {
  const slots: number[] = [];
  entries.forEach((e, i) => (e.type === 'sync.message_received' || e.type === 'sync.note_received') && str((e.data as Data).writtenAt) && slots.push(i));
  if (slots.length < 2) return entries;
  const written = (e: TimelineEntry) => Date.parse((e.data as Data).writtenAt as string);
  const sorted = slots.map((i) => entries[i]!).sort((a, b) => written(a) - written(b) || Number(a.id) - Number(b.id));
  const out = [...entries];
  slots.forEach((slot, n) => (out[slot] = sorted[n]!));
  return out;
}

export function timelineItems(input: TimelineEntry[], ctx: TimelineContext = {}): TimelineItem[] {
  const entries = messagesInWrittenOrder(input);
  const runs = new Set(entries.filter((e) => e.type.startsWith('workflow.') && str((e.data as Data).runId)).map((e) => (e.data as Data).runId as string));
  const items: TimelineItem[] = [];
  const members = new Map<string, TimelineEntry[]>();
  const hidden = new Set<string>();

  // A status change Kustomer caused: the change entry right after its sync entry says the same thing again.
  entries.forEach((e, i) => {
    if (e.type !== 'sync.status_received' || !str((e.data as Data).appliedStatus)) return;
    const d = e.data as Data;
    const change = entries
      .slice(i + 1, i + 4)
      .find(
        (x) => x.type === 'request.status_changed' && (x.data as Data).after === d.appliedStatus && (!str(d.origin) || (x.data as Data).origin === d.origin),
      );
    if (change) hidden.add(change.id);
  });

  // A Note to Kustomer's outcome (sent, failed, retried) is its state, shown on the note, not a line of its own.
  const delivery = new Map<string, { state: 'sending' | 'sent' | 'failed'; reason?: string }>();
  for (const e of entries) {
    const d = e.data as Data;
    if (!e.type.startsWith('sync.note_to_remote_') || !str(d.noteEntryId)) continue;
    hidden.add(e.id);
    const state = e.type.endsWith('_sent') ? 'sent' : e.type.endsWith('_failed') ? 'failed' : 'sending';
    delivery.set(d.noteEntryId as string, { state, ...(str(d.reason) ? { reason: d.reason as string } : {}) });
  }

  const statusChanges: TimelineLine[] = [];
  for (const e of entries) {
    if (hidden.has(e.id)) continue;
    const key = groupKey(e, runs);
    if (key) {
      const list = members.get(key);
      if (list) list.push(e);
      else {
        members.set(key, [e]);
        items.push({
          kind: 'group',
          key,
          group: key.startsWith('esc:') ? 'escalation' : 'workflow',
          actor: '',
          parts: [],
          outcome: { parts: [], tone: 'active' },
          at: e.createdAt,
          steps: [],
        });
      }
      continue;
    }
    // A status Bridgedesk sent to Kustomer: said on the status change that caused it, when that change is listed.
    const cause = e.type === 'sync.status_sent' ? causeOf(e, statusChanges) : undefined;
    if (cause) {
      const sync = syncTimelineParts(e)!;
      cause.also = [`${sync.subject} `, ...sync.parts];
      continue;
    }
    let described = e.type === 'sync.status_received' ? statusFromDestination(e) : describeEntry(e, ctx);
    if (described.kind === 'comment' && described.delivery && delivery.has(e.id))
      described = { ...described, delivery: { ...described.delivery, ...delivery.get(e.id)! } };
    const line: TimelineLine = { kind: 'entry', key: e.id, entry: e, described };
    if (e.type === 'request.status_changed') statusChanges.push(line);
    items.push(line);
  }
  const customers = customerEmails(entries);
  return items.map((item) => (item.kind === 'group' ? fillGroup(item, members.get(item.key)!, ctx) : withCustomer(item, customers)));
}

/** Each conversation's customer as its escalation found or created them: conversation id → email. */
function customerEmails(entries: TimelineEntry[]): Map<string, string> {
  const emailOf = new Map<string, string>();
  const out = new Map<string, string>();
  for (const e of entries) {
    const d = e.data as Data;
    const esc = str(d.escalationId);
    if (!esc) continue;
    if ((e.type === 'escalation.customer_matched' || e.type === 'escalation.customer_created') && str(d.email)) emailOf.set(esc, d.email as string);
    if (str(d.conversationId) && emailOf.has(esc)) out.set(d.conversationId as string, emailOf.get(esc)!);
  }
  return out;
}

/** A message the customer wrote, whose author Kustomer did not say: the conversation's customer, by email. */
function withCustomer(line: TimelineLine, customers: Map<string, string>): TimelineLine {
  const d = line.described;
  if (d.kind !== 'comment' || d.direction !== 'in' || str((line.entry.data as Data).author)) return line;
  const email = customers.get(String((line.entry.data as Data).conversationId));
  return email ? { ...line, described: { ...d, actor: email } } : line;
}

/** The remote status a request status is pushed as (the default outbound mapping, docs/features/status-sync.md). */
const PUSHED_AS: Record<string, string> = { resolved: 'closed', archived: 'closed', waiting: 'waiting' };

/** The latest listed status change, not yet told, that a status sent to the destination follows from. */
function causeOf(sent: TimelineEntry, changes: TimelineLine[]): TimelineLine | undefined {
  const status = (sent.data as Data).status;
  const open = changes.filter((c) => !c.also);
  return [...open].reverse().find((c) => (PUSHED_AS[String((c.entry.data as Data).after)] ?? 'open') === status) ?? open.at(-1);
}

/** "Kustomer marked conversation 5f1c2a9b… done: status In progress → Resolved", one line for the sync and its change. */
function statusFromDestination(e: TimelineEntry): DescribedEntry {
  const d = e.data as Data;
  const destination = str(d.destination) ?? 'Kustomer';
  const id = str(d.conversationId);
  const applied = str(d.appliedStatus);
  const parts: LinePart[] = [
    `marked ${id ? 'conversation ' : 'the conversation'}`,
    ...(id ? [{ id, href: str(d.url) }] : []),
    ` ${str(d.remoteStatus) ? remoteStatusWord(d.remoteStatus) : 'changed'}`,
    applied ? `: request moved to ${statusLabel(applied)}` : '',
  ];
  const text = parts.map((p) => (typeof p === 'string' ? p : p.id)).join('');
  return { kind: 'change', actor: destination, action: text, parts, detail: applied ? undefined : 'request unchanged' };
}

const stepOf = (e: TimelineEntry, actor: string, parts: LinePart[], detail?: string, failed?: boolean): GroupStep => ({
  key: e.id,
  actor,
  parts,
  at: e.createdAt,
  ...(detail ? { detail } : {}),
  ...(failed ? { failed } : {}),
});

function fillGroup(g: TimelineGroup, list: TimelineEntry[], ctx: TimelineContext): TimelineGroup {
  return g.group === 'escalation' ? escalationGroup(g, list, ctx) : workflowGroup(g, list, ctx);
}

// ---------- escalation ----------

const ESCALATION_STATE_TYPES = new Set([
  'escalation.requested',
  'escalation.created',
  'escalation.linked',
  'escalation.linked_existing',
  'escalation.relinked',
  'escalation.link_failed',
  'escalation.failed',
  'escalation.retry_scheduled',
  'escalation.retry_requested',
  'escalation.unlinked',
]);

function conversationPart(d: Data): LinePart[] {
  const id = str(d.conversationId);
  return id ? [{ id, href: str(d.url) }] : ['the conversation'];
}

function escalationOutcome(list: TimelineEntry[]): TimelineGroup['outcome'] {
  const last = [...list].reverse().find((e) => ESCALATION_STATE_TYPES.has(e.type));
  const linkedTo = [...list].reverse().find((e) => str((e.data as Data).conversationId));
  const d = (last?.data ?? {}) as Data;
  const destination = str(d.destination) ?? 'Kustomer';
  const reason = str(d.reason) ? reasonWords(d.reason as string, destination) : null;
  switch (last?.type) {
    case 'escalation.linked':
    case 'escalation.relinked':
    case 'escalation.linked_existing':
      return { parts: ['linked to conversation ', ...conversationPart(d)], tone: 'done' };
    case 'escalation.created':
      return { parts: ['conversation ', ...conversationPart(d), ' created, posting the back-link…'], tone: 'active' };
    case 'escalation.unlinked':
      return { parts: ['unlinked from conversation ', ...conversationPart(d)], tone: 'done' };
    case 'escalation.link_failed':
      return d.final
        ? { parts: ['conversation ', ...conversationPart(d), ` created, back-link failed${reason ? `: ${reason}` : ''}`], tone: 'failed' }
        : { parts: [`retrying the back-link${reason ? `: ${reason}` : ''}`], tone: 'active' };
    case 'escalation.failed':
      return { parts: [`failed${reason ? `: ${reason}` : ''}`], tone: 'failed' };
    case 'escalation.retry_scheduled':
      return { parts: [`retrying${reason ? `: ${reason}` : ''}`], tone: 'active' };
    case 'escalation.retry_requested':
      return { parts: ['retrying…'], tone: 'active' };
    default:
      return linkedTo ? { parts: ['conversation ', ...conversationPart(linkedTo.data as Data)], tone: 'active' } : { parts: ['sending…'], tone: 'active' };
  }
}

function escalationGroup(g: TimelineGroup, list: TimelineEntry[], ctx: TimelineContext): TimelineGroup {
  const head = list.find((e) => e.type === 'escalation.requested' || e.type === 'escalation.linked_existing') ?? list[0]!;
  const headLine = describeEntry(head, ctx);
  const steps: GroupStep[] = [];
  for (let i = 0; i < list.length; i++) {
    const e = list[i]!;
    if (e.type === 'escalation.retry_scheduled') {
      // Consecutive retries: one step, counted, with the last reason.
      let j = i;
      while (j + 1 < list.length && list[j + 1]!.type === 'escalation.retry_scheduled') j++;
      const last = list[j]!;
      const d = last.data as Data;
      const n = j - i + 1;
      const reason = str(d.reason) ? reasonWords(d.reason as string, str(d.destination) ?? 'Kustomer') : null;
      const described = describeEntry(last, ctx);
      steps.push(
        stepOf(
          last,
          actorName(last.actor),
          [`retried ${n === 1 ? 'once' : `${n} times`}${reason ? `: ${reason}` : ''}`],
          described.kind === 'escalation' ? described.detail : undefined,
        ),
      );
      i = j;
      continue;
    }
    const described = describeEntry(e, ctx);
    if (described.kind !== 'escalation') continue;
    steps.push(
      stepOf(
        e,
        described.actor,
        described.parts,
        described.detail,
        e.type === 'escalation.failed' || (e.type === 'escalation.link_failed' && !!(e.data as Data).final),
      ),
    );
  }
  return {
    ...g,
    actor: headLine.actor,
    parts: headLine.kind === 'escalation' ? headLine.parts : [headLine.kind === 'change' || headLine.kind === 'other' ? headLine.action : ''],
    ...(headLine.kind === 'escalation' && headLine.detail && head.type === 'escalation.requested' ? { detail: headLine.detail } : {}),
    outcome: escalationOutcome(list),
    steps,
  };
}

// ---------- workflow run ----------

function workflowOutcome(list: TimelineEntry[]): TimelineGroup['outcome'] {
  const significant = [...list].reverse().find((e) => e.type !== 'workflow.step_done' && e.type.startsWith('workflow.'));
  const d = (significant?.data ?? {}) as Data;
  switch (significant?.type) {
    case 'workflow.finished':
      if (d.state === 'cancelled')
        return {
          parts: [d.reason === 'rejected' ? 'stopped: the approval was rejected' : `stopped${str(d.reason) ? `: ${d.reason as string}` : ''}`],
          tone: 'stopped',
        };
      if (d.state === 'failed') return { parts: ['failed'], tone: 'failed' };
      return { parts: ['finished'], tone: 'done' };
    case 'workflow.failed': {
      const step = d.step && typeof d.step === 'object' ? (d.step as Data) : {};
      const name = str(step.name);
      return { parts: [`failed${name ? ` at “${name}”` : ''}${str(d.error) ? `: ${d.error as string}` : ''}`], tone: 'failed' };
    }
    case 'workflow.waiting_approval': {
      const step = formatRunStep(significant)!;
      return { parts: [step.text.replace(/^asked (.*) for approval$/, 'waiting for $1')], tone: 'waiting' };
    }
    default:
      return { parts: ['running'], tone: 'active' };
  }
}

function workflowGroup(g: TimelineGroup, list: TimelineEntry[], ctx: TimelineContext): TimelineGroup {
  const name = list.map((e) => str((e.data as Data).workflowName)).find(Boolean) ?? 'unnamed';
  const steps: GroupStep[] = [];
  for (const e of list) {
    const d = e.data as Data;
    // An approval step's "done" repeats the decision listed just before it ("Morgan Manager approved").
    if (e.type === 'workflow.step_done' && (d.step as Data | undefined)?.type === 'approval' && steps.some((s) => s.key.startsWith('decided:'))) continue;
    const run = formatRunStep(e);
    if (run) {
      const key = e.type === 'workflow.approval_decided' ? `decided:${e.id}` : e.id;
      steps.push({ ...stepOf(e, actorName(e.actor), idParts(run.text), run.detail, e.type === 'workflow.failed'), key });
      continue;
    }
    const described = describeEntry(e, ctx);
    if (described.kind === 'change') steps.push(stepOf(e, described.actor, described.parts ?? [described.action], described.detail));
    else if (described.kind === 'escalation') steps.push(stepOf(e, described.actor, described.parts, described.detail));
  }
  const first = list[0]!;
  return {
    ...g,
    actor: first.type === 'workflow.started' ? actorName(first.actor) : 'Bridgedesk',
    parts: [`ran workflow “${name}”`],
    outcome: workflowOutcome(list),
    steps,
  };
}
