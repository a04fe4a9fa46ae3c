/**
 * Typed calls to Kustomer's REST API (https://<org>.api.kustomerapp.com/v1/...). Replies are parsed with the wire
 * schemas and mapped to domain shapes before they leave this folder. Endpoint sources: docs/kustomer.md §5. Here: the
 * call itself (budget, retries, naming a missing role), customers, conversations and their notes and messages; the
 * other calls live in sibling files over `request` / `allPages` / `send` (directory.ts, ticket-fields.ts,
 * webhook-subscription.ts, search-tickets.ts, attachments.ts).
 */
import type { CredentialCheck, RemoteStatus, RemoteTicket, TicketChange } from '../../core/destination.ts';
import { withRetries } from '../kit/backoff.ts';
import { ConnectorError } from '../kit/errors.ts';
import { createHttpClient, type HttpClient, type HttpReply, type HttpRequest } from '../kit/http-client.ts';
import type { RateBudget } from '../kit/rate-budget.ts';
import { describeKustomerError } from './describe-error.ts';
import { apiBaseUrl, conversationWebUrl } from './org-name.ts';
import { KUSTOMER_RATE_WINDOW_MS, readObjectWindow, readRateWindow } from './rate-headers.ts';
import { missingPermissions, PERM, rolesGrant } from './roles.ts';
import { KUSTOMER_TO_STATUS, ticketDetailsAndMark } from './ticket-details.ts';
import * as W from './wire.ts';
import type { z } from 'zod';

export interface KustomerClientOptions {
  /** Already validated with normaliseOrgName. */
  orgName: string;
  apiKey: string;
  /** Server configuration only (KUSTOMER_BASE_URL), never user input. */
  baseUrlOverride?: string | null;
  webUrlOverride?: string | null;
  timeoutMs?: number;
  fetch?: typeof fetch;
  budget?: RateBudget;
  /** Retries inside one call, for calls a person waits on (Authorize, re-sync). Jobs pass 1 and reschedule. */
  attempts?: number;
  /** Longest wait inside one call for a rate-limit reset or a backoff. */
  maxWaitMs?: number;
  now?: () => Date;
  sleep?: (ms: number) => Promise<void>;
  /** Kustomer's rate window: its limits are per minute (docs/kustomer.md §13). Only tests and benchmarks against a faster emulator change it. */
  rateWindowMs?: number;
  /** Jitter of the wait after a 429 that names no reset. (Default: Math.random.) */
  random?: () => number;
}

/** A call, with the permission-set role it needs (to name it when refused) and the object whose own limit it draws on. */
export type KustomerRequest = HttpRequest & { permission?: string };

export const KUSTOMER_STATUS: Record<RemoteStatus, z.infer<typeof W.ConversationStatus>> = { open: 'open', waiting: 'snoozed', closed: 'done' };

/** A Kustomer customer (the contact a conversation is about). */
export interface KustomerCustomer {
  remoteId: string;
  email: string | null;
  name: string | null;
}

/** Kustomer's calls, one a method; the manifest builds the destination's actions from them (manifest.ts, open-ticket.ts). */
export type KustomerClient = ReturnType<typeof createKustomerClient>;

