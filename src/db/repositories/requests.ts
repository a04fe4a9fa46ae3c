/** Requests: storage, lookup with the names the API shows, filtered keyset listing, followers. */
import { sql, type SelectQueryBuilder } from 'kysely';
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

function viewQuery(q: Queryable) {
  return q
    .selectFrom('requests as r')
    .innerJoin('users as rq', 'rq.id', 'r.requester_id')
    .leftJoin('users as cb', 'cb.id', 'r.created_by_id')
    .leftJoin('users as asg', 'asg.id', 'r.assignee_id')
    .leftJoin('inboxes as ib', 'ib.id', 'r.inbox_id')
    .leftJoin('services as sv', 'sv.id', 'r.service_id')
    .selectAll('r')
    .select([
      'rq.name as requester_name',
      'rq.email as requester_email',
      'cb.name as created_by_name',
      'cb.email as created_by_email',
      'asg.name as assignee_name',
      'asg.email as assignee_email',
      'ib.name as inbox_name',
      'sv.name as service_name',
    ]);
}

type ViewRow = Awaited<ReturnType<ReturnType<typeof viewQuery>['executeTakeFirstOrThrow']>>;

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

export async function getRequestView(q: Queryable, id: string): Promise<RequestView | undefined> {
  const row = await viewQuery(q).where('r.id', '=', id).executeTakeFirst();
  return row && toView(row);
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
  /** list requests numbered below this (keyset cursor: the last number of the previous page) */
  beforeNumber?: string;
  limit: number;
}

/** Newest first, keyset-paginated on the request number, so a deep page costs the same as the first. */
export async function listRequests(q: Queryable, f: RequestFilters): Promise<RequestView[]> {
  let query: SelectQueryBuilder<any, any, ViewRow> = viewQuery(q) as never;
  const where = (fn: (qb: typeof query) => typeof query) => {
    query = fn(query);
  };
  if (f.status?.length) where((x) => x.where('r.status', 'in', f.status!));
  if (f.priority?.length) where((x) => x.where('r.priority', 'in', f.priority!));
  if (f.serviceId) where((x) => x.where('r.service_id', '=', f.serviceId));
  if (f.tag) where((x) => x.where(sql<boolean>`r.tags @> array[${f.tag}]::text[]`));
  if (f.assigneeId === 'none') where((x) => x.where('r.assignee_id', 'is', null));
  else if (f.assigneeId) where((x) => x.where('r.assignee_id', '=', f.assigneeId));
  if (f.inboxId === 'none') where((x) => x.where('r.inbox_id', 'is', null));
  else if (f.inboxId) where((x) => x.where('r.inbox_id', '=', f.inboxId));
  if (f.requesterId) where((x) => x.where('r.requester_id', '=', f.requesterId));
  if (f.visibleToRequester) {
    const uid = f.visibleToRequester;
    where((x) =>
      x.where((eb) =>
        eb.or([
          eb('r.requester_id', '=', uid),
          eb.exists(eb.selectFrom('request_followers as rf').select('rf.user_id').whereRef('rf.request_id', '=', 'r.id').where('rf.user_id', '=', uid)),
        ]),
      ),
    );
  }
  if (f.text) {
    const number = /^(?:req-)?(\d{1,18})$/i.exec(f.text.trim())?.[1];
    const text = f.text;
    where((x) =>
      x.where((eb) =>
        eb.or([
          eb(sql`r.search`, '@@', sql`websearch_to_tsquery('simple', ${text})`),
          ...(number ? [eb('r.number', '=', number as never)] : []),
        ]),
      ),
    );
  }
  if (f.beforeNumber) where((x) => x.where('r.number', '<', f.beforeNumber as never));
  const rows = await query.orderBy('r.number', 'desc').limit(f.limit).execute();
  return rows.map(toView);
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

