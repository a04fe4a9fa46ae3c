import { describe, expect, it } from 'vitest';
import { approvalStateLabel, dueText } from './approval-format.ts';

describe('approval words', () => {
  it('says when an approval is due or how overdue it is', () => {
    const now = new Date('2025-06-10T12:00:00Z');
    expect(dueText(null, now)).toBeNull();
    expect(dueText('2025-06-10T17:00:00Z', now)).toEqual({ text: 'Due in 5 hours', overdue: false });
    expect(dueText('2025-06-10T12:20:00Z', now)).toEqual({ text: 'Due in 20 min', overdue: false });
    expect(dueText('2025-06-13T12:00:00Z', now)).toEqual({ text: 'Due in 3 days', overdue: false });
    expect(dueText('2025-06-10T11:00:00Z', now)).toEqual({ text: 'Overdue by 1 hour', overdue: true });
    expect(approvalStateLabel('cancelled')).toBe('No longer needed');
    expect(approvalStateLabel('approved')).toBe('Approved');
  });
});
