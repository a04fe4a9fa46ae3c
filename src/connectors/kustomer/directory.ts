/**
 * Kustomer's directory: the queues and teams escalations go to, the people who work conversations (named on the
 * thread and as assignees), and, for Bridgedesk's pickers and tag matching, its users (assignees,
 * docs/kustomer.md §29), tags (§28) and conversation sub-statuses (§28). The directory is read through the shared rate
 * budget at connect and re-sync only. A list the key may not read (its role is missing) is left out rather than
 * failing the others: the pickers then offer less, and settings name the role.
 */
import type { DestinationTarget, DirectoryEntry, RemoteStatus } from '../../core/destination.ts';
import { unlessRefused } from '../kit/errors.ts';
import type { KustomerClient } from './client.ts';
import { PERM } from './roles.ts';
import { KUSTOMER_TO_STATUS } from './ticket-details.ts';
import * as W from './wire.ts';

/** GET /v1/routing/queues (every page; deleted queues left out). */
export async function listQueues(client: KustomerClient): Promise<DestinationTarget[]> {
  const queues = await client.allPages(W.QueueList, '/v1/routing/queues', 100, PERM.queueRead);
  return queues
    .filter((q) => !q.attributes.deleted)
    .map((q) => ({ kind: 'queue' as const, remoteId: q.id, name: q.attributes.displayName || q.attributes.name }));
}

/** GET /v1/teams (every page). */
export async function listTeams(client: KustomerClient): Promise<DestinationTarget[]> {
  const teams = await client.allPages(W.TeamList, '/v1/teams', 500, PERM.teamRead);
  return teams.map((t) => ({ kind: 'team' as const, remoteId: t.id, name: t.attributes.displayName || t.attributes.name }));
}

/**
 * GET /v1/users (every page, 500 a page: docs/kustomer.md §12, §24): the names of assignees and of the authors of
 * notes and messages, machine users (API keys: an integration's notes, ours too) included.
 */
export async function listAgents(client: KustomerClient): Promise<{ remoteId: string; name: string }[]> {
  const users = await client.allPages(W.UserList, '/v1/users', 500, PERM.userRead);
  return users.map((u) => ({ remoteId: u.id, name: u.attributes.displayName || u.attributes.name || u.attributes.email || u.id }));
}

export async function listDirectory(client: KustomerClient): Promise<DirectoryEntry[]> {
  // Only a missing role or a refused list leaves a kind out; anything retryable fails the read (the re-sync says so).
  const orNone = async <T>(read: () => Promise<T[]>) => (await unlessRefused(read)) ?? [];
  // GET /v1/users (documented: A-USERS): API keys are users of type "machine" (docs/kustomer.md §3), never assignees.
  const users = await orNone(() => client.allPages(W.UserList, '/v1/users', 500, 'org.permission.user.read'));
  // GET /v1/tags: which role reads it is not documented; `tag.read` is assumed from the role naming (docs/kustomer.md §28).
  const tags = await orNone(() => client.allPages(W.TagList, '/v1/tags', 100, 'org.permission.tag.read'));
  // GET /v1/sub-statuses: conversation.read is one of the roles that read it (documented); the list holds conversation
  // and custom-object sub-statuses alike, so only conversation ones are kept.
  const subStatuses = await orNone(() => client.allPages(W.SubStatusList, '/v1/sub-statuses', 100, 'org.permission.conversation.read'));
  return [
    ...users.map((u) => ({
      kind: 'user' as const,
      remoteId: u.id,
      name: u.attributes.displayName || u.attributes.name || u.attributes.email || u.id,
      machine: u.attributes.userType === 'machine',
    })),
    ...tags.filter((t) => !t.attributes.deleted).map((t) => ({ kind: 'tag' as const, remoteId: t.id, name: t.attributes.name })),
    ...subStatuses
      .filter((s) => (s.attributes.resourceType ?? 'conversation') === 'conversation')
      .map((s) => ({
        kind: 'sub_status' as const,
        remoteId: s.id,
        name: s.attributes.label,
        parentStatus: KUSTOMER_TO_STATUS[s.attributes.parentStatus] satisfies RemoteStatus,
      })),
  ];
}
