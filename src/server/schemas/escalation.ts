/** Escalations as the API shows them, and the Escalate form's options. */
import { AttachmentIdsSchema, AttachmentSchema } from './attachments.ts';
import { z } from '@hono/zod-openapi';
import { ESCALATION_STATES } from '../../core/escalation.ts';
import { PRIORITIES } from '../../core/request.ts';
import { CreateChoicesSchema, IntegrationStatusSchema } from './integration.ts';

const nullableString = z.string().nullable();
const RemoteStateSchema = z
  .object({
    status: z
      .enum(['open', 'waiting', 'closed'])
      .openapi({ description: 'open: they must act; waiting: snoozed (until snoozedUntil); closed: done on their side' }),
    subStatus: nullableString,
    snoozedUntil: nullableString,
    assignee: z.object({ userId: nullableString, userName: nullableString, teamId: nullableString, teamName: nullableString }).nullable(),
    queue: z.object({ id: z.string(), name: nullableString }).nullable(),
    priority: z.number().nullable().openapi({ description: "In the destination's own scale" }),
    priorityName: z.enum(PRIORITIES).nullable().openapi({ description: "The request priority the connection's priority map turns into this priority" }),
    lastActivityAt: nullableString,
    openSince: nullableString.openapi({ description: 'Since when it is open in the destination (waiting on them)' }),
    updatedAt: z.string(),
  })
  .openapi('RemoteTicketState');

const TargetRef = z.object({ kind: z.enum(['queue', 'team']), id: z.string(), name: z.string().nullable() });

export const EscalationSchema = z
  .object({
    id: z.uuid(),
    requestId: z.uuid(),
    destination: z.string(),
    origin: z.enum(['created', 'linked_existing']),
    target: TargetRef.nullable(),
    targetAvailable: z.boolean().nullable().openapi({
      description:
        'Whether agents may still escalate to the target (enabled and still in the destination); null without a target. When false on a failed escalation, retry it with another queueId or teamId.',
    }),
    channel: z.string().nullable(),
    priority: z.number().nullable(),
    subject: z.string(),
    message: z.string(),
    state: z.enum(ESCALATION_STATES).openapi({
      description:
        'sending → created → linked; link_failed: the conversation exists but the back-link could not be posted; failed: nothing was created; unlinked: an agent ended the link (nothing syncs it; the conversation id stays as history)',
    }),
    conversationId: z.string().nullable(),
    conversationUrl: z.string().nullable(),
    attempts: z.number(),
    lastError: z.string().nullable(),
    nextAttemptAt: z.string().nullable(),
    requestedBy: z.object({ id: z.uuid(), name: z.string() }).nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
    linkedAt: z.string().nullable(),
    unlinked: z
      .object({ at: z.string(), by: z.object({ id: z.uuid(), name: z.string() }).nullable() })
      .nullable()
      .openapi({ description: 'When and by whom the link was ended (state unlinked); null otherwise' }),
    remote: RemoteStateSchema.nullable().openapi({
      description: 'The linked conversation as the destination last told it (webhook or poll); null until it told anything',
    }),
  })
  .openapi('Escalation');
export type RemoteTicketState = z.infer<typeof RemoteStateSchema>;
export type Escalation = z.infer<typeof EscalationSchema>;
export type EscalationState = Escalation['state'];
export type EscalationTarget = z.infer<typeof TargetRef>;

/** A destination's id (the route checks this deployment offers it); the form posts back the options' id. */
export const Destination = z.string().min(1).max(50).openapi({ description: 'A destination id, as GET /integrations lists them', example: 'kustomer' });

const Choice = z.object({ id: z.string(), name: z.string() });
const EscalationDestinationSchema = z.object({
  id: Destination,
  name: z.string(),
  status: IntegrationStatusSchema,
  queues: z.array(Choice),
  teams: z.array(Choice),
  channels: z.array(z.string()),
  priorityRange: z.object({ min: z.number(), max: z.number() }),
  defaultPriority: z.number(),
  ...CreateChoicesSchema.shape,
  tags: z
    .array(z.object({ name: z.string(), outcome: z.enum(['sent', 'not_allowed', 'unknown_in_destination']) }))
    .openapi({ description: "The request's tags and what happens to each: sent, not on the admin's allow-list, or allowed but unknown in the destination" }),
  tagAllowListEmpty: z.boolean().openapi({ description: 'No tag may go to this destination (the admin allowed none)' }),
});
export type EscalationDestination = z.infer<typeof EscalationDestinationSchema>;

export const EscalationOptionsSchema = z.object({
  draft: z.object({ subject: z.string(), message: z.string() }),
  destinations: z.array(EscalationDestinationSchema),
  limits: z
    .object({ subject: z.number(), message: z.number() })
    .openapi({ description: 'The longest subject and message accepted (characters); longer is refused with 422, never cut' }),
  attachments: z
    .array(AttachmentSchema)
    .openapi({ description: "The request's public files (never an internal note's): what may go with the first message; the form ticks them all" }),
  openEscalation: z
    .object({
      id: z.uuid(),
      state: z.enum(ESCALATION_STATES),
      target: z.string().nullable(),
      conversationId: z.string().nullable(),
      createdAt: z.string(),
    })
    .nullable()
    .openapi({ description: 'The newest escalation of the request still open; submitting then needs confirm: true' }),
});
export type EscalationOptions = z.infer<typeof EscalationOptionsSchema>;

