/**
 * A snoozed conversation wakes at its `snooze.time` (docs/kustomer.md §9, §30; documented: A-SNOOZE, "The conversation
 * reopens when the snooze ends"): it becomes open, its snooze is kept with status `elapsed`, and Kustomer sends
 * kustomer.conversation.update. Kustomer does it on its own clock; the emulator does it when asked (the test
 * control, with the time to wake "as of") and every second while served (the demo).
 */
import { diffConversation } from './conversation-changes.ts';
import type { EmulatorDeps } from './emulator-deps.ts';
import { renderConversation } from './render-records.ts';

/** Wakes every conversation whose snooze is due at `at`; returns how many woke. */
export function wakeDueSnoozes(deps: EmulatorDeps, at: Date): number {
  let woke = 0;
  for (const conv of deps.store.conversations.values()) {
    if (conv.status !== 'snoozed' || conv.snooze?.status !== 'scheduled' || Date.parse(conv.snooze.time) > at.getTime()) continue;
    const org = deps.store.orgs.get(conv.orgId);
    if (!org) continue;
    const before = structuredClone(conv);
    const now = deps.now().toISOString();
    conv.status = 'open';
    conv.snooze = { ...conv.snooze, status: 'elapsed' };
    conv.modificationHistory.statusAt = now;
    conv.rev += 1;
    conv.updatedAt = now;
    conv.modifiedAt = now;
    deps.webhooks.emit(org, 'kustomer.conversation.update', renderConversation(conv), { client: 'web', changes: diffConversation(before, conv) });
    woke++;
  }
  return woke;
}
