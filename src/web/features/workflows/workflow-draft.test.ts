import { describe, expect, it } from 'vitest';
import { StepSchema, WorkflowDefinition } from '../../../core/workflow-definition.ts';
import { workflowExamples } from '../../../core/workflow-examples.ts';
import { checkDraft, defaultDestination, draftFromTemplate, move, newStep, prepareDefinition } from './workflow-draft.ts';
import { STEP_TYPES } from './workflow-format.ts';

describe('workflow drafts', () => {
  it('makes new steps the engine accepts once their blanks are filled', () => {
    for (const type of STEP_TYPES) {
      const step = newStep(type, [{ id: 'kustomer', status: 'connected' }]) as Record<string, unknown>;
      if (type === 'create_conversation') step.queueId = 'q1';
      if (type === 'add_tag' || type === 'remove_tag') step.tag = 'vip';
      if (type === 'add_comment') step.body = 'Hello';
      expect(StepSchema.safeParse(step).success, type).toBe(true);
    }
  });

  it('gives every step, nested ones too, an id it keeps', () => {
    const def = prepareDefinition({
      trigger: { event: 'request.submitted', conditions: { match: 'all', rules: [] } },
      steps: [
        { id: 'keep', type: 'wait', minutes: 5 },
        { type: 'branch', condition: { match: 'all', rules: [] }, then: [{ type: 'set_status', status: 'resolved' }], else: [] },
      ],
    });
    expect(def.steps[0]!.id).toBe('keep');
    const branch = def.steps[1] as Extract<(typeof def.steps)[number], { type: 'branch' }>;
    expect(branch.id).toBeTruthy();
    expect(branch.then[0]!.id).toBeTruthy();
    expect(WorkflowDefinition.safeParse(def).success).toBe(true);
  });

  it('moves list items up and down, never out of range', () => {
    expect(move(['a', 'b', 'c'], 2, -1)).toEqual(['a', 'c', 'b']);
    expect(move(['a', 'b', 'c'], 0, 1)).toEqual(['b', 'a', 'c']);
    expect(move(['a', 'b'], 0, -1)).toEqual(['a', 'b']);
  });

  it('asks for what an example leaves out: the queue, and the service', () => {
    const [customer, specialist] = workflowExamples();
    const handoff = draftFromTemplate(specialist!, []);
    expect(checkDraft(handoff)).toEqual({ 'definition.steps.1.queueId': 'Choose a Kustomer queue or team' });
    (handoff.definition.steps[1] as { queueId?: string }).queueId = 'vip-queue';
    expect(checkDraft(handoff)).toEqual({});
    expect(WorkflowDefinition.safeParse(handoff.definition).success).toBe(true);

    const withService = draftFromTemplate(customer!, [{ id: '7b0c1f52-3b7e-4d39-9f8e-0a4c6f0d9a11', name: 'Customer escalation' }]);
    expect(withService.definition.trigger.conditions.rules).toEqual([
      { subject: 'request', field: 'service', op: 'equals', value: '7b0c1f52-3b7e-4d39-9f8e-0a4c6f0d9a11' },
    ]);
    const noService = draftFromTemplate(customer!, []);
    expect(checkDraft(noService)).toMatchObject({ 'definition.trigger.conditions.rules.0.value': 'Choose a value' });
  });

  it('sends a new conversation step to an offered destination, the connected one first, and asks when none is offered', () => {
    const offered = [
      { id: 'kustomer', status: 'not_connected' },
      { id: 'test-desk', status: 'connected' },
    ];
    expect(defaultDestination(offered)).toBe('test-desk');
    expect(defaultDestination([{ id: 'kustomer', status: 'invalid_credentials' }])).toBe('kustomer');
    expect(newStep('create_conversation', offered)).toMatchObject({ destination: 'test-desk' });
    const none = { ...newStep('create_conversation', []), queueId: 'q1' } as Extract<ReturnType<typeof newStep>, { type: 'create_conversation' }>;
    expect(none.destination).toBe('');
    const problems = checkDraft({
      name: 'x',
      description: '',
      definition: { trigger: { event: 'request.submitted', conditions: { match: 'all', rules: [] } }, steps: [none] },
    });
    expect(problems).toEqual({ 'definition.steps.0': 'No destination is offered: connect Kustomer in Settings → Integrations first' });
  });

  it('takes the Close the loop example as it is: nothing to fill in, and the engine accepts it', () => {
    const closeTheLoop = workflowExamples().find((e) => e.key === 'close-the-loop')!;
    const draft = draftFromTemplate(closeTheLoop, []);
    expect(checkDraft(draft)).toEqual({});
    expect(WorkflowDefinition.safeParse(draft.definition).success).toBe(true);
    expect(draft.definition.steps.map((s) => s.type)).toEqual(['add_comment', 'set_status', 'wait_for_reply', 'set_status']);
  });

  it('checks names, tags, approvers, emails and nested steps by path', () => {
    const problems = checkDraft({
      name: ' ',
      description: '',
      definition: {
        trigger: { event: 'request.tag_added', conditions: { match: 'all', rules: [] } },
        steps: [
          { type: 'approval', approver: { type: 'user', userId: '' }, onTimeout: 'reject', onReject: 'stop' },
          { type: 'branch', condition: { match: 'all', rules: [] }, then: [{ type: 'notify', to: 'email', subject: 's', body: 'b' }], else: [] },
        ],
      },
    });
    expect(problems).toEqual({
      name: 'Give the workflow a name',
      'definition.trigger.tag': 'Enter the tag',
      'definition.steps.0.approver.userId': 'Choose the approver',
      'definition.steps.1.then.0.email': 'Enter the email address',
    });
  });
});
