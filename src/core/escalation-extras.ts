/**
 * What an escalation asks of the destination at create beyond its queue or team: the request's tags the admin allows
 * out, an assignee (a person or a team of the destination) and a sub-status. Pure: the use cases read the directory
 * and the allow-list, this decides.
 */
import { z } from 'zod';
import type { DirectoryEntry } from './destination.ts';

const Ref = z.object({ id: z.string(), name: z.string() });
export const CreateExtras = z.object({
  tags: z.array(Ref).default([]),
  assignee: Ref.extend({ kind: z.enum(['user', 'team']) })
    .nullable()
    .default(null),
  subStatus: Ref.nullable().default(null),
});
export type CreateExtras = z.infer<typeof CreateExtras>;

/** How a tag is compared: request tags are kept as typed, the allow-list and the destination's names in any case. */
export const tagKey = (name: string) => name.trim().toLowerCase();

/** One request tag and what happens to it: sent (as the destination's tag), not allowed, or allowed but unknown there. */
export interface TagPlan {
  name: string;
  outcome: 'sent' | 'not_allowed' | 'unknown_in_destination';
  remoteId: string | null;
}

/**
 * The request's tags against the allow-list (an empty list sends none) and the destination's tags (matched by name,
 * in any case): only tags that are allowed AND exist in the destination are sent, as a destination may refuse an
 * unknown one (docs/kustomer.md §28).
 */
export function planTags(requestTags: readonly string[], allowList: readonly string[], destinationTags: readonly { id: string; name: string }[]): TagPlan[] {
  const allowed = new Set(allowList.map(tagKey));
  const byName = new Map(destinationTags.map((t) => [tagKey(t.name), t.id]));
  return [...new Set(requestTags)].map((name) => {
    if (!allowed.has(tagKey(name))) return { name, outcome: 'not_allowed', remoteId: null };
    const remoteId = byName.get(tagKey(name)) ?? null;
    return { name, outcome: remoteId ? 'sent' : 'unknown_in_destination', remoteId };
  });
}

/** The allow-list as stored: trimmed, lowercase, unique, sorted. */
export const normaliseAllowList = (names: readonly string[]) => [...new Set(names.map(tagKey).filter(Boolean))].sort();

/**
 * Who a new conversation may be assigned to: the destination's people (not integrations' machine users) and every
 * team it has, enabled for escalation or not; and its sub-statuses that apply (a new conversation is open).
 */
export function createChoices(directory: readonly DirectoryEntry[], targets: readonly { kind: string; remoteId: string; name: string; available: boolean }[]) {
  const choice = (e: { remoteId: string; name: string }) => ({ id: e.remoteId, name: e.name });
  return {
    assignees: {
      users: directory.filter((e) => e.kind === 'user' && !e.machine).map(choice),
      teams: targets.filter((t) => t.kind === 'team' && t.available).map(choice),
    },
    subStatuses: directory.filter((e) => e.kind === 'sub_status' && e.parentStatus === 'open').map(choice),
  };
}
