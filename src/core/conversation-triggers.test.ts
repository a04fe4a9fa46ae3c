import { describe, expect, it } from 'vitest';
import { conditionsHold, ruleHolds, type ConditionSubject } from './workflow-conditions.ts';
import { Trigger } from './workflow-definition.ts';
import { eventsFromEntry, feedsDestinations, isEventEntry, triggerEventsOf, triggerMatches } from './workflow-events.ts';

const base: Omit<ConditionSubject, 'conversation'> = {
  request: { service: null, serviceName: null, tags: [], priority: 'medium', status: 'waiting', inbox: null, assignee: null, channel: 'web', fields: {} },
  requester: { department: null, title: null, location: null, manager: null },
  run: {},
};
const linked: ConditionSubject = {
  ...base,
  conversation: {
    status: 'closed',
    queue: { id: 'q-tier2', name: 'Tier 2 Support' },
    assignee: { id: 'u-sam', name: 'Sam Support' },
    team: { id: 't-billing', name: 'Billing' },
  },
};

describe('Kustomer events as workflow triggers', () => {
  it('a conversation status received is "status changed" to the destination-neutral status, with an assignee change that rode along', () => {
    expect(eventsFromEntry({ type: 'sync.status_received', data: { remoteStatus: 'closed', changed: ['assignee', 'subStatus'] } }, null)).toEqual([
      { event: 'conversation.status_changed', detail: 'closed' },
      { event: 'conversation.assignee_changed', detail: null },
    ]);
    expect(eventsFromEntry({ type: 'sync.status_received', data: { remoteStatus: 'waiting' } }, null)).toEqual([
      { event: 'conversation.status_changed', detail: 'waiting' },
    ]);
  });

  it('a ticket change is "assignee changed" only when the assignee is among its changes', () => {
    expect(eventsFromEntry({ type: 'sync.ticket_changed', data: { changed: ['assignee'] } }, null)).toEqual([
      { event: 'conversation.assignee_changed', detail: null },
    ]);
    expect(eventsFromEntry({ type: 'sync.ticket_changed', data: { changed: ['priority', 'queue'] } }, null)).toEqual([]);
  });

  it('a note and a message are "reply or note received", narrowed by kind and direction', () => {
    expect(eventsFromEntry({ type: 'sync.note_received', data: {} }, null)).toEqual([{ event: 'conversation.reply_or_note', detail: 'note' }]);
    const out = eventsFromEntry({ type: 'sync.message_received', data: { direction: 'out' } }, null);
    expect(out).toEqual([
      { event: 'conversation.reply_or_note', detail: 'message' },
      { event: 'conversation.reply_or_note', detail: 'message_out' },
    ]);
    expect(out.some((e) => triggerMatches({ event: 'conversation.reply_or_note', to: 'message_out' }, e))).toBe(true);
    expect(out.some((e) => triggerMatches({ event: 'conversation.reply_or_note', to: 'message_in' }, e))).toBe(false);
    expect(out.some((e) => triggerMatches({ event: 'conversation.reply_or_note', to: 'note' }, e))).toBe(false);
    expect(out.some((e) => triggerMatches({ event: 'conversation.reply_or_note' }, e))).toBe(true);
  });

  it('a failed escalation is its own trigger, and still the "failed" state of the older one', () => {
    const events = eventsFromEntry({ type: 'escalation.failed', data: { reason: 'Queue not found' } }, null);
    expect(events.some((e) => triggerMatches({ event: 'escalation.failed' }, e))).toBe(true);
    expect(events.some((e) => triggerMatches({ event: 'escalation.state_changed', to: 'failed' }, e))).toBe(true);
    expect(eventsFromEntry({ type: 'escalation.linked', data: {} }, null).some((e) => e.event === 'escalation.failed')).toBe(false);
  });

  it('dispatches these entries to workflows only, never back to the destination that told them', () => {
    for (const type of ['sync.status_received', 'sync.ticket_changed', 'sync.note_received', 'sync.message_received', 'escalation.failed']) {
      expect(isEventEntry(type), type).toBe(true);
      expect(feedsDestinations(type), type).toBe(false);
      expect(triggerEventsOf(type).length, type).toBeGreaterThan(0);
    }
    expect(feedsDestinations('request.status_changed')).toBe(true);
  });

  it('refuses a narrowing no conversation event carries', () => {
    expect(Trigger.safeParse({ event: 'conversation.status_changed', to: 'closed' }).success).toBe(true);
    expect(Trigger.safeParse({ event: 'conversation.status_changed', to: 'done' }).success).toBe(false);
    expect(Trigger.safeParse({ event: 'conversation.reply_or_note', to: 'note' }).success).toBe(true);
    expect(Trigger.safeParse({ event: 'conversation.reply_or_note', to: 'email' }).success).toBe(false);
  });
});

describe('conditions on the linked conversation', () => {
  it('match its status, and its queue, assignee and team by id or by name', () => {
    expect(ruleHolds(linked, { subject: 'conversation', field: 'status', op: 'equals', value: 'closed' })).toBe(true);
    expect(ruleHolds(linked, { subject: 'conversation', field: 'status', op: 'is_one_of', value: ['open', 'waiting'] })).toBe(false);
    expect(ruleHolds(linked, { subject: 'conversation', field: 'queue', op: 'equals', value: 'q-tier2' })).toBe(true);
    expect(ruleHolds(linked, { subject: 'conversation', field: 'queue', op: 'equals', value: 'tier 2 support' })).toBe(true);
    expect(ruleHolds(linked, { subject: 'conversation', field: 'queue', op: 'not_equals', value: 'q-tier2' })).toBe(false);
    expect(ruleHolds(linked, { subject: 'conversation', field: 'assignee', op: 'equals', value: 'Sam Support' })).toBe(true);
    expect(ruleHolds(linked, { subject: 'conversation', field: 'assignee', op: 'contains', value: 'sam' })).toBe(true);
    expect(ruleHolds(linked, { subject: 'conversation', field: 'team', op: 'is_one_of', value: ['t-billing'] })).toBe(true);
    expect(ruleHolds(linked, { subject: 'conversation', field: 'assignee', op: 'is_set' })).toBe(true);
  });

  it('without a linked conversation (or unassigned) nothing equals and "is not set" holds', () => {
    const none: ConditionSubject = { ...base, conversation: null };
    expect(ruleHolds(none, { subject: 'conversation', field: 'status', op: 'equals', value: 'closed' })).toBe(false);
    expect(ruleHolds(none, { subject: 'conversation', field: 'status', op: 'is_not_set' })).toBe(true);
    expect(ruleHolds(none, { subject: 'conversation', field: 'queue', op: 'not_equals', value: 'q-tier2' })).toBe(true);
    const unassigned: ConditionSubject = { ...linked, conversation: { ...linked.conversation!, assignee: null, team: null } };
    expect(ruleHolds(unassigned, { subject: 'conversation', field: 'assignee', op: 'is_not_set' })).toBe(true);
    expect(
      conditionsHold(unassigned, {
        match: 'all',
        rules: [
          { subject: 'conversation', field: 'status', op: 'equals', value: 'closed' },
          { subject: 'conversation', field: 'team', op: 'is_not_set' },
        ],
      }),
    ).toBe(true);
  });
});
