/**
 * Finding the conversation to link a request to: what the agent pasted (a link in any of the destination's shapes,
 * or an id) is read by the connector and checked against the destination; anything else is searched for (a customer's
 * email, words of the subject). Searches are budgeted per account across processes (the manifest's
 * `ticketSearchLimit`, in a window of the destination's rate window): past it the agent is told when to try again,
 * and the destination is not called. Each conversation found says which request already holds it, if any.
 */
import { PROVIDERS, type DestinationProvider, type ProviderId } from '../connectors/registry.ts';
import { ConnectorError } from '../connectors/kit/errors.ts';
import type { DestinationClient, RemoteStatus, TicketRef } from '../core/destination.ts';
import { AppError, unprocessable } from '../core/errors.ts';
import { formatRequestNumber } from '../core/request.ts';
import { spendWindow, takeFromWindow } from '../db/call-window.ts';
import type { Queryable } from '../db/database.ts';
import { budgetKey, clientFor, guardCredentials, toAppError, type DestinationDeps } from './destination-access.ts';
import { usableConnection } from './submit-escalation.ts';

const SEARCH_RESULTS = 10;
const MIN_QUERY = 2;

export interface ConversationCandidate {
  conversationId: string;
  subject: string | null;
  status: RemoteStatus;
  customer: { name: string | null; email: string | null } | null;
  updatedAt: string;
  url: string;
  /** The other request that holds it (linking asks first), or null. */
  linkedTo: { requestId: string; requestKey: string; title: string; escalationId: string } | null;
  /** This request holds it already. */
  linkedHere: boolean;
}

export interface CandidateList {
  items: ConversationCandidate[];
  /** reference: the query named one conversation; search: it was searched for. */
  matchedBy: 'reference' | 'search';
  /** What is left of this minute's searches (after this one), when searching. */
  searchesLeft: number | null;
}

/** What the paste names, by the connector's reading; a destination without one understands plain ids only. */
export function readTicketRef(client: DestinationClient, input: string): TicketRef {
  if (client.parseTicketRef) return client.parseTicketRef(input);
  return /^[\w-]{1,100}$/.test(input.trim()) ? { kind: 'ticket', ticketId: input.trim() } : { kind: 'text' };
}

/** The ticket id a paste names, or a 422 saying why it names none of ours. */
export function ticketIdOf(ref: TicketRef, provider: ProviderId, account: string): string {
  const name = PROVIDERS[provider].displayName;
  if (ref.kind === 'ticket') return ref.ticketId;
  if (ref.kind === 'other_account')
    throw unprocessable(
      `This conversation is in the ${name} org "${ref.account}", but Bridgedesk is connected to "${account}": it can only link conversations of ${account}`,
      { field: 'conversationId', reason: 'other_account', account: ref.account, connectedAccount: account },
    );
  if (ref.kind === 'invalid') throw unprocessable(ref.message, { field: 'conversationId', reason: 'not_a_conversation_link' });
  throw unprocessable(`Paste a ${name} conversation link or id`, { field: 'conversationId', reason: 'not_a_conversation_link' });
}

/** The requests holding each conversation (unlinked escalations hold nothing), newest link first. */
export async function holdersOf(q: Queryable, provider: ProviderId, conversationIds: string[]) {
  if (!conversationIds.length) return [];
  return q
    .selectFrom('escalations as e')
    .innerJoin('requests as r', 'r.id', 'e.request_id')
    .select(['e.id', 'e.remote_id', 'r.id as request_id', 'r.number', 'r.title'])
    .where('e.provider', '=', provider)
    .where('e.remote_id', 'in', conversationIds)
    .where('e.state', '!=', 'unlinked')
    .orderBy('e.created_at', 'desc')
    .execute();
}

export const holderView = (h: { id: string; request_id: string; number: string | number; title: string }) => ({
  requestId: h.request_id,
  requestKey: formatRequestNumber(h.number),
  title: h.title,
  escalationId: h.id,
});

const searchKey = (provider: ProviderId, account: string) => `${budgetKey(provider, account)}/search`;

export async function findConversations(deps: DestinationDeps, requestId: string, provider: ProviderId, query: string): Promise<CandidateList> {
  const p: DestinationProvider = PROVIDERS[provider];
  const connection = await usableConnection(deps.db, provider);
  const client = clientFor(deps, provider, connection.account, deps.secrets.open(connection.secretEncrypted), true);
  const ref = readTicketRef(client, query);
  const call = <T>(fn: () => Promise<T>) =>
    guardCredentials(deps, provider, fn).catch((err: unknown) => {
      throw toAppError(err, p.displayName);
    });

  let found: { ticket: Awaited<ReturnType<DestinationClient['getTicket']>> & object; contact: ConversationCandidate['customer'] }[];
  let searchesLeft: number | null = null;
  if (ref.kind !== 'text') {
    const ticket = await call(() => client.getTicket(ticketIdOf(ref, provider, connection.account)));
    found = ticket ? [{ ticket, contact: null }] : [];
  } else {
    const search = client.searchTickets;
    if (!search) throw unprocessable(`${p.displayName} cannot be searched: paste the conversation's link or id`, { field: 'q' });
    if (query.trim().length < MIN_QUERY) return { items: [], matchedBy: 'search', searchesLeft: null };
    const windowMs = deps.transports[provider].rateWindowMs ?? 60_000;
    const key = searchKey(provider, connection.account);
    const limit = p.ticketSearchLimit;
    if (limit) {
      const took = await takeFromWindow(deps.db, key, limit, windowMs, deps.now());
      if (!took.ok) throw searchLimitReached(p.displayName, took.resetAt, deps.now());
      searchesLeft = took.remaining;
    }
    try {
      found = await guardCredentials(deps, provider, () => search(query, { limit: SEARCH_RESULTS }));
    } catch (err) {
      // The destination refused the search all the same (another user of the key): nothing left until its reset.
      if (err instanceof ConnectorError && err.detail.reason === 'rate_limited' && limit) {
        const resetAt = new Date(deps.now().getTime() + (err.detail.retryAfterMs ?? windowMs));
        await spendWindow(deps.db, key, limit, resetAt, deps.now());
        throw searchLimitReached(p.displayName, resetAt, deps.now());
      }
      throw toAppError(err, p.displayName);
    }
  }
  const holders = await holdersOf(
    deps.db,
    provider,
    found.map((f) => f.ticket.remoteId),
  );
  const items = found.map(({ ticket, contact }): ConversationCandidate => {
    const other = holders.find((h) => h.remote_id === ticket.remoteId && h.request_id !== requestId);
    return {
      conversationId: ticket.remoteId,
      subject: ticket.subject,
      status: ticket.status,
      customer: contact,
      updatedAt: ticket.updatedAt,
      url: ticket.url,
      linkedTo: other ? holderView(other) : null,
      linkedHere: holders.some((h) => h.remote_id === ticket.remoteId && h.request_id === requestId),
    };
  });
  return { items, matchedBy: ref.kind === 'text' ? 'search' : 'reference', searchesLeft };
}

function searchLimitReached(name: string, resetAt: Date, now: Date) {
  const seconds = Math.max(1, Math.ceil((resetAt.getTime() - now.getTime()) / 1000));
  return new AppError(
    'rate_limited',
    `${name}'s search limit for this minute is used up: try again in ${seconds} s (pasting a conversation's link still works)`,
    { reason: 'search_limit', retryAt: resetAt.toISOString(), retryAfterSeconds: seconds },
  );
}
