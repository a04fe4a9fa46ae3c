/** What a workflow sees of a request: values for its conditions and its text templates. */
import { requestUrl } from '../../core/escalation.ts';
import { formatRequestNumber } from '../../core/request.ts';
import type { ConditionSubject } from '../../core/workflow-conditions.ts';
import type { Queryable } from '../../db/database.ts';
import { type LinkedConversation, loadLinkedConversation, NO_CONVERSATION_VALUES } from './linked-conversation.ts';

export interface RequestSnapshot {
  id: string;
  key: string;
  requesterId: string;
  requesterManagerId: string | null;
  assigneeId: string | null;
  requesterEmail: string;
  requesterName: string;
  priority: 'low' | 'medium' | 'high' | 'urgent';
  tags: string[];
  /** The linked conversation the run is about (see linked-conversation.ts); null when none is linked. */
  conversation: LinkedConversation | null;
  subject: Omit<ConditionSubject, 'run'>;
  values: Record<string, string>;
}

/** `escalationId`: the escalation whose conversation started the run (its conditions and placeholders are about it). */
export async function loadSnapshot(
  q: Queryable,
  requestId: string,
  publicUrl: string,
  opts: { escalationId?: string | null } = {},
): Promise<RequestSnapshot | null> {
  const r = await q
    .selectFrom('requests as r')
    .innerJoin('users as u', 'u.id', 'r.requester_id')
    .leftJoin('services as s', 's.id', 'r.service_id')
    .select([
      'r.id',
      'r.number',
      'r.title',
      'r.description',
      'r.status',
      'r.priority',
      'r.tags',
      'r.custom_fields',
      'r.service_id',
      'r.inbox_id',
      'r.assignee_id',
      'r.channel',
      'r.requester_id',
      'u.name as requester_name',
      'u.email as requester_email',
      'u.department',
      'u.title as requester_title',
      'u.location',
      'u.manager_id',
      's.name as service_name',
    ])
    .where('r.id', '=', requestId)
    .executeTakeFirst();
  if (!r) return null;
  const key = formatRequestNumber(r.number);
  const fields = r.custom_fields as Record<string, unknown>;
  const values: Record<string, string> = {
    'request.key': key,
    'request.title': r.title,
    'request.description': r.description,
    'request.priority': r.priority,
    'request.status': r.status,
    'request.service': r.service_name ?? '',
    'request.tags': r.tags.join(', '),
    'request.link': requestUrl(publicUrl, key),
    'requester.name': r.requester_name,
    'requester.email': r.requester_email,
  };
  for (const [k, v] of Object.entries(fields)) values[`field.${k}`] = v === null || v === undefined ? '' : String(v);
  const conversation = await loadLinkedConversation(q, r.id, opts.escalationId ?? null);
  Object.assign(values, conversation?.values ?? NO_CONVERSATION_VALUES);
  return {
    id: r.id,
    key,
    requesterId: r.requester_id,
    requesterManagerId: r.manager_id,
    assigneeId: r.assignee_id,
    requesterEmail: r.requester_email,
    requesterName: r.requester_name,
    priority: r.priority,
    tags: r.tags,
    conversation,
    subject: {
      request: {
        service: r.service_id,
        serviceName: r.service_name,
        tags: r.tags,
        priority: r.priority,
        status: r.status,
        inbox: r.inbox_id,
        assignee: r.assignee_id,
        channel: r.channel,
        fields,
      },
      requester: { department: r.department, title: r.requester_title, location: r.location, manager: r.manager_id },
      conversation: conversation?.facts ?? null,
    },
    values,
  };
}
