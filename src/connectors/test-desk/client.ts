/** The test destination's client: the DestinationClient contract over an in-memory desk (desk.ts), no I/O. */
import { atStep, ConnectorError } from '../kit/errors.ts';
import type { DestinationClient, RemoteTicket } from '../../core/destination.ts';
import { type DeskCall, type DeskFailure, findTestDesk, newId, type TestDesk } from './desk.ts';

const failure = (f: DeskFailure) =>
  f.kind === 'auth'
    ? new ConnectorError('auth', 'The desk refused the key', { status: 401, vendorMessage: 'Bad key' })
    : f.kind === 'permanent'
      ? new ConnectorError('permanent', 'The desk refused the request', { status: 422, vendorMessage: 'Refused by the test desk', reason: 'http' })
      : new ConnectorError('retryable', 'The desk is busy', { status: 503, retryAfterMs: f.retryAfterMs, reason: 'server_error' });

export function createTestDeskClient(account: string, secret: string): DestinationClient {
  /** Every call: the key is checked, an injected failure is thrown before the write, or after it (a lost reply). */
  async function call<T>(name: DeskCall, fn: (desk: TestDesk) => T): Promise<T> {
    const desk = findTestDesk(account);
    if (!desk || desk.secret !== secret) throw failure({ kind: 'auth' });
    desk.calls.push(name);
    const f = desk.takeFailure(name);
    if (f && !f.lostReply) throw failure(f);
    const result = fn(desk);
    if (f) throw failure(f);
    return structuredClone(result);
  }
  const ticket = (desk: TestDesk, id: string) => {
    const t = desk.tickets.find((x) => x.remoteId === id);
    if (!t) throw new ConnectorError('permanent', `No ticket ${id}`, { status: 404, vendorMessage: 'Not found', reason: 'http' });
    return t;
  };
  /** A note or message, added once: with `mayExist` (a re-run) the one an earlier run added is found by its external id. */
  async function addEntryOnce(kind: 'note' | 'message', ticketId: string, body: string, externalId: string, mayExist: boolean) {
    const find = (desk: TestDesk) => desk.entries.some((x) => x.kind === kind && x.ticketId === ticketId && x.externalId === externalId);
    if (mayExist && (await call('findEntry', find))) return;
    await call('addEntry', (desk) => void desk.entries.push({ remoteId: newId(), ticketId: ticket(desk, ticketId).remoteId, kind, body, externalId }));
  }

  return {
    checkKey: () => call('checkKey', (desk) => ({ missing: [], missingRequired: [], account: desk.account })),
    listTargets: () => call('listTargets', (desk) => desk.targets),
    // No contacts here: the ticket carries the requester's email, so opening starts at the ticket.
    async openTicket(request, cp) {
      if (!cp.progress.ticketId) {
        const { escalationId: externalId, target } = request;
        const existing = cp.mayHaveCreated
          ? await atStep('conversation', () => call('findTicket', (d) => d.tickets.find((t) => t.externalId === externalId) ?? null))
          : null;
        const created =
          existing ??
          (await atStep('conversation', () =>
            call('createTicket', (desk) => {
              const remoteId = newId();
              const t: RemoteTicket = {
                remoteId,
                externalId,
                contactId: request.contact.email,
                status: 'open',
                subject: request.subject,
                priority: request.priority,
                subStatus: null,
                snoozedUntil: null,
                assignee: target?.kind === 'team' ? { userId: null, userName: null, teamId: target.remoteId, teamName: null } : null,
                queue: target?.kind === 'queue' ? { id: target.remoteId, name: null } : null,
                lastActivityAt: null,
                channels: [],
                customValues: {},
                url: `https://${desk.account}.test-desk.invalid/tickets/${remoteId}`,
                updatedAt: new Date().toISOString(),
              };
              desk.tickets.push(t);
              return t;
            }),
          ));
        await cp.commit({ step: 'conversation', ticket: created, found: existing !== null });
      }
      const ticketId = cp.progress.ticketId!;
      if (!cp.progress.messagePosted) {
        const { body } = request.message;
        await atStep('message', () => addEntryOnce('message', ticketId, body, `${request.escalationId}:message`, cp.mayHaveCreated));
        cp.defer({ step: 'message' });
      }
      const { note } = request.backLink;
      await atStep('link', () => addEntryOnce('note', ticketId, note, `${request.escalationId}:note`, cp.mayHaveCreated));
    },
    addNote: (ticketId, note, { mayExist }) => addEntryOnce('note', ticketId, note.body, note.externalId, mayExist),
    getTicket: (id) => call('getTicket', (desk) => desk.tickets.find((t) => t.remoteId === id) ?? null),
    updateTicket: (id, change) =>
      call('updateTicket', (desk) => {
        const t = ticket(desk, id);
        if (change.status) t.status = change.status;
        if (change.priority !== undefined) t.priority = change.priority;
        if (change.customValues) t.customValues = { ...t.customValues, ...change.customValues };
        t.updatedAt = new Date().toISOString();
        return t;
      }),
    listTicketFields: () => Promise.resolve([]),
    ticketsUpdatedSince: (since) =>
      call('ticketsUpdatedSince', (desk) =>
        desk.tickets.filter((t) => t.updatedAt >= since.toISOString()).sort((a, b) => a.updatedAt.localeCompare(b.updatedAt)),
      ),
    subscribe: (url, secret) =>
      call('subscribe', (desk) => {
        desk.subscription = { remoteId: newId(), url, secret, enabled: true };
        return { remoteId: desk.subscription.remoteId, signingKey: null };
      }),
    getSubscription: (remoteId) =>
      call('getSubscription', (desk) => {
        const s = desk.subscription?.remoteId === remoteId ? desk.subscription : null;
        return s && { remoteId: s.remoteId, enabled: s.enabled, failing: !s.enabled, changedAt: null };
      }),
    updateSubscription: (remoteId, change) =>
      call('updateSubscription', (desk) => {
        if (desk.subscription?.remoteId !== remoteId) throw new ConnectorError('permanent', `No subscription ${remoteId}`, { status: 404, reason: 'http' });
        if (change.enabled) desk.subscription.enabled = true;
        if (change.secret) desk.subscription.secret = change.secret;
      }),
    unsubscribe: (remoteId) =>
      call('unsubscribe', (desk) => {
        if (desk.subscription?.remoteId === remoteId) desk.subscription = null;
      }),
  };
}
