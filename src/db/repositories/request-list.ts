/**
 * The request list: filters, the chosen sort keyset-paginated, free text with its plan choice, each row with its
 * latest escalation, and the count.
 */
import { sql, type SelectQueryBuilder } from 'kysely';
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
import type { Priority, Status } from '../../core/request.ts';
import type { Queryable } from '../database.ts';
import type { EscalationState } from '../schema-destinations.ts';
import { type Eb, type RequestsQuery, type RequestView, selectView, toView, type ViewRow } from './requests.ts';

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
