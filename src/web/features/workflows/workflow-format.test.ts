import { describe, expect, it } from 'vitest';
import { conditionsSummary, durationText, elapsed, pathLabel, stepAtPath, stepSummary, stepTitle, triggerSummary, withEvent } from './workflow-format.ts';

describe('workflow words', () => {
  it('sums up triggers with what narrows them', () => {
    expect(triggerSummary({ event: 'request.tag_added', tag: 'vip-customer' })).toBe('When tag “vip-customer” is added');
    expect(triggerSummary({ event: 'request.status_changed', to: 'reopened' })).toBe('When a request is reopened');
    expect(triggerSummary({ event: 'request.status_changed', to: 'resolved' })).toBe('When the status changes to Resolved');
    expect(triggerSummary({ event: 'request.field_changed', field: 'region' }, (k) => (k === 'region' ? 'Region' : undefined))).toBe('When “Region” changes');
    expect(triggerSummary({ event: 'escalation.state_changed', to: 'link_failed' })).toBe('When a Kustomer escalation becomes link failed');
    expect(triggerSummary({ event: 'request.submitted' })).toBe('When a request is submitted');
  });

  it('sums up conditions', () => {
    expect(conditionsSummary({ match: 'all', rules: [] })).toBe('');
    expect(conditionsSummary({ match: 'any', rules: [1] })).toBe('if 1 condition holds');
    expect(conditionsSummary({ match: 'all', rules: [1, 2, 3] })).toBe('if all 3 conditions hold');
    expect(conditionsSummary({ match: 'any', rules: [1, 2] })).toBe('if any of 2 conditions holds');
  });

  it('drops the old narrowing when the event changes', () => {
    const t = withEvent({ event: 'request.tag_added', tag: 'vip', conditions: { match: 'all', rules: [] } }, 'request.status_changed');
    expect(t).toEqual({ event: 'request.status_changed', conditions: { match: 'all', rules: [] } });
  });

  it('titles and sums up steps, naming queues and people', () => {
    const conv = { type: 'create_conversation', destination: 'kustomer', queueId: 'q1', channel: 'email', priority: 4, subject: 's', message: 'm' } as const;
    expect(stepTitle(conv)).toBe('Create Kustomer conversation');
    expect(stepTitle({ ...conv, name: 'To VIP' })).toBe('To VIP');
    expect(stepSummary(conv, { target: () => 'VIP' })).toBe('In the queue VIP');
    expect(stepSummary({ ...conv, queueId: undefined })).toBe('No queue or team chosen yet');
    const assigned = { ...conv, assigneeUserId: 'u1', subStatusId: 's1' };
    expect(stepSummary(assigned, { target: () => 'VIP', remoteAssignee: () => 'Kim Tier2', subStatus: () => 'Investigating' })).toBe(
      'In the queue VIP, assigned to Kim Tier2, sub-status Investigating',
    );
    expect(stepSummary({ ...conv, assigneeTeamId: 't9' }, { target: () => 'VIP' })).toBe('In the queue VIP, assigned to team t9');
    expect(stepSummary({ type: 'approval', approver: { type: 'manager' }, dueInHours: 24, onTimeout: 'reject', onReject: 'stop' })).toBe(
      "Approval by the requester's manager, due in 24 h",
    );
    expect(
      stepSummary({ type: 'approval', approver: { type: 'group', userIds: ['a', 'b'], mode: 'all_in_sequence' }, onTimeout: 'reject', onReject: 'stop' }),
    ).toBe('Approval by all of 2 people, in order');
    expect(stepSummary({ type: 'set_priority', priority: 'high' })).toBe('To High');
    expect(stepSummary({ type: 'notify', to: 'requester', subject: 's', body: 'b' })).toBe('To the requester');
    expect(stepSummary({ type: 'branch', condition: { match: 'all', rules: [] }, then: [{ type: 'wait', minutes: 5 }], else: [] })).toBe(
      '0 conditions: 1 then, 0 otherwise',
    );
  });

  it('finds the step at a path, inside branches too', () => {
    const inner = { type: 'set_status', status: 'resolved' } as const;
    const steps = [{ type: 'wait', minutes: 5 } as const, { type: 'branch', condition: { match: 'all', rules: [] }, then: [], else: [inner] } as const];
    expect(stepAtPath(steps as never, '1.else.0')).toBe(inner);
    expect(stepAtPath(steps as never, '0')).toBe(steps[0]);
    expect(stepAtPath(steps as never, '1.then.0')).toBeUndefined();
    expect(stepAtPath(steps as never, '0.then.0')).toBeUndefined();
  });

  it('counts paths, durations and elapsed times as people do', () => {
    expect(pathLabel('1.then.0')).toBe('2 › then › 1');
    expect(pathLabel('0.else.2')).toBe('1 › otherwise › 3');
    expect(durationText(90)).toBe('1 h 30 min');
    expect(durationText(2880)).toBe('2 days');
    expect(durationText(45)).toBe('45 min');
    expect(elapsed('2025-01-01T00:00:00Z', '2025-01-01T00:00:01.500Z')).toBe('1.5 s');
    expect(elapsed('2025-01-01T00:00:00Z', null)).toBeNull();
  });
});
