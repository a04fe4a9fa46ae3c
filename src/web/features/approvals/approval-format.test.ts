import { describe, expect, it } from 'vitest';
import { approvalStateLabel, awaitingText, dueText, sinceText } from './approval-format.ts';

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

  it('says whom a request awaits and since when: the time today, the day before that', () => {
    const now = new Date(2025, 5, 10, 15, 0);
    const clock = (d: Date) => `${d.getHours()}:${String(d.getMinutes()).padStart(2, '0')}`;
    const asked = new Date(2025, 5, 10, 10, 42).toISOString();
    expect(sinceText(asked, now, clock)).toBe('10:42');
    expect(sinceText(new Date(2025, 5, 8, 9, 5).toISOString(), now, clock)).toMatch(/^.*8.*, 9:05$/);
    const morgan = { state: 'pending', approver: { name: 'Morgan Manager' }, askedAt: asked, createdAt: '2025-06-01T00:00:00Z' };
    expect(awaitingText(morgan, now, clock)).toBe('Awaiting Morgan Manager since 10:42');
    expect(awaitingText({ ...morgan, state: 'queued', approver: { name: 'Dana Director' }, askedAt: null }, now, clock)).toBe('Then Dana Director');
  });
});
