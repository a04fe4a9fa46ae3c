/**
 * Reading Kustomer webhook deliveries in their recorded shapes (fixtures/webhook-event-*.json, shaped from
 * jasbanza/osl-kustomer-notifications-bot processor.php and pipedream's updated-conversation test event), and deciding
 * their authenticity by the secret header or the signature.
 */
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { isAuthentic, parseWebhook, SECRET_HEADER, SIGNATURE_HEADER } from './webhook.ts';

const fixture = (name: string) => JSON.parse(readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8')) as Record<string, any>;
const create = fixture('webhook-event-conversation-create.json');
const update = fixture('webhook-event-conversation-update.json');

describe('parseWebhook on recorded envelopes', () => {
  it('reads a recorded create delivery that has no orgName and whose partition is the org id', () => {
    expect(create.orgName).toBeUndefined();
    expect(create.partition).toBe(create.org);
    expect(parseWebhook(JSON.stringify(create))).toEqual({
      kind: 'ticket',
      eventId: '62a85b5df3cac1f924b02744',
      createdAt: '2022-06-14T09:56:45.159Z',
      remoteId: '62a85b5950c96c031db652ea',
      status: 'open',
      updatedAt: '2022-06-14T09:56:45.152Z',
      // The recorded delivery's assignee, priority and last activity (docs/kustomer.md §24); it has no queue relationship.
      details: {
        subStatus: null,
        snoozedUntil: null,
        assignee: { userId: '620c4386f1346613f49604a1', userName: null, teamId: null, teamName: null },
        queue: null,
        priority: 3,
        lastActivityAt: '2022-06-14T09:56:45.153Z',
      },
      // Its message and note counts and last activity: what moves when a note or message is added (docs/kustomer.md §34).
      threadMark: '0/0/2022-06-14T09:56:45.153Z',
    });
  });

  it('marks the thread by the counts and last activity only: a status change leaves the mark, a note moves it', () => {
    const at = (status: string, noteCount: number, lastActivityAt: string) =>
      parseWebhook(JSON.stringify({ ...create, data: { ...create.data, attributes: { ...create.data.attributes, status, noteCount, lastActivityAt } } }));
    const before = at('open', 0, '2022-06-14T09:56:45.153Z');
    const snoozed = at('snoozed', 0, '2022-06-14T09:56:45.153Z');
    const noted = at('open', 1, '2022-06-14T10:00:00.000Z');
    const mark = (e: ReturnType<typeof parseWebhook>) => (e?.kind === 'ticket' ? e.threadMark : undefined);
    expect(mark(snoozed)).toBe(mark(before));
    expect(mark(noted)).not.toBe(mark(before));
  });

  it('reads an update whose changes hold the real change beside the bookkeeping fields', () => {
    expect(parseWebhook(JSON.stringify(update))).toMatchObject({
      kind: 'ticket',
      remoteId: update.data.id,
      status: 'closed',
      updatedAt: '2025-03-21T20:20:11.424Z',
    });
  });

  it('ignores an update whose changes are bookkeeping only (rev, updatedAt, modifiedAt, modificationHistory)', () => {
    const { status: _real, ...bookkeeping } = update.changes.attributes;
    const event = parseWebhook(JSON.stringify({ ...update, changes: { attributes: bookkeeping, relationships: {} } }));
    expect(event).toEqual({ kind: 'ignored', eventId: update.id, createdAt: update.createdAt });
    const nothing = parseWebhook(JSON.stringify({ ...update, changes: { attributes: { rev: { op: 'replace', before: 3, after: 4 } } } }));
    expect(nothing?.kind).toBe('ignored');
  });

  it('still reads an update when a relationship changed, or when another attribute changed beside the bookkeeping', () => {
    const { status: _real, ...bookkeeping } = update.changes.attributes;
    const queue = { op: 'replace', before: { type: 'queue', id: 'a' }, after: { type: 'queue', id: 'b' } };
    expect(parseWebhook(JSON.stringify({ ...update, changes: { attributes: bookkeeping, relationships: { queue } } }))?.kind).toBe('ticket');
    const named = { ...bookkeeping, name: { op: 'replace', before: 'Name', after: 'Update Name' } };
    expect(parseWebhook(JSON.stringify({ ...update, changes: { attributes: named, relationships: {} } }))?.kind).toBe('ticket');
    const { changes: _none, ...withoutChanges } = update;
    expect(parseWebhook(JSON.stringify(withoutChanges))?.kind).toBe('ticket');
  });
});

describe('isAuthentic', () => {
  const body = JSON.stringify(update);
  const token = 'the-webhook-token';
  const sign = (b: string, key = token) => createHmac('sha256', key).update(b).digest('hex');
  const headers = (h: Record<string, string>) => new Headers(h);

  it('accepts the secret header (current or previous) without any signature', () => {
    expect(isAuthentic(body, headers({ [SECRET_HEADER]: 'new-secret' }), { signingKey: token, secrets: ['new-secret', 'old-secret'] })).toBe(true);
    expect(isAuthentic(body, headers({ [SECRET_HEADER.toLowerCase()]: 'old-secret' }), { signingKey: null, secrets: ['new-secret', 'old-secret'] })).toBe(true);
  });

  it('accepts a valid signature when the header is missing or wrong', () => {
    expect(isAuthentic(body, headers({ [SIGNATURE_HEADER]: sign(body) }), { signingKey: token, secrets: ['new-secret'] })).toBe(true);
    expect(isAuthentic(body, headers({ [SECRET_HEADER]: 'guess', [SIGNATURE_HEADER]: sign(body) }), { signingKey: token, secrets: ['new-secret'] })).toBe(true);
  });

  it('refuses a delivery with no or a wrong secret header and no valid signature', () => {
    const auth = { signingKey: token, secrets: ['new-secret'] };
    expect(isAuthentic(body, headers({}), auth)).toBe(false);
    expect(isAuthentic(body, headers({ [SECRET_HEADER]: '' }), auth)).toBe(false);
    expect(isAuthentic(body, headers({ [SECRET_HEADER]: 'new-secret2' }), auth)).toBe(false);
    expect(isAuthentic(body, headers({ [SECRET_HEADER]: 'NEW-SECRET', [SIGNATURE_HEADER]: sign(body, 'other-key') }), auth)).toBe(false);
    expect(isAuthentic(body, headers({ [SECRET_HEADER]: 'x' }), { signingKey: null, secrets: ['new-secret'] })).toBe(false);
  });
});
