import { describe, expect, it } from 'vitest';
import type { TimelineEntry } from '../../../server/schemas/request.ts';
import { type LinePart, partsText } from '../escalations/escalation-format.ts';
import { entrySentence } from './timeline-format.ts';
import { type TimelineGroup, type TimelineItem, timelineItems } from './timeline-items.ts';

const CONV = '5f1c2a9b3d4e5f6a7b8c9d0e';
const URL = `https://acme.kustomerapp.com/app/customers/aaaa/event/${CONV}`;
const RUN = '00000000-0000-4000-8000-0000000000r1'.replace('r1', 'a1');
const SYSTEM = { type: 'system' as const, userId: null, tokenId: null, name: 'Bridgedesk' };
const ADA = { type: 'user' as const, userId: '00000000-0000-4000-8000-00000000000a', tokenId: null, name: 'Ada Agent' };
const MORGAN = { type: 'user' as const, userId: '00000000-0000-4000-8000-00000000000b', tokenId: null, name: 'Morgan Manager' };

let seq = 0;
function e(type: string, data: Record<string, unknown>, extra: Partial<TimelineEntry> = {}): TimelineEntry {
  seq += 1;
  return {
    id: String(seq),
    requestId: '00000000-0000-4000-8000-000000000001',
    type,
    actor: SYSTEM,
    visibility: 'internal',
    data,
    createdAt: new Date(Date.UTC(2025, 5, 10, 10, 0, seq)).toISOString(),
    causedByRunId: null,
    attachments: [],
    ...extra,
  };
}

const text = (parts: LinePart[]) => partsText(parts);
const groups = (items: TimelineItem[]) => items.filter((i): i is TimelineGroup => i.kind === 'group');
/** Everything a person reads in the items, as text (groups with their steps). */
function allWords(items: TimelineItem[]): string {
  return items
    .map((i) =>
      i.kind === 'group'
        ? [
            `${i.actor} ${text(i.parts)} ${i.detail ?? ''} ${text(i.outcome.parts)}`,
            ...i.steps.map((s) => `${s.actor} ${text(s.parts)} ${s.detail ?? ''}`),
          ].join('\n')
        : `${entrySentence(i.entry)} ${i.described.kind === 'change' && i.described.parts ? text(i.described.parts) : ''} ${i.also ? text(i.also) : ''}`,
    )
    .join('\n');
}

const escalation = (extra: Record<string, unknown> = {}) => ({ escalationId: 'e1', destination: 'Kustomer', ...extra });

describe('grouping an escalation', () => {
  it('makes one entry of an escalation that expands to its steps, retries collapsed, ending linked', () => {
    const items = timelineItems([
      e('request.created', {}, { actor: ADA, visibility: 'public' }),
      e('escalation.requested', escalation({ target: { kind: 'queue', id: 'q1', name: 'VIP' }, channel: 'email', priority: 3 }), { actor: ADA }),
      e('escalation.retry_scheduled', escalation({ reason: 'Server error 503', step: 'contact', attempt: 1, retryAt: '2025-06-10T10:01:00Z' })),
      e('escalation.retry_scheduled', escalation({ reason: 'Server error 503', step: 'contact', attempt: 2, retryAt: '2025-06-10T10:02:00Z' })),
      e('escalation.retry_scheduled', escalation({ reason: 'Server error 503', step: 'contact', attempt: 3, retryAt: '2025-06-10T10:04:00Z' })),
      e('escalation.customer_matched', escalation({ email: 'jane@example.com' })),
      e('escalation.created', escalation({ conversationId: CONV, url: URL })),
      e('escalation.linked', escalation({ conversationId: CONV, url: URL })),
    ]);
    expect(items).toHaveLength(2);
    const [g] = groups(items);
    expect(g).toMatchObject({ group: 'escalation', actor: 'Ada Agent', detail: 'Email, priority 3 — Normal' });
    expect(text(g!.parts)).toBe('escalated to Kustomer · VIP');
    expect(g!.outcome).toEqual({ parts: ['linked to conversation ', { id: CONV, href: URL }], tone: 'done' });
    expect(g!.steps.map((s) => `${s.actor} ${text(s.parts)}`)).toEqual([
      'Ada Agent escalated to Kustomer · VIP',
      'Bridgedesk retried 3 times: Kustomer answered 503',
      'Bridgedesk matched the existing Kustomer customer jane@example.com',
      'Bridgedesk created Kustomer conversation 5f1c2a9b…',
      'Bridgedesk linked this request to conversation 5f1c2a9b…',
    ]);
  });

  it('says how a failed escalation ended, and keeps two escalations apart', () => {
    const items = timelineItems([
      e('escalation.requested', escalation(), { actor: ADA }),
      e('escalation.failed', escalation({ reason: 'Queue missing: re-sync queues' })),
      e('escalation.requested', { escalationId: 'e2', destination: 'Kustomer' }, { actor: ADA }),
      e('escalation.retry_scheduled', { escalationId: 'e2', reason: 'Server error 502', attempt: 1 }),
    ]);
    const [failed, retrying] = groups(items);
    expect(failed!.outcome).toEqual({ parts: ['failed: Queue missing: re-sync queues'], tone: 'failed' });
    expect(failed!.steps.at(-1)).toMatchObject({ failed: true });
    expect(retrying!.outcome).toEqual({ parts: ['retrying: Kustomer answered 502'], tone: 'active' });
    expect(retrying!.steps.map((s) => text(s.parts))).toContain('retried once: Kustomer answered 502');
  });
});

