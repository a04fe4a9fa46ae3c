import { describe, expect, it } from 'vitest';
import { fromLocalInput, toLocalInput, wakePresets } from './wake-presets.ts';

describe('wake-up presets', () => {
  it('offers tomorrow 9:00, in 3 days at 9:00 and next Monday 9:00, in local time', () => {
    const wednesday = new Date(2026, 2, 4, 15, 30); // Wed 4 March 2026
    const [tomorrow, in3, monday] = wakePresets(wednesday);
    expect(tomorrow!.at).toEqual(new Date(2026, 2, 5, 9, 0));
    expect(in3!.at).toEqual(new Date(2026, 2, 7, 9, 0));
    expect(monday!.at).toEqual(new Date(2026, 2, 9, 9, 0));
  });

  it('on a Monday, next Monday is a week ahead', () => {
    const monday = new Date(2026, 2, 9, 8, 0);
    expect(wakePresets(monday)[2]!.at).toEqual(new Date(2026, 2, 16, 9, 0));
  });

  it('reads back what it writes in a datetime-local input', () => {
    const d = new Date(2026, 2, 5, 9, 0);
    expect(toLocalInput(d)).toBe('2026-03-05T09:00');
    expect(fromLocalInput(toLocalInput(d))).toEqual(d);
    expect(fromLocalInput('')).toBeNull();
  });
});
