/** An admin's end-to-end check of a destination's setup: a sample request, escalated like any other. */
import { PROVIDERS, type ProviderId } from '../connectors/registry.ts';
import type { UserActor } from '../core/actor.ts';
import { draftEscalation, requestUrl } from '../core/escalation.ts';
import { createRequest } from './create-request.ts';
import type { DestinationDeps } from './destination-access.ts';
import { connectionPriorityMap } from './priority-map.ts';
import { checkEscalationInput, escalationTarget, submitEscalation } from './submit-escalation.ts';

/** The channel a Test escalation's sample request is filed with: it marks the request as a test everywhere it shows. */
export const TEST_REQUEST_CHANNEL = 'test';

export async function testEscalation(
  deps: DestinationDeps & { config: { publicUrl: string } },
  actor: UserActor,
  provider: ProviderId,
  input: { queueId?: string; teamId?: string; channel: string },
) {
  const now = deps.now();
  // Refuse a bad queue, team or channel before filing the sample request, so a refused test leaves nothing behind.
  const choice = {
    destination: provider,
    queueId: input.queueId,
    teamId: input.teamId,
    channel: input.channel,
    priority: (await connectionPriorityMap(deps.db, provider)).low,
  };
  checkEscalationInput(choice);
  const name = PROVIDERS[provider].displayName;
  await escalationTarget(deps.db, choice);
  const request = await createRequest(
    deps.db,
    actor,
    {
      title: `[Test] ${name} setup check`,
      description: `A test: a sample request an admin escalated from Settings → ${name} to check the setup. Bridgedesk resolves it once the escalation finishes; nobody needs to act on it.`,
      tags: ['bridgedesk-test'],
      channel: TEST_REQUEST_CHANNEL,
    },
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
  const escalation = await submitEscalation(deps.db, actor, request.id, { ...choice, ...draft }, now);
  return { requestId: request.id, requestKey: request.key, escalation };
}
