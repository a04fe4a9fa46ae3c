import { describe, expect, it } from 'vitest';
import { ConnectorError } from '../kit/errors.ts';
import { createTestDeskClient } from './client.ts';
import { createTestDesk } from './desk.ts';
import { readDeskWebhook, SECRET_HEADER } from './webhook.ts';

const ticketInput = { contactId: 'c1', subject: 'Help', externalId: 'esc-1', priority: 3, queueId: 'q-support' };

describe('the test desk', () => {
  it('refuses an unknown account or a wrong key as an auth failure', async () => {
    const desk = createTestDesk();
    for (const client of [createTestDeskClient(desk.account, 'wrong'), createTestDeskClient('no-such-desk', desk.secret)]) {
      await expect(client.checkKey()).rejects.toMatchObject({ kind: 'auth', status: 401 });
    }
    expect(await createTestDeskClient(desk.account, desk.secret).checkKey()).toEqual({ missing: [], missingRequired: [], account: desk.account });
  });

  it('keeps a write whose reply was lost, so a retry finds it by its external id instead of writing twice', async () => {
    const desk = createTestDesk();
    const client = createTestDeskClient(desk.account, desk.secret);
    desk.failNext({ kind: 'retryable', lostReply: true, call: 'createTicket' });
    await expect(client.listQueues()).resolves.toHaveLength(1);
    await expect(client.createTicket(ticketInput)).rejects.toMatchObject({ kind: 'retryable' });
    const found = await client.findTicketByExternalId('esc-1');
    expect(found).toMatchObject({ externalId: 'esc-1', status: 'open', targetQueueId: 'q-support' });
    expect(desk.tickets).toHaveLength(1);
    await client.addNote(found!.remoteId, { body: 'link', externalId: 'note-1' });
    expect(await client.findNote(found!.remoteId, 'note-1')).toEqual({ remoteId: desk.entries[0]!.remoteId });
    expect(await client.findMessage(found!.remoteId, 'note-1')).toBeNull();
  });

  it('fails the next calls the way it is told, before writing anything', async () => {
    const desk = createTestDesk();
    const client = createTestDeskClient(desk.account, desk.secret);
    desk.failNext({ kind: 'retryable', retryAfterMs: 1500 });
    desk.failNext({ kind: 'permanent' });
    desk.failNext({ kind: 'auth' });
    const errors = [];
    for (let i = 0; i < 3; i++) errors.push(await client.createTicket(ticketInput).catch((e: unknown) => e as ConnectorError));
    expect(errors.map((e) => [(e as ConnectorError).kind, (e as ConnectorError).detail.retryAfterMs])).toEqual([
      ['retryable', 1500],
      ['permanent', undefined],
      ['auth', undefined],
    ]);
    expect(desk.tickets).toEqual([]);
    expect((await client.createTicket(ticketInput)).externalId).toBe('esc-1');
  });

  it('lists tickets changed since a time, oldest first, after a change in the desk', async () => {
    const desk = createTestDesk();
    const client = createTestDeskClient(desk.account, desk.secret);
    const t = await client.createTicket(ticketInput);
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
