/** Words and times as the UI shows them. Pure functions, unit-tested in format.test.ts. */

const STATUS_LABELS: Record<string, string> = {
  new: 'New',
  in_progress: 'In progress',
  waiting: 'Waiting',
  resolved: 'Resolved',
  archived: 'Archived',
};
const PRIORITY_LABELS: Record<string, string> = { low: 'Low', medium: 'Medium', high: 'High', urgent: 'Urgent' };
const ROLE_LABELS: Record<string, string> = { admin: 'Admin', agent: 'Agent', requester: 'Requester' };

/** "in_progress" → "In progress"; unknown words get the same treatment. */
export function humanize(word: string): string {
  const s = word.replace(/[_.]+/g, ' ').trim();
  return s.charAt(0).toUpperCase() + s.slice(1);
}

export const statusLabel = (s: unknown): string => (typeof s === 'string' ? (STATUS_LABELS[s] ?? humanize(s)) : '—');
export const priorityLabel = (p: unknown): string => (typeof p === 'string' ? (PRIORITY_LABELS[p] ?? humanize(p)) : '—');
export const roleLabel = (r: string): string => ROLE_LABELS[r] ?? humanize(r);

/** "just now", "5m ago", "3h ago", "yesterday", "4d ago", then the date. */
export function formatRelative(iso: string, now: Date = new Date()): string {
  const then = new Date(iso);
  const seconds = Math.round((now.getTime() - then.getTime()) / 1000);
  if (Number.isNaN(seconds)) return '';
  if (seconds < 45) return 'just now';
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${minutes}m ago`;
  const hours = Math.round(minutes / 60);
  if (hours < 24) return `${hours}h ago`;
  const days = Math.round(hours / 24);
  if (days === 1) return 'yesterday';
  if (days < 7) return `${days}d ago`;
  const sameYear = then.getFullYear() === now.getFullYear();
  return then.toLocaleDateString(undefined, { day: 'numeric', month: 'short', ...(sameYear ? {} : { year: 'numeric' }) });
}

export function formatDateTime(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

/** Joins a list as prose: "a", "a and b", "a, b and c". */
export function joinWords(words: string[]): string {
  if (words.length <= 1) return words[0] ?? '';
  return `${words.slice(0, -1).join(', ')} and ${words[words.length - 1]}`;
}

export const plural = (n: number, one: string, many = `${one}s`): string => (n === 1 ? one : many);
