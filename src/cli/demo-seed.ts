/**
 * Demo data: people, a service catalog, custom fields, a few requests, the Kustomer connection to the emulator with
 * queues enabled and two-way status and comment sync on, and one request escalated (demo-escalation.ts). Runs once
 * per data folder (skipped when the demo service exists).
 */
import type { Logger } from 'pino';
import type { Db } from '../db/database.ts';
import type { Role, UserActor } from '../core/actor.ts';
import { insertInbox, setInboxMembers } from '../db/repositories/inboxes.ts';
import { insertService } from '../db/repositories/services.ts';
import { findUserByEmail, insertUser } from '../db/repositories/users.ts';
import { hashPassword } from '../server/auth/passwords.ts';
import { connectDestination, setDestinationTargets } from '../usecases/connect-destination.ts';
import { setTagAllowList } from '../usecases/tag-allow-list.ts';
import { changeRequest } from '../usecases/change-request.ts';
import { createRequest, type CreateRequestInput } from '../usecases/create-request.ts';
import type { DestinationDeps } from '../usecases/destination-access.ts';
import { workflowExamples } from '../core/workflow-examples.ts';
import { createWorkflow } from '../usecases/workflows/save-workflow.ts';
import { replaceFieldMappings } from '../usecases/field-mapping/mapping-set.ts';
import { DEMO_FIELD_MAPPINGS } from './demo-kustomer.ts';
import { enableDemoSync, escalateDemoRequest } from './demo-escalation.ts';

export const DEMO_PASSWORD = 'demo-password';
/** The demo's custom field that holds the customer's email, used as the Kustomer conversation's customer. */
export const DEMO_CONTACT_FIELD = 'customer_email';

/**
 * Seeds the demo once; returns the escalation the worker is delivering (the caller lets the Kustomer agent act on it
 * once linked: demo-escalation.ts actInKustomerOnceLinked), or null when this data folder was seeded before.
 */
/** Whether an earlier run seeded this database (its Customer escalation service exists). */
export async function isDemoSeeded(db: Db): Promise<boolean> {
  return (await db.selectFrom('services').select('id').where('name', '=', 'Customer escalation').executeTakeFirst()) !== undefined;
}

