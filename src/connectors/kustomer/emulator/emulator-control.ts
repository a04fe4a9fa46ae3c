/**
 * The test and demo controls, in-process. The same operations are served over HTTP under /__emulator/
 * (control-routes.ts). Controls never count against rate limits, never hit faults and are never logged as calls.
 */
import { createHash } from 'node:crypto';
import type { CallLog } from './call-log.ts';
import type * as S from './control-schemas.ts';
import { AgentChangeInput } from './control-schemas.ts';
import { updateConversation } from './conversation-writes.ts';
import { addMessage, addNote } from './timeline-writes.ts';
import { uploadedFiles } from './attachment-writes.ts';
import { wakeDueSnoozes } from './snooze-wake.ts';
import { createSubStatus, createTag, renderSubStatus, renderTag } from './tags-and-sub-statuses.ts';
import { createCustomer } from './customer-writes.ts';
import {
  createApiKey,
  createOrg,
  createQueue,
  createTeam,
  createUser,
  deleteQueue,
  revokeApiKey,
  setApiKeyRoles,
  setMetadata,
  updateOrgSettings,
} from './directory-writes.ts';
import type { EmulatorDeps } from './emulator-deps.ts';
import type { FaultInjector, FaultSpec } from './faults.ts';
import type { OrgRecord } from './records.ts';
import { renderQueue, renderTeam, renderUser, renderWebhook } from './render-directory.ts';
import { renderConversation, renderCustomer, renderMessage, renderNote } from './render-records.ts';
import type { RateLimiter } from './rate-limit.ts';
import { inOrg } from './store.ts';

export type EmulatorControl = ReturnType<typeof createEmulatorControl>;

const orgView = (o: OrgRecord) => ({ id: o.id, name: o.name, settings: { ...o.settings } });

