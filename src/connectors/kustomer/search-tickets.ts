/**
 * Finding a conversation to link from what an agent typed (docs/kustomer.md §26): an email address searches by the
 * customer's email (`customer_email`, a documented standard search attribute), anything else by the words of the
 * conversation's name (its subject: `conversation_name`, each word `contains`; the operator name is assumed). One
 * page of POST /v1/customers/search, most recently updated first: one search call, which Kustomer limits to 100 a
 * minute per API key (documented, D-RL), so the platform budgets them.
 *
 * A search result carries the customer's id only (relationships.customer): the customers are read
 * (GET /v1/customers/{id}, the org budget, not search's) and kept a while per org, as agents search the same people
 * again and again while they type.
 */
import type { RemoteTicket, TicketSearchHit } from '../../core/destination.ts';
import { ConnectorError } from '../kit/errors.ts';
import type { KustomerClient, KustomerCustomer } from './client.ts';
import type { ConversationSearchBody } from './wire.ts';

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
/** Words this short match too much to narrow anything; more than this many make one query too long to mean much. */
const MIN_WORD = 2;
const MAX_WORDS = 6;
const CUSTOMERS_TTL_MS = 10 * 60_000;
const MAX_CACHED = 2_000;

const customers = new Map<string, { at: number; customer: KustomerCustomer | null }>();

/** The search body for what was typed; null when it holds nothing to search for. */
export function searchBody(query: string): ConversationSearchBody | null {
  const q = query.trim();
  const sort: ConversationSearchBody['sort'] = [{ conversation_updated_at: 'desc' }];
  if (EMAIL.test(q)) return { queryContext: 'conversation', and: [{ customer_email: { equals: q.toLowerCase() } }], sort, timeZone: 'UTC' };
  const words = [...new Set(q.split(/\s+/).filter((w) => w.length >= MIN_WORD))].slice(0, MAX_WORDS);
  if (!words.length) return null;
  return { queryContext: 'conversation', and: words.map((w) => ({ conversation_name: { contains: w } })), sort, timeZone: 'UTC' };
}

/** A customer lookup refused for want of a role leaves the hit without a customer; anything retryable fails the search. */
async function customerOf(client: KustomerClient, org: string, id: string, now: number): Promise<KustomerCustomer | null> {
  const key = `${org}/${id}`;
  const cached = customers.get(key);
  if (cached && now - cached.at < CUSTOMERS_TTL_MS) return cached.customer;
  let customer: KustomerCustomer | null;
  try {
    customer = await client.getContact(id);
  } catch (err) {
    if (err instanceof ConnectorError && err.kind === 'permanent') return null;
    throw err;
  }
  if (customers.size >= MAX_CACHED) customers.delete(customers.keys().next().value!);
  customers.set(key, { at: now, customer });
  return customer;
}

export async function searchTickets(client: KustomerClient, org: string, query: string, limit: number, now: Date): Promise<TicketSearchHit[]> {
  const body = searchBody(query);
  if (!body) return [];
  const { tickets } = await client.searchConversations(body, 1, Math.min(Math.max(limit, 1), 100));
  const hits: TicketSearchHit[] = [];
  for (const ticket of tickets.slice(0, limit)) {
    const customer = ticket.contactId ? await customerOf(client, org, ticket.contactId, now.getTime()) : null;
    hits.push({ ticket, contact: customer && { name: customer.name, email: customer.email } });
  }
  return hits;
}

/** POST /v1/customers/search (queryContext conversation), oldest change first, all pages (Kustomer allows 100): the poll's read. */
export async function ticketsUpdatedSince(client: KustomerClient, since: Date): Promise<RemoteTicket[]> {
  const body: ConversationSearchBody = {
    queryContext: 'conversation',
    and: [{ conversation_updated_at: { gte: since.toISOString() } }],
    sort: [{ conversation_updated_at: 'asc' }],
    timeZone: 'UTC',
  };
  const out: RemoteTicket[] = [];
  for (let page = 1; page <= 100; page++) {
    const reply = await client.searchConversations(body, page, 100);
    out.push(...reply.tickets);
    if (!reply.more) break;
  }
  return out;
}
