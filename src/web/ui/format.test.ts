import { describe, expect, it } from 'vitest';
import { formatRelative, humanize, joinWords, priorityLabel, statusLabel } from './format.ts';

describe('format', () => {
  it('labels statuses and priorities, and humanizes unknown words', () => {
    expect(statusLabel('in_progress')).toBe('In progress');
    expect(priorityLabel('urgent')).toBe('Urgent');
    expect(statusLabel('on_hold')).toBe('On hold');
    expect(statusLabel(null)).toBe('—');
    expect(humanize('escalation.created')).toBe('Escalation created');
  });

  it('formats relative times', () => {
    const now = new Date('2025-06-10T12:00:00Z');
    expect(formatRelative('2025-06-10T11:59:40Z', now)).toBe('just now');
    expect(formatRelative('2025-06-10T11:55:00Z', now)).toBe('5m ago');
    expect(formatRelative('2025-06-10T09:00:00Z', now)).toBe('3h ago');
    expect(formatRelative('2025-06-09T11:00:00Z', now)).toBe('yesterday');
    expect(formatRelative('2025-06-06T12:00:00Z', now)).toBe('4d ago');
  });

  it('joins words', () => {
    expect(joinWords([])).toBe('');
    expect(joinWords(['vpn'])).toBe('vpn');
    expect(joinWords(['vpn', 'mac', 'wifi'])).toBe('vpn, mac and wifi');
  });
});
