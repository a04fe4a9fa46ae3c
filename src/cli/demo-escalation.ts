/**
 * The demo's live escalation: one request already escalated into Kustomer (the emulator) and worked there, so the
 * demo opens on the loop closed: the request shows Kustomer's assignee, sub-status, note and reply.
 *
 * Everything goes the way an admin, an agent and a Kustomer agent would: the sync settings use case turns on two-way
 * status and comment sync (subscribing the emulator's webhook), the escalation use case records the escalation and its
 * delivery job (the worker creates the conversation), and once it is linked, the emulator's controls (the same write
 * paths as its /__emulator/ routes and its agent console) assign it, set a sub-status, add a note and answer the
 * customer, which reaches Bridgedesk through the webhook and the thread read.
 */
import type { Logger } from 'pino';
import type { DemoOrg, EmulatorControl } from '../connectors/kustomer/emulator/index.ts';
import type { UserActor } from '../core/actor.ts';
import type { Db } from '../db/database.ts';
import { getEscalationView } from '../db/repositories/escalations.ts';
import type { DestinationDeps } from '../usecases/destination-access.ts';
import { escalationOptions } from '../usecases/escalation-options.ts';
import { submitEscalation } from '../usecases/submit-escalation.ts';
import { updateSyncSettings } from '../usecases/sync/sync-settings.ts';

/** The emulator's side of the demo: its controls and the org seedDemoOrg made (its people, team and sub-statuses). */
export interface DemoKustomer {
  control: EmulatorControl;
  org: DemoOrg;
}

/** What the Kustomer agent writes on the demo's conversation. */
export const DEMO_KUSTOMER_NOTE = 'Reproduced: the reset link expires before the email arrives. Engineering is on it; I will update the customer.';
export const DEMO_KUSTOMER_REPLY = 'Hi, we found why the reset link fails and are fixing it today. We will write again as soon as you can sign in.';

/** Two-way status sync and comment sync, as an admin turns them on in Settings → Kustomer. */
export async function enableDemoSync(deps: DestinationDeps & { publicUrl: string }) {
  await updateSyncSettings(deps, 'kustomer', { inbound: true, outbound: true, commentSync: true });
}

/**
 * Escalates the request as `agent` would from its Escalate form: the form's draft, the queue, the priority the
 * admin's map gives. Returns the escalation's id; the worker delivers it.
 */
export async function escalateDemoRequest(deps: DestinationDeps & { publicUrl: string }, agent: UserActor, requestId: string, queueName: string) {
  const options = await escalationOptions(deps.db, requestId, deps.publicUrl, ['kustomer']);
  const kustomer = options.destinations.find((d) => d.id === 'kustomer')!;
  const queue = kustomer.queues.find((q) => q.name === queueName);
  if (!queue) throw new Error(`demo: the queue "${queueName}" is not enabled for escalation`);
  const escalation = await submitEscalation(
    deps.db,
    agent,
    requestId,
    {
      destination: 'kustomer',
      queueId: queue.id,
      channel: 'email',
      priority: kustomer.defaultPriority,
      subject: options.draft.subject,
      message: options.draft.message,
    },
    deps.now(),
  );
  return escalation.id;
}

/** Resolves with the conversation's id once the worker has linked the escalation; rejects after `timeoutMs`. */
async function linkedConversation(db: Db, escalationId: string, timeoutMs: number, pollMs: number): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const e = await getEscalationView(db, escalationId);
    if (e?.state === 'linked' && e.conversationId) return e.conversationId;
    if (e && e.state !== 'sending' && e.state !== 'created' && e.state !== 'linked')
      throw new Error(`demo: the escalation ended ${e.state}${e.lastError ? `: ${e.lastError}` : ''}`);
    if (Date.now() > deadline) throw new Error(`demo: the escalation was not linked within ${Math.round(timeoutMs / 1000)} s`);
    await new Promise((r) => setTimeout(r, pollMs));
  }
}

/**
 * Once the escalation is linked, a Kustomer agent (Alex Rivera) picks the conversation up: assigns it to themself and
 * the Escalations team, sets the sub-status "Investigating", writes an internal note and answers the customer.
 * Meant to run in the background after the demo starts; resolves with the conversation's id.
 */
export async function actInKustomerOnceLinked(
  deps: { db: Db; log: Logger },
  kustomer: DemoKustomer,
  escalationId: string,
  opts: { timeoutMs?: number; pollMs?: number } = {},
): Promise<string> {
  const conversationId = await linkedConversation(deps.db, escalationId, opts.timeoutMs ?? 120_000, opts.pollMs ?? 200);
  const { control, org } = kustomer;
  const ref = { org: org.org.name, id: conversationId, by: org.users.alex.id };
  control.changeConversation({
    ...ref,
    assignedUsers: [org.users.alex.id],
    assignedTeams: [org.teams.escalations.id],
    subStatus: org.subStatuses.investigating.id,
  });
  control.addNote({ ...ref, body: DEMO_KUSTOMER_NOTE });
  control.addMessage({ ...ref, body: DEMO_KUSTOMER_REPLY, direction: 'out' });
  deps.log.info({ conversationId }, 'demo: Alex Rivera picked the escalated request up in Kustomer (assigned, Investigating, a note and a reply)');
  return conversationId;
}
