import { describe, expect, it } from 'vitest';
import { type Escalation, isInFlight } from '../../api/escalations.ts';
import type { TimelineEntry } from '../../../server/schemas/request.ts';
import { channelLabel, destinationPriorityLabel, problemLine, shortId, stateLabel, testEscalationSteps } from './escalation-format.ts';

const clock = (iso: string) => iso.slice(11, 16);

function escalation(fields: Partial<Escalation> = {}): Escalation {
  return {
    id: 'e1',
    requestId: 'r1',
    destination: 'kustomer',
    origin: 'created',
    target: { kind: 'queue', id: 'q1', name: 'Tier 2 Support' },
    targetAvailable: true,
    channel: 'email',
    priority: 1,
    subject: 'Test',
    message: 'Hello',
    state: 'sending',
    conversationId: null,
    conversationUrl: null,
    attempts: 0,
    lastError: null,
    nextAttemptAt: null,
    requestedBy: { id: 'u1', name: 'Rita' },
    createdAt: '2025-06-10T10:40:00.000Z',
    updatedAt: '2025-06-10T10:40:00.000Z',
    linkedAt: null,
    unlinked: null,
    remote: null,
    ...fields,
  };
}

function entry(type: string, data: Record<string, unknown> = {}): TimelineEntry {
  return {
    id: type,
    requestId: 'r1',
    type,
    actor: { type: 'system', userId: null, tokenId: null, name: null },
    visibility: 'internal',
    data: { escalationId: 'e1', ...data },
    createdAt: '2025-06-10T10:40:01.000Z',
    causedByRunId: null,
    attachments: [],
  };
}

const statuses = (e: Escalation, entries: TimelineEntry[] = []) => testEscalationSteps(e, entries, clock).map((s) => `${s.key}:${s.status}`);

describe('escalation words', () => {
  it('labels states, priorities and channels', () => {
    expect(stateLabel('sending')).toBe('Sending…');
    expect(stateLabel('link_failed')).toBe('Link failed');
    expect(destinationPriorityLabel(3)).toBe('3 — Normal');
    expect(destinationPriorityLabel(5)).toBe('5 — Urgent');
    expect(destinationPriorityLabel(9)).toBe('9');
    expect(channelLabel('twitter-dm')).toBe('Twitter DM');
    expect(channelLabel('carrier-pigeon')).toBe('Carrier pigeon');
    expect(shortId('5f1c2a9b3d4e5f6a7b8c9d0e')).toBe('5f1c2a9b…');
    expect(shortId('K-1')).toBe('K-1');
  });

  it('says when the worker retries and why, or why it stopped', () => {
    expect(problemLine(escalation({ state: 'link_failed', lastError: 'Server error 503', nextAttemptAt: '2025-06-10T10:42:00.000Z' }), clock)).toBe(
      'Retrying at 10:42 — Server error 503',
    );
    expect(problemLine(escalation({ state: 'failed', lastError: 'Invalid credentials' }), clock)).toBe('Invalid credentials');
    expect(problemLine(escalation({ state: 'linked' }), clock)).toBeNull();
    expect(problemLine(escalation({ state: 'sending' }), clock)).toBeNull();
  });

  it('polls only while an escalation is still moving', () => {
    expect(isInFlight(escalation({ state: 'sending' }))).toBe(true);
    expect(isInFlight(escalation({ state: 'created' }))).toBe(true);
    expect(isInFlight(escalation({ state: 'link_failed', nextAttemptAt: '2025-06-10T10:42:00.000Z' }))).toBe(true);
    expect(isInFlight(escalation({ state: 'link_failed' }))).toBe(false);
    expect(isInFlight(escalation({ state: 'linked' }))).toBe(false);
    expect(isInFlight(escalation({ state: 'failed' }))).toBe(false);
  });
});

describe('test escalation steps', () => {
  it('starts with the request made and the customer under way', () => {
    expect(statuses(escalation())).toEqual(['requested:done', 'customer:active', 'conversation:pending', 'link:pending']);
    expect(testEscalationSteps(escalation(), [], clock)[0]!.detail).toBe('To Tier 2 Support by Email');
  });

  it('fills in each step from the timeline and the escalation', () => {
    const entries = [
      entry('escalation.requested'),
      entry('escalation.customer_created', { email: 'rita@example.com' }),
      entry('escalation.customer_created', { escalationId: 'other' }),
    ];
    expect(statuses(escalation(), entries)).toEqual(['requested:done', 'customer:done', 'conversation:active', 'link:pending']);
    expect(testEscalationSteps(escalation(), entries, clock)[1]!.detail).toBe('Created customer rita@example.com');
    const created = escalation({ state: 'created', conversationId: 'c1', conversationUrl: 'https://k/c1' });
    const steps = testEscalationSteps(created, entries, clock);
    expect(statuses(created, entries)).toEqual(['requested:done', 'customer:done', 'conversation:done', 'link:active']);
    expect(steps[2]!.link).toEqual({ text: 'Open in Kustomer', href: 'https://k/c1' });
    expect(statuses({ ...created, state: 'linked' }, entries)).toEqual(['requested:done', 'customer:done', 'conversation:done', 'link:done']);
  });

  it('shows retries and failures on the step that is stuck', () => {
    const retrying = escalation({ attempts: 1, lastError: 'Server error 503', nextAttemptAt: '2025-06-10T10:42:00.000Z' });
    expect(statuses(retrying)).toEqual(['requested:done', 'customer:retrying', 'conversation:pending', 'link:pending']);
    expect(testEscalationSteps(retrying, [], clock)[1]!.detail).toBe('Retrying at 10:42 — Server error 503');

    const failed = escalation({ state: 'failed', lastError: 'Queue missing: re-sync queues' });
    const matched = [entry('escalation.customer_matched', { email: 'x@y.example' })];
    expect(statuses(failed, matched)).toEqual(['requested:done', 'customer:done', 'conversation:failed', 'link:pending']);
    expect(testEscalationSteps(failed, matched, clock)[2]!.detail).toBe('Queue missing: re-sync queues');

    const linkFailed = escalation({ state: 'link_failed', conversationId: 'c1', lastError: 'Server error 500' });
    expect(statuses(linkFailed)).toEqual(['requested:done', 'customer:done', 'conversation:done', 'link:failed']);
  });
});