describe('grouping a workflow run', () => {
  const wf = { workflowName: 'Specialist handoff', runId: RUN };
  const run = [
    e('workflow.started', wf),
    e('request.priority_changed', { before: 'medium', after: 'high' }, { causedByRunId: RUN, visibility: 'public' }),
    e('workflow.step_done', { ...wf, step: { path: '0', type: 'set_priority', name: null }, summary: 'set priority to high' }),
    e('workflow.waiting_approval', { ...wf, approvers: ['Morgan Manager'], mode: 'any' }),
    e('workflow.approval_decided', { ...wf, decision: 'approved', by: 'Morgan Manager', comment: 'Go ahead' }, { actor: MORGAN }),
    e('workflow.step_done', { ...wf, step: { path: '1', type: 'approval', name: 'Manager OK' }, summary: 'approval approved' }),
    e('comment.public_reply', { body: 'We are on it' }, { causedByRunId: RUN, visibility: 'public' }),
    e('workflow.step_done', { ...wf, step: { path: '2', type: 'create_conversation', name: null }, summary: `created Kustomer conversation ${CONV}` }),
    e('workflow.finished', { ...wf, state: 'succeeded' }),
  ];

  it('makes one entry of a run and the changes its steps made; a reply it posted stays a bubble', () => {
    const items = timelineItems(run);
    expect(items.map((i) => i.kind)).toEqual(['group', 'entry']);
    const [g] = groups(items);
    expect(g).toMatchObject({ group: 'workflow', actor: 'Bridgedesk', outcome: { parts: ['finished'], tone: 'done' } });
    expect(text(g!.parts)).toBe('ran workflow “Specialist handoff”');
    expect(g!.steps.map((s) => `${s.actor} ${text(s.parts)}${s.detail ? ` — ${s.detail}` : ''}`)).toEqual([
      'Bridgedesk started the workflow',
      'Bridgedesk changed priority from Medium to High',
      'Bridgedesk “Set priority”: set priority to High',
      'Bridgedesk asked Morgan Manager for approval',
      'Morgan Manager approved — “Go ahead”',
      'Bridgedesk “Create Kustomer conversation”: created Kustomer conversation 5f1c2a9b…',
      'Bridgedesk finished the workflow',
    ]);
    // The conversation id in the step's summary is an id part, shown like every other.
    expect(g!.steps[5]!.parts).toContainEqual({ id: CONV, href: null });
  });

  it('says who the run waits for while an approval is pending', () => {
    const [g] = groups(timelineItems(run.slice(0, 4)));
    expect(g!.outcome).toEqual({ parts: ['waiting for Morgan Manager'], tone: 'waiting' });
  });

  it('says a rejected approval stopped the run', () => {
    const items = timelineItems([
      e('workflow.started', wf),
      e('workflow.approval_decided', { ...wf, decision: 'rejected', comment: null }, { actor: MORGAN }),
      e('workflow.step_done', { ...wf, step: { path: '0', type: 'approval', name: null }, summary: 'approval rejected' }),
      e('workflow.finished', { ...wf, state: 'cancelled', reason: 'rejected' }),
    ]);
    const [g] = groups(items);
    expect(g!.outcome).toEqual({ parts: ['stopped: the approval was rejected'], tone: 'stopped' });
    expect(g!.steps.map((s) => `${s.actor} ${text(s.parts)}`)).toContain('Morgan Manager rejected');
  });
});

