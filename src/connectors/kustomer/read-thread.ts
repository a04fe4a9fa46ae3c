/**
 * A conversation's thread as Bridgedesk shows it on the request: its notes and messages, with who wrote each.
 *
 * Kustomer's outbound webhooks have no note event (docs/kustomer.md §17: the events are conversation, customer and
 * message ones), so notes are read from the conversation: GET /v1/conversations/{id}/notes and .../messages
 * (docs/kustomer.md §5; documented only, S-OAS). Neither list is documented to filter or sort by time, so every page
 * is read and the cursor (the newest `createdAt` seen) says which items are new; items near the cursor come again
 * and the platform keeps one entry per remote id.
 *
 * Authors: a note's and an agent message's `createdBy` is a user (relationships.createdBy, documented only: S-OAS
 * note and message shapes), named from GET /v1/users (docs/kustomer.md §5, documented: A-USERS); a customer's message
 * (direction "in") is the conversation's customer (relationships.customer), named from GET /v1/customers/{id}. Names
 * are cached for a while per org: a thread read after every conversation change must not re-read the directory.
 */
import type { ThreadItem } from '../../core/destination.ts';
import { OUR_EXTERNAL_ID } from '../../core/destination.ts';
import { ConnectorError } from '../kit/errors.ts';
import type { KustomerAttachments } from './attachments.ts';
import type { KustomerClient } from './client.ts';

/** Items this close before the cursor are read again: two writes in the same millisecond, or clocks a little apart. */
const OVERLAP_MS = 2_000;
const NAMES_TTL_MS = 10 * 60_000;
const MAX_CACHED_ORGS = 100;

const names = new Map<string, { at: number; byId: Map<string, string> }>();

type Rel = Record<string, { data?: unknown } | undefined> | undefined;
const relId = (rel: Rel, name: string): string | null => {
  const d = rel?.[name]?.data;
  return d && typeof d === 'object' && !Array.isArray(d) && 'id' in d && typeof d.id === 'string' ? d.id : null;
};

/** A name lookup that fails for want of a role leaves the author unnamed; anything retryable fails the read. */
async function orNull<T>(fn: () => Promise<T>): Promise<T | null> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof ConnectorError && err.kind === 'permanent') return null;
    throw err;
  }
}

function namesOf(org: string, now: number) {
  let entry = names.get(org);
  if (!entry || now - entry.at > NAMES_TTL_MS) {
    if (names.size >= MAX_CACHED_ORGS) names.delete(names.keys().next().value!);
    entry = { at: now, byId: new Map() };
    names.set(org, entry);
  }
  return entry.byId;
}

export async function readThreadSince(client: KustomerClient, files: KustomerAttachments, org: string, ticketId: string, cursor: string | null, now: Date) {
  const since = cursor ? Date.parse(cursor) - OVERLAP_MS : -Infinity;
  const [notes, messages] = [await client.listNotes(ticketId), await client.listMessages(ticketId)];
  const fresh = <T extends { attributes: { createdAt: string } }>(list: T[]) => list.filter((x) => Date.parse(x.attributes.createdAt) > since);
  const newNotes = fresh(notes);
  const newMessages = fresh(messages);

  const byId = namesOf(org, now.getTime());
  const users = new Set([...newNotes, ...newMessages.filter((m) => m.attributes.direction === 'out')].map((x) => relId(x.relationships, 'createdBy')));
  if ([...users].some((id) => id && !byId.has(`user:${id}`))) {
    for (const u of (await orNull(() => client.listAgents())) ?? []) byId.set(`user:${u.remoteId}`, u.name);
  }
  for (const id of new Set(newMessages.filter((m) => m.attributes.direction === 'in').map((m) => relId(m.relationships, 'customer')))) {
    if (!id || byId.has(`customer:${id}`)) continue;
    const contact = await orNull(() => client.getContact(id));
    byId.set(`customer:${id}`, contact?.name || contact?.email || '');
  }
  const author = (kind: 'user' | 'customer', id: string | null, fallback: unknown): ThreadItem['author'] => {
    const name = (id && byId.get(`${kind}:${id}`)) || (typeof fallback === 'string' ? fallback.trim().slice(0, 200) : '');
    return name ? { name, kind } : null;
  };

  // Files on the new items (docs/kustomer.md §37): metadata only; the bytes are read when the platform asks.
  // Our own notes and messages are never echoed onto the request: their files are not read.
  const ours = (x: { attributes: { externalId?: string | null; app?: string } }) =>
    x.attributes.app === 'bridgedesk' || OUR_EXTERNAL_ID.test(x.attributes.externalId ?? '');
  const filesOf = await files.filesOf([
    ...newNotes.filter((n) => !ours(n)).map((n) => ({ ...n, kind: 'note' as const })),
    ...newMessages.filter((m) => !ours(m)).map((m) => ({ ...m, kind: 'message' as const })),
  ]);
  const withFiles = (id: string): Pick<ThreadItem, 'attachments' | 'attachmentsError'> => {
    const f = filesOf.get(id);
    return !f ? {} : 'error' in f ? { attachmentsError: f.error } : { attachments: f.files };
  };

  const items: ThreadItem[] = [
    ...newNotes.map((n) => ({
      remoteId: n.id,
      kind: 'note' as const,
      body: n.attributes.body,
      direction: null,
      channel: null,
      author: author('user', relId(n.relationships, 'createdBy'), null),
      writtenAt: n.attributes.createdAt,
      fromUs: ours(n),
      ...withFiles(n.id),
    })),
    ...newMessages.map((m) => {
      const a = m.attributes;
      const from = a.meta?.from;
      return {
        remoteId: m.id,
        kind: 'message' as const,
        body: a.preview ?? '',
        direction: a.direction,
        channel: a.channel,
        author: a.direction === 'in' ? author('customer', relId(m.relationships, 'customer'), from) : author('user', relId(m.relationships, 'createdBy'), from),
        writtenAt: a.createdAt,
        // The first message of an escalation is ours (app "bridgedesk", our external id).
        fromUs: ours(m),
        ...withFiles(m.id),
      };
    }),
  ].sort((x, y) => Date.parse(x.writtenAt) - Date.parse(y.writtenAt));
  const newest = [...notes, ...messages].reduce((max, x) => (x.attributes.createdAt > max ? x.attributes.createdAt : max), cursor ?? '');
  return { items, cursor: newest || null };
}
