/** An admin's end-to-end check of the Kustomer setup: a sample request, escalated like any other. */
import type { UserActor } from '../core/actor.ts';
import { draftEscalation, requestUrl } from '../core/escalation.ts';
import { createRequest } from './create-request.ts';
import type { DestinationDeps } from './destination-access.ts';
import { connectionPriorityMap } from './priority-map.ts';
import { checkEscalationInput, escalationTarget, submitEscalation } from './submit-escalation.ts';

export async function testEscalation(
  deps: DestinationDeps & { config: { publicUrl: string } },
  actor: UserActor,
  input: { queueId?: string; teamId?: string; channel: string },
) {
  const now = deps.now();
  // Refuse a bad queue, team or channel before filing the sample request, so a refused test leaves nothing behind.
  const choice = { destination: 'kustomer' as const, queueId: input.queueId, teamId: input.teamId, channel: input.channel, priority: (await connectionPriorityMap(deps.db, 'kustomer')).low };
  checkEscalationInput(choice);
  await escalationTarget(deps.db, choice);
  const request = await createRequest(
    deps.db,
    actor,
    { title: 'Test escalation from Bridgedesk', description: 'A sample request an admin escalated to check the Kustomer setup. It can be archived.', tags: ['bridgedesk-test'] },
    now,
  );
  const draft = draftEscalation({
    key: request.key,
    title: request.title,
    description: request.description,
    requester: request.requester,
    service: null,
    priority: request.priority,
    tags: request.tags,
    fields: [],
    url: requestUrl(deps.config.publicUrl, request.key),
  });
  const escalation = await submitEscalation(
    deps.db,
    actor,
    request.id,
    { ...choice, ...draft },
    now,
  );
  return { requestId: request.id, requestKey: request.key, escalation };
}
