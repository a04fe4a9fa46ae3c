import { describe, expect, it } from 'vitest';
import { conditionsHold, ruleHolds, type ConditionSubject } from './workflow-conditions.ts';
import { eventsFromEntry, triggerMatches } from './workflow-events.ts';
import { renderTemplate } from './workflow-template.ts';

const subject: ConditionSubject = {
  request: {
    service: 'svc-1',
    serviceName: 'Customer escalation',
    tags: ['vip-customer', 'refund'],
    priority: 'high',
    status: 'new',
    inbox: null,
    assignee: 'u-1',
    channel: 'web',
    fields: { total: 120, region: 'EMEA', notes: 'Call back tomorrow' },
  },
  requester: { department: 'Sales', title: 'AE', location: 'Paris', manager: 'm-1' },
  run: { approval: 'approved' },
};

describe('condition operators', () => {
  const cases: [Parameters<typeof ruleHolds>[1], boolean][] = [
    [{ subject: 'request', field: 'service', op: 'equals', value: 'svc-1' }, true],
    [{ subject: 'request', field: 'service', op: 'not_equals', value: 'svc-1' }, false],
    [{ subject: 'request', field: 'tag', op: 'equals', value: 'refund' }, true],
    [{ subject: 'request', field: 'tag', op: 'not_equals', value: 'refund' }, false],
    [{ subject: 'request', field: 'priority', op: 'at_least', value: 'high' }, true],
    [{ subject: 'request', field: 'priority', op: 'at_least', value: 'urgent' }, false],
    [{ subject: 'request', field: 'priority', op: 'at_most', value: 'medium' }, false],
    [{ subject: 'request', field: 'field.total', op: 'greater_than', value: 100 }, true],
    [{ subject: 'request', field: 'field.total', op: 'less_than', value: 100 }, false],
    [{ subject: 'request', field: 'field.region', op: 'is_one_of', value: ['emea', 'apac'] }, true],
    [{ subject: 'request', field: 'field.notes', op: 'contains', value: 'call back' }, true],
    [{ subject: 'request', field: 'field.missing', op: 'is_set' }, false],
    [{ subject: 'request', field: 'field.missing', op: 'is_not_set' }, true],
    [{ subject: 'request', field: 'inbox', op: 'is_not_set' }, true],
    [{ subject: 'requester', field: 'department', op: 'equals', value: 'sales' }, true],
    [{ subject: 'requester', field: 'manager', op: 'equals', value: 'm-1' }, true],
    [{ subject: 'run', field: 'approval', op: 'equals', value: 'approved' }, true],
  ];
  for (const [rule, expected] of cases) {
    it(`${rule.subject}.${rule.field} ${rule.op} ${JSON.stringify(rule.value ?? '')} is ${expected}`, () => {
      expect(ruleHolds(subject, rule)).toBe(expected);
    });
  }

  it('combines rules with all or any, and an empty list always holds', () => {
    const yes = { subject: 'request' as const, field: 'status', op: 'equals' as const, value: 'new' };
    const no = { subject: 'request' as const, field: 'status', op: 'equals' as const, value: 'resolved' };
    expect(conditionsHold(subject, { match: 'all', rules: [yes, no] })).toBe(false);
    expect(conditionsHold(subject, { match: 'any', rules: [yes, no] })).toBe(true);
    expect(conditionsHold(subject, { match: 'all', rules: [] })).toBe(true);
  });
});

describe('events from timeline entries', () => {
  it('maps changes to triggers, with what narrows them', () => {
    expect(eventsFromEntry({ type: 'request.created', data: {} }, 'requester')).toEqual([{ event: 'request.submitted', detail: null }]);
    expect(eventsFromEntry({ type: 'request.tags_changed', data: { added: ['a', 'b'], removed: ['c'] } }, 'agent').map((e) => e.detail)).toEqual(['a', 'b']);
    expect(eventsFromEntry({ type: 'request.status_changed', data: { before: 'resolved', after: 'new' } }, 'requester').map((e) => e.detail)).toEqual([
      'new',
      'reopened',
    ]);
    expect(eventsFromEntry({ type: 'comment.public_reply', data: {} }, 'requester')[0]!.event).toBe('request.requester_replied');
    expect(eventsFromEntry({ type: 'comment.public_reply', data: {} }, 'agent')[0]!.event).toBe('request.agent_replied');
    expect(eventsFromEntry({ type: 'comment.internal_note', data: {} }, 'agent')).toEqual([]);
    expect(eventsFromEntry({ type: 'escalation.linked', data: {} }, null)).toEqual([{ event: 'escalation.state_changed', detail: 'linked' }]);
  });

  it('narrows a trigger to a status, field or tag', () => {
    expect(triggerMatches({ event: 'request.tag_added', tag: 'vip-customer' }, { event: 'request.tag_added', detail: 'vip-customer' })).toBe(true);
    expect(triggerMatches({ event: 'request.tag_added', tag: 'vip-customer' }, { event: 'request.tag_added', detail: 'other' })).toBe(false);
    expect(triggerMatches({ event: 'request.status_changed', to: 'reopened' }, { event: 'request.status_changed', detail: 'reopened' })).toBe(true);
    expect(triggerMatches({ event: 'request.submitted' }, { event: 'request.tag_added', detail: 'x' })).toBe(false);
  });
});

describe('templates', () => {
  it('fills known placeholders and leaves unknown ones visible', () => {
    expect(renderTemplate('Hi {{requester.name}}, {{ request.key }} {{nope}}', { 'requester.name': 'Riley', 'request.key': 'REQ-1' })).toBe(
      'Hi Riley, REQ-1 {{nope}}',
    );
  });
});
