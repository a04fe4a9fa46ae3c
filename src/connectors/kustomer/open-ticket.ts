/**
 * Opens a Kustomer conversation for a request, one idempotent step at a time:
 *   customer (find by email, else create) → the first message's files (each uploaded once, attachments.ts) →
 *   conversation (find by external id = escalation id, else create, with its tags and assignee; then its sub-status,
 *   docs/kustomer.md §28–§29) → first message (sets the channel, docs/kustomer.md §7; references the files) →
 *   back-link note.
 * Files go before the conversation exists, so Kustomer's agents never see it empty while large files upload; their
 * failures name the "message" step they belong to.
 * Each step's result goes to the platform's checkpoints before the next step's call is answered, and a run that
 * follows one which may have created something looks first (its reply may have been lost), by the external ids
 * Kustomer stores and looks up (docs/kustomer.md §5). So a retry after a crash, a timeout or a lost reply never makes
 * a second conversation, message or note.
 */
import type { FileCheckpoints, OpenCheckpoints, OutgoingFile, TicketRequest } from '../../core/destination.ts';
import { atStep, ConnectorError } from '../kit/errors.ts';
import { withRefs, type KustomerAttachments } from './attachments.ts';
import type { KustomerClient } from './client.ts';
import { listQueues } from './directory.ts';

export async function openTicket(client: KustomerClient, files: KustomerAttachments, request: TicketRequest, cp: OpenCheckpoints): Promise<void> {
  const { progress } = cp;
  if (!progress.ticketId && !progress.contactId) {
    const { email, name } = request.contact;
    const found = await atStep('contact', () => client.findContactByEmail(email));
    const contact = found ?? (await atStep('contact', () => client.createContact({ name, email })));
    const checkpoint = { step: 'contact' as const, contactId: contact.remoteId, email, found: found !== null };
    // A customer we created is committed at once (a retry would find it and call it matched); a found one rides along.
    if (found) cp.defer(checkpoint);
    else await cp.commit(checkpoint);
  }

  const attachments = progress.messagePosted ? [] : await atStep('message', () => files.sendFiles(request.message.attachments, cp.files));

  // The conversation is saved while the message goes out: a crash before that commit leaves a conversation the
  // retry finds by its external id. Awaited before anything else is written, so writes keep their order.
  let saving: Promise<void> = Promise.resolve();
  if (!progress.ticketId) {
    const existing = cp.mayHaveCreated ? await atStep('conversation', () => client.findTicketByExternalId(request.escalationId)) : null;
    let ticket = existing ?? (await atStep('conversation', () => createConversation(client, request, progress.contactId!)));
    // Kustomer's create body has no sub-status; its update body has (docs/kustomer.md §28), so it follows at once,
    // before the conversation is committed: a crash in between leaves a conversation the retry finds and sets again.
    const subStatus = request.subStatus;
    if (subStatus && ticket.subStatus !== subStatus) ticket = await atStep('conversation', () => client.updateTicket(ticket.remoteId, { subStatus }));
    saving = cp.commit({ step: 'conversation', ticket, found: existing !== null });
  }
  saving.catch(() => {}); // awaited below
  try {
    if (!progress.messagePosted) {
      const externalId = `${request.escalationId}:message`;
      const ticketId = progress.ticketId!;
      const posted = cp.mayHaveCreated && (await atStep('message', () => client.listMessages(ticketId))).some((m) => m.attributes.externalId === externalId);
      const { body, channel } = request.message;
      if (!posted) {
        await atStep('message', () => client.addMessage(ticketId, { channel: channel ?? 'email', body, subject: request.subject, externalId, attachments }));
      }
      cp.defer({ step: 'message' }); // a retry finds it by its external id
    }
  } finally {
    await saving;
  }

  const ticketId = progress.ticketId!;
  const note = { body: request.backLink.note, externalId: `${request.escalationId}:note` };
  await atStep('link', () => addNoteOnce(client, files, ticketId, note, { mayExist: cp.mayHaveCreated }));
}

/**
 * Adds a note unless, on a retry, the one an earlier attempt added (by our external id) is there already; its files
 * are uploaded first, each once over the platform's per-file checkpoints, and referenced by the note.
 */
export async function addNoteOnce(
  client: KustomerClient,
  files: KustomerAttachments,
  ticketId: string,
  note: { body: string; externalId: string; attachments?: OutgoingFile[] },
  opts: { mayExist: boolean; files?: FileCheckpoints },
) {
  if (opts.mayExist && (await client.listNotes(ticketId)).some((n) => n.attributes.externalId === note.externalId)) return;
  const refs = await files.sendFiles(note.attachments, opts.files);
  await client.addNote(ticketId, withRefs({ body: note.body, externalId: note.externalId }, refs));
}

/**
 * Creates the conversation. Kustomer refuses a create naming a deleted queue with a bare 4xx, so a refusal with a
 * queue reads the queues: when it is gone, the failure says so in words an agent can act on (the platform marks the
 * queue unavailable until a re-sync).
 */
async function createConversation(client: KustomerClient, request: TicketRequest, contactId: string) {
  const { target } = request;
  try {
    return await client.createTicket({
      contactId,
      subject: request.subject,
      externalId: request.escalationId,
      priority: request.priority,
      queueId: target?.kind === 'queue' ? target.remoteId : null,
      // The target team first (where it was routed), then a team picked as the assignee (docs/kustomer.md §29).
      teamIds: [target?.kind === 'team' ? target.remoteId : null, request.assignee?.kind === 'team' ? request.assignee.remoteId : null].filter(
        (x): x is string => x !== null,
      ),
      userIds: request.assignee?.kind === 'user' ? [request.assignee.remoteId] : [],
      tags: request.tags ?? [],
    });
  } catch (err) {
    if (!(err instanceof ConnectorError) || err.kind !== 'permanent' || err.detail.reason === 'missing_permission' || target?.kind !== 'queue') throw err;
    const queues = await listQueues(client).catch(() => null);
    if (!queues || queues.some((q) => q.remoteId === target.remoteId)) throw err;
    throw new ConnectorError('permanent', 'The queue no longer exists in Kustomer', { ...err.detail, reason: 'target_missing' });
  }
}
