/** Files a request through the API and escalates it to a Kustomer queue, then waits until its conversation is linked. */
import type { TestApp, TestUser } from './test-app.ts';

export async function escalateUntilLinked(
  t: TestApp,
  agent: TestUser,
  opts: { title: string; requesterId: string; queueId: string; subject?: string },
): Promise<{ request: any; conversationId: string }> {
  const request = (await t.api(agent, 'POST', '/api/v1/requests', { title: opts.title, requesterId: opts.requesterId })).body;
  const body = { destination: 'kustomer', queueId: opts.queueId, channel: 'email', priority: 2, subject: opts.subject ?? 's', message: 'm' };
  const e = (await t.api(agent, 'POST', `/api/v1/requests/${request.id}/escalations`, body)).body;
  const linked = await t.waitFor(async () => {
    const x = (await t.api(agent, 'GET', `/api/v1/escalations/${e.id}`)).body;
    return x.state === 'linked' ? x : undefined;
  });
  return { request, conversationId: linked.conversationId as string };
}
