/** Escalate a request into a destination, follow it, retry it, re-link it. Staff only. */
import { createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { offeredProvider, offeredProviders } from '../../connectors/registry.ts';
import { AppError, notFound } from '../../core/errors.ts';
import { findRequestId } from '../../db/repositories/requests.ts';
import { getEscalationView, listRequestEscalations } from '../../db/repositories/escalations.ts';
import { linkExistingConversation, relinkEscalation, retryEscalation } from '../../usecases/escalation-actions.ts';
import { escalationOptions } from '../../usecases/escalation-options.ts';
import { submitEscalation } from '../../usecases/submit-escalation.ts';
import { retryNote, submitNote } from '../../usecases/sync/send-note.ts';
import { requireUser } from '../auth/guards.ts';
import type { AppEnv } from '../context.ts';
import { allow, errors, IdParam, json, jsonBody, router, security } from '../openapi.ts';
import { Destination, EscalateBodySchema, EscalationOptionsSchema, EscalationSchema } from '../schemas/escalation.ts';

export const escalationRoutes = router();
const tags = ['Escalations'];
const staff = [allow('staff')];

/** The body's destination when this deployment offers it; else the body is malformed there (400), as for any bad field. */
function destinationOf(c: Context<AppEnv>, id: string) {
  const provider = offeredProvider(id, c.var.deps.config);
  if (provider) return provider;
  const issue = { path: 'destination', message: `Unknown destination: expected one of ${offeredProviders(c.var.deps.config).join(', ')}` };
  throw new AppError('validation_failed', `Invalid body: destination: ${issue.message}`, { issues: [issue] });
}
/** A conversation id of the destination (Kustomer's are 24 hex digits); it goes into Kustomer URL paths. */
const ConversationId = z
  .string()
  .trim()
  .min(1)
  .max(100)
  .regex(/^[\w-]+$/, 'must be a conversation id: letters, digits, _ or -');

async function requestIdOr404(c: Context<AppEnv>, id: string) {
  const found = await findRequestId(c.var.deps.db, { id });
  if (!found) throw notFound('Request');
  return found;
}

escalationRoutes.openapi(
  createRoute({
    method: 'post',
    path: '/requests/{id}/escalations',
    tags,
    summary: 'Escalate a request: creates the conversation in the background and answers at once',
    description:
      'Answers 202 with the escalation in state "sending"; follow it with GET /escalations/{id}. 409 when another escalation of the request is open and confirm is not true.',
    security,
    middleware: staff,
    request: {
      params: IdParam,
      body: jsonBody(EscalateBodySchema),
    },
    responses: { 202: json(EscalationSchema, 'Accepted: delivery is under way'), ...errors(400, 401, 403, 404, 409, 422) },
  }),
  async (c) => {
    // No separate look-up of the request: the submit locks it and answers 404 itself.
    const actor = requireUser(c);
    const body = c.req.valid('json');
    const input = { ...body, destination: destinationOf(c, body.destination) };
    return c.json(await submitEscalation(c.var.deps.db, actor, c.req.valid('param').id, input, c.var.deps.now()), 202);
  },
);

escalationRoutes.openapi(
  createRoute({
    method: 'get',
    path: '/requests/{id}/escalations',
    tags,
    summary: "The request's escalations, newest first",
    security,
    middleware: staff,
    request: { params: IdParam },
    responses: { 200: json(z.object({ items: z.array(EscalationSchema) })), ...errors(401, 403, 404) },
  }),
  async (c) => {
    const requestId = await requestIdOr404(c, c.req.valid('param').id);
    return c.json({ items: await listRequestEscalations(c.var.deps.db, requestId) }, 200);
  },
);

escalationRoutes.openapi(
  createRoute({
    method: 'get',
    path: '/requests/{id}/escalation-options',
    tags,
    summary: 'What the Escalate form offers: destinations with enabled queues/teams, channels, priority range, and a pre-filled subject and message',
    security,
    middleware: staff,
    request: { params: IdParam },
    responses: {
      200: json(EscalationOptionsSchema),
      ...errors(401, 403, 404),
    },
  }),
  async (c) => {
    const requestId = await requestIdOr404(c, c.req.valid('param').id);
    const { config } = c.var.deps;
    return c.json(await escalationOptions(c.var.deps.db, requestId, config.publicUrl, offeredProviders(config)), 200);
  },
);

escalationRoutes.openapi(
  createRoute({
    method: 'post',
    path: '/requests/{id}/escalations/link',
    tags,
    summary: 'Link the request to a conversation that already exists (checked against the destination); no conversation is created',
    description: '409 with details.linkedTo (the request key and title) when the conversation is already linked to another request and confirm is not true.',
    security,
    middleware: staff,
    request: { params: IdParam, body: jsonBody(z.strictObject({ destination: Destination, conversationId: ConversationId, confirm: z.boolean().optional() })) },
    responses: { 202: json(EscalationSchema, 'Accepted: the back-link is being posted'), ...errors(400, 401, 403, 404, 409, 422, 502) },
  }),
  async (c) => {
    const actor = requireUser(c);
    const requestId = await requestIdOr404(c, c.req.valid('param').id);
    const body = c.req.valid('json');
    const destination = destinationOf(c, body.destination);
    return c.json(await linkExistingConversation(c.var.deps, actor, requestId, destination, body.conversationId, body.confirm ?? false), 202);
  },
);

escalationRoutes.openapi(
  createRoute({
    method: 'get',
    path: '/escalations/{id}',
    tags,
    summary: 'One escalation, with its state and the conversation id and link once created',
    security,
    middleware: staff,
    request: { params: IdParam },
    responses: { 200: json(EscalationSchema), ...errors(401, 403, 404) },
  }),
  async (c) => {
    const view = await getEscalationView(c.var.deps.db, c.req.valid('param').id);
    if (!view) throw notFound('Escalation');
    return c.json(view, 200);
  },
);

escalationRoutes.openapi(
  createRoute({
    method: 'post',
    path: '/escalations/{id}/retry',
    tags,
    summary: 'Retry a failed escalation from the step that failed, optionally to another queue or team',
    description:
      'Without a body, delivery starts again from the step that failed. With queueId or teamId (an enabled one), a failed escalation that created nothing goes there instead, e.g. when its queue was deleted in Kustomer (409 when the conversation already exists).',
    security,
    middleware: staff,
    request: {
      params: IdParam,
      body: {
        required: false,
        content: {
          'application/json': { schema: z.strictObject({ queueId: z.string().min(1).max(100).optional(), teamId: z.string().min(1).max(100).optional() }) },
        },
      },
    },
    responses: { 202: json(EscalationSchema, 'Accepted'), ...errors(400, 401, 403, 404, 409, 422) },
  }),
  async (c) => c.json(await retryEscalation(c.var.deps, requireUser(c), c.req.valid('param').id, c.req.valid('json') ?? {}), 202),
);

escalationRoutes.openapi(
  createRoute({
    method: 'post',
    path: '/escalations/{id}/relink',
    tags,
    summary: 'Re-link by hand to a conversation id (checked against the destination), then post the back-link',
    description: '409 with details.linkedTo (the request key and title) when the conversation is already linked to another request and confirm is not true.',
    security,
    middleware: staff,
    request: { params: IdParam, body: jsonBody(z.strictObject({ conversationId: ConversationId, confirm: z.boolean().optional() })) },
    responses: { 202: json(EscalationSchema, 'Accepted'), ...errors(400, 401, 403, 404, 409, 422, 502) },
  }),
  async (c) => {
    const body = c.req.valid('json');
    return c.json(await relinkEscalation(c.var.deps, requireUser(c), c.req.valid('param').id, body.conversationId, body.confirm ?? false), 202);
  },
);

const NoteBody = z.strictObject({ body: z.string().trim().min(1, 'must not be empty').max(20_000) });
const NoteAccepted = z.object({
  entryId: z.string().openapi({ description: "The note's entry on the request timeline; its state follows as entries naming it" }),
});

escalationRoutes.openapi(
  createRoute({
    method: 'post',
    path: '/escalations/{id}/notes',
    tags,
    summary: 'Note to the destination: post an internal note on the linked conversation (recorded on the request as internal)',
    description:
      'Answers 202 once the note is recorded on the request (internal entry `sync.note_to_remote`) and queued; it is posted exactly once, ' +
      'then `sync.note_to_remote_sent` or `sync.note_to_remote_failed` (with the reason) names it. 409 when the escalation has no conversation yet.',
    security,
    middleware: staff,
    request: { params: IdParam, body: jsonBody(NoteBody) },
    responses: { 202: json(NoteAccepted, 'Accepted: the note is being posted'), ...errors(400, 401, 403, 404, 409) },
  }),
  async (c) => c.json(await submitNote(c.var.deps.db, requireUser(c), c.req.valid('param').id, c.req.valid('json').body, c.var.deps.now()), 202),
);

escalationRoutes.openapi(
  createRoute({
    method: 'post',
    path: '/escalations/{id}/notes/{entryId}/retry',
    tags,
    summary: 'Post a note that failed again (it is looked for first, so it is never posted twice)',
    security,
    middleware: staff,
    request: {
      params: IdParam.extend({
        entryId: z
          .string()
          .regex(/^\d{1,18}$/)
          .openapi({ param: { name: 'entryId', in: 'path' } }),
      }),
    },
    responses: { 202: json(NoteAccepted, 'Accepted'), ...errors(400, 401, 403, 404, 409) },
  }),
  async (c) => {
    const { id, entryId } = c.req.valid('param');
    return c.json(await retryNote(c.var.deps.db, requireUser(c), id, entryId, c.var.deps.now()), 202);
  },
);
