/**
 * POST /v1/customers/search with queryContext "conversation" (docs/kustomer.md §5, §11): enough for a polling cursor —
 * ANDed conversation_updated_at / conversation_created_at ranges and conversation_status, one sort on updated or
 * created time (ties broken by id, so pages are stable). Max pageSize 500 and at most 100 pages (docs/kustomer.md §11, §12).
 * Also what finding a conversation to link needs (§26): customer_email `equals` (any of the customer's emails,
 * case-insensitive) and conversation_name `contains` (case-insensitive substring; the operator's name is assumed).
 * Other query contexts and criteria are refused with 400: the emulator does not pretend to support them.
 * The limit of 100 search calls a minute per API key is the rate-limit middleware's.
 */
import type { Hono } from 'hono';
import type { z } from 'zod';
import { ConversationSearchBody, type ConversationSearchCriterion } from '../../wire.ts';
import { requireRole, type ApiEnv } from '../api-env.ts';
import { kustomerError } from '../kustomer-error.ts';
import { paginate, readPage } from '../pagination.ts';
import type { ConversationRecord } from '../records.ts';
import { renderConversation } from '../render-records.ts';
import { readJsonBody } from '../request-body.ts';
import { REQUIRED } from '../required-roles.ts';
import { SEARCH_PATH } from '../rate-limit-middleware.ts';
import { inOrg, type EmulatorStore } from '../store.ts';

type Criterion = z.infer<typeof ConversationSearchCriterion>;
type Range = { gte?: string; gt?: string; lte?: string; lt?: string };

function inRange(iso: string, r: Range): boolean {
  const t = Date.parse(iso);
  return (
    (r.gte === undefined || t >= Date.parse(r.gte)) &&
    (r.gt === undefined || t > Date.parse(r.gt)) &&
    (r.lte === undefined || t <= Date.parse(r.lte)) &&
    (r.lt === undefined || t < Date.parse(r.lt))
  );
}

function matches(store: EmulatorStore, v: ConversationRecord, c: Criterion): boolean {
  if ('conversation_updated_at' in c) return inRange(v.updatedAt, c.conversation_updated_at);
  if ('conversation_created_at' in c) return inRange(v.createdAt, c.conversation_created_at);
  if ('customer_email' in c) {
    const wanted = c.customer_email.equals.toLowerCase();
    return store.customers.get(v.customerId)?.emails.some((e) => e.email.toLowerCase() === wanted) ?? false;
  }
  if ('conversation_name' in c) return (v.name ?? '').toLowerCase().includes(c.conversation_name.contains.toLowerCase());
  return v.status === c.conversation_status.equals;
}

export function registerSearchRoutes(app: Hono<ApiEnv>, deps: { store: EmulatorStore }): void {
  app.post(SEARCH_PATH, async (c) => {
    requireRole(c, REQUIRED.searchCreate);
    const url = new URL(c.req.url);
    const page = readPage(url, 500);
    if (page.page > 100) throw kustomerError(400, 'search returns at most 100 pages; narrow the query instead', { parameter: 'page' });
    const body = readJsonBody(c, ConversationSearchBody);
    const found = inOrg(deps.store.conversations, c.var.auth.org.id).filter((v) => (body.and ?? []).every((crit) => matches(deps.store, v, crit)));
    const sort = body.sort?.[0];
    const field = sort && 'conversation_created_at' in sort ? 'createdAt' : 'updatedAt';
    const dir = (sort && ('conversation_created_at' in sort ? sort.conversation_created_at : sort.conversation_updated_at)) ?? 'asc';
    found.sort((a, b) => (Date.parse(a[field]) - Date.parse(b[field]) || a.id.localeCompare(b.id)) * (dir === 'asc' ? 1 : -1));
    return c.json(paginate(found.map(renderConversation), url, page));
  });
}
