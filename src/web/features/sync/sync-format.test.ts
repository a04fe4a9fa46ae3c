import { describe, expect, it } from 'vitest';
import { pollLabel, pollOptions, remoteStatusLabel, remoteStatusWord } from './sync-format.ts';

describe('sync words', () => {
  it('names Kustomer statuses the way people see them', () => {
    expect(remoteStatusWord('open')).toBe('open');
    expect(remoteStatusWord('waiting')).toBe('snoozed');
    expect(remoteStatusWord('closed')).toBe('done');
    expect(remoteStatusWord('other')).toBe('other');
    expect(remoteStatusLabel('closed')).toBe('Done');
    expect(remoteStatusLabel('waiting')).toBe('Snoozed');
  });

  it('labels polling intervals and keeps an unlisted saved one', () => {
    expect([0, 1, 5, 60, 120].map(pollLabel)).toEqual(['Off', 'Every minute', 'Every 5 minutes', 'Every hour', 'Every 2 hours']);
    expect(pollOptions(5)).toEqual([0, 1, 5, 15, 60]);
    expect(pollOptions(30)).toEqual([0, 1, 5, 15, 30, 60]);
  });
});
