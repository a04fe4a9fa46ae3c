/** The test destination's client: the DestinationClient contract over an in-memory desk (desk.ts), no I/O. */
import { ConnectorError } from '../kit/errors.ts';
import type { DestinationClient, RemoteTicket } from '../../core/destination.ts';
import { type DeskFailure, findTestDesk, newId, type TestDesk } from './desk.ts';

const failure = (f: DeskFailure) =>
  f.kind === 'auth'
    ? new ConnectorError('auth', 'The desk refused the key', { status: 401, vendorMessage: 'Bad key' })
    : f.kind === 'permanent'
      ? new ConnectorError('permanent', 'The desk refused the request', { status: 422, vendorMessage: 'Refused by the test desk', reason: 'http' })
      : new ConnectorError('retryable', 'The desk is busy', { status: 503, retryAfterMs: f.retryAfterMs, reason: 'server_error' });

export function createTestDeskClient(account: string, secret: string): DestinationClient {
  /** Every call: the key is checked, an injected failure is thrown before the write, or after it (a lost reply). */
  async function call<T>(name: keyof DestinationClient, fn: (desk: TestDesk) => T): Promise<T> {
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
  const entry = (kind: 'note' | 'message') => (ticketId: string, input: { body: string; externalId?: string }) =>
    call(kind === 'note' ? 'addNote' : 'addMessage', (desk) => {
      const e = { remoteId: newId(), ticketId: ticket(desk, ticketId).remoteId, kind, body: input.body, externalId: input.externalId ?? null };
      desk.entries.push(e);
      return { remoteId: e.remoteId };
    });
  const findEntry = (kind: 'note' | 'message') => (ticketId: string, externalId: string) =>
    call(kind === 'note' ? 'findNote' : 'findMessage', (desk) => {
      const e = desk.entries.find((x) => x.kind === kind && x.ticketId === ticketId && x.externalId === externalId);
      return e ? { remoteId: e.remoteId } : null;
    });

  return {
    checkKey: () => call('checkKey', (desk) => ({ missing: [], missingRequired: [], account: desk.account })),
    listQueues: () => call('listQueues', (desk) => desk.targets.filter((t) => t.kind === 'queue')),
    listTeams: () => call('listTeams', (desk) => desk.targets.filter((t) => t.kind === 'team')),
    findContactByEmail: (email) => call('findContactByEmail', (desk) => desk.contacts.find((c) => c.email === email) ?? null),
    createContact: ({ name, email }) =>
      call('createContact', (desk) => {
        const contact = { remoteId: newId(), name, email };
        desk.contacts.push(contact);
        return contact;
      }),
    findTicketByExternalId: (externalId) => call('findTicketByExternalId', (desk) => desk.tickets.find((t) => t.externalId === externalId) ?? null),
    createTicket: (input) =>
      call('createTicket', (desk) => {
        const remoteId = newId();
        const t: RemoteTicket = {
          remoteId,
          externalId: input.externalId,
          contactId: input.contactId,
          status: 'open',
          subject: input.subject,
          priority: input.priority,
          targetQueueId: input.queueId ?? null,
          targetTeamIds: input.teamId ? [input.teamId] : [],
          channels: [],
          customValues: input.customValues ?? {},
          url: `https://${desk.account}.test-desk.invalid/tickets/${remoteId}`,
          updatedAt: new Date().toISOString(),
        };
        desk.tickets.push(t);
        return t;
      }),
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
    addNote: entry('note'),
    findNote: findEntry('note'),
    addMessage: (ticketId, input) => entry('message')(ticketId, input),
    findMessage: findEntry('message'),
    listTicketFields: () => call('listTicketFields', () => []),
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
