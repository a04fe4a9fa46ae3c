import { isValidElement, type ReactElement, type ReactNode } from 'react';
import { describe, expect, it } from 'vitest';
import type { TimelineEntry } from '../../../server/schemas/request.ts';
import { describeEntry, entrySentence } from './timeline-format.ts';

const ADA = '00000000-0000-4000-8000-00000000000a';
const BOB = '00000000-0000-4000-8000-00000000000b';

function entry(type: string, data: Record<string, unknown>, extra: Partial<TimelineEntry> = {}): TimelineEntry {
  return {
    id: '1',
    requestId: '00000000-0000-4000-8000-000000000001',
    type,
    actor: { type: 'user', userId: ADA, tokenId: null, name: 'Ada' },
    visibility: 'public',
    data,
    createdAt: '2025-06-10T12:00:00Z',
    causedByRunId: null,
    attachments: [],
    ...extra,
  };
}

describe('timeline sentences', () => {
  it('describes field changes in words', () => {
    expect(entrySentence(entry('request.priority_changed', { before: 'medium', after: 'high' }))).toBe('Ada changed priority from Medium to High');
    expect(entrySentence(entry('request.status_changed', { before: 'new', after: 'in_progress', reason: 'picked up' }))).toBe(
      'Ada changed status from New to In progress (picked up)',
    );
    expect(entrySentence(entry('request.assignee_changed', { before: null, after: ADA, beforeLabel: null, afterLabel: 'Ada' }))).toBe(
      'Ada assigned this to themself',
    );
    expect(entrySentence(entry('request.assignee_changed', { before: ADA, after: BOB, beforeLabel: 'Ada', afterLabel: 'Bob' }))).toBe(
      'Ada reassigned this from Ada to Bob',
    );
    expect(entrySentence(entry('request.tags_changed', { added: ['vpn', 'mac'], removed: ['old'] }))).toBe('Ada added tags vpn and mac and removed tag old');
    expect(entrySentence(entry('request.follower_added', { user: { id: BOB, name: 'Bob' } }))).toBe('Ada added Bob as a follower');
    expect(entrySentence(entry('request.follower_removed', { user: { id: ADA, name: 'Ada' } }))).toBe('Ada stopped following');
  });

  it('says why Bridgedesk moved the status in words, never the reason code', () => {
    const sys = { actor: { type: 'system' as const, userId: null, tokenId: null, name: null } };
    expect(entrySentence(entry('request.status_changed', { before: 'new', after: 'in_progress', reason: 'first_reply' }, sys))).toBe(
      'Bridgedesk changed status from New to In progress (after the first reply)',
    );
    expect(entrySentence(entry('request.status_changed', { before: 'waiting', after: 'in_progress', reason: 'requester_replied' }, sys))).toBe(
      'Bridgedesk changed status from Waiting to In progress (after the requester replied)',
    );
    expect(entrySentence(entry('request.status_changed', { before: 'new', after: 'waiting', reason: 'some_future_code' }, sys))).toBe(
      'Bridgedesk changed status from New to Waiting (some future code)',
    );
  });

  it('names custom fields and formats their values by type', () => {
    const ctx = {
      fields: new Map([
        ['laptop', { label: 'Laptop model', type: 'select' as const }],
        ['manager', { label: 'Approver', type: 'person' as const }],
        ['urgent', { label: 'Blocking', type: 'checkbox' as const }],
      ]),
      personName: (id: string) => (id === BOB ? 'Bob' : undefined),
    };
    expect(entrySentence(entry('request.field_changed', { field: 'laptop', before: null, after: 'MacBook' }), ctx)).toBe('Ada set Laptop model to MacBook');
    expect(entrySentence(entry('request.field_changed', { field: 'manager', before: null, after: BOB }), ctx)).toBe('Ada set Approver to Bob');
    expect(entrySentence(entry('request.field_changed', { field: 'urgent', before: false, after: true }), ctx)).toBe('Ada changed Blocking from No to Yes');
    expect(entrySentence(entry('request.field_changed', { field: 'cost_center', before: 'A1', after: null }), ctx)).toBe('Ada cleared Cost center');
  });

  it('keeps comments apart, marks internal notes, and renders unknown types generically', () => {
    expect(describeEntry(entry('comment.internal_note', { body: 'psst' }, { visibility: 'internal' }))).toEqual({
      kind: 'comment',
      actor: 'Ada',
      internal: true,
      body: 'psst',
    });
    const unknown = entry('future.thing', { step: 1 }, { actor: { type: 'system', userId: null, tokenId: null, name: null } });
    expect(describeEntry(unknown)).toMatchObject({ kind: 'other', actor: 'Bridgedesk', type: 'future.thing' });
    expect(describeEntry(entry('escalation.future_thing', {}))).toMatchObject({ kind: 'other', type: 'escalation.future_thing' });
    expect(describeEntry(entry('workflow.started', { workflowName: 'Specialist handoff' }))).toMatchObject({
      kind: 'change',
      action: expect.stringContaining('Specialist handoff'),
    });
  });
});

