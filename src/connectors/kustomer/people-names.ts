/**
 * The one cache of people's names per process, per Kustomer org: users (GET /v1/users, every page: docs/kustomer.md
 * §24; machine users included, an integration's notes are theirs) and customers (GET /v1/customers/{id}, §5). Both
 * the conversation's assignee (the platform's `nameUsers`, remote-names.ts) and the authors of its notes and messages
 * (read-thread.ts) are named from it, so neither re-reads the directory the other just read.
 *
 * Names are kept NAMES_TTL_MS; an id the directory does not have re-reads it at most once per MISS_RETRY_MS (a
 * deleted user, or one added since), never once per event. Names are not secrets, and a stale one is corrected by the
 * next read: nothing needs forgetting on disconnect, and the cache is bounded (MAX_ORGS orgs, MAX_CUSTOMERS each).
 */
import { unlessRefused } from '../kit/errors.ts';
import type { KustomerClient } from './client.ts';
import { listAgents } from './directory.ts';

const NAMES_TTL_MS = 10 * 60_000;
const MISS_RETRY_MS = 60_000;
const MAX_ORGS = 100;
const MAX_CUSTOMERS = 10_000;

interface OrgNames {
  /** When the user directory was last read (or refused); null: never. */
  usersReadAt: number | null;
  users: Map<string, string>;
  customers: Map<string, { name: string; at: number }>;
}
const orgs = new Map<string, OrgNames>();

function namesOf(org: string): OrgNames {
  let entry = orgs.get(org);
  if (!entry) {
    if (orgs.size >= MAX_ORGS) orgs.delete(orgs.keys().next().value!);
    entry = { usersReadAt: null, users: new Map(), customers: new Map() };
    orgs.set(org, entry);
  }
  return entry;
}

/** Names of the users with these ids that the directory has. Throws a retryable ConnectorError (a rate limit, say). */
export async function userNames(client: KustomerClient, org: string, ids: readonly string[], now: Date): Promise<Map<string, string>> {
  const entry = namesOf(org);
  const t = now.getTime();
  const age = entry.usersReadAt === null ? Infinity : t - entry.usersReadAt;
  const missing = ids.some((id) => !entry.users.has(id));
  if (ids.length && (age > NAMES_TTL_MS || (missing && age >= MISS_RETRY_MS))) {
    // A lookup refused for want of a role leaves the people unnamed; anything retryable is thrown to the caller.
    const read = await unlessRefused(() => listAgents(client));
    if (read) entry.users = new Map(read.map((u) => [u.remoteId, u.name]));
    entry.usersReadAt = t;
  }
  return new Map(ids.flatMap((id) => (entry.users.has(id) ? [[id, entry.users.get(id)!] as const] : [])));
}

/** A customer's name (or email); '' when Kustomer gives neither or may not say. Throws a retryable ConnectorError. */
export async function customerName(client: KustomerClient, org: string, id: string, now: Date): Promise<string> {
  const entry = namesOf(org);
  const cached = entry.customers.get(id);
  if (cached && now.getTime() - cached.at <= NAMES_TTL_MS) return cached.name;
  const contact = await unlessRefused(() => client.getContact(id));
  const name = contact?.name || contact?.email || '';
  if (entry.customers.size >= MAX_CUSTOMERS) entry.customers.clear();
  entry.customers.set(id, { name, at: now.getTime() });
  return name;
}
