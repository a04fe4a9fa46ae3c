/** Requests: storage, lookup with the names the API shows, followers. The filtered list is request-list.ts. */
import { sql, type ExpressionBuilder, type SelectQueryBuilder } from 'kysely';
import type { CustomFieldValue } from '../../core/custom-fields.ts';
import { formatRequestNumber, type Priority, type RequestChanges, type RequestState, type Status } from '../../core/request.ts';
import type { Queryable } from '../database.ts';
import type { RequestRow } from '../schema.ts';

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

export interface ViewRow extends Omit<RequestRow, 'search'> {
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
export type RequestsQuery = SelectQueryBuilder<any, any, any>;
export type Eb = ExpressionBuilder<any, any>;

/**
 * Selects a request as the API shows it, with the names of the people, inbox and service it points to.
 * The names come from correlated scalar subqueries, not joins: each is one primary-key lookup per returned row
 * (at most a page), while a 6-table join made the planner search join orders, which cost 1.5-2.7 ms per list call,
 * several times the 0.2-0.6 ms of running it.
 */
export function selectView(qb: RequestsQuery): SelectQueryBuilder<any, any, ViewRow> {
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

export function toView(r: ViewRow): RequestView {
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
