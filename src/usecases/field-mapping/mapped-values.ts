/** The values a request's mapped fields send to the destination, as the Escalate form shows and the push job sends. */
import { requestUrl } from '../../core/escalation.ts';
import { notFound } from '../../core/errors.ts';
import { mappableRequestFields, readRequestField, requestFieldInfo, toRemoteValue, type RemoteValue, type RequestValues } from '../../core/field-mapping.ts';
import type { CustomFieldValue } from '../../core/custom-fields.ts';
import type { Queryable } from '../../db/database.ts';
import { listCustomFields } from '../../db/repositories/custom-fields.ts';
import { getRequestView } from '../../db/repositories/requests.ts';
import { findUsersByIds } from '../../db/repositories/users.ts';
import { readLastInternalUpdate, readPendingApproval } from './internal-facts.ts';
import { listMappings } from './store.ts';

export interface MappedValue {
  requestField: string;
  /** The request field's label, e.g. "Order total". */
  label: string;
  remoteField: string;
  /** What is sent; null clears the remote field. */
  value: RemoteValue;
  /** Set when the destination refused the attribute as unknown: it is left out until it is back (see push-mapped-values.ts). */
  refused?: { since: Date; reason: string };
}

/**
 * Every mapped field's value for a request, including empty ones (null). Mappings whose custom field no longer
 * exists are left out.
 */
export async function allMappedValues(q: Queryable, connectionId: string, requestId: string, publicUrl: string): Promise<MappedValue[]> {
  const mappings = await listMappings(q, connectionId);
  if (!mappings.length) return [];
  const [request, defs] = await Promise.all([getRequestView(q, requestId), listCustomFields(q)]);
  if (!request) throw notFound('Request');

  // Person fields hold user ids; the destination gets the person's email.
  const customFields: Record<string, CustomFieldValue> = { ...request.customFields };
  const personKeys = defs.filter((d) => d.type === 'person' && typeof customFields[d.key] === 'string').map((d) => d.key);
  if (personKeys.length) {
    const users = await findUsersByIds(q, [...new Set(personKeys.map((k) => customFields[k] as string))]);
    for (const k of personKeys) customFields[k] = users.find((u) => u.id === customFields[k])?.email ?? null;
  }
  // The internal facts cost a query each: read only what a mapping needs.
  const mapped = new Set(mappings.map((m) => m.requestField));
  const [pendingApproval, lastInternalUpdate] = await Promise.all([
    mapped.has('pending_approval') ? readPendingApproval(q, requestId) : null,
    mapped.has('last_internal_update') || mapped.has('last_internal_update_at') ? readLastInternalUpdate(q, requestId) : null,
  ]);
  const values: RequestValues = {
    key: request.key,
    link: requestUrl(publicUrl, request.key),
    title: request.title,
    description: request.description,
    status: request.status,
    priority: request.priority,
    service: request.service?.name ?? null,
    tags: request.tags,
    requester: { name: request.requester.name, email: request.requester.email },
    customFields,
    assignee: request.assignee ? { name: request.assignee.name, email: request.assignee.email } : null,
    pendingApproval,
    lastInternalUpdate,
  };

  const order = mappableRequestFields(defs).map((f) => f.requestField);
  const out: MappedValue[] = [];
  for (const m of [...mappings].sort((a, b) => order.indexOf(a.requestField) - order.indexOf(b.requestField))) {
    const info = requestFieldInfo(m.requestField, defs);
    if (!info) continue;
    const value = toRemoteValue(info.kind, m.remoteType, readRequestField(m.requestField, values));
    out.push({ requestField: m.requestField, label: info.label, remoteField: m.remoteField, value, ...(m.refused ? { refused: m.refused } : {}) });
  }
  return out;
}

/**
 * The values that will be sent for a request (empty fields are not sent when a conversation is created, nor are
 * attributes the destination no longer knows).
 */
export async function mappedValues(q: Queryable, connectionId: string, requestId: string, publicUrl: string): Promise<MappedValue[]> {
  return (await allMappedValues(q, connectionId, requestId, publicUrl)).filter((v) => v.value !== null && !v.refused);
}
