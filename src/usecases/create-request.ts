/** Files a new request: validates references and custom fields, stores it, and opens its timeline, atomically. */
import { type UserActor, isStaff } from '../core/actor.ts';
import { mergeFieldValues } from '../core/custom-fields.ts';
import { forbidden } from '../core/errors.ts';
import type { Priority } from '../core/request.ts';
import type { Db } from '../db/database.ts';
import { listCustomFields } from '../db/repositories/custom-fields.ts';
import { getRequestView, insertRequest, type RequestView } from '../db/repositories/requests.ts';
import { appendTimeline } from '../db/repositories/timeline.ts';
import { withTransaction } from '../db/transaction.ts';
import { inboxLabel, serviceRef, userLabel } from './request-refs.ts';
import { attachToEntry, type Attaching } from './attachments/attach-uploads.ts';

export interface CreateRequestInput {
  title: string;
  description?: string;
  requesterId?: string;
  priority?: Priority;
  serviceId?: string | null;
  inboxId?: string | null;
  assigneeId?: string | null;
  tags?: string[];
  customFields?: Record<string, unknown>;
  channel?: string;
}

const STAFF_ONLY: (keyof CreateRequestInput)[] = ['requesterId', 'priority', 'inboxId', 'assigneeId', 'tags'];

/** `attaching`: the caller's uploads to attach to the request's first entry (its creation), refused as a whole when wrong. */
export async function createRequest(db: Db, actor: UserActor, input: CreateRequestInput, now: Date, attaching?: Attaching): Promise<RequestView> {
  if (!isStaff(actor)) {
    const used = STAFF_ONLY.filter((k) => input[k] !== undefined && !(k === 'requesterId' && input[k] === actor.userId));
    if (used.length) throw forbidden(`Requesters cannot set ${used.join(', ')}`);
  }
  return withTransaction(db, async (tx) => {
    const requesterId = input.requesterId ?? actor.userId;
    const requesterName = await userLabel(tx, requesterId, { field: 'requesterId' });
    const service = await serviceRef(tx, input.serviceId ?? null);
    const inboxId = input.inboxId !== undefined ? input.inboxId : (service?.defaultInboxId ?? null);
    await inboxLabel(tx, inboxId);
    await userLabel(tx, input.assigneeId ?? null, { field: 'assigneeId', staffOnly: true });
    const defs = await listCustomFields(tx);
    const customFields = mergeFieldValues(defs, input.serviceId ?? null, {}, input.customFields ?? {}, true);
    const tags = [...new Set(input.tags ?? [])];
    const row = await insertRequest(tx, {
      title: input.title,
      description: input.description ?? '',
      requesterId,
      createdById: actor.userId,
      priority: input.priority ?? 'medium',
      serviceId: input.serviceId ?? null,
      inboxId,
      assigneeId: input.assigneeId ?? null,
      tags,
      customFields,
      channel: input.channel ?? (actor.kind === 'token' ? 'api' : 'web'),
      at: now,
    });
    const [entryId] = await appendTimeline(
      tx,
      row.id,
      actor,
      [
        {
          type: 'request.created',
          data: {
            title: row.title,
            priority: row.priority,
            status: row.status,
            requester: { id: requesterId, name: requesterName },
            onBehalf: requesterId !== actor.userId,
            service: service ? { id: input.serviceId, name: service.name } : null,
            tags,
            customFields,
          },
        },
      ],
      now,
    );
    await attachToEntry(tx, actor, attaching, { requestId: row.id, entryId: entryId! }, now);
    return (await getRequestView(tx, row.id))!;
  });
}
