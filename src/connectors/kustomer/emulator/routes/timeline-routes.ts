/** Notes and messages on a conversation (docs/kustomer.md §5): create (201) and list (paginated, 100 max). */
import type { Hono } from 'hono';
import { CreateMessageBody, CreateNoteBody } from '../../wire.ts';
import { actorOf, requireRole, type ApiContext, type ApiEnv } from '../api-env.ts';
import type { EmulatorDeps } from '../emulator-deps.ts';
import { kustomerError } from '../kustomer-error.ts';
import { listReply } from '../pagination.ts';
import { renderMessage, renderNote } from '../render-records.ts';
import { readJsonBody } from '../request-body.ts';
import { REQUIRED } from '../required-roles.ts';
import { findInOrg, inOrg } from '../store.ts';
import { addMessage, addNote } from '../timeline-writes.ts';

export function registerTimelineRoutes(app: Hono<ApiEnv>, deps: EmulatorDeps): void {
  const { store } = deps;

  const conversationId = (c: ApiContext) => {
    const id = c.req.param('id') ?? '';
    if (!findInOrg(store.conversations, c.var.auth.org.id, id)) throw kustomerError(404, `conversation ${id} not found`);
    return id;
  };

  app.post('/v1/conversations/:id/notes', async (c) => {
    requireRole(c, REQUIRED.noteCreate);
    const id = conversationId(c);
    const body = readJsonBody(c, CreateNoteBody);
    return c.json({ data: renderNote(addNote(deps, actorOf(c), id, body)) }, 201);
  });

  app.get('/v1/conversations/:id/notes', (c) => {
    requireRole(c, REQUIRED.noteRead);
    const id = conversationId(c);
    const notes = inOrg(store.notes, c.var.auth.org.id).filter((n) => n.conversationId === id);
    return listReply(c, notes.map(renderNote), 100);
  });

  app.post('/v1/conversations/:id/messages', async (c) => {
    requireRole(c, REQUIRED.messageCreate);
    const id = conversationId(c);
    const body = readJsonBody(c, CreateMessageBody);
    return c.json({ data: renderMessage(addMessage(deps, actorOf(c), id, body)) }, 201);
  });

  app.get('/v1/conversations/:id/messages', (c) => {
    requireRole(c, REQUIRED.messageRead);
    const id = conversationId(c);
    const messages = inOrg(store.messages, c.var.auth.org.id).filter((m) => m.conversationId === id);
    return listReply(c, messages.map(renderMessage), 100);
  });
}