const CONV = '5f1c2a9b3d4e5f6a7b8c9d0e';
const PREV = '64aa00bb11cc22dd33ee44ff';
const URL = `https://acme.kustomerapp.com/app/customers/aaaa/event/${CONV}`;
const SYSTEM = { type: 'system' as const, userId: null, tokenId: null, name: null };
const sys = (type: string, data: Record<string, unknown>) => entry(type, { escalationId: 'e1', ...data }, { actor: SYSTEM, visibility: 'internal' });
const byAda = (type: string, data: Record<string, unknown>) => entry(type, { escalationId: 'e1', ...data }, { visibility: 'internal' });
const ctx = { clock: (iso: string) => iso.slice(11, 16) };

/** Every element of a React tree, depth first. */
function elements(node: ReactNode): ReactElement<Record<string, unknown>>[] {
  if (Array.isArray(node)) return node.flatMap(elements);
  if (!isValidElement<Record<string, unknown>>(node)) return [];
  return [node, ...elements(node.props.children as ReactNode)];
}
const links = (node: ReactNode) => elements(node).filter((e) => e.type === 'a');

describe('escalation lines', () => {
  it('says who escalated where, by which channel and priority', () => {
    const requested = byAda('escalation.requested', {
      destination: 'Kustomer',
      target: { kind: 'queue', id: 'q1', name: 'Tier 2 Support' },
      channel: 'email',
      priority: 3,
      subject: 'Refund never arrived',
    });
    expect(entrySentence(requested)).toBe('Ada escalated to Kustomer · Tier 2 Support (Email, priority 3 — Normal)');
    expect(describeEntry(requested)).toMatchObject({ kind: 'escalation', internal: true, text: 'escalated to Kustomer · Tier 2 Support' });
    expect(entrySentence(byAda('escalation.requested', { destination: 'Kustomer', target: { kind: 'team', id: 't9', name: null } }))).toBe(
      'Ada escalated to Kustomer · team t9',
    );
  });

  it('names the customer Bridgedesk matched or created', () => {
    expect(entrySentence(sys('escalation.customer_matched', { customerId: 'c1', email: 'jane@customer.example' }))).toBe(
      'Bridgedesk matched the existing Kustomer customer jane@customer.example',
    );
    expect(entrySentence(sys('escalation.customer_created', { customerId: 'c1', email: 'riley@corp.example' }))).toBe(
      'Bridgedesk created the Kustomer customer riley@corp.example',
    );
  });

  it('shows the conversation id, shortened, linked to Kustomer in a new tab', () => {
    const created = describeEntry(sys('escalation.created', { conversationId: CONV, url: URL, destination: 'Kustomer', foundExisting: false }));
    expect(entrySentence(sys('escalation.created', { conversationId: CONV, url: URL, destination: 'Kustomer', foundExisting: false }))).toBe(
      'Bridgedesk created Kustomer conversation 5f1c2a9b…',
    );
    expect(created.kind).toBe('escalation');
    if (created.kind !== 'escalation') return;
    expect(created.parts).toEqual(['created Kustomer conversation ', { id: CONV, href: URL }]);
    const [a] = links(created.action);
    expect(a?.props).toMatchObject({ href: URL, target: '_blank', rel: 'noopener noreferrer' });
    expect(String(a?.props.title)).toContain(CONV);

    expect(entrySentence(sys('escalation.created', { conversationId: CONV, url: URL, foundExisting: true }))).toBe(
      'Bridgedesk found Kustomer conversation 5f1c2a9b… made by an earlier attempt',
    );
    expect(entrySentence(sys('escalation.linked', { conversationId: CONV, url: URL, backLink: 'https://desk/requests/REQ-1' }))).toBe(
      'Bridgedesk linked this request to conversation 5f1c2a9b… (back-link posted)',
    );
  });

  it('does not link an id whose url is unknown', () => {
    const d = describeEntry(sys('escalation.link_failed', { conversationId: CONV, url: null, reason: 'Server error 500' }));
    expect(d.kind === 'escalation' && links(d.action)).toEqual([]);
    expect(entrySentence(sys('escalation.link_failed', { conversationId: CONV, url: null, reason: 'Server error 500' }))).toBe(
      'Bridgedesk could not post the back-link on conversation 5f1c2a9b…: Kustomer answered 500',
    );
  });

  it('explains retries and failures with their reasons', () => {
    expect(
      entrySentence(sys('escalation.retry_scheduled', { reason: 'Server error 503', step: 'contact', attempt: 2, retryAt: '2025-06-10T10:42:00.000Z' }), ctx),
    ).toBe('Bridgedesk scheduled retry 2 for 10:42: Kustomer answered 503 (while finding the customer)');
    expect(
      entrySentence(sys('escalation.retry_scheduled', { reason: 'Rate limited by the destination', attempt: 1, retryAt: '2025-06-10T10:43:00.000Z' }), ctx),
    ).toBe('Bridgedesk scheduled retry 1 for 10:43: Rate limited by the destination');
    expect(entrySentence(sys('escalation.link_failed', { conversationId: CONV, url: URL, reason: 'Server error 500', final: true }))).toBe(
      'Bridgedesk could not post the back-link on conversation 5f1c2a9b…: Kustomer answered 500 (gave up: retry or re-link)',
    );
    expect(entrySentence(sys('escalation.failed', { reason: 'Queue missing: re-sync queues' }))).toBe(
      'Bridgedesk could not escalate to Kustomer: Queue missing: re-sync queues (nothing was created)',
    );
  });

  it('describes what agents did afterwards', () => {
    expect(entrySentence(byAda('escalation.retry_requested', {}))).toBe('Ada retried the escalation');
    expect(
      entrySentence(
        byAda('escalation.retry_requested', { target: { kind: 'queue', id: 'q2', name: 'VIP' }, previousTarget: { kind: 'queue', id: 'q1', name: 'Doomed' } }),
      ),
    ).toBe('Ada retried the escalation to VIP (instead of Doomed)');
    expect(entrySentence(byAda('escalation.relinked', { conversationId: CONV, url: URL, previousConversationId: PREV }))).toBe(
      'Ada re-linked the escalation to conversation 5f1c2a9b… (was 64aa00bb…)',
    );
    expect(entrySentence(byAda('escalation.relinked', { conversationId: CONV, url: URL, previousConversationId: CONV }))).toBe(
      'Ada re-linked the escalation to conversation 5f1c2a9b…',
    );
    const linked = describeEntry(byAda('escalation.linked_existing', { conversationId: CONV, url: URL, destination: 'Kustomer' }));
    expect(entrySentence(byAda('escalation.linked_existing', { conversationId: CONV, url: URL, destination: 'Kustomer' }))).toBe(
      'Ada linked this request to an existing Kustomer conversation 5f1c2a9b…',
    );
    expect(linked.kind === 'escalation' && links(linked.action).map((a) => a.props.href)).toEqual([URL]);
  });

  it('says who unlinked a conversation and whether the note reached Kustomer', () => {
    expect(entrySentence(byAda('escalation.unlinked', { conversationId: CONV, url: URL, destination: 'Kustomer' }))).toBe(
      'Ada unlinked conversation 5f1c2a9b… (no longer synced; history stays on both sides)',
    );
    expect(entrySentence(sys('escalation.unlink_noted', { conversationId: CONV, url: URL, destination: 'Kustomer' }))).toBe(
      'Bridgedesk posted the unlink note on Kustomer conversation 5f1c2a9b…',
    );
    expect(entrySentence(sys('escalation.unlink_note_failed', { conversationId: CONV, url: URL, reason: 'Server error 500' }))).toBe(
      'Bridgedesk could not post the unlink note on conversation 5f1c2a9b…: Kustomer answered 500',
    );
  });
});
