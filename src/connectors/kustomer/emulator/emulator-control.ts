/**
 * The test and demo controls, in-process. The same operations are served over HTTP under /__emulator/
 * (control-routes.ts). Controls never count against rate limits, never hit faults and are never logged as calls.
 */
import { createHash } from 'node:crypto';
import type { CallLog, CallRecord } from './call-log.ts';
import type {
  AgentChangeInput,
  AgentNoteInput,
  CreateApiKeyInput,
  CreateCustomerInput,
  CreateOrgInput,
  CreateQueueInput,
  CreateSubStatusInput,
  CreateTagInput,
  CreateTeamInput,
  CreateUserInput,
  OrgSettingsInput,
  SetMetadataInput,
  ThreadMessageInput,
} from './control-schemas.ts';
import { AgentChangeInput as AgentChangeSchema } from './control-schemas.ts';
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
import type { ActiveFault, FaultInjector, FaultSpec } from './faults.ts';
import type { ResourceObject } from './json-api.ts';
import type { MetadataPropertyRecord, OrgRecord, OrgSettings } from './records.ts';
import { renderQueue, renderTeam, renderUser, renderWebhook } from './render-directory.ts';
import { renderConversation, renderCustomer, renderMessage, renderNote } from './render-records.ts';
import type { RateLimiter } from './rate-limit.ts';
import { inOrg } from './store.ts';
import type { DeliveryRecord } from './webhook-dispatcher.ts';

export interface OrgView {
  id: string;
  name: string;
  settings: OrgSettings;
}

export interface ApiKeyView {
  id: string;
  /** The bearer token (a JWT-looking string). */
  key: string;
  userId: string;
  orgId: string;
  roles: string[];
  expiresAt: string | null;
}

export interface WebhookControl {
  /** Every delivery so far, in the order they were queued (duplicates, drops and retries included). */
  deliveries(): DeliveryRecord[];
  dropNext(count: number): void;
  duplicateNext(count: number): void;
  hold(): void;
  /** Sends held deliveries one by one, newest first unless `original`; resolves when done. */
  release(order?: 'reverse' | 'original'): Promise<void>;
  /** Sends every failed delivery again (Kustomer retries for about an hour, docs/kustomer.md §19); resolves when done. */
  retryFailed(): Promise<void>;
  /** Resolves when no delivery is in flight. */
  idle(): Promise<void>;
  /** Turns X-Kustomer-Webhook-Signature on deliveries on or off (default off). */
  setSigning(on: boolean): void;
  /** Failed deliveries in a row after which a webhook is disabled, as Kustomer does. */
  setFailuresBeforeDisable(count: number): void;
  /** The org's webhook records as the API renders them (enabled, isError, headers, token). */
  list(org: string): ResourceObject[];
}

export interface AttachmentView {
  id: string;
  name: string;
  contentType: string;
  contentLength: number;
  uploaded: boolean;
  attachedTo: { type: 'message' | 'note'; id: string } | null;
  sha256: string | null;
}

export interface EmulatorControl {
  createOrg(input: CreateOrgInput): OrgView;
  updateOrg(org: string, settings: OrgSettingsInput): OrgView;
  createApiKey(input: CreateApiKeyInput): ApiKeyView;
  /** By key id or the key string. */
  revokeApiKey(keyOrId: string): void;
  /** By key id or the key string: replaces the key's roles (an admin editing it in Kustomer). */
  setApiKeyRoles(keyOrId: string, roles: string[]): void;
  createQueue(input: CreateQueueInput): ResourceObject;
  /** Marks the queue deleted (it stays listed with deleted: true). */
  deleteQueue(input: { org: string; id: string }): ResourceObject;
  createTeam(input: CreateTeamInput): ResourceObject;
  createUser(input: CreateUserInput): ResourceObject;
  /** A tag, as an admin makes one in Kustomer (docs/kustomer.md §28). */
  createTag(input: CreateTagInput): ResourceObject;
  /** A sub-status under one parent status (docs/kustomer.md §28). */
  createSubStatus(input: CreateSubStatusInput): ResourceObject;
  /** Wakes the conversations whose snooze is due at `at` (default: now), as Kustomer does on its clock; returns how many. */
  wakeSnoozes(at?: Date): number;
  createCustomer(input: CreateCustomerInput): ResourceObject;
  /** Replaces the custom-attribute metadata of a resource (default: conversation). */
  setMetadata(input: SetMetadataInput): Record<string, MetadataPropertyRecord>;
  /** Changes a conversation the way an agent in Kustomer's app would; emits kustomer.conversation.update. */
  changeConversation(input: AgentChangeInput): ResourceObject;
  /** An agent's note on a conversation, as written in Kustomer's app, with any files uploaded and attached as the app would. */
  addNote(input: AgentNoteInput): ResourceObject;
  /** A message on a conversation: from its customer (`in`) or an agent (`out`); emits kustomer.message.create. */
  addMessage(input: ThreadMessageInput): ResourceObject;
  injectFault(spec: FaultSpec): ActiveFault;
  faults(): ActiveFault[];
  clearFaults(id?: string): void;
  calls(): CallRecord[];
  clearCalls(): void;
  queues(org: string): ResourceObject[];
  teams(org: string): ResourceObject[];
  users(org: string): ResourceObject[];
  tags(org: string): ResourceObject[];
  subStatuses(org: string): ResourceObject[];
  conversations(org: string): ResourceObject[];
  customers(org: string): ResourceObject[];
  notes(org: string): ResourceObject[];
  messages(org: string): ResourceObject[];
  /** The org's attachment records, uploaded or not, with what references them and the bytes' sha256. */
  attachments(org: string): AttachmentView[];
  webhooks: WebhookControl;
  /** Forgets everything: orgs, keys, data, faults, calls, deliveries, rate windows. */
  reset(): void;
}

