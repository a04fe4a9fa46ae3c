/**
 * What a workflow sees of a request's linked conversation: its state as the destination last told (status, queue,
 * assignee, team: for conditions) and the {{conversation.*}} placeholders, among them the conversation's last
 * customer-facing message. Which conversation: the one whose change started the run (its timeline entry names the
 * escalation), else the request's latest linked escalation.
 */
import { sql } from 'kysely';
import type { ConversationFacts } from '../../core/workflow-conditions.ts';
import type { Queryable } from '../../db/database.ts';

export const LAST_PUBLIC_MESSAGE = 'conversation.last_public_message';

export interface LinkedConversation {
  escalationId: string;
  provider: string;
  remoteId: string;
  facts: ConversationFacts;
  values: Record<string, string>;
}

/** The placeholders with no conversation linked: empty, so a requester never reads a raw {{...}}. */
export const NO_CONVERSATION_VALUES: Record<string, string> = {
  [LAST_PUBLIC_MESSAGE]: '',
  'conversation.link': '',
  'conversation.assignee': '',
  'conversation.queue': '',
};

export async function loadLinkedConversation(q: Queryable, requestId: string, escalationId: string | null): Promise<LinkedConversation | null> {
  let query = q
    .selectFrom('escalations')
    .select(['id', 'provider', 'remote_id', 'remote_url', 'remote_status', 'remote_details'])
    .where('request_id', '=', requestId)
    .where('remote_id', 'is not', null);
  if (escalationId) query = query.where('id', '=', escalationId);
  const esc = await query.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(1).executeTakeFirst();
  if (!esc?.remote_id) return escalationId ? loadLinkedConversation(q, requestId, null) : null;
  const d = esc.remote_details;
  const user = d?.assignee?.userId ? { id: d.assignee.userId, name: d.assignee.userName } : null;
  const team = d?.assignee?.teamId ? { id: d.assignee.teamId, name: d.assignee.teamName } : null;
  const queue = d?.queue ? { id: d.queue.id, name: d.queue.name } : null;
  // Messages only, and only those its agents sent to its customer: a note (sync.note_received) is never quoted.
  const last = await q
    .selectFrom('timeline_entries')
    .select(sql<string>`data ->> 'body'`.as('body'))
    .where('request_id', '=', requestId)
    .where('type', '=', 'sync.message_received')
    .where(sql<boolean>`data ->> 'origin' = ${esc.provider} and data ->> 'conversationId' = ${esc.remote_id} and data ->> 'direction' = 'out'`)
    .orderBy(sql`data ->> 'writtenAt'`, 'desc')
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
  return {
    escalationId: esc.id,
    provider: esc.provider,
    remoteId: esc.remote_id,
    facts: { status: esc.remote_status, queue, assignee: user, team },
    values: {
      [LAST_PUBLIC_MESSAGE]: last?.body.trim() ?? '',
      'conversation.link': esc.remote_url ?? '',
      'conversation.assignee': user?.name ?? team?.name ?? '',
      'conversation.queue': queue?.name ?? '',
    },
  };
}
