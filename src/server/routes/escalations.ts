/** Escalate a request into a destination, follow it, retry it, re-link it. Staff only. */
import { z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { offeredProvider, offeredProviders } from '../../connectors/registry.ts';
import { AppError, notFound } from '../../core/errors.ts';
import { getEscalationView, listRequestEscalations } from '../../db/repositories/escalations.ts';
import { linkExistingConversation, relinkEscalation, retryEscalation } from '../../usecases/escalation-actions.ts';
import { findConversations } from '../../usecases/find-conversations.ts';
import { unlinkEscalation } from '../../usecases/unlink-escalation.ts';
import { escalationOptions } from '../../usecases/escalation-options.ts';
import { submitEscalation } from '../../usecases/submit-escalation.ts';
import { retryNote, submitNote } from '../../usecases/sync/send-note.ts';
import { requireUser } from '../auth/guards.ts';
import type { AppEnv } from '../context.ts';
import { errors, IdParam, json, jsonBody, jsonItems, requestIdOr404, router, securedRoute } from '../openapi.ts';
import {
  ConversationCandidatesSchema,
  Destination,
  EscalateBodySchema,
  EscalationOptionsSchema,
  EscalationSchema,
  LinkConversationBodySchema,
  NoteAcceptedSchema,
  NoteBodySchema,
  RelinkBodySchema,
  RetryEscalationBodySchema,
} from '../schemas/escalation.ts';

export const escalationRoutes = router();
const tags = ['Escalations'];

/** The body's destination when this deployment offers it; else the body is malformed there (400), as for any bad field. */
function destinationOf(c: Context<AppEnv>, id: string) {
  const provider = offeredProvider(id, c.var.deps.config);
  if (provider) return provider;
  const issue = { path: 'destination', message: `Unknown destination: expected one of ${offeredProviders(c.var.deps.config).join(', ')}` };
  throw new AppError('validation_failed', `Invalid body: destination: ${issue.message}`, { issues: [issue] });
}
escalationRoutes.openapi(
  securedRoute('staff', {
    method: 'post',
    path: '/requests/{id}/escalations',
    tags,
    summary: 'Escalate a request: creates the conversation in the background and answers at once',
    description:
      'Answers 202 with the escalation in state "sending"; follow it with GET /escalations/{id}. 409 when another escalation of the request is open and confirm is not true.',
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
  securedRoute('staff', {
    method: 'get',
    path: '/requests/{id}/escalations',
    tags,
    summary: "The request's escalations, newest first",
    request: { params: IdParam },
    responses: { 200: jsonItems(EscalationSchema), ...errors(401, 403, 404) },
  }),
  async (c) => {
    const requestId = await requestIdOr404(c, c.req.valid('param').id);
    return c.json({ items: await listRequestEscalations(c.var.deps.db, requestId) }, 200);
  },
);

escalationRoutes.openapi(
  securedRoute('staff', {
    method: 'get',
    path: '/requests/{id}/escalation-options',
    tags,
    summary: 'What the Escalate form offers: destinations with enabled queues/teams, channels, priority range, and a pre-filled subject and message',
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
  securedRoute('staff', {
    method: 'post',
    path: '/requests/{id}/escalations/link',
    tags,
    summary: 'Link the request to a conversation that already exists (checked against the destination); no conversation is created',
    description:
      'conversationId may be the id or a link to the conversation in any of the destination\'s shapes. 422 when it names no conversation of the connected account (a link of another Kustomer org: details.reason "other_account"). 409 with details.linkedTo (the request key and title) when the conversation is already linked to another request and confirm is not true.',
    request: {
      params: IdParam,
      body: jsonBody(LinkConversationBodySchema),
    },
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
  securedRoute('staff', {
    method: 'get',
    path: '/requests/{id}/escalations/link-candidates',
    tags,
    summary: 'Find a conversation to link: a pasted link or id is looked up; anything else is searched for (a customer email, words of the subject)',
    description:
      'Searches are budgeted per connected account (Kustomer allows an API key 100 searches a minute): past the budget, 429 with details.retryAt and ' +
      'details.retryAfterSeconds (and a Retry-After header), without calling the destination. A link or id never spends the search budget. ' +
      'Each conversation says which other request holds it (linkedTo). 422 for a link of another account or one that opens no conversation.',
    request: {
      params: IdParam,
      query: z.object({
        destination: Destination,
        q: z.string().trim().min(1).max(2000).openapi({ description: 'A conversation link or id, a customer email, or words of the subject' }),
      }),
    },
    responses: { 200: json(ConversationCandidatesSchema), ...errors(400, 401, 403, 404, 422, 429, 502) },
  }),
  async (c) => {
    const requestId = await requestIdOr404(c, c.req.valid('param').id);
    const { destination, q } = c.req.valid('query');
    try {
      return c.json(await findConversations(c.var.deps, requestId, destinationOf(c, destination), q), 200);
    } catch (err) {
      const retryAfter =
        err instanceof AppError && err.code === 'rate_limited' ? (err.details as { retryAfterSeconds?: number } | undefined)?.retryAfterSeconds : undefined;
      if (retryAfter) c.header('Retry-After', String(retryAfter));
      throw err;
    }
  },
);

escalationRoutes.openapi(
  securedRoute('staff', {
    method: 'post',
    path: '/escalations/{id}/unlink',
    tags,
    summary: 'Unlink: end the link to the conversation; nothing syncs it afterwards, history stays on both sides, and a note on the conversation says so',
    description:
      'Answers 200 with the escalation in state "unlinked" and an `escalation.unlinked` timeline entry; the note is posted on the conversation once, in ' +
      'the background (`escalation.unlink_noted`, or `escalation.unlink_note_failed` with the reason). Unlinking again changes nothing. 409 for an ' +
      'escalation still being sent or one that created no conversation. The conversation can be linked again later.',
    request: { params: IdParam },
    responses: { 200: json(EscalationSchema, 'Unlinked'), ...errors(401, 403, 404, 409) },
  }),
  async (c) => {
    const { db, now, config } = c.var.deps;
    return c.json(await unlinkEscalation({ db, now, publicUrl: config.publicUrl }, requireUser(c), c.req.valid('param').id), 200);
  },
);

escalationRoutes.openapi(
  securedRoute('staff', {
    method: 'get',
    path: '/escalations/{id}',
    tags,
    summary: 'One escalation, with its state and the conversation id and link once created',
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
  securedRoute('staff', {
    method: 'post',
    path: '/escalations/{id}/retry',
    tags,
    summary: 'Retry a failed escalation from the step that failed, optionally to another queue or team',
    description:
      'Without a body, delivery starts again from the step that failed. With queueId or teamId (an enabled one), a failed escalation that created nothing goes there instead, e.g. when its queue was deleted in Kustomer (409 when the conversation already exists).',
    request: {
      params: IdParam,
      body: { required: false, content: { 'application/json': { schema: RetryEscalationBodySchema } } },
    },
    responses: { 202: json(EscalationSchema, 'Accepted'), ...errors(400, 401, 403, 404, 409, 422) },
  }),
  async (c) => c.json(await retryEscalation(c.var.deps, requireUser(c), c.req.valid('param').id, c.req.valid('json') ?? {}), 202),
);

escalationRoutes.openapi(
  securedRoute('staff', {
    method: 'post',
    path: '/escalations/{id}/relink',
    tags,
    summary: 'Re-link by hand to a conversation id (checked against the destination), then post the back-link',
    description: '409 with details.linkedTo (the request key and title) when the conversation is already linked to another request and confirm is not true.',
    request: { params: IdParam, body: jsonBody(RelinkBodySchema) },
    responses: { 202: json(EscalationSchema, 'Accepted'), ...errors(400, 401, 403, 404, 409, 422, 502) },
  }),
  async (c) => {
    const body = c.req.valid('json');
    return c.json(await relinkEscalation(c.var.deps, requireUser(c), c.req.valid('param').id, body.conversationId, body.confirm ?? false), 202);
  },
);

escalationRoutes.openapi(
  securedRoute('staff', {
    method: 'post',
    path: '/escalations/{id}/notes',
    tags,
    summary: 'Note to the destination: post an internal note on the linked conversation (recorded on the request as internal)',
    description:
      'Answers 202 once the note is recorded on the request (internal entry `sync.note_to_remote`) and queued; it is posted exactly once, ' +
      'then `sync.note_to_remote_sent` or `sync.note_to_remote_failed` (with the reason) names it. 409 when the escalation has no conversation yet.',
    request: { params: IdParam, body: jsonBody(NoteBodySchema) },
    responses: { 202: json(NoteAcceptedSchema, 'Accepted: the note is being posted'), ...errors(400, 401, 403, 404, 409, 422) },
  }),
  async (c) => {
    const { body, attachmentIds } = c.req.valid('json');
    const attaching = { ids: attachmentIds ?? [], limits: c.var.deps.config.attachments };
    return c.json(await submitNote(c.var.deps.db, requireUser(c), c.req.valid('param').id, body, c.var.deps.now(), attaching), 202);
  },
);

escalationRoutes.openapi(
  securedRoute('staff', {
    method: 'post',
    path: '/escalations/{id}/notes/{entryId}/retry',
    tags,
    summary: 'Post a note that failed again (it is looked for first, so it is never posted twice)',
    request: {
      params: IdParam.extend({
        entryId: z
          .string()
          .regex(/^\d{1,18}$/)
          .openapi({ param: { name: 'entryId', in: 'path' } }),
      }),
    },
    responses: { 202: json(NoteAcceptedSchema, 'Accepted'), ...errors(400, 401, 403, 404, 409) },
  }),
  async (c) => {
    const { id, entryId } = c.req.valid('param');
    return c.json(await retryNote(c.var.deps.db, requireUser(c), id, entryId, c.var.deps.now()), 202);
  },
);
