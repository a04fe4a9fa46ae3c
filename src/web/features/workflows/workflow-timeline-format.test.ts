import { describe, expect, it } from 'vitest';
import { formatWorkflowEntry } from './workflow-timeline-format.ts';

const line = (type: string, data: Record<string, unknown>) => formatWorkflowEntry({ type, data });
const wf = { workflowName: 'Specialist handoff', runId: 'r1' };

describe('workflow timeline lines', () => {
  it('says what each workflow entry means, after the actor', () => {
    expect(line('workflow.started', wf)).toBe('started workflow “Specialist handoff”');
    expect(
      line('workflow.step_done', { ...wf, step: { path: '1', type: 'create_conversation', name: null }, summary: 'created Kustomer conversation c-1' }),
    ).toBe('ran step “Create Kustomer conversation” of workflow “Specialist handoff” — created Kustomer conversation c-1');
    expect(line('workflow.step_done', { ...wf, step: { path: '0', type: 'approval', name: 'Manager OK' }, summary: '' })).toBe(
      'ran step “Manager OK” of workflow “Specialist handoff”',
    );
    expect(line('workflow.waiting_approval', { ...wf, approvers: ['Mo Manager'] })).toBe('asked Mo Manager for approval (workflow “Specialist handoff”)');
    expect(line('workflow.waiting_approval', { ...wf, approvers: ['A', 'B', 'C'], mode: 'any' })).toBe(
      'asked A, B or C for approval (workflow “Specialist handoff”)',
    );
    expect(line('workflow.waiting_approval', { ...wf, approvers: ['A'], mode: 'sequence' })).toBe('asked A for approval (workflow “Specialist handoff”)');
    expect(line('workflow.approval_decided', { ...wf, decision: 'approved', by: 'Mo', comment: 'Go ahead' })).toBe(
      'approved (workflow “Specialist handoff”) — “Go ahead”',
    );
    expect(line('workflow.approval_decided', { ...wf, decision: 'rejected', by: 'Mo', comment: null })).toBe('rejected (workflow “Specialist handoff”)');
    expect(line('workflow.approval_expired', { ...wf, outcome: 'escalated', fallbackTo: 'Fay Boss' })).toBe(
      'found an approval overdue and asked Fay Boss instead (workflow “Specialist handoff”)',
    );
    expect(line('workflow.approval_expired', { ...wf, outcome: 'approved' })).toBe(
      'found an approval overdue and approved it, as the workflow says (workflow “Specialist handoff”)',
    );
    expect(line('workflow.finished', { ...wf, state: 'succeeded' })).toBe('finished workflow “Specialist handoff”');
    expect(line('workflow.finished', { ...wf, state: 'cancelled', reason: 'rejected' })).toBe(
      'stopped workflow “Specialist handoff” — the approval was rejected',
    );
    expect(line('workflow.failed', { ...wf, error: 'Queue missing', step: { path: '1', type: 'create_conversation', name: null } })).toBe(
      'could not finish workflow “Specialist handoff”: step “Create Kustomer conversation” failed — Queue missing',
    );
    expect(line('workflow.loop_prevented', wf)).toContain('loop prevented');
    expect(line('workflow.retry_requested', { runId: 'r1', step: '1' })).toBe('retried a failed workflow run from the failed step');
  });

  it('puts raw step summaries in words: no "approval approved", no raw priority or status values', () => {
    const done = (type: string, summary: string) => line('workflow.step_done', { ...wf, step: { path: '0', type, name: 'Step' }, summary });
    expect(done('approval', 'approval approved')).toBe('ran step “Step” of workflow “Specialist handoff” — approved');
    expect(done('approval', 'approval rejected')).toBe('ran step “Step” of workflow “Specialist handoff” — rejected');
    expect(done('set_priority', 'set priority to urgent')).toBe('ran step “Step” of workflow “Specialist handoff” — set priority to Urgent');
    expect(done('set_status', 'set status to in progress')).toBe('ran step “Step” of workflow “Specialist handoff” — set status to In progress');
    expect(done('condition', 'branch: took "no"')).toBe('ran step “Step” of workflow “Specialist handoff” — took the “otherwise” branch');
  });

  it('leaves other entries alone', () => {
    expect(line('request.created', {})).toBeNull();
    expect(line('workflow.something_new', wf)).toBeNull();
  });
});
