/** What a re-sync changed, in words, for the note under the Re-sync button. */
import type { KustomerIntegration } from '../../api/integrations.ts';
import { joinWords, plural } from '../../ui/format.ts';

/** New queues and teams, and ones that disappeared from Kustomer, between two answers of the API. */
export function syncSummary(before: KustomerIntegration, after: KustomerIntegration): string {
  const changes: string[] = [];
  for (const kind of ['queues', 'teams'] as const) {
    const old = new Map(before[kind].map((t) => [t.remoteId, t]));
    const quoted = (list: typeof after.queues) => list.map((t) => `“${t.name}”`);
    const added = quoted(after[kind].filter((t) => !old.has(t.remoteId)));
    const back = quoted(after[kind].filter((t) => t.available && old.get(t.remoteId)?.available === false));
    const gone = quoted(after[kind].filter((t) => !t.available && old.get(t.remoteId)?.available));
    const noun = kind === 'queues' ? 'queue' : 'team';
    if (added.length) changes.push(`new ${plural(added.length, noun)} ${joinWords(added)}`);
    if (back.length) changes.push(`${joinWords(back)} back in Kustomer`);
    if (gone.length) changes.push(`${joinWords(gone)} no longer in Kustomer`);
  }
  return changes.length ? `Synced: ${changes.join('; ')}.` : 'Synced: no changes in queues or teams.';
}
