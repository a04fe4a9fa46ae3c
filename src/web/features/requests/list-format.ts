/**
 * Words for the request list: the escalation column and the summary of a bulk change. Pure: unit-tested in
 * list-format.test.ts.
 */
import { remoteCellText } from '../escalations/remote-state-format.ts';
import type { BulkChange, BulkOutcome, EscalationSummary } from '../../api/requests.ts';
import { joinWords, priorityLabel, statusLabel } from '../../ui/format.ts';

/**
 * The escalation column's icon class and words: what a screen reader says and a sighted agent reads. `destinationName`
 * names a destination by id (useDestinationName).
 */
export function escalationCell(
  e: EscalationSummary | null,
  destinationName: (id: string) => string,
  now: Date = new Date(),
): { tone: 'none' | 'sending' | 'linked' | 'failed'; label: string; remote: string | null } {
  if (!e) return { tone: 'none', label: 'Not escalated', remote: null };
  const remote = remoteCellText(e, destinationName(e.provider), now);
  switch (e.state) {
    case 'sending':
      return { tone: 'sending', label: 'Sending', remote };
    case 'created':
      return { tone: 'sending', label: 'Linking', remote };
    case 'linked':
      return { tone: 'linked', label: 'Linked', remote };
    case 'link_failed':
      return { tone: 'failed', label: 'Link failed', remote };
    case 'failed':
      return { tone: 'failed', label: 'Failed', remote };
    case 'unlinked':
      // The conversation no longer follows the request: its last state there is history, not news.
      return { tone: 'none', label: 'Unlinked', remote: null };
  }
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** "status → Resolved; assignee → Ada Agent; tag vip added" */
export function describeChange(c: BulkChange, personName: (id: string) => string | undefined): string {
  const parts: string[] = [];
  if (c.status) parts.push(`status → ${statusLabel(c.status)}`);
  if (c.priority) parts.push(`priority → ${priorityLabel(c.priority)}`);
  if (c.assigneeId !== undefined) parts.push(`assignee → ${c.assigneeId === null ? 'Unassigned' : (personName(c.assigneeId) ?? 'the chosen agent')}`);
  if (c.addTags?.length) parts.push(`${c.addTags.length === 1 ? 'tag' : 'tags'} ${joinWords(c.addTags)} added`);
  if (c.removeTags?.length) parts.push(`${c.removeTags.length === 1 ? 'tag' : 'tags'} ${joinWords(c.removeTags)} removed`);
  return parts.join('; ');
}

const SKIP_WORDS: Record<string, [string, string]> = {
  forbidden: ['you cannot change it', 'you cannot change them'],
  not_found: ['it no longer exists or you cannot see it', 'they no longer exist or you cannot see them'],
};

/**
 * What a bulk change did, in one line: "12 requests: status → Resolved; 2 already so; 2 skipped: you cannot change
 * them (REQ-4, REQ-7)". Skips are grouped by reason; a rule the server explained (422) is quoted.
 */
export function summarizeBulk(outcome: BulkOutcome, change: BulkChange, personName: (id: string) => string | undefined): string {
  const lines: string[] = [];
  const what = describeChange(change, personName);
  if (outcome.changed.length) lines.push(`${plural(outcome.changed.length, 'request')}: ${what}`);
  if (outcome.unchanged.length) lines.push(`${plural(outcome.unchanged.length, 'request')} already so`);
  const groups = new Map<string, string[]>();
  for (const s of outcome.skipped) {
    const key = s.code === 'unprocessable' ? s.reason : s.code;
    groups.set(key, [...(groups.get(key) ?? []), s.key ?? '']);
  }
  for (const [key, refs] of groups) {
    const words = SKIP_WORDS[key];
    const why = words ? words[refs.length === 1 ? 0 : 1] : key;
    const named = refs.filter(Boolean);
    lines.push(`${refs.length} skipped: ${why}${named.length ? ` (${named.join(', ')})` : ''}`);
  }
  if (!outcome.changed.length && !outcome.skipped.length && !outcome.unchanged.length) return 'Nothing changed';
  if (!outcome.changed.length) lines.unshift('Nothing changed');
  return lines.join('; ');
}
