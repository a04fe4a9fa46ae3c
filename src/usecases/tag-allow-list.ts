/**
 * Settings → Integrations → Kustomer → Tags (admins): which request tags may go to the destination's conversations.
 * An empty list sends none. A tag goes only when the destination has a tag of that name (matched in any case), as
 * the last connect or re-sync read them: docs/kustomer.md §28.
 */
import { PROVIDERS, type ProviderId } from '../connectors/registry.ts';
import { AppError } from '../core/errors.ts';
import { tagKey } from '../core/escalation-extras.ts';
import type { Db } from '../db/database.ts';
import { listDirectory, readTagAllowList, writeTagAllowList } from '../db/repositories/destination-directory.ts';
import { findConnection } from '../db/repositories/destinations.ts';
import { sql } from 'kysely';

async function connectionOf(db: Db, provider: ProviderId) {
  const c = await findConnection(db, provider);
  if (!c) throw new AppError('not_found', `${PROVIDERS[provider].displayName} is not connected`);
  return c;
}

export async function tagAllowListView(db: Db, provider: ProviderId) {
  const c = await connectionOf(db, provider);
  const allowed = await readTagAllowList(db, c.id);
  const destinationTags = (await listDirectory(db, c.id)).filter((e) => e.kind === 'tag').map((e) => e.name);
  const known = new Set(destinationTags.map(tagKey));
  // The tags agents use, most used first: what the admin is likely to allow.
  const { rows } = await sql<{ tag: string }>`select tag from requests, unnest(tags) as tag group by tag order by count(*) desc, tag limit 100`.execute(db);
  return {
    allowed,
    unknownInDestination: allowed.filter((t) => !known.has(t)),
    destinationTags,
    requestTags: rows.map((r) => r.tag),
  };
}

export async function setTagAllowList(db: Db, provider: ProviderId, tags: string[], now: Date) {
  const c = await connectionOf(db, provider);
  await writeTagAllowList(db, c.id, tags, now);
  return tagAllowListView(db, provider);
}