export function createEmulatorControl(deps: EmulatorDeps & { limiter: RateLimiter; faults: FaultInjector; calls: CallLog }) {
  const { store, webhooks } = deps;
  const org = (ref: string) => store.org(ref);
  const asAgent = (o: OrgRecord, by?: string) => ({
    org: o,
    userId: by ?? inOrg(store.users, o.id).find((u) => u.userType !== 'machine')?.id ?? null,
    client: 'web' as const,
  });

  return {
    createOrg: (input: S.CreateOrgInput) => orgView(createOrg(deps, input)),
    updateOrg: (ref: string, settings: S.OrgSettingsInput) => orgView(updateOrgSettings(org(ref), settings)),
    /** A new key; `key` is the bearer token (a JWT-looking string). */
    createApiKey(input: S.CreateApiKeyInput) {
      const k = createApiKey(deps, org(input.org), input);
      return { id: k.id, key: k.token, userId: k.userId, orgId: k.orgId, roles: [...k.roles], expiresAt: k.expiresAt };
    },
    /** By key id or the key string. */
    revokeApiKey: (keyOrId: string) => void revokeApiKey(deps, keyOrId),
    /** By key id or the key string: replaces the key's roles (an admin editing it in Kustomer). */
    setApiKeyRoles: (keyOrId: string, roles: string[]) => void setApiKeyRoles(deps, keyOrId, roles),
    createQueue: (input: S.CreateQueueInput) => renderQueue(createQueue(deps, org(input.org), input)),
    /** Marks the queue deleted (it stays listed with deleted: true). */
    deleteQueue: (input: { org: string; id: string }) => renderQueue(deleteQueue(deps, org(input.org), input.id)),
    createTeam: (input: S.CreateTeamInput) => renderTeam(createTeam(deps, org(input.org), input)),
    createUser: (input: S.CreateUserInput) => renderUser(createUser(deps, org(input.org), input)),
    /** A tag, as an admin makes one in Kustomer (docs/kustomer.md §28). */
    createTag: (input: S.CreateTagInput) => renderTag(createTag(deps, org(input.org), input)),
    /** A sub-status under one parent status (docs/kustomer.md §28). */
    createSubStatus: (input: S.CreateSubStatusInput) => renderSubStatus(createSubStatus(deps, org(input.org), input)),
    /** Wakes the conversations whose snooze is due at `at` (default: now), as Kustomer does on its clock; returns how many. */
    wakeSnoozes: (at?: Date) => wakeDueSnoozes(deps, at ?? deps.now()),
    createCustomer(input: S.CreateCustomerInput) {
      const o = org(input.org);
      const emails = [...(input.email ? [{ type: 'home' as const, email: input.email }] : []), ...(input.emails ?? [])];
      const c = createCustomer(deps, asAgent(o), { name: input.name, externalId: input.externalId, ...(emails.length ? { emails } : {}) });
      return renderCustomer(c, store);
    },
    /** Replaces the custom-attribute metadata of a resource (default: conversation). */
    setMetadata: (input: S.SetMetadataInput) => setMetadata(deps, org(input.org), input.resource ?? 'conversation', input.properties),
    /** Changes a conversation the way an agent in Kustomer's app would; emits kustomer.conversation.update. */
    changeConversation(input: S.AgentChangeInput) {
      const { org: ref, id, by, ...change } = AgentChangeInput.parse(input);
      return renderConversation(updateConversation(deps, asAgent(org(ref), by), id, change));
    },
    /** An agent's note on a conversation, as written in Kustomer's app, with any files uploaded and attached as the app would. */
    addNote({ org: ref, id, by, body, attachments }: S.AgentNoteInput) {
      const actor = asAgent(org(ref), by);
      return renderNote(addNote(deps, actor, id, { body, attachments: uploadedFiles(deps, actor, attachments ?? []) }));
    },
    /** A message on a conversation: from its customer (`in`) or an agent (`out`); emits kustomer.message.create. */
    addMessage({ org: ref, id, by, body, direction, channel, attachments }: S.ThreadMessageInput) {
      const o = org(ref);
      // A customer's message is written by no agent: Kustomer's channel app records it (createdBy null here).
      const actor = direction === 'in' ? { ...asAgent(o), userId: null } : asAgent(o, by);
      const via = channel ?? 'email';
      const files = uploadedFiles(deps, actor, attachments ?? []);
      return renderMessage(
        addMessage(deps, actor, id, { preview: body, direction, channel: via, app: via === 'email' ? 'postmark' : via, attachments: files }),
      );
    },
    injectFault: (spec: FaultSpec) => deps.faults.inject(spec),
    faults: () => deps.faults.list(),
    clearFaults: (id?: string) => deps.faults.clear(id),
    calls: () => deps.calls.calls.map((c) => ({ ...c })),
    clearCalls: () => deps.calls.clear(),
    queues: (ref: string) => inOrg(store.queues, org(ref).id).map(renderQueue),
    teams: (ref: string) => inOrg(store.teams, org(ref).id).map(renderTeam),
    users: (ref: string) => inOrg(store.users, org(ref).id).map(renderUser),
    tags: (ref: string) => inOrg(store.tags, org(ref).id).map(renderTag),
    subStatuses: (ref: string) => inOrg(store.subStatuses, org(ref).id).map(renderSubStatus),
    conversations: (ref: string) => inOrg(store.conversations, org(ref).id).map(renderConversation),
    customers: (ref: string) => inOrg(store.customers, org(ref).id).map((c) => renderCustomer(c, store)),
    notes: (ref: string) => inOrg(store.notes, org(ref).id).map(renderNote),
    messages: (ref: string) => inOrg(store.messages, org(ref).id).map(renderMessage),
    /** The org's attachment records, uploaded or not, with what references them and the bytes' sha256. */
    attachments: (ref: string) =>
      inOrg(store.attachments, org(ref).id).map((a) => ({
        id: a.id,
        name: a.name,
        contentType: a.contentType,
        contentLength: a.contentLength,
        uploaded: a.uploaded,
        attachedTo: a.attachedTo,
        sha256: a.bytes ? createHash('sha256').update(a.bytes).digest('hex') : null,
      })),
    webhooks: {
      /** Every delivery so far, in the order they were queued (duplicates, drops and retries included). */
      deliveries: () => webhooks.deliveries.map((d) => ({ ...d })),
      dropNext: (count: number) => webhooks.dropNext(count),
      duplicateNext: (count: number) => webhooks.duplicateNext(count),
      hold: () => webhooks.hold(),
      /** Sends held deliveries one by one, newest first unless `original`; resolves when done. */
      release: (order?: 'reverse' | 'original') => webhooks.release(order),
      /** Sends every failed delivery again (Kustomer retries for about an hour, docs/kustomer.md §19); resolves when done. */
      retryFailed: () => webhooks.retryFailed(),
      /** Resolves when no delivery is in flight. */
      idle: () => webhooks.idle(),
      /** Turns X-Kustomer-Webhook-Signature on deliveries on or off (default off). */
      setSigning: (on: boolean) => void (webhooks.signing = on),
      /** Failed deliveries in a row after which a webhook is disabled, as Kustomer does. */
      setFailuresBeforeDisable: (count: number) => void (webhooks.failuresBeforeDisable = count),
      /** The org's webhook records as the API renders them (enabled, isError, headers, token). */
      list: (ref: string) => inOrg(store.webhooks, org(ref).id).map(renderWebhook),
    },
    /** Forgets everything: orgs, keys, data, faults, calls, deliveries, rate windows. */
    reset() {
      store.clear();
      deps.limiter.reset();
      deps.faults.clear();
      deps.calls.clear();
      webhooks.reset();
    },
  };
}