export const EscalateBodySchema = z.strictObject({
  destination: Destination,
  queueId: z.string().max(100).optional(),
  teamId: z.string().max(100).optional(),
  channel: z.string().max(50),
  priority: z.int(),
  // Lengths are checked by the use case (422 on the field, with the limit), never cut.
  subject: z.string().trim().min(1),
  message: z.string().trim().min(1),
  confirm: z.boolean().optional(),
  assigneeUserId: z
    .string()
    .max(100)
    .optional()
    .openapi({ description: "One of the destination's people (the options' assignees.users) to work it from the start" }),
  assigneeTeamId: z.string().max(100).optional().openapi({ description: 'Or one of its teams (assignees.teams); not both' }),
  subStatusId: z.string().max(100).optional().openapi({ description: "A sub-status of the destination's open status (the options' subStatuses)" }),
  attachmentIds: z.array(z.uuid()).max(50).optional().openapi({
    description:
      "The request's public files (the options' attachments) to send with the conversation's first message; each is uploaded once, whatever retries happen. Another id: 422",
  }),
});
export type EscalateBody = z.input<typeof EscalateBodySchema>;

/**
 * A conversation as the agent pasted it: its id, or a link to it in any of the destination's URL shapes (Kustomer:
 * docs/kustomer.md §25). The connector reads it; only the id it names ever reaches a destination's URL path.
 */
const ConversationRef = z
  .string()
  .trim()
  .min(1)
  .max(2000)
  // Text no one can paste from a browser (control characters, a lone surrogate): malformed, not a link to read.
  .refine(
    (s) => ![...s].some((ch) => ch.charCodeAt(0) < 0x20 || ch === '\u007f' || (ch.length === 1 && ch >= '\ud800' && ch <= '\udfff')),
    'must be a conversation id or link',
  )
  .openapi({
    description: "The conversation's id, or its link in any of the destination's shapes (Kustomer: app or API URLs, docs/kustomer.md §25)",
    example: 'https://acme.kustomerapp.com/app/customers/5f1c2a9b3d4e5f6a7b8c9d01/event/5f1c2a9b3d4e5f6a7b8c9d0e',
  });

/** POST /requests/{id}/escalations/link */
export const LinkConversationBodySchema = z.strictObject({ destination: Destination, conversationId: ConversationRef, confirm: z.boolean().optional() });
export type LinkConversationBody = z.input<typeof LinkConversationBodySchema>;

/** POST /escalations/{id}/relink */
export const RelinkBodySchema = z.strictObject({ conversationId: ConversationRef, confirm: z.boolean().optional() });
export type RelinkBody = z.input<typeof RelinkBodySchema>;

/** POST /escalations/{id}/retry (optional body): another queue or team for an escalation that created nothing. */
export const RetryEscalationBodySchema = z.strictObject({ queueId: z.string().min(1).max(100).optional(), teamId: z.string().min(1).max(100).optional() });
export type RetryEscalationBody = z.input<typeof RetryEscalationBodySchema>;

/** POST /escalations/{id}/notes: a note to the destination. */
export const NoteBodySchema = z.strictObject({
  body: z.string().trim().min(1, 'must not be empty').max(20_000),
  attachmentIds: AttachmentIdsSchema.optional(),
});
export type NoteBody = z.input<typeof NoteBodySchema>;
export const NoteAcceptedSchema = z.object({
  entryId: z.string().openapi({ description: "The note's entry on the request timeline; its state follows as entries naming it" }),
});
export type NoteAccepted = z.infer<typeof NoteAcceptedSchema>;

/** The Test escalation's answer: the sample request and its escalation. */
export const TestEscalationSchema = z.object({ requestId: z.uuid(), requestKey: z.string(), escalation: EscalationSchema });
export type TestEscalationResult = z.infer<typeof TestEscalationSchema>;

/** A conversation that could be linked to a request: one a pasted link or id names, or one a search found. */
export const ConversationCandidateSchema = z
  .object({
    conversationId: z.string(),
    subject: z.string().nullable(),
    status: z.enum(['open', 'waiting', 'closed']),
    customer: z.object({ name: z.string().nullable(), email: z.string().nullable() }).nullable(),
    updatedAt: z.string(),
    url: z.string(),
    linkedTo: z
      .object({ requestId: z.uuid(), requestKey: z.string(), title: z.string(), escalationId: z.uuid() })
      .nullable()
      .openapi({ description: 'The other request that holds this conversation: linking it asks for confirm: true' }),
    linkedHere: z.boolean().openapi({ description: 'This request is linked to it already' }),
  })
  .openapi('ConversationCandidate');
export const ConversationCandidatesSchema = z
  .object({
    items: z.array(ConversationCandidateSchema),
    matchedBy: z.enum(['reference', 'search']).openapi({ description: 'reference: q named one conversation (a link or an id); search: q was searched for' }),
    searchesLeft: z
      .number()
      .int()
      .nullable()
      .openapi({ description: "What is left of this minute's search budget after this search; null when nothing was searched" }),
  })
  .openapi('ConversationCandidates');
export type ConversationCandidate = z.infer<typeof ConversationCandidateSchema>;
export type ConversationCandidates = z.infer<typeof ConversationCandidatesSchema>;
