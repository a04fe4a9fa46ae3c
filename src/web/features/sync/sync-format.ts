/**
 * Words for status sync, shared by the settings card and the timeline. Kustomer's statuses are open / waiting /
 * closed in the domain and open / snoozed / done to people. Pure: unit-tested in sync-format.test.ts.
 */
import type { RemoteStatus } from '../../api/sync.ts';

const REMOTE_STATUS_WORDS: Record<RemoteStatus, string> = { open: 'open', waiting: 'snoozed', closed: 'done' };

/** "closed" → "done"; an unknown word is shown as it is. */
export const remoteStatusWord = (s: unknown): string => (typeof s === 'string' ? (REMOTE_STATUS_WORDS[s as RemoteStatus] ?? s) : 'changed');

/** "closed" → "Done", for selects and labels. */
export const remoteStatusLabel = (s: RemoteStatus): string => {
  const w = remoteStatusWord(s);
  return w.charAt(0).toUpperCase() + w.slice(1);
};

/** The polling choices offered, in minutes (0 = off). */
export const POLL_CHOICES: readonly number[] = [0, 1, 5, 15, 60];

export function pollLabel(minutes: number): string {
  if (minutes <= 0) return 'Off';
  if (minutes === 1) return 'Every minute';
  if (minutes === 60) return 'Every hour';
  if (minutes % 60 === 0) return `Every ${minutes / 60} hours`;
  return `Every ${minutes} minutes`;
}

/** The choices, with a saved value outside them (set through the API) kept so the select can show it. */
export function pollOptions(current: number): number[] {
  return POLL_CHOICES.includes(current) ? [...POLL_CHOICES] : [...POLL_CHOICES, current].sort((a, b) => a - b);
}