const orgView = (o: OrgRecord): OrgView => ({ id: o.id, name: o.name, settings: { ...o.settings } });

export function createEmulatorControl(deps: EmulatorDeps & { limiter: RateLimiter; faults: FaultInjector; calls: CallLog }): EmulatorControl {
  const { store, webhooks } = deps;
  const org = (ref: string) => store.org(ref);
  const asAgent = (o: OrgRecord, by?: string) => ({
    org: o,
    userId: by ?? inOrg(store.users, o.id).find((u) => u.userType !== 'machine')?.id ?? null,
    client: 'web' as const,
  });

  return {
    createOrg: (input) => orgView(createOrg(deps, input)),
    updateOrg: (ref, settings) => orgView(updateOrgSettings(org(ref), settings)),
    createApiKey(input) {
      const k = createApiKey(deps, org(input.org), input);
      return { id: k.id, key: k.token, userId: k.userId, orgId: k.orgId, roles: [...k.roles], expiresAt: k.expiresAt };
    },
    revokeApiKey: (keyOrId) => void revokeApiKey(deps, keyOrId),
    setApiKeyRoles: (keyOrId, roles) => void setApiKeyRoles(deps, keyOrId, roles),
    createQueue: (input) => renderQueue(createQueue(deps, org(input.org), input)),
    deleteQueue: (input) => renderQueue(deleteQueue(deps, org(input.org), input.id)),
    createTeam: (input) => renderTeam(createTeam(deps, org(input.org), input)),
    createUser: (input) => renderUser(createUser(deps, org(input.org), input)),
    createTag: (input) => renderTag(createTag(deps, org(input.org), input)),
    createSubStatus: (input) => renderSubStatus(createSubStatus(deps, org(input.org), input)),
    wakeSnoozes: (at) => wakeDueSnoozes(deps, at ?? deps.now()),
    createCustomer(input) {
      const o = org(input.org);
      const emails = [...(input.email ? [{ type: 'home' as const, email: input.email }] : []), ...(input.emails ?? [])];
      const c = createCustomer(deps, asAgent(o), { name: input.name, externalId: input.externalId, ...(emails.length ? { emails } : {}) });
      return renderCustomer(c, store);
    },
    setMetadata: (input) => setMetadata(deps, org(input.org), input.resource ?? 'conversation', input.properties),
    changeConversation(input) {
      const { org: ref, id, by, ...change } = AgentChangeSchema.parse(input);
      return renderConversation(updateConversation(deps, asAgent(org(ref), by), id, change));
    },
    addNote({ org: ref, id, by, body, attachments }) {
      const actor = asAgent(org(ref), by);
      return renderNote(addNote(deps, actor, id, { body, attachments: uploadedFiles(deps, actor, attachments ?? []) }));
    },
    addMessage({ org: ref, id, by, body, direction, channel, attachments }) {
      const o = org(ref);
      // A customer's message is written by no agent: Kustomer's channel app records it (createdBy null here).
      const actor = direction === 'in' ? { ...asAgent(o), userId: null } : asAgent(o, by);
      const via = channel ?? 'email';
      const files = uploadedFiles(deps, actor, attachments ?? []);
      return renderMessage(
        addMessage(deps, actor, id, { preview: body, direction, channel: via, app: via === 'email' ? 'postmark' : via, attachments: files }),
      );
    },
    injectFault: (spec) => deps.faults.inject(spec),
    faults: () => deps.faults.list(),
    clearFaults: (id) => deps.faults.clear(id),
    calls: () => deps.calls.calls.map((c) => ({ ...c })),
    clearCalls: () => deps.calls.clear(),
    queues: (ref) => inOrg(store.queues, org(ref).id).map(renderQueue),
    teams: (ref) => inOrg(store.teams, org(ref).id).map(renderTeam),
    users: (ref) => inOrg(store.users, org(ref).id).map(renderUser),
    tags: (ref) => inOrg(store.tags, org(ref).id).map(renderTag),
    subStatuses: (ref) => inOrg(store.subStatuses, org(ref).id).map(renderSubStatus),
    conversations: (ref) => inOrg(store.conversations, org(ref).id).map(renderConversation),
    customers: (ref) => inOrg(store.customers, org(ref).id).map((c) => renderCustomer(c, store)),
    notes: (ref) => inOrg(store.notes, org(ref).id).map(renderNote),
    messages: (ref) => inOrg(store.messages, org(ref).id).map(renderMessage),
    attachments: (ref) =>
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
      deliveries: () => webhooks.deliveries.map((d) => ({ ...d })),
      dropNext: (n) => webhooks.dropNext(n),
      duplicateNext: (n) => webhooks.duplicateNext(n),
      hold: () => webhooks.hold(),
      release: (order) => webhooks.release(order),
      retryFailed: () => webhooks.retryFailed(),
      idle: () => webhooks.idle(),
      setSigning: (on) => void (webhooks.signing = on),
      setFailuresBeforeDisable: (count) => void (webhooks.failuresBeforeDisable = count),
      list: (ref) => inOrg(store.webhooks, org(ref).id).map(renderWebhook),
    },
    reset() {
      store.clear();
      deps.limiter.reset();
      deps.faults.clear();
      deps.calls.clear();
      webhooks.reset();
    },
  };
}
