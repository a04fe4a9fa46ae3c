/**
 * What a workflow is, as data: a trigger (an event and conditions) and ordered steps. The same schemas validate the
 * API, the editor's saves and the engine's reads, and definitions are versioned: a run keeps the version it began with.
 */
import { z } from 'zod';
import { PRIORITIES, STATUSES } from './request.ts';

export const TRIGGER_EVENTS = [
  'request.submitted',
  'request.status_changed',
  'request.priority_changed',
  'request.service_changed',
  'request.assignee_changed',
  'request.field_changed',
  'request.tag_added',
  'request.requester_replied',
  'request.agent_replied',
  'escalation.state_changed',
  'escalation.failed',
  // The linked conversation, from the destination's side (webhook or poll): each change is one timeline entry.
  'conversation.status_changed',
  'conversation.reply_or_note',
  'conversation.assignee_changed',
] as const;
export type TriggerEvent = (typeof TRIGGER_EVENTS)[number];

/** The linked conversation's statuses in domain words (core/destination.ts RemoteStatus; Kustomer's open, snoozed, done). */
export const CONVERSATION_STATUSES = ['open', 'waiting', 'closed'] as const;
/** What `conversation.reply_or_note` narrows to: a note, any message, a message from or to the destination's customer. */
export const THREAD_ITEM_KINDS = ['note', 'message', 'message_in', 'message_out'] as const;

export const CONDITION_OPERATORS = [
  'equals',
  'not_equals',
  'contains',
  'is_one_of',
  'greater_than',
  'less_than',
  'at_least',
  'at_most',
  'is_set',
  'is_not_set',
] as const;

/**
 * A rule on the request (service, tag, priority, status, inbox, assignee, channel, field.<key>), on the requester
 * (department, title, location, manager), on the linked conversation (status, queue, assignee, team: as the
 * destination last told), or on the run (approval: the last approval's outcome; reply: what a reply wait saw).
 */
export const ConditionRule = z.strictObject({
  subject: z.enum(['request', 'requester', 'conversation', 'run']),
  field: z.string().min(1).max(80),
  op: z.enum(CONDITION_OPERATORS),
  value: z.union([z.string().max(1000), z.number(), z.boolean(), z.array(z.string().max(1000)).max(100), z.null()]).optional(),
});
export type ConditionRule = z.infer<typeof ConditionRule>;

export const Conditions = z.strictObject({
  match: z.enum(['all', 'any']).default('all'),
  rules: z.array(ConditionRule).max(50).default([]),
});
export type Conditions = z.infer<typeof Conditions>;

export const Trigger = z
  .strictObject({
    event: z.enum(TRIGGER_EVENTS),
    /**
     * Narrows the event: status_changed → to (a status, or "reopened"); field_changed → field key; tag_added → tag;
     * escalation.state_changed → state; conversation.status_changed → to (open, waiting, closed);
     * conversation.reply_or_note → to (note, message, message_in, message_out).
     */
    to: z.string().max(80).optional(),
    field: z.string().max(63).optional(),
    tag: z.string().max(50).optional(),
    conditions: Conditions.default({ match: 'all', rules: [] }),
  })
  .superRefine((t, ctx) => {
    // A narrowing no event of this kind carries would never start the workflow: refuse it at save.
    const allowed = t.event === 'conversation.status_changed' ? CONVERSATION_STATUSES : t.event === 'conversation.reply_or_note' ? THREAD_ITEM_KINDS : null;
    if (allowed && t.to !== undefined && !(allowed as readonly string[]).includes(t.to))
      ctx.addIssue({ code: 'custom', path: ['to'], message: `Choose one of: ${allowed.join(', ')}` });
  });
export type Trigger = z.infer<typeof Trigger>;

const Template = z.string().max(20_000);
const Approver = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('manager') }),
  z.strictObject({ type: z.literal('user'), userId: z.uuid() }),
  z.strictObject({ type: z.literal('group'), userIds: z.array(z.uuid()).min(1).max(20), mode: z.enum(['any', 'all_in_sequence']) }),
]);

const base = { id: z.string().max(40).optional(), name: z.string().max(120).optional() };
const Minutes = z
  .number()
  .positive()
  .max(60 * 24 * 90);