describe('status sync on the timeline', () => {
  it('shows a status change from Kustomer once, not as the sync entry plus the change it caused', () => {
    const items = timelineItems([
      e('sync.status_received', {
        origin: 'kustomer',
        destination: 'Kustomer',
        conversationId: CONV,
        remoteStatus: 'closed',
        appliedStatus: 'resolved',
        escalationId: 'e1',
      }),
      e('request.status_changed', { before: 'in_progress', after: 'resolved', origin: 'kustomer' }, { visibility: 'public' }),
    ]);
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ kind: 'entry', described: { kind: 'change', actor: 'Kustomer' } });
    expect(allWords(items)).toContain('marked conversation 5f1c2a9b… done: request moved to Resolved');
  });

  it('tells a status sent to Kustomer on the change that caused it', () => {
    const items = timelineItems([
      e('request.status_changed', { before: 'in_progress', after: 'resolved' }, { actor: ADA, visibility: 'public' }),
      e('sync.status_sent', { destination: 'Kustomer', conversationId: CONV, status: 'closed', escalationId: 'e1' }),
    ]);
    expect(items).toHaveLength(1);
    expect(text((items[0] as { also: LinePart[] }).also)).toBe('Bridgedesk marked Kustomer conversation 5f1c2a9b… done');
  });

  it('tells each status sent on the change that caused it when two changes came quickly', () => {
    const items = timelineItems([
      e('request.status_changed', { before: 'in_progress', after: 'resolved' }, { actor: ADA, visibility: 'public' }),
      e('request.status_changed', { before: 'resolved', after: 'in_progress' }, { actor: ADA, visibility: 'public' }),
      e('sync.status_sent', { destination: 'Kustomer', conversationId: CONV, status: 'closed' }),
      e('sync.status_sent', { destination: 'Kustomer', conversationId: CONV, status: 'open' }),
    ]);
    expect(items.map((i) => text((i as { also?: LinePart[] }).also ?? []))).toEqual([
      'Bridgedesk marked Kustomer conversation 5f1c2a9b… done',
      'Bridgedesk marked Kustomer conversation 5f1c2a9b… open',
    ]);
  });

  it("keeps a requester's status change when they cannot see the sync entry", () => {
    const items = timelineItems([e('request.status_changed', { before: 'in_progress', after: 'resolved', origin: 'kustomer' }, { visibility: 'public' })]);
    expect(items).toHaveLength(1);
    expect(entrySentence((items[0] as { entry: TimelineEntry }).entry)).toBe('Bridgedesk changed status from In progress to Resolved');
  });
});

describe('messages synced from Kustomer', () => {
  it('sit in the order they were written, whatever order they arrived in, with their author and direction', () => {
    const msg = (body: string, writtenAt: string, direction: 'in' | 'out') =>
      e('sync.message_received', {
        destination: 'Kustomer',
        conversationId: CONV,
        channel: 'email',
        body,
        direction,
        writtenAt,
        author: direction === 'in' ? 'jane@example.com' : null,
      });
    const items = timelineItems([
      e('request.created', {}, { actor: ADA, visibility: 'public' }),
      msg('Second', '2025-06-10T10:05:00Z', 'out'),
      e('request.priority_changed', { before: 'low', after: 'high' }, { actor: ADA, visibility: 'public' }),
      msg('First', '2025-06-10T10:01:00Z', 'in'),
    ]);
    const bubbles = items.flatMap((i) => (i.kind === 'entry' && i.described.kind === 'comment' ? [i.described] : []));
    expect(bubbles.map((b) => [b.body, b.actor, b.direction, b.badge])).toEqual([
      ['First', 'jane@example.com', 'in', 'Customer wrote in Kustomer · Email'],
      ['Second', 'Agent in Kustomer', 'out', 'Agent replied in Kustomer · Email'],
    ]);
    expect(items.map((i) => (i.kind === 'entry' ? i.entry.type : i.kind))).toEqual([
      'request.created',
      'sync.message_received',
      'request.priority_changed',
      'sync.message_received',
    ]);
  });

  it("names the conversation's customer as the author of what they wrote when Kustomer does not say", () => {
    const items = timelineItems([
      e('escalation.customer_created', escalation({ email: 'jane@example.com' })),
      e('escalation.created', escalation({ conversationId: CONV, url: URL })),
      e('sync.message_received', { destination: 'Kustomer', conversationId: CONV, channel: 'email', body: 'Hi', direction: 'in' }),
    ]);
    expect(items[1]).toMatchObject({ kind: 'entry', described: { kind: 'comment', actor: 'jane@example.com', badge: 'Customer wrote in Kustomer · Email' } });
  });
});

