/** Requests: storage, lookup with the names the API shows, filtered keyset listing, followers. */
import { sql, type ExpressionBuilder, type SelectQueryBuilder } from 'kysely';
import type { CustomFieldValue } from '../../core/custom-fields.ts';
import { formatRequestNumber, type Priority, type RequestChanges, type RequestState, type Status } from '../../core/request.ts';
import {
  ESCALATED_STATES,
  FAILED_STATES,
  PRIORITY_RANKS,
  STATUS_RANKS,
  type EscalationFilter,
  type ListCursor,
  type Order,
  type Sort,
} from '../../core/request-list.ts';
import type { Queryable } from '../database.ts';
import type { EscalationState, RequestRow } from '../schema.ts';

export interface PersonRef {
  id: string;
  name: string;
  email: string;
}
export interface NamedRef {
  id: string;
  name: string;
}

export interface RequestView {
  id: string;
  number: number;
  key: string;
  title: string;
  description: string;
  status: Status;
  priority: Priority;
  requester: PersonRef;
  createdBy: PersonRef | null;
  assignee: PersonRef | null;
  inbox: NamedRef | null;
  service: NamedRef | null;
  tags: string[];
  customFields: Record<string, CustomFieldValue>;
  channel: string;
  createdAt: string;
  updatedAt: string;
  resolvedAt: string | null;
}

export const toState = (r: RequestRow): RequestState => ({
  id: r.id,
  requesterId: r.requester_id,
  title: r.title,
  description: r.description,
  status: r.status,
  priority: r.priority,
  assigneeId: r.assignee_id,
  inboxId: r.inbox_id,
  serviceId: r.service_id,
  tags: r.tags,
  customFields: r.custom_fields as Record<string, CustomFieldValue>,
});

export interface NewRequest {
  title: string;
  description: string;
  requesterId: string;
  createdById: string | null;
  priority: Priority;
  serviceId: string | null;
  inboxId: string | null;
  assigneeId: string | null;
  tags: string[];
  customFields: Record<string, CustomFieldValue>;
  channel: string;
  at: Date;
}

