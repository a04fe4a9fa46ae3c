/**
 * Tags and sub-statuses (docs/kustomer.md §28): made by the test controls (an admin's work in Kustomer), listed by the
 * API, and checked when a conversation names them. A conversation's `tags` hold tag ids, as an independent
 * integration sends them (PipedreamHQ/pipedream components/kustomer kustomer.app.mjs). Whether Kustomer refuses an
 * unknown tag id is not documented: the emulator refuses it with 400, as it does an unknown team or user, so Bridgedesk
 * must send only ids it read (assumed, the safe side). A sub-status belongs to one parent status; setting one whose
 * parent is not the conversation's status is refused (assumed: the docs say an agent picks it within the status).
 */
import type { EmulatorDeps } from './emulator-deps.ts';
import type { ResourceObject } from './json-api.ts';
import { kustomerError } from './kustomer-error.ts';
import { created } from './object-id.ts';
import type { ConversationStatus, OrgRecord, SubStatusRecord, TagRecord } from './records.ts';
import { findInOrg } from './store.ts';

const rel = (type: string, id: string) => ({ links: { self: `/v1/${type}s/${id}` }, data: { type, id } });

export function createTag(deps: EmulatorDeps, org: OrgRecord, input: { name: string; color?: string | null }): TagRecord {
  const tag: TagRecord = { ...created(deps), orgId: org.id, name: input.name, color: input.color ?? null };
  deps.store.tags.set(tag.id, tag);
  return tag;
}

export function createSubStatus(
  deps: EmulatorDeps,
  org: OrgRecord,
  input: { label: string; parentStatus: ConversationStatus; description?: string; resourceType?: 'conversation' | 'kobject' },
): SubStatusRecord {
  const s: SubStatusRecord = {
    ...created(deps),
    orgId: org.id,
    label: input.label,
    description: input.description ?? input.label,
    parentStatus: input.parentStatus,
    resourceType: input.resourceType ?? 'conversation',
  };
  deps.store.subStatuses.set(s.id, s);
  return s;
}

export const renderTag = (t: TagRecord): ResourceObject => ({
  type: 'tag',
  id: t.id,
  attributes: { name: t.name, color: t.color, createdAt: t.createdAt, updatedAt: t.updatedAt, modifiedAt: t.updatedAt },
  relationships: { org: rel('org', t.orgId) },
  links: { self: `/v1/tags/${t.id}` },
});

export const renderSubStatus = (s: SubStatusRecord): ResourceObject => ({
  type: 'sub_status',
  id: s.id,
  attributes: {
    label: s.label,
    description: s.description,
    parentStatus: s.parentStatus,
    resourceType: s.resourceType,
    default: false,
    createdAt: s.createdAt,
    updatedAt: s.updatedAt,
  },
  links: { self: `/v1/sub-statuses/${s.id}` },
});

/** Refuses a tag id the org does not have, naming it (400 badparam with the pointer, as for teams and users). */
export function checkTags(deps: EmulatorDeps, orgId: string, tags: readonly string[] | undefined): void {
  tags?.forEach((id, i) => {
    if (!findInOrg(deps.store.tags, orgId, id)) throw kustomerError(400, `tag ${id} does not exist`, { pointer: `/tags/${i}` });
  });
}

/** Refuses a sub-status the org does not have for conversations, or one under another status than `status`. */
export function checkSubStatus(deps: EmulatorDeps, orgId: string, id: string, status: ConversationStatus): void {
  const s = findInOrg(deps.store.subStatuses, orgId, id);
  if (!s || s.resourceType !== 'conversation') throw kustomerError(400, `sub-status ${id} does not exist`, { pointer: '/subStatus' });
  if (s.parentStatus !== status) throw kustomerError(400, `sub-status ${id} belongs to ${s.parentStatus}, not ${status}`, { pointer: '/subStatus' });
}