describe("Kustomer's notes and Notes to Kustomer", () => {
  const bubbles = (items: TimelineItem[]) => items.flatMap((i) => (i.kind === 'entry' && i.described.kind === 'comment' ? [i.described] : []));

  it("shows a Kustomer note as an internal bubble by its author, in Kustomer's order among the messages, and messages as agents only", () => {
    const items = timelineItems([
      e('sync.message_received', {
        destination: 'Kustomer',
        conversationId: CONV,
        channel: 'chat',
        body: 'Later',
        direction: 'out',
        author: 'Sam Chen',
        writtenAt: '2025-06-10T10:05:00Z',
      }),
      e('sync.note_received', {
        destination: 'Kustomer',
        conversationId: CONV,
        body: 'Earlier note',
        author: 'Alex Rivera',
        writtenAt: '2025-06-10T10:01:00Z',
      }),
    ]);
    expect(bubbles(items).map((b) => [b.body, b.actor, b.internal, b.label])).toEqual([
      ['Earlier note', 'Alex Rivera', true, 'Note in Kustomer'],
      ['Later', 'Sam Chen', false, 'Agents only'],
    ]);
  });

  it("folds a Note to Kustomer's outcome into the note: the latest of sent, failed and retried is its state", () => {
    const note = e('sync.note_to_remote', { destination: 'Kustomer', conversationId: CONV, escalationId: 'esc-1', body: 'Please call' }, { actor: ADA });
    const by = { noteEntryId: note.id, destination: 'Kustomer', conversationId: CONV };
    const failed = timelineItems([note, e('sync.note_to_remote_failed', { ...by, reason: 'Kustomer said no' })]);
    expect(failed).toHaveLength(1);
    expect(bubbles(failed)[0]).toMatchObject({
      actor: 'Ada Agent',
      internal: true,
      label: 'Note to Kustomer',
      delivery: { state: 'failed', reason: 'Kustomer said no', escalationId: 'esc-1' },
    });
    const retried = timelineItems([note, e('sync.note_to_remote_failed', { ...by, reason: 'x' }), e('sync.note_to_remote_retried', by)]);
    expect(bubbles(retried)[0]!.delivery?.state).toBe('sending');
    const sent = timelineItems([
      note,
      e('sync.note_to_remote_failed', { ...by, reason: 'x' }),
      e('sync.note_to_remote_retried', by),
      e('sync.note_to_remote_sent', by),
    ]);
    expect(sent).toHaveLength(1);
    expect(bubbles(sent)[0]!.delivery?.state).toBe('sent');
  });
});

describe('human words', () => {
  it('never shows field keys, reason codes or "approval approved"', () => {
    const wf = { workflowName: 'Handoff', runId: RUN };
    const items = timelineItems(
      [
        e('request.status_changed', { before: 'new', after: 'in_progress', reason: 'first_reply' }, { visibility: 'public' }),
        e('request.field_changed', { field: 'order_number', before: null, after: '4417' }, { actor: ADA, visibility: 'public' }),
        e('sync.fields_sent', { destination: 'Kustomer', conversationId: CONV, fields: ['orderNumberStr'], labels: ['Order number'] }),
        e('sync.fields_sent', { destination: 'Kustomer', conversationId: CONV, fields: ['orderNumberStr', 'refundTotalNum'] }),
        e('workflow.step_done', { ...wf, step: { path: '0', type: 'approval', name: null }, summary: 'approval approved' }),
      ],
      { fields: new Map([['order_number', { label: 'Order number', type: 'text' as const }]]) },
    );
    const words = allWords(items);
    expect(words).toContain('after the first reply');
    expect(words).toContain('set Order number to 4417');
    expect(words).toContain('sent Order number to Kustomer');
    expect(words).toContain('Order number and Refund total');
    expect(words).not.toMatch(/first_reply|orderNumberStr|refundTotalNum|approval approved|order_number/);
  });
});
