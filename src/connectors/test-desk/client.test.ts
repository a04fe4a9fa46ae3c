import { describe, expect, it } from 'vitest';
import { ConnectorError } from '../kit/errors.ts';
import { createTestDeskClient } from './client.ts';
import { createTestDesk } from './desk.ts';
import { readDeskWebhook, SECRET_HEADER } from './webhook.ts';

import type { OpenCheckpoint, OpenCheckpoints, TicketRequest } from '../../core/destination.ts';

const request = (escalationId: string): TicketRequest => ({
  escalationId,
  subject: 'Help',
  message: { body: 'It broke', channel: null },
  priority: 3,
  target: { kind: 'queue', remoteId: 'q-support' },
  contact: { name: 'Riley', email: 'riley@example.com' },
  backLink: { url: 'https://desk.example.com/requests/REQ-1', note: 'Linked to REQ-1' },
});

/** The platform's side of opening, kept in memory: what a run committed is there for the next run. */
function checkpoints(mayHaveCreated: boolean, progress = { contactId: null as string | null, ticketId: null as string | null, messagePosted: false }) {
  const kept: OpenCheckpoint[] = [];
  const apply = (c: OpenCheckpoint) => {
    kept.push(c);
    if (c.step === 'conversation') progress.ticketId = c.ticket.remoteId;
    if (c.step === 'message') progress.messagePosted = true;
  };
  const cp: OpenCheckpoints = { progress, mayHaveCreated, commit: async (c) => apply(c), defer: apply };
  return { cp, kept, progress };
}

describe('the test desk', () => {
  it('refuses an unknown account or a wrong key as an auth failure', async () => {
    const desk = createTestDesk();
    for (const client of [createTestDeskClient(desk.account, 'wrong'), createTestDeskClient('no-such-desk', desk.secret)]) {
      await expect(client.checkKey()).rejects.toMatchObject({ kind: 'auth', status: 401 });
    }
    expect(await createTestDeskClient(desk.account, desk.secret).checkKey()).toEqual({ missing: [], missingRequired: [], account: desk.account });
  });

  it('keeps a write whose reply was lost, so a re-run finds it by its external id instead of writing twice', async () => {
    const desk = createTestDesk();
    const client = createTestDeskClient(desk.account, desk.secret);
    desk.failNext({ kind: 'retryable', lostReply: true, call: 'createTicket' });
    await expect(client.listTargets()).resolves.toHaveLength(2);
    const first = checkpoints(false);
    await expect(client.openTicket(request('esc-1'), first.cp)).rejects.toMatchObject({ kind: 'retryable', detail: { step: 'conversation' } });
    expect(first.kept).toEqual([]);
    const second = checkpoints(true);
    await client.openTicket(request('esc-1'), second.cp);
    expect(second.kept[0]).toMatchObject({
      step: 'conversation',
      found: true,
      ticket: { externalId: 'esc-1', status: 'open', queue: { id: 'q-support', name: null } },
    });
    expect(desk.tickets).toHaveLength(1);
    // A third run after a lost reply on the note finds the message and the note instead of adding them again.
    await client.openTicket(request('esc-1'), checkpoints(true, { ...second.progress, messagePosted: false }).cp);
    expect(desk.entries.map((e) => e.kind)).toEqual(['message', 'note']);
  });

  it('fails the next calls the way it is told, before writing anything', async () => {
    const desk = createTestDesk();
    const client = createTestDeskClient(desk.account, desk.secret);
    desk.failNext({ kind: 'retryable', retryAfterMs: 1500 });
    desk.failNext({ kind: 'permanent' });
    desk.failNext({ kind: 'auth' });
    const errors = [];
    for (let i = 0; i < 3; i++) errors.push(await client.openTicket(request('esc-1'), checkpoints(false).cp).catch((e: unknown) => e as ConnectorError));
    expect(errors.map((e) => [(e as ConnectorError).kind, (e as ConnectorError).detail.retryAfterMs])).toEqual([
      ['retryable', 1500],
      ['permanent', undefined],
      ['auth', undefined],
    ]);
    expect(desk.tickets).toEqual([]);
    await client.openTicket(request('esc-1'), checkpoints(false).cp);
    expect(desk.tickets.map((t) => t.externalId)).toEqual(['esc-1']);
  });

  it('lists tickets changed since a time, oldest first, after a change in the desk', async () => {
    const desk = createTestDesk();
    const client = createTestDeskClient(desk.account, desk.secret);
    await client.openTicket(request('esc-1'), checkpoints(false).cp);
    const t = desk.tickets[0]!;
    const since = new Date();
    expect(await client.ticketsUpdatedSince(new Date(since.getTime() + 60_000))).toEqual([]);
    desk.setStatus(t.remoteId, 'closed');
    expect(await client.ticketsUpdatedSince(since)).toEqual([expect.objectContaining({ remoteId: t.remoteId, status: 'closed' })]);
  });

  it('reads a webhook event only with an accepted secret header', () => {
    const body = JSON.stringify({
      id: 'ev1',
      createdAt: '2026-01-01T00:00:00Z',
      ticket: { id: 't1', status: 'closed', updatedAt: '2026-01-01T00:00:00Z' },
    });
    const headers = (secret: string) => new Headers({ [SECRET_HEADER]: secret });
    expect(readDeskWebhook(body, headers('s1'), ['s0', 's1'])).toEqual({
      kind: 'ticket',
      eventId: 'ev1',
      createdAt: '2026-01-01T00:00:00Z',
      remoteId: 't1',
      status: 'closed',
      updatedAt: '2026-01-01T00:00:00Z',
    });
    expect(readDeskWebhook(body, headers('forged'), ['s1'])).toBeNull();
    expect(readDeskWebhook('not json', headers('s1'), ['s1'])).toBeNull();
  });
});
