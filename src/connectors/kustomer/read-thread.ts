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
 * note and message shapes); a customer's message (direction "in") is the conversation's customer
 * (relationships.customer). Both are named from the one name cache (people-names.ts), which the assignee's name
 * shares: a thread read after a conversation change does not re-read the directory.
 */
import type { ThreadItem } from '../../core/destination.ts';
import { OUR_EXTERNAL_ID } from '../../core/destination.ts';
import type { KustomerAttachments } from './attachments.ts';
import type { KustomerClient } from './client.ts';
import { customerName, userNames } from './people-names.ts';

/** Items this close before the cursor are read again: two writes in the same millisecond, or clocks a little apart. */
const OVERLAP_MS = 2_000;
type Rel = Record<string, { data?: unknown } | undefined> | undefined;
const relId = (rel: Rel, name: string): string | null => {
  const d = rel?.[name]?.data;
  return d && typeof d === 'object' && !Array.isArray(d) && 'id' in d && typeof d.id === 'string' ? d.id : null;
};

export async function readThreadSince(client: KustomerClient, files: KustomerAttachments, org: string, ticketId: string, cursor: string | null, now: Date) {
  const since = cursor ? Date.parse(cursor) - OVERLAP_MS : -Infinity;
  const [notes, messages] = [await client.listNotes(ticketId), await client.listMessages(ticketId)];
  const fresh = <T extends { attributes: { createdAt: string } }>(list: T[]) => list.filter((x) => Date.parse(x.attributes.createdAt) > since);
  const newNotes = fresh(notes);
  const newMessages = fresh(messages);
  const noteIsOurs = (n: (typeof notes)[number]) => OUR_EXTERNAL_ID.test(n.attributes.externalId ?? '');
  // The first message of an escalation is ours (app "bridgedesk", our external id).
  const messageIsOurs = (m: (typeof messages)[number]) => m.attributes.app === 'bridgedesk' || OUR_EXTERNAL_ID.test(m.attributes.externalId ?? '');

  // Authors are named only for what lands on the request: ours never does, so it costs no lookup.
  const byId = new Map<string, string>();
  const theirNotes = newNotes.filter((n) => !noteIsOurs(n));
  const theirMessages = newMessages.filter((m) => !messageIsOurs(m));
  const users = new Set([...theirNotes, ...theirMessages.filter((m) => m.attributes.direction === 'out')].map((x) => relId(x.relationships, 'createdBy')));
  const wanted = [...users].filter((id) => id !== null);
  for (const [id, name] of await userNames(client, org, wanted, now)) byId.set(`user:${id}`, name);
  for (const id of new Set(theirMessages.filter((m) => m.attributes.direction === 'in').map((m) => relId(m.relationships, 'customer')))) {
    if (id) byId.set(`customer:${id}`, await customerName(client, org, id, now));
  }
  const author = (kind: 'user' | 'customer', id: string | null, fallback: unknown): ThreadItem['author'] => {
    const name = (id && byId.get(`${kind}:${id}`)) || (typeof fallback === 'string' ? fallback.trim().slice(0, 200) : '');
    return name ? { name, kind } : null;
  };

  // Files on the new items (docs/kustomer.md §37): metadata only; the bytes are read when the platform asks.
  // Our own notes and messages are never echoed onto the request: their files are not read.
  const filesOf = await files.filesOf([
    ...theirNotes.map((n) => ({ ...n, kind: 'note' as const })),
    ...theirMessages.map((m) => ({ ...m, kind: 'message' as const })),
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
      fromUs: noteIsOurs(n),
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
        fromUs: messageIsOurs(m),
        ...withFiles(m.id),
      };
    }),
  ].sort((x, y) => Date.parse(x.writtenAt) - Date.parse(y.writtenAt));
  const newest = [...notes, ...messages].reduce((max, x) => (x.attributes.createdAt > max ? x.attributes.createdAt : max), cursor ?? '');
  return { items, cursor: newest || null };
}
