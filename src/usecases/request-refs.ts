/** Checks that people, inboxes and services a request points at exist, and labels them for the timeline. */
import { unprocessable } from '../core/errors.ts';
import type { Queryable } from '../db/database.ts';

export async function userLabel(q: Queryable, id: string | null, opts: { staffOnly?: boolean; field: string }): Promise<string | null> {
  if (id === null) return null;
  const row = await q.selectFrom('users').select(['name', 'role', 'active']).where('id', '=', id).executeTakeFirst();
  if (!row) throw unprocessable(`${opts.field}: no such user`, { field: opts.field });
  if (opts.staffOnly && row.role === 'requester') throw unprocessable(`${opts.field}: must be an agent or admin`, { field: opts.field });
  if (!row.active) throw unprocessable(`${opts.field}: user is deactivated`, { field: opts.field });
  return row.name;
}

export async function inboxLabel(q: Queryable, id: string | null): Promise<string | null> {
  if (id === null) return null;
  const row = await q.selectFrom('inboxes').select('name').where('id', '=', id).executeTakeFirst();
  if (!row) throw unprocessable('inboxId: no such inbox', { field: 'inboxId' });
  return row.name;
}

export async function serviceRef(q: Queryable, id: string | null): Promise<{ name: string; defaultInboxId: string | null } | null> {
  if (id === null) return null;
  const row = await q.selectFrom('services').select(['name', 'default_inbox_id', 'active']).where('id', '=', id).executeTakeFirst();
  if (!row) throw unprocessable('serviceId: no such service', { field: 'serviceId' });
  return { name: row.name, defaultInboxId: row.default_inbox_id };
}
