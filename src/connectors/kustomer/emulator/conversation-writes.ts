/**
 * Creating and changing conversations, shared by the API routes and the agent controls, so both bump `rev` and the
 * timestamps the same way and both emit webhooks (docs/kustomer.md §17). Validation beyond the wire schemas lives here: referenced
 * customer, queue, teams and users must exist in the org; externalId is unique per org (our 409 choice, docs/kustomer.md §15).
 */
import type { CreateConversationBody, UpdateConversationBody } from '../wire.ts';
import { checkCustomValues } from './custom-attributes.ts';
import { diffConversation } from './conversation-changes.ts';
import type { Actor, EmulatorDeps } from './emulator-deps.ts';
import { kustomerError } from './kustomer-error.ts';
import { newObjectId } from './object-id.ts';
import type { ConversationRecord } from './records.ts';
import { renderConversation } from './render-records.ts';
import { findInOrg, inOrg } from './store.ts';
import { checkSubStatus, checkTags } from './tags-and-sub-statuses.ts';

/**
 * A conversation created without a priority gets 3: not documented, but confirmed by public dumps of real
 * conversations from several orgs created without one (docs/kustomer.md §10). So 3 is Kustomer's normal priority.
 */
export const DEFAULT_PRIORITY = 3;

export function systemQueueId(deps: EmulatorDeps, orgId: string): string {
  const q = inOrg(deps.store.queues, orgId).find((x) => x.system);
  if (!q) throw new Error('emulator: org has no system queue');
  return q.id;
}

function checkReferences(deps: EmulatorDeps, orgId: string, body: { queue?: { id: string }; assignedTeams?: string[]; assignedUsers?: string[] }): void {
  const { store } = deps;
  const queue = body.queue && findInOrg(store.queues, orgId, body.queue.id);
  if (body.queue && (!queue || queue.deleted)) throw kustomerError(400, `queue ${body.queue.id} does not exist`, { pointer: '/queue/id' });
  body.assignedTeams?.forEach((id, i) => {
    if (!findInOrg(store.teams, orgId, id)) throw kustomerError(400, `team ${id} does not exist`, { pointer: `/assignedTeams/${i}` });
  });
  body.assignedUsers?.forEach((id, i) => {
    if (!findInOrg(store.users, orgId, id)) throw kustomerError(400, `user ${id} does not exist`, { pointer: `/assignedUsers/${i}` });
  });
}

const metadataOf = (deps: EmulatorDeps, orgId: string) => deps.store.metadata.get(`${orgId}:conversation`);

export function createConversation(deps: EmulatorDeps, actor: Actor, body: CreateConversationBody): ConversationRecord {
  const { store } = deps;
  const orgId = actor.org.id;
  if (!findInOrg(store.customers, orgId, body.customer)) throw kustomerError(400, `customer ${body.customer} does not exist`, { pointer: '/customer' });
  checkReferences(deps, orgId, body);
  checkTags(deps, orgId, body.tags);
  checkCustomValues(body.custom ?? {}, metadataOf(deps, orgId));
  if (body.externalId !== undefined && inOrg(store.conversations, orgId).some((c) => c.externalId === body.externalId)) {
    throw kustomerError(409, `a conversation with externalId "${body.externalId}" already exists`, { pointer: '/externalId' });
  }
  const at = deps.now().toISOString();
  const conv: ConversationRecord = {
    id: newObjectId(deps.now()),
    orgId,
    customerId: body.customer,
    queueId: body.queue?.id ?? systemQueueId(deps, orgId),
    name: body.name ?? null,
    externalId: body.externalId ?? null,
    status: body.status ?? 'open',
    priority: body.priority ?? DEFAULT_PRIORITY,
    direction: body.direction ?? 'in',
    channels: [],
    tags: [...(body.tags ?? [])],
    assignedTeams: [...(body.assignedTeams ?? [])],
    assignedUsers: [...(body.assignedUsers ?? [])],
    custom: { ...(body.custom ?? {}) },
    snooze: null,
    subStatus: null,
    messageCount: 0,
    inboundMessageCount: 0,
    outboundMessageCount: 0,
    noteCount: 0,
    defaultLang: 'en_us',
    rev: 1,
    createdBy: actor.userId,
    modifiedBy: actor.userId,
    createdAt: at,
    updatedAt: at,
    modifiedAt: at,
    lastActivityAt: at,
    modificationHistory: {},
  };
  store.conversations.set(conv.id, conv);
  deps.webhooks.emit(actor.org, 'kustomer.conversation.create', renderConversation(conv), { client: actor.client });
  return conv;
}

