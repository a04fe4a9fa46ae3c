import { describe, expect, it } from 'vitest';
import { ApiError } from '../../api/client.ts';
import { unplacedIssues, workflowIssues } from './workflow-issues.ts';

describe('workflow save problems', () => {
  it('takes schema issues as they come and puts rule breaks under the definition', () => {
    const bad = new ApiError(400, 'validation_failed', 'Invalid', {
      issues: [
        { path: 'definition.steps.1.queueId', message: 'Too long' },
        { path: 'name', message: 'Required' },
      ],
    });
    expect(workflowIssues(bad)).toEqual({ 'definition.steps.1.queueId': 'Too long', name: 'Required' });
    const rules = new ApiError(422, 'unprocessable', 'The workflow has steps that cannot run', {
      fields: { 'steps.1': 'Choose a queue or a team', approvers: 'An approver does not exist or is deactivated' },
    });
    const issues = workflowIssues(rules);
    expect(issues).toEqual({ 'definition.steps.1': 'Choose a queue or a team', approvers: 'An approver does not exist or is deactivated' });
    expect(unplacedIssues(issues)).toEqual(['An approver does not exist or is deactivated']);
    expect(workflowIssues(new Error('x'))).toEqual({});
  });
});