export function createKustomerClient(opts: KustomerClientOptions) {
  const http: HttpClient = createHttpClient({
    baseUrl: apiBaseUrl(opts.orgName, opts.baseUrlOverride ?? null),
    headers: { authorization: `Bearer ${opts.apiKey}` },
    timeoutMs: opts.timeoutMs,
    fetch: opts.fetch,
    budget: opts.budget,
    readRateWindow: (h, now) => readRateWindow(h, now, opts.rateWindowMs),
    readObjectWindow: (h, now) => readObjectWindow(h, now, opts.rateWindowMs),
    rateWindowMs: opts.rateWindowMs ?? KUSTOMER_RATE_WINDOW_MS,
    random: opts.random,
    describeError: describeKustomerError,
    maxBudgetWaitMs: opts.maxWaitMs ?? 0,
    now: opts.now,
    sleep: opts.sleep,
  });
  const attempts = opts.attempts ?? 1;

  /**
   * One call. A 401 does not always mean a bad key: Kustomer's errors page lists "missing role, invalid auth token,
   * or billing feature" under 401 (developer.kustomer.com/kustomer-api-docs/reference/errors; documented), and
   * other sources saw 403. So a refused call that needs a role reads the key's own token (any valid key may:
   * A-TOKCUR): refused again, the key is revoked or invalid (auth); read, the key is valid and the refusal is about
   * this call: the role it lacks is named (permanent, reason missing_permission), so nobody is told to replace a
   * key that only needs one more role.
   */
  async function call(req: KustomerRequest): Promise<HttpReply> {
    try {
      return await withRetries(() => http(req), { attempts, maxWaitMs: opts.maxWaitMs ?? 0, sleep: opts.sleep });
    } catch (err) {
      if (!(err instanceof ConnectorError) || err.kind !== 'auth' || !req.permission) throw err;
      throw await explainRefusal(err, req.permission);
    }
  }

  async function explainRefusal(refused: ConnectorError, permission: string): Promise<ConnectorError> {
    let roles: string[];
    try {
      roles = (await get(W.TokenResponse, { method: 'GET', path: '/v1/auth/tokens/current' })).data.attributes.roles;
    } catch {
      return refused; // the key itself is refused (or Kustomer cannot say): as before, invalid credentials
    }
    const detail = { ...refused.detail, reason: 'missing_permission' as const, permission };
    if (!rolesGrant(roles, permission)) return new ConnectorError('permanent', `The Kustomer API key lacks the role ${permission}`, detail);
    // Valid and holding the role, yet refused: the "billing feature" case of the errors page, or a role we do not know.
    const vendor = refused.detail.vendorMessage;
    return new ConnectorError(
      'permanent',
      `Kustomer refused the call with ${refused.status} although the API key is valid and has ${permission}${vendor ? `: ${vendor}` : ''}`,
      {
        ...refused.detail,
        reason: 'http',
      },
    );
  }

  async function get<S extends z.ZodType>(schema: S, req: KustomerRequest): Promise<z.infer<S>> {
    const reply = await call(req);
    const parsed = schema.safeParse(reply.body);
    if (!parsed.success) {
      throw new ConnectorError('permanent', `Kustomer replied in an unexpected shape to ${req.method} ${req.path.split('?')[0]}`, {
        status: reply.status,
        vendorMessage: parsed.error.issues[0]?.message,
      });
    }
    return parsed.data;
  }

  /** A lookup's 404 means "none", not a failure (recorded: solidus_kustomer find_by_email_failure.yml, find_failure.yml). */
  async function lookup<S extends z.ZodType>(schema: S, path: string, permission?: string): Promise<z.infer<S> | null> {
    try {
      return await get(schema, { method: 'GET', path, permission });
    } catch (err) {
      if (err instanceof ConnectorError && err.status === 404) return null;
      throw err;
    }
  }

  /** Follows links.next (relative paths) until null; page size is the endpoint's maximum. */
  async function allPages<R extends z.ZodType>(schema: ReturnType<typeof W.list<R>>, path: string, pageSize: number, permission: string) {
    const items: z.infer<R>[] = [];
    for (let page = 1; page <= 1000; page++) {
      const reply = await get(schema, { method: 'GET', path, query: { page, pageSize }, permission });
      items.push(...(reply.data as z.infer<R>[]));
      if (!reply.links?.next || reply.data.length === 0) return items;
    }
    return items;
  }

  function toTicket(r: z.infer<typeof W.ConversationResource>): RemoteTicket {
    const customer = r.relationships?.customer?.data;
    const customerId = customer && !Array.isArray(customer) ? customer.id : null;
    return {
      remoteId: r.id,
      externalId: r.attributes.externalId ?? null,
      contactId: customerId,
      status: KUSTOMER_TO_STATUS[r.attributes.status],
      subject: r.attributes.name ?? null,
      ...ticketDetailsAndMark(r.attributes, r.relationships),
      channels: r.attributes.channels,
      customValues: r.attributes.custom ?? {},
      url: conversationWebUrl(opts.orgName, { customerId: customerId ?? 'unknown', conversationId: r.id }, opts.webUrlOverride ?? null),
      updatedAt: r.attributes.updatedAt,
    };
  }

  const toContact = (r: z.infer<typeof W.CustomerResource>): KustomerCustomer => ({
    remoteId: r.id,
    email: r.attributes.emails[0]?.email ?? null,
    name: r.attributes.displayName ?? r.attributes.name ?? null,
  });

  /**
   * One page of POST /v1/customers/search with queryContext "conversation" (docs/kustomer.md §11, §26). Search has a
   * limit of its own besides the org's (100 calls a minute per API key: D-RL), so a 429 on it says nothing of the
   * org's budget (`ownLimit`).
   */
  async function searchConversations(body: W.ConversationSearchBody, page: number, pageSize: number) {
    const reply = await get(W.ConversationList, {
      method: 'POST',
      path: '/v1/customers/search',
      query: { page, pageSize },
      body,
      permission: PERM.searchCreate,
      ownLimit: true,
    });
    return { tickets: reply.data.map(toTicket), more: Boolean(reply.links?.next) && reply.data.length > 0 };
  }

  /** GET /v1/customers/email={email}: the address goes URL-encoded in the path segment. */
  async function findContactByEmail(email: string): Promise<KustomerCustomer | null> {
    const r = await lookup(W.CustomerResponse, `/v1/customers/email=${encodeURIComponent(email)}`, PERM.customerRead);
    return r && toContact(r.data);
  }

  return {
    /** One budgeted, classified call parsed with a wire schema: for the calls kept in sibling files (attachments.ts). */
    request: get,
    /** A GET whose 404 is null: for the reads kept in sibling files (attachments.ts, webhook-subscription.ts). */
    lookup,
    /** Every page of a list call, for calls kept in their own files (directory.ts). */
    allPages,
    /** One budgeted, classified call whose reply body is not read (a DELETE): webhook-subscription.ts. */
    send: call,

    /**
     * GET /v1/auth/tokens/current: works for any valid key whatever its roles; tells which roles are missing.
     * Then GET /v1/orgs/current: the org the key belongs to (its `attributes.name` is the org name of the
     * <org>.kustomerapp.com host: YextSolutions/kustomer-conversations-connector platform/plugin/kustomerConversations/
     * mod.ts builds web links from it; third-party code, not recorded). Which roles it needs is not documented: a
     * refusal of that call alone leaves the org unknown (null) rather than failing a key that works.
     */
    async checkKey(): Promise<CredentialCheck> {
      const token = await get(W.TokenResponse, { method: 'GET', path: '/v1/auth/tokens/current' });
      let account: string | null = null;
      try {
        account = (await get(W.OrgResponse, { method: 'GET', path: '/v1/orgs/current' })).data.attributes.name;
      } catch (err) {
        if (!(err instanceof ConnectorError) || err.kind === 'retryable') throw err;
      }
      return { ...missingPermissions(token.data.attributes.roles), account };
    },

    findContactByEmail,

    /** POST /v1/customers. Emails are unique per org: a 409 means someone created it meanwhile, so look again. */
    async createContact(input: { name: string; email: string }): Promise<KustomerCustomer> {
      const body: W.CreateCustomerBody = { name: input.name, emails: [{ type: 'work', email: input.email }] };
      try {
        return toContact((await get(W.CustomerResponse, { method: 'POST', path: '/v1/customers', body, permission: PERM.customerCreate })).data);
      } catch (err) {
        if (err instanceof ConnectorError && (err.status === 409 || err.status === 400)) {
          const existing = await findContactByEmail(input.email);
          if (existing) return existing;
        }
        throw err;
      }
    },

    /** GET /v1/conversations/externalId={externalId}: how a retry finds the conversation a lost reply created. */
    async findTicketByExternalId(externalId: string): Promise<RemoteTicket | null> {
      const r = await lookup(W.ConversationResponse, `/v1/conversations/externalId=${encodeURIComponent(externalId)}`, PERM.conversationRead);
      return r && toTicket(r.data);
    },

    /** POST /v1/conversations. Channel is not a conversation field: Kustomer derives it from messages (docs/kustomer.md §7). */
    async createTicket(input: {
      contactId: string;
      subject: string;
      externalId: string;
      priority: number;
      queueId?: string | null;
      /** The target team, then any other (an assignee): assignedTeams / assignedUsers are id arrays (docs/kustomer.md §29). */
      teamId?: string | null;
      teamIds?: string[];
      userIds?: string[];
      /** Tag ids (docs/kustomer.md §28). */
      tags?: string[];
      customValues?: Record<string, unknown>;
    }): Promise<RemoteTicket> {
      const body: W.CreateConversationBody = {
        customer: input.contactId,
        name: input.subject,
        externalId: input.externalId,
        status: 'open',
        priority: input.priority,
        direction: 'in',
        ...(input.queueId ? { queue: { id: input.queueId } } : {}),
        ...(input.teamId || input.teamIds?.length
          ? { assignedTeams: [...new Set([input.teamId, ...(input.teamIds ?? [])].filter((x): x is string => !!x))] }
          : {}),
        ...(input.userIds?.length ? { assignedUsers: [...new Set(input.userIds)] } : {}),
        ...(input.tags?.length ? { tags: [...new Set(input.tags)] } : {}),
        ...(input.customValues && Object.keys(input.customValues).length ? { custom: input.customValues } : {}),
      };
      return toTicket((await get(W.ConversationResponse, { method: 'POST', path: '/v1/conversations', body, permission: PERM.conversationCreate })).data);
    },

    /** GET /v1/conversations/{id} */
    async getTicket(id: string): Promise<RemoteTicket | null> {
      const r = await lookup(W.ConversationResponse, `/v1/conversations/${encodeURIComponent(id)}`, PERM.conversationRead);
      return r && toTicket(r.data);
    },

    /** PATCH /v1/conversations/{id}: a plain partial object (docs/kustomer.md §7), merged by Kustomer. */
    async updateTicket(id: string, change: TicketChange & { snoozeUntil?: Date; subStatus?: string }): Promise<RemoteTicket> {
      // Snoozed needs its wake-up time: `snooze: {time, status: "scheduled"}` (docs/kustomer.md §30).
      const wakeAt = change.wakeAt ?? change.snoozeUntil?.toISOString() ?? new Date((opts.now?.() ?? new Date()).getTime() + 7 * 86_400_000).toISOString();
      const body: W.UpdateConversationBody = {
        ...(change.status ? { status: KUSTOMER_STATUS[change.status] } : {}),
        ...(change.status === 'waiting' ? { snooze: { time: wakeAt, status: 'scheduled' as const } } : {}),
        ...(change.subStatus ? { subStatus: change.subStatus } : {}),
        ...(change.priority ? { priority: change.priority } : {}),
        ...(change.customValues ? { custom: change.customValues } : {}),
      };
      return toTicket(
        (
          await get(W.ConversationResponse, {
            method: 'PATCH',
            path: `/v1/conversations/${encodeURIComponent(id)}`,
            body,
            permission: PERM.conversationUpdate,
            objectKey: `conversation:${id}`,
          })
        ).data,
      );
    },

    /** POST /v1/conversations/{id}/notes: an internal note agents see on the conversation. */
    async addNote(ticketId: string, input: { body: string; externalId?: string; attachments?: W.AttachmentRef[] }): Promise<{ remoteId: string }> {
      const r = await get(W.NoteResponse, {
        method: 'POST',
        path: `/v1/conversations/${encodeURIComponent(ticketId)}/notes`,
        body: input satisfies W.CreateNoteBody,
        permission: PERM.noteCreate,
        objectKey: `notes:${ticketId}`,
      });
      return { remoteId: r.data.id };
    },

    /** GET /v1/conversations/{id}/notes (every page, as Kustomer orders them). */
    listNotes: (ticketId: string) => allPages(W.NoteList, `/v1/conversations/${encodeURIComponent(ticketId)}/notes`, 100, PERM.noteRead),

    /** GET /v1/conversations/{id}/messages (every page, as Kustomer orders them). */
    listMessages: (ticketId: string) => allPages(W.MessageList, `/v1/conversations/${encodeURIComponent(ticketId)}/messages`, 100, PERM.messageRead),

    /** GET /v1/customers/{id}; null when it is gone. */
    async getContact(id: string): Promise<KustomerCustomer | null> {
      const r = await lookup(W.CustomerResponse, `/v1/customers/${encodeURIComponent(id)}`, PERM.customerRead);
      return r && toContact(r.data);
    },

    /** POST /v1/conversations/{id}/messages: records the message (and with it the channel); it is not delivered. */
    async addMessage(
      ticketId: string,
      input: { channel: string; body: string; subject?: string; externalId?: string; attachments?: W.AttachmentRef[] },
    ): Promise<{ remoteId: string }> {
      const channel = W.MESSAGE_CHANNELS.find((c) => c === input.channel);
      if (!channel) throw new ConnectorError('permanent', `Kustomer has no channel "${input.channel}"`);
      const body: W.CreateMessageBody = {
        channel,
        app: 'bridgedesk',
        direction: 'in',
        preview: input.body,
        ...(input.subject ? { subject: input.subject } : {}),
        ...(input.externalId ? { externalId: input.externalId } : {}),
        ...(input.attachments?.length ? { attachments: input.attachments } : {}),
      };
      const r = await get(W.MessageResponse, {
        method: 'POST',
        path: `/v1/conversations/${encodeURIComponent(ticketId)}/messages`,
        body,
        permission: PERM.messageCreate,
      });
      return { remoteId: r.data.id };
    },

    searchConversations,
  };
}