/** Fields PUT ?replace=true resets when the body leaves them out. */
const REPLACE_DEFAULTS = (deps: EmulatorDeps, orgId: string): UpdateConversationBody => ({
  name: undefined,
  priority: DEFAULT_PRIORITY,
  assignedTeams: [],
  assignedUsers: [],
  queue: { id: systemQueueId(deps, orgId) },
  custom: {},
});

/**
 * PATCH, and PUT without replace=true, merge: given fields replace, arrays are replaced wholesale ([I] docs/kustomer.md §7), `custom`
 * merges key by key (null clears a key). A `rev` that is not the current one is refused with 409, Kustomer's
 * "optimistic locking" conflict ([I] docs/kustomer.md §7).
 */
export function updateConversation(
  deps: EmulatorDeps,
  actor: Actor,
  id: string,
  body: Omit<UpdateConversationBody, 'subStatus'> & { subStatus?: string | null },
  /** api: the API's update, where a sub-status must be one of the org's, under the resulting status (docs/kustomer.md §28). */
  opts: { replace?: boolean; api?: boolean } = {},
): ConversationRecord {
  const conv = findInOrg(deps.store.conversations, actor.org.id, id);
  if (!conv) throw kustomerError(404, `conversation ${id} not found`);
  if (body.rev !== undefined && body.rev !== conv.rev) throw kustomerError(409, `rev ${body.rev} is not the current rev ${conv.rev}`, { pointer: '/rev' });
  checkReferences(deps, actor.org.id, body);
  checkCustomValues(body.custom ?? {}, metadataOf(deps, actor.org.id));
  if (opts.api && body.subStatus) checkSubStatus(deps, actor.org.id, body.subStatus, body.status ?? conv.status);

  const before = structuredClone(conv);
  const change = opts.replace ? { ...REPLACE_DEFAULTS(deps, actor.org.id), ...body } : body;
  const at = deps.now().toISOString();
  if ('name' in change) conv.name = change.name ?? null;
  if (change.priority !== undefined) conv.priority = change.priority;
  if (change.assignedTeams) conv.assignedTeams = [...change.assignedTeams];
  if (change.assignedUsers) conv.assignedUsers = [...change.assignedUsers];
  if (change.queue) conv.queueId = change.queue.id;
  if (change.custom) {
    const merged = opts.replace ? {} : { ...conv.custom };
    for (const [k, v] of Object.entries(change.custom)) merged[k] = v;
    conv.custom = merged;
  }
  if (change.status) conv.status = change.status;
  if ('subStatus' in change) conv.subStatus = change.subStatus ?? null;
  if (change.snooze) conv.snooze = { ...change.snooze };
  else if (before.status === 'snoozed' && conv.status !== 'snoozed' && conv.snooze?.status === 'scheduled')
    conv.snooze = { ...conv.snooze, status: 'canceled' };

  for (const field of ['status', 'priority', 'assignedTeams', 'assignedUsers'] as const) {
    if (JSON.stringify(before[field]) !== JSON.stringify(conv[field])) conv.modificationHistory[`${field}At`] = at;
  }
  if (before.queueId !== conv.queueId) conv.modificationHistory.queueAt = at;
  conv.rev += 1;
  conv.updatedAt = at;
  conv.modifiedAt = at;
  conv.modifiedBy = actor.userId ?? conv.modifiedBy;
  deps.webhooks.emit(actor.org, 'kustomer.conversation.update', renderConversation(conv), { client: actor.client, changes: diffConversation(before, conv) });
  return conv;
}

/** Counter and timeline changes (notes, messages): bump `rev` and `updatedAt` but not `modifiedAt`, then notify. */
export function touchConversation(deps: EmulatorDeps, actor: Actor, conv: ConversationRecord, before: ConversationRecord): void {
  const at = deps.now().toISOString();
  conv.rev += 1;
  conv.updatedAt = at;
  conv.lastActivityAt = at;
  if (before.status !== conv.status) conv.modificationHistory.statusAt = at;
  deps.webhooks.emit(actor.org, 'kustomer.conversation.update', renderConversation(conv), { client: actor.client, changes: diffConversation(before, conv) });
}
