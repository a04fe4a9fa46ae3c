/**
 * What the Escalate form offers: destinations, their enabled queues/teams and channels, a pre-filled draft, the
 * subject and message limits, and the request's open escalation (if any) so the form warns before anything is typed.
 */
import { publicFilesOf } from './attachments/request-files.ts';
import { PROVIDERS, type ProviderId } from '../connectors/registry.ts';
import { draftEscalation, ESCALATION_LIMITS, isOpenEscalation, requestUrl } from '../core/escalation.ts';
import { notFound } from '../core/errors.ts';
import { destinationPriority } from '../core/priority-map.ts';
import type { Db } from '../db/database.ts';
import { listCustomFields } from '../db/repositories/custom-fields.ts';
import { findConnection, listTargets } from '../db/repositories/destinations.ts';
import { listRequestEscalations } from '../db/repositories/escalations.ts';
import { getRequestView } from '../db/repositories/requests.ts';
import { connectionPriorityMap } from './priority-map.ts';
import { listDirectory, readTagAllowList } from '../db/repositories/destination-directory.ts';
import { createChoices, planTags } from '../core/escalation-extras.ts';

/** `providers`: the destinations this deployment offers (connectors/registry.ts offeredProviders). */
export async function escalationOptions(db: Db, requestId: string, publicUrl: string, providers: readonly ProviderId[]) {
  const request = await getRequestView(db, requestId);
  if (!request) throw notFound('Request');
  const defs = await listCustomFields(db);
  const draft = draftEscalation({
    key: request.key,
    title: request.title,
    description: request.description,
    requester: request.requester,
    service: request.service?.name ?? null,
    priority: request.priority,
    tags: request.tags,
    fields: defs.filter((d) => request.customFields[d.key] !== undefined).map((d) => ({ label: d.label, value: request.customFields[d.key]! })),
    url: requestUrl(publicUrl, request.key),
  });
  const destinations = [];
  for (const id of providers) {
    const p = PROVIDERS[id];
    const connection = await findConnection(db, id);
    const all = connection ? await listTargets(db, connection.id) : [];
    const targets = all.filter((t) => t.enabled && t.available);
    const directory = connection ? await listDirectory(db, connection.id) : [];
    const allowList = connection ? await readTagAllowList(db, connection.id) : [];
    const of = (kind: string) => directory.filter((e) => e.kind === kind);
    destinations.push({
      id,
      name: p.displayName,
      status: connection?.status ?? ('not_connected' as const),
      queues: targets.filter((t) => t.kind === 'queue').map((t) => ({ id: t.remoteId, name: t.name })),
      teams: targets.filter((t) => t.kind === 'team').map((t) => ({ id: t.remoteId, name: t.name })),
      channels: [...p.channels],
      priorityRange: p.priorityRange,
      // the admin's priority map (Settings → Kustomer) turns the request's priority into the form's default
      defaultPriority: destinationPriority(await connectionPriorityMap(db, id), request.priority),
      ...createChoices(directory, all),
      tags: planTags(
        request.tags,
        allowList,
        of('tag').map((t) => ({ id: t.remoteId, name: t.name })),
      ).map(({ name, outcome }) => ({ name, outcome })),
      tagAllowListEmpty: allowList.length === 0,
    });
  }
  // Newest first: the form warns, as it opens, that escalating again makes another conversation.
  const open = (await listRequestEscalations(db, requestId)).find((e) => isOpenEscalation(e.state));
  const openEscalation = open
    ? { id: open.id, state: open.state, target: open.target?.name ?? null, conversationId: open.conversationId, createdAt: open.createdAt }
    : null;
  return { draft, destinations, limits: ESCALATION_LIMITS, attachments: await publicFilesOf(db, requestId), openEscalation };
}