export async function seedDemo(
  deps: DestinationDeps & { log: Logger; publicUrl: string },
  kustomer: { org: string; apiKey: string; enableQueues: string[]; enableTeams: string[] },
): Promise<{ escalationId: string } | null> {
  const { db, log } = deps;
  if (await isDemoSeeded(db)) return null;
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  const person = async (
    email: string,
    name: string,
    role: 'admin' | 'agent' | 'requester',
    extra: { managerId?: string; department?: string; title?: string; location?: string } = {},
  ) => (await findUserByEmail(db, email)) ?? insertUser(db, { email, name, role, passwordHash, ...extra });
  const admin = (await db.selectFrom('users').selectAll().where('role', '=', 'admin').executeTakeFirst())!;
  const morgan = await person('morgan@demo.test', 'Morgan Manager', 'agent', { department: 'Customer Success', title: 'Head of Support', location: 'Paris' });
  const ada = await person('ada@demo.test', 'Ada Agent', 'agent', {
    managerId: morgan.id,
    department: 'Customer Success',
    title: 'Support engineer',
    location: 'Paris',
  });
  const riley = await person('riley@demo.test', 'Riley Requester', 'requester', {
    managerId: morgan.id,
    department: 'Sales',
    title: 'Account executive',
    location: 'New York',
  });

  const inboxId = await insertInbox(db, { name: 'Support', description: 'Customer-facing issues' });
  await setInboxMembers(db, inboxId, [ada.id, morgan.id]);
  const escalation = await insertService(db, {
    name: 'Customer escalation',
    description: 'A customer needs the support team in Kustomer',
    defaultInboxId: inboxId,
  });
  const it = await insertService(db, { name: 'IT help', description: 'Laptops, access, accounts' });
  await db
    .insertInto('custom_fields')
    .values([
      { key: DEMO_CONTACT_FIELD, label: 'Customer email', type: 'text', required: true, service_ids: [escalation.id], position: 1 },
      { key: 'order_number', label: 'Order number', type: 'text', service_ids: [escalation.id], position: 2 },
      { key: 'region', label: 'Region', type: 'select', options: ['EMEA', 'Americas', 'APAC'], position: 3 },
    ])
    .execute();

  const actorOf = (u: { id: string; role: Role; name: string }): UserActor => ({ kind: 'user', userId: u.id, role: u.role, name: u.name });
  const asAgent = actorOf(ada);
  const now = new Date();
  const file = (actor: UserActor, input: CreateRequestInput) => createRequest(db, actor, input, now);
  const refund = await file(asAgent, {
    title: 'Refund for order 4417 never arrived',
    description: 'The customer was promised a refund two weeks ago.',
    requesterId: riley.id,
    priority: 'high',
    serviceId: escalation.id,
    tags: ['refund'],
    customFields: { [DEMO_CONTACT_FIELD]: 'jane.doe@example.com', order_number: '4417', region: 'EMEA' },
  });
  const locked = await file(asAgent, {
    title: 'Customer cannot log in after password reset',
    description: 'Acme Corp admin locked out since this morning.',
    requesterId: riley.id,
    priority: 'urgent',
    serviceId: escalation.id,
    customFields: { [DEMO_CONTACT_FIELD]: 'it@acme.example' },
  });
  await file(actorOf(riley), { title: 'New laptop for onboarding', description: 'Starting Monday.', serviceId: it.id });

  const adminActor = actorOf(admin);
  const status = await connectDestination(deps, adminActor, 'kustomer', { account: kustomer.org, secret: kustomer.apiKey });
  // The conversation's customer is the request's "Customer email" (the person the agent is helping), as an admin
  // would set it in Settings → Kustomer; requests without one fall back to the requester.
  await setDestinationTargets(
    deps,
    'kustomer',
    [
      ...status.queues.filter((q) => kustomer.enableQueues.includes(q.name)).map((q) => ({ kind: 'queue' as const, remoteId: q.remoteId, enabled: true })),
      ...status.teams.filter((t) => kustomer.enableTeams.includes(t.name)).map((t) => ({ kind: 'team' as const, remoteId: t.remoteId, enabled: true })),
    ],
    DEMO_CONTACT_FIELD,
  );
  // The request's facts fill the conversation's attributes, so a Kustomer agent sees where the request stands.
  await replaceFieldMappings(deps, 'kustomer', DEMO_FIELD_MAPPINGS);
  // Requests tagged vpn or network carry the tag into Kustomer, as an admin would allow in Settings → Kustomer → Tags.
  await setTagAllowList(db, 'kustomer', ['vpn', 'network'], now);
  // The shipped examples, wired to the demo's service and queues; the two of the product we learn from enabled.
  // "Close the loop" is left off (it answers requesters on its own): enabling it is the demo's first thing to try.
  const queue = (name: string) => status.queues.find((q) => q.name === name)?.remoteId;
  const examples = workflowExamples({ customerEscalationServiceId: escalation.id, supportQueueId: queue('Tier 2 Support'), vipQueueId: queue('VIP') });
  for (const ex of examples)
    await createWorkflow(db, adminActor, { name: ex.name, description: ex.description, enabled: ex.key !== 'close-the-loop', definition: ex.definition });
  // Kustomer's changes come back (status, assignee, notes, messages) and the request's go there, as an admin sets it up;
  // then Ada escalates the locked-out customer, so the demo opens with one request alive in Kustomer.
  await enableDemoSync(deps);
  const escalationId = await escalateDemoRequest(deps, asAgent, locked.id, 'Tier 2 Support');
  // Ada marks the refund's customer as a VIP: "Specialist handoff" asks Riley's manager, Morgan, before it goes to
  // the VIP queue, so the demo has a decision waiting in Morgan's approvals.
  await changeRequest(db, asAgent, refund.id, { tags: ['refund', 'vip-customer'] }, now);
  log.info('demo data seeded');
  return { escalationId };
}