export async function insertRequest(q: Queryable, r: NewRequest): Promise<RequestRow> {
  return q
    .insertInto('requests')
    .values({
      title: r.title,
      description: r.description,
      requester_id: r.requesterId,
      created_by_id: r.createdById,
      priority: r.priority,
      service_id: r.serviceId,
      inbox_id: r.inboxId,
      assignee_id: r.assigneeId,
      tags: r.tags,
      custom_fields: JSON.stringify(r.customFields),
      channel: r.channel,
      created_at: r.at,
      updated_at: r.at,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** Locks the row for the rest of the transaction so concurrent changes apply one after the other. */
export async function lockRequest(q: Queryable, id: string): Promise<RequestRow | undefined> {
  return q.selectFrom('requests').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
}

export async function findRequestId(q: Queryable, idOrNumber: { id?: string; number?: string }): Promise<string | undefined> {
  let query = q.selectFrom('requests').select('id');
  query = idOrNumber.id ? query.where('id', '=', idOrNumber.id) : query.where('number', '=', idOrNumber.number! as never);
  return (await query.executeTakeFirst())?.id;
}

export async function updateRequest(q: Queryable, id: string, changes: RequestChanges, at: Date): Promise<void> {
  const set: Record<string, unknown> = { updated_at: at };
  if (changes.title !== undefined) set.title = changes.title;
  if (changes.description !== undefined) set.description = changes.description;
  if (changes.status !== undefined) {
    set.status = changes.status;
    set.resolved_at = changes.status === 'resolved' ? at : null;
  }
  if (changes.priority !== undefined) set.priority = changes.priority;
  if (changes.assigneeId !== undefined) set.assignee_id = changes.assigneeId;
  if (changes.inboxId !== undefined) set.inbox_id = changes.inboxId;
  if (changes.serviceId !== undefined) set.service_id = changes.serviceId;
  if (changes.tags !== undefined) set.tags = changes.tags;
  if (changes.customFields !== undefined) set.custom_fields = JSON.stringify(changes.customFields);
  await q.updateTable('requests').set(set).where('id', '=', id).execute();
}

/**
 * The columns the API shows. Never `r.*`: that would also ship the `search` tsvector, the widest column of the row.
 */
const VIEW_COLUMNS = [
  'r.id',
  'r.number',
  'r.title',
  'r.description',
  'r.status',
  'r.priority',
  'r.requester_id',
  'r.created_by_id',
  'r.assignee_id',
  'r.inbox_id',
  'r.service_id',
  'r.tags',
  'r.custom_fields',
  'r.channel',
  'r.created_at',
  'r.updated_at',
  'r.resolved_at',
] as const;

interface ViewRow extends Omit<RequestRow, 'search'> {
  requester_name: string;
  requester_email: string;
  created_by_name: string | null;
  created_by_email: string | null;
  assignee_name: string | null;
  assignee_email: string | null;
  inbox_name: string | null;
  service_name: string | null;
}

/**
 * A query over requests aliased `r`, typed loosely so that one projection and one set of filters serve every query
 * below.
 */
type RequestsQuery = SelectQueryBuilder<any, any, any>;
type Eb = ExpressionBuilder<any, any>;

/**
 * Selects a request as the API shows it, with the names of the people, inbox and service it points to.
 * The names come from correlated scalar subqueries, not joins: each is one primary-key lookup per returned row
 * (at most a page), while a 6-table join made the planner search join orders, which cost 1.5-2.7 ms per list call,
 * several times the 0.2-0.6 ms of running it.
 */
function selectView(qb: RequestsQuery): SelectQueryBuilder<any, any, ViewRow> {
  const user = (eb: Eb, ref: 'r.requester_id' | 'r.created_by_id' | 'r.assignee_id', col: 'name' | 'email') =>
    eb.selectFrom('users as u').select(`u.${col}`).whereRef('u.id', '=', sql.ref(ref));
  return qb
    .select(VIEW_COLUMNS as never)
    .select((eb: Eb) => [
      user(eb, 'r.requester_id', 'name').as('requester_name'),
      user(eb, 'r.requester_id', 'email').as('requester_email'),
      user(eb, 'r.created_by_id', 'name').as('created_by_name'),
      user(eb, 'r.created_by_id', 'email').as('created_by_email'),
      user(eb, 'r.assignee_id', 'name').as('assignee_name'),
      user(eb, 'r.assignee_id', 'email').as('assignee_email'),
      eb.selectFrom('inboxes as ib').select('ib.name').whereRef('ib.id', '=', sql.ref('r.inbox_id')).as('inbox_name'),
      eb.selectFrom('services as sv').select('sv.name').whereRef('sv.id', '=', sql.ref('r.service_id')).as('service_name'),
    ]) as SelectQueryBuilder<any, any, ViewRow>;
}

function toView(r: ViewRow): RequestView {
  return {
    id: r.id,
    number: Number(r.number),
    key: formatRequestNumber(r.number),
    title: r.title,
    description: r.description,
    status: r.status,
    priority: r.priority,
    requester: { id: r.requester_id, name: r.requester_name, email: r.requester_email },
    createdBy: r.created_by_id ? { id: r.created_by_id, name: r.created_by_name!, email: r.created_by_email! } : null,
    assignee: r.assignee_id ? { id: r.assignee_id, name: r.assignee_name!, email: r.assignee_email! } : null,
    inbox: r.inbox_id ? { id: r.inbox_id, name: r.inbox_name! } : null,
    service: r.service_id ? { id: r.service_id, name: r.service_name! } : null,
    tags: r.tags,
    customFields: r.custom_fields as Record<string, CustomFieldValue>,
    channel: r.channel,
    createdAt: new Date(r.created_at).toISOString(),
    updatedAt: new Date(r.updated_at).toISOString(),
    resolvedAt: r.resolved_at ? new Date(r.resolved_at).toISOString() : null,
  };
}

/** A request by id or by number (the digits of REQ-42). */
export type RequestRef = { id: string } | { number: string };

const byRef = (qb: RequestsQuery, ref: RequestRef): RequestsQuery => ('id' in ref ? qb.where('r.id', '=', ref.id) : qb.where('r.number', '=', ref.number));

export async function findRequestView(q: Queryable, ref: RequestRef): Promise<RequestView | undefined> {
  const row: ViewRow | undefined = await byRef(selectView(q.selectFrom('requests as r')), ref).executeTakeFirst();
  return row && toView(row);
}

export async function getRequestView(q: Queryable, id: string): Promise<RequestView | undefined> {
  return findRequestView(q, { id });
}

/**
 * What deciding visibility needs, in one small query: the request's id and requester, and, when `followerId` is
 * given, whether that user follows it (only requesters need this: staff see every request).
 */
export async function findRequestAccess(
  q: Queryable,
  ref: RequestRef,
  followerId?: string,
): Promise<{ id: string; requesterId: string; following: boolean } | undefined> {
  let query = q.selectFrom('requests as r').select(['r.id', 'r.requester_id']) as RequestsQuery;
  if (followerId) {
    query = query.select((eb: Eb) =>
      eb
        .exists(
          eb.selectFrom('request_followers as rf').select('rf.user_id').whereRef('rf.request_id', '=', sql.ref('r.id')).where('rf.user_id', '=', followerId),
        )
        .as('following'),
    );
  }
  const row: { id: string; requester_id: string; following?: boolean } | undefined = await byRef(query, ref).executeTakeFirst();
  return row && { id: row.id, requesterId: row.requester_id, following: row.following === true };
}

export interface RequestFilters {
  status?: Status[];
  priority?: Priority[];
  serviceId?: string;
  tag?: string;
  /** a user id, or 'none' for unassigned */
  assigneeId?: string;
  inboxId?: string | 'none';
  requesterId?: string;
  /** requests this user requested or follows (what a requester may see) */
  visibleToRequester?: string;
  text?: string;
  /** by the request's latest escalation (see core/request-list.ts) */
  escalation?: EscalationFilter;
}

export interface ListOptions extends RequestFilters {
  sort: Sort;
  order: Order;
  /** where the previous page ended (keyset: rows strictly after it in this order) */
  after?: ListCursor;
  limit: number;
}

/** The request's latest escalation: its state, and the destination's own status once known (Kustomer's open/done/...). */
export interface EscalationSummary {
  provider: string;
  state: EscalationState;
  remoteStatus: string | null;
  /** Since when the conversation is open in the destination (waiting on them). */
  remoteOpenSince: string | null;
  /** When a snoozed conversation wakes up. */
  remoteSnoozedUntil: string | null;
}

export interface RequestListItem extends RequestView {
  escalation: EscalationSummary | null;
  /** the cursor of this row, for the page that ends here */
  cursor: ListCursor;
}

/** The latest escalation of each request, as a derived table (request_id, state, remote_status). */
const latestEscalations = (eb: Eb) =>
  eb
    .selectFrom('escalations as e')
    .select(['e.request_id', 'e.state', 'e.remote_status'])
    .distinctOn('e.request_id')
    .orderBy('e.request_id')
    .orderBy('e.created_at', 'desc')
    .orderBy('e.id', 'desc');

/** Every filter except the free text, and the keyset cursor. */
function applyFilters(qb: RequestsQuery, f: RequestFilters): RequestsQuery {
  if (f.status?.length) qb = qb.where('r.status', 'in', f.status);
  if (f.priority?.length) qb = qb.where('r.priority', 'in', f.priority);
  if (f.serviceId) qb = qb.where('r.service_id', '=', f.serviceId);
  if (f.tag) qb = qb.where(sql<boolean>`r.tags @> array[${f.tag}]::text[]`);
  if (f.assigneeId === 'none') qb = qb.where('r.assignee_id', 'is', null);
  else if (f.assigneeId) qb = qb.where('r.assignee_id', '=', f.assigneeId);
  if (f.inboxId === 'none') qb = qb.where('r.inbox_id', 'is', null);
  else if (f.inboxId) qb = qb.where('r.inbox_id', '=', f.inboxId);
  if (f.requesterId) qb = qb.where('r.requester_id', '=', f.requesterId);
  if (f.visibleToRequester) {
    const uid = f.visibleToRequester;
    // A semi-join on the (small) set of ids the user requested or follows, not `requester_id = $1 or exists (...)`:
    // an OR with a subquery can use no index, so the planner walked all requests newest first, testing each one
    // (65 ms at 100,000 requests for a requester with 12 of them). This form reads requests_requester_idx and the
    // followers, then sorts that handful.
    qb = qb.where((eb: Eb) =>
      eb(
        sql.ref('r.id'),
        'in',
        eb
          .selectFrom('requests as own')
          .select('own.id')
          .where('own.requester_id', '=', uid)
          .unionAll(eb.selectFrom('request_followers as rf').select('rf.request_id as id').where('rf.user_id', '=', uid)),
      ),
    );
  }
  if (f.escalation === 'not_escalated') {
    // Never escalated, or its latest escalation was unlinked (no conversation follows it any more): one lookup of
    // the latest per request, by the index on (request_id, created_at desc).
    qb = qb.where(sql<boolean>`not exists (select 1 from (select e.state from escalations e where e.request_id = r.id
      order by e.created_at desc, e.id desc limit 1) latest where latest.state <> 'unlinked')`);
  } else if (f.escalation) {
    // A semi-join on the requests whose latest escalation is in these states: escalations are few next to
    // requests, so this reads them once instead of looking up each request's latest.
    const states = f.escalation === 'failed' ? FAILED_STATES : ESCALATED_STATES;
    const remote = f.escalation === 'waiting_on_destination' ? 'open' : f.escalation === 'done_in_destination' ? 'closed' : null;
    qb = qb.where((eb: Eb) => {
      let latest = eb
        .selectFrom(latestEscalations(eb).as('le'))
        .select('le.request_id')
        .where('le.state', 'in', [...states]);
      if (remote) latest = latest.where('le.remote_status', '=', remote);
      return eb(sql.ref('r.id'), 'in', latest);
    });
    if (f.escalation === 'waiting_on_destination') qb = qb.where('r.status', 'not in', ['resolved', 'archived']);
  }
  return qb;
}

/** `'{a,b,c}'::text[]`: the ranks as one literal, so the expression matches its index (migration 011). */
const rankArray = (values: readonly string[]) => sql.raw(`'{${values.join(',')}}'::text[]`);

/** The sort key as an integer expression (see ListCursor): ranks for priority and status, microseconds for updated. */
function sortKey(sort: Sort) {
  switch (sort) {
    case 'created':
      return sql<string>`r.number`;
    case 'updated':
      // microseconds since 1970, exact (a float of seconds would round them)
      return sql<string>`(extract(epoch from r.updated_at) * 1000000)::bigint`;
    case 'priority':
      return sql<string>`array_position(${rankArray(PRIORITY_RANKS)}, r.priority)`;
    case 'status':
      return sql<string>`array_position(${rankArray(STATUS_RANKS)}, r.status)`;
  }
}

/** The same key as a value taken from a cursor, so the row comparison uses the index on (updated_at, number). */
function cursorKey(c: ListCursor) {
  return c.sort === 'updated' ? sql`(timestamptz 'epoch' + ${c.value}::bigint * interval '1 microsecond')` : sql`${c.value}::bigint`;
}
const orderColumn = (sort: Sort) => (sort === 'updated' ? sql`r.updated_at` : sortKey(sort));

/** Rows strictly after the cursor in the list's order: `(key, number) < (value, number)` for desc, `>` for asc. */
function afterCursor(qb: RequestsQuery, c: ListCursor): RequestsQuery {
  const op = c.order === 'desc' ? sql`<` : sql`>`;
  if (c.sort === 'created') return qb.where(sql<boolean>`r.number ${op} ${c.number}::bigint`);
  return qb.where(sql<boolean>`(${orderColumn(c.sort)}, r.number) ${op} (${cursorKey(c)}, ${c.number}::bigint)`);
}

/** Free text over title and description; a bare number or REQ-42 also finds that request by number. */
function matchesText(text: string) {
  const number = /^(?:req-)?(\d{1,18})$/i.exec(text.trim())?.[1];
  return (eb: Eb) =>
    eb.or([eb(sql.ref('r.search'), '@@', sql`websearch_to_tsquery('simple', ${text})`), ...(number ? [eb(sql.ref('r.number'), '=', number)] : [])]);
}

/** Text-search plan choice (see listRequests): how many of the newest requests to look at, and how many hits make a term common. */
const PROBE_WINDOW = 2000;
const PROBE_COMMON_HITS = 10;

/**
 * Whether the text is rare among the newest PROBE_WINDOW requests below the cursor: fewer than 1 in 200 of them
 * match. Reads at most that window (about 1 ms), and stops at the 10th hit, so a common word costs a few dozen rows.
 */
async function isRareText(q: Queryable, text: string, beforeNumber: string | undefined): Promise<boolean> {
  let recent = q.selectFrom('requests as r').select('r.search').orderBy('r.number', 'desc').limit(PROBE_WINDOW);
  if (beforeNumber) recent = recent.where('r.number', '<', beforeNumber);
  const hits = q
    .selectFrom(recent.as('w'))
    .select(sql`1`.as('hit'))
    .where(sql<boolean>`w.search @@ websearch_to_tsquery('simple', ${text})`)
    .limit(PROBE_COMMON_HITS);
  const { n } = await q
    .selectFrom(hits.as('h'))
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(n) < PROBE_COMMON_HITS;
}

/**
 * In the chosen sort (core/request-list.ts), ties broken by the number, keyset-paginated on (sort key, number) so a
 * deep page costs the same as the first: each order reads its index (number; updated_at, number; the priority and
 * status ranks, number; see migration 011). Each row carries its latest escalation and its cursor.
 *
 * Free text (in the default order; other orders are planned freely) needs a choice the planner cannot make alone. For a term missing from its statistics (a typo, an asset
 * tag, most ticket references and names) it assumes 500 matches per 100,000 requests, so it walks
 * requests_number_key newest first testing each row, expecting to fill the page soon; for a rare term that reads
 * every request (40-50 ms at 100,000). For common words the same walk is the best plan (a few hundred rows), and
 * the planner's estimates for them and for the other filters are sound. So a small probe (isRareText) first
 * measures the term on the newest requests:
 * - common: the query as written, planned freely (often that walk);
 * - rare: `order by r.number + 0`, the same order, but no index provides it, so the walk is off the table and the
 *   planner reads the term's few rows from the GIN index (requests_search_idx), or a more selective filter's
 *   index, and sorts them. Forcing this for every search would be wrong: a common word through GIN reads all its
 *   rows (over 10 ms for "printer" with status=resolved, against under 1 ms for the walk).
 * The results are the same rows in the same order either way; only the plan differs. The one term this misjudges is
 * one common long ago but rare lately: it goes through GIN and costs its number of matches. A higher statistics
 * target on `search` would only narrow the planner's guess for unknown terms, and costs planning time on every search.
 */
export async function listRequests(q: Queryable, f: ListOptions): Promise<RequestListItem[]> {
  let base = applyFilters(q.selectFrom('requests as r'), f);
  if (f.after) base = afterCursor(base, f.after);
  let query = selectView(base).select((eb: Eb) => [
    sortKey(f.sort).as('sort_value'),
    // The latest escalation, by the index on (request_id, created_at desc): one lookup per row of the page.
    eb
      .selectFrom('escalations as e')
      .select(
        sql`json_build_object('provider', e.provider, 'state', e.state, 'remoteStatus', e.remote_status, 'remoteOpenSince', e.remote_open_since, 'remoteSnoozedUntil', e.remote_details->>'snoozedUntil')`.as(
          'x',
        ),
      )
      .whereRef('e.request_id', '=', sql.ref('r.id'))
      .orderBy('e.created_at', 'desc')
      .orderBy('e.id', 'desc')
      .limit(1)
      .as('escalation'),
  ]) as SelectQueryBuilder<any, any, ViewRow & { sort_value: string; escalation: EscalationSummary | null }>;
  const dir = f.order;
  if (f.text) query = query.where(matchesText(f.text));
  if (f.sort !== 'created') query = query.orderBy(orderColumn(f.sort), dir).orderBy('r.number', dir);
  else if (f.text && dir === 'desc' && (await isRareText(q, f.text, f.after?.number))) query = query.orderBy(sql`r.number + 0`, dir);
  else query = query.orderBy('r.number', dir);
  const rows = await query.limit(f.limit).execute();
  return rows.map((r) => ({
    ...toView(r),
    escalation: r.escalation,
    cursor: { sort: f.sort, order: f.order, value: String(r.sort_value), number: String(r.number) },
  }));
}

/** How many requests match the filters (the cursor aside): the list's "124 requests". */
export async function countRequests(q: Queryable, f: RequestFilters): Promise<number> {
  let query = applyFilters(q.selectFrom('requests as r'), f);
  if (f.text) query = query.where(matchesText(f.text));
  const { n } = await query.select((eb: Eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
  return Number(n);
}

export async function isFollower(q: Queryable, requestId: string, userId: string): Promise<boolean> {
  const row = await q.selectFrom('request_followers').select('user_id').where('request_id', '=', requestId).where('user_id', '=', userId).executeTakeFirst();
  return row !== undefined;
}

export async function listFollowers(q: Queryable, requestId: string): Promise<PersonRef[]> {
  return q
    .selectFrom('request_followers as f')
    .innerJoin('users as u', 'u.id', 'f.user_id')
    .select(['u.id', 'u.name', 'u.email'])
    .where('f.request_id', '=', requestId)
    .orderBy('f.created_at')
    .execute();
}

/** Returns true when the follower was added (false: already following). */
export async function addFollower(q: Queryable, requestId: string, userId: string): Promise<boolean> {
  const r = await q
    .insertInto('request_followers')
    .values({ request_id: requestId, user_id: userId })
    .onConflict((oc) => oc.doNothing())
    .returning('user_id')
    .executeTakeFirst();
  return r !== undefined;
}

export async function removeFollower(q: Queryable, requestId: string, userId: string): Promise<boolean> {
  const r = await q.deleteFrom('request_followers').where('request_id', '=', requestId).where('user_id', '=', userId).executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}