export type Step =
  | {
      type: 'create_conversation';
      /** A registered destination's id; the server checks it against the destinations it offers. */
      destination: string;
      queueId?: string;
      teamId?: string;
      /** Who works it from the start: one of the destination's people, or one of its teams (not both). */
      assigneeUserId?: string;
      assigneeTeamId?: string;
      /** A sub-status of the destination's open status. */
      subStatusId?: string;
      channel: string;
      priority: number | 'from_request';
      subject: string;
      message: string;
      id?: string;
      name?: string;
    }
  | { type: 'set_priority'; priority: (typeof PRIORITIES)[number]; id?: string; name?: string }
  | { type: 'set_status'; status: (typeof STATUSES)[number]; id?: string; name?: string }
  | { type: 'add_tag' | 'remove_tag'; tag: string; id?: string; name?: string }
  | { type: 'assign'; assigneeId?: string | null; inboxId?: string | null; id?: string; name?: string }
  | { type: 'add_comment'; body: string; visibility: 'public' | 'internal'; id?: string; name?: string }
  | { type: 'notify'; to: 'requester' | 'assignee' | 'email'; email?: string; subject: string; body: string; id?: string; name?: string }
  | {
      type: 'approval';
      approver: z.infer<typeof Approver>;
      dueInHours?: number;
      onTimeout: 'reject' | 'approve' | 'escalate_to_manager';
      /** stop: a rejection ends the run (the requester is told); continue: later steps (a branch) decide. */
      onReject: 'stop' | 'continue';
      message?: string;
      id?: string;
      name?: string;
    }
  | { type: 'branch'; condition: Conditions; then: Step[]; else: Step[]; id?: string; name?: string }
  | { type: 'wait'; minutes: number; id?: string; name?: string }
  | {
      type: 'wait_for_reply';
      /** How long the requester has to answer. */
      minutes: number;
      /** stop: a reply ends the run (nothing after runs); continue: later steps run either way (a branch on "reply" decides). */
      onReply: 'stop' | 'continue';
      id?: string;
      name?: string;
    };

export const StepSchema: z.ZodType<Step> = z.lazy(() =>
  z.discriminatedUnion('type', [
    z.strictObject({
      ...base,
      type: z.literal('create_conversation'),
      destination: z.string().min(1).max(50),
      queueId: z.string().max(100).optional(),
      teamId: z.string().max(100).optional(),
      assigneeUserId: z.string().min(1).max(100).optional(),
      assigneeTeamId: z.string().min(1).max(100).optional(),
      subStatusId: z.string().min(1).max(100).optional(),
      channel: z.string().max(50).default('email'),
      priority: z.union([z.int().min(1).max(5), z.literal('from_request')]).default('from_request'),
      subject: Template.default('{{request.title}}'),
      message: Template.default('{{request.description}}\n\n{{request.link}}'),
    }),
    z.strictObject({ ...base, type: z.literal('set_priority'), priority: z.enum(PRIORITIES) }),
    z.strictObject({ ...base, type: z.literal('set_status'), status: z.enum(STATUSES) }),
    z.strictObject({
      ...base,
      type: z.enum(['add_tag', 'remove_tag']),
      tag: z
        .string()
        .trim()
        .toLowerCase()
        .regex(/^[a-z0-9][a-z0-9._-]{0,49}$/),
    }),
    z.strictObject({ ...base, type: z.literal('assign'), assigneeId: z.uuid().nullable().optional(), inboxId: z.uuid().nullable().optional() }),
    z.strictObject({ ...base, type: z.literal('add_comment'), body: Template.min(1), visibility: z.enum(['public', 'internal']).default('internal') }),
    z.strictObject({
      ...base,
      type: z.literal('notify'),
      to: z.enum(['requester', 'assignee', 'email']),
      email: z.email().optional(),
      subject: Template.min(1).max(300),
      body: Template.min(1),
    }),
    z.strictObject({
      ...base,
      type: z.literal('approval'),
      approver: Approver,
      dueInHours: z
        .number()
        .positive()
        .max(24 * 90)
        .optional(),
      onTimeout: z.enum(['reject', 'approve', 'escalate_to_manager']).default('reject'),
      onReject: z.enum(['stop', 'continue']).default('stop'),
      message: Template.optional(),
    }),
    z.strictObject({
      ...base,
      type: z.literal('branch'),
      condition: Conditions,
      then: z.array(StepSchema).max(50),
      else: z.array(StepSchema).max(50).default([]),
    }),
    z.strictObject({ ...base, type: z.literal('wait'), minutes: Minutes }),
    z.strictObject({
      ...base,
      type: z.literal('wait_for_reply'),
      minutes: Minutes,
      onReply: z.enum(['stop', 'continue']).default('stop'),
    }),
  ]),
) as z.ZodType<Step>;

export const WorkflowDefinition = z.strictObject({
  trigger: Trigger,
  steps: z.array(StepSchema).min(1).max(50),
});
export type WorkflowDefinition = z.infer<typeof WorkflowDefinition>;

/** Visits every step, branches included, with its path as runs and the editor name it ("1", "2.then.0"). */
export function forEachStep(steps: Step[], visit: (step: Step, path: string) => void, prefix = '') {
  steps.forEach((step, i) => {
    const path = `${prefix}${i}`;
    visit(step, path);
    if (step.type === 'branch') {
      forEachStep(step.then, visit, `${path}.then.`);
      forEachStep(step.else, visit, `${path}.else.`);
    }
  });
}
