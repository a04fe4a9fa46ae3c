import { describe, expect, it } from 'vitest';
import { syncTimelineLine, syncTimelineParts } from './sync-timeline-format.ts';

const CONV = '6b06a1b2c3d4e5f6a7b8c9d0';
const line = (type: string, data: Record<string, unknown>) => syncTimelineLine({ type, data });
const base = { destination: 'Kustomer', conversationId: CONV, escalationId: 'e1' };

describe('sync timeline lines', () => {
  it('tells a status change from Kustomer, and what it did to the request', () => {
    expect(line('sync.status_received', { ...base, remoteStatus: 'closed', appliedStatus: 'resolved' })).toBe(
      'Kustomer conversation 6b06a1b2… marked done in Kustomer → request resolved',
    );
    expect(line('sync.status_received', { ...base, remoteStatus: 'waiting', appliedStatus: 'waiting' })).toBe(
      'Kustomer conversation 6b06a1b2… marked snoozed in Kustomer → request waiting',
    );
    expect(line('sync.status_received', { ...base, remoteStatus: 'open', appliedStatus: 'in_progress' })).toBe(
      'Kustomer conversation 6b06a1b2… marked open in Kustomer → request in progress',
    );
    expect(line('sync.status_received', { ...base, remoteStatus: 'closed', appliedStatus: null })).toBe(
      'Kustomer conversation 6b06a1b2… marked done in Kustomer — request unchanged',
    );
  });

  it('tells a priority Bridgedesk set on the conversation through the priority map, or could not set', () => {
    expect(line('sync.priority_sent', { ...base, priority: 'high', remotePriority: 4 })).toBe(
      'Bridgedesk set Kustomer conversation 6b06a1b2… to priority 4 (request high)',
    );
    expect(line('sync.priority_failed', { ...base, priority: 'low', remotePriority: 2, reason: 'Invalid credentials' })).toBe(
      'Bridgedesk could not set Kustomer conversation 6b06a1b2… to priority 2 (request low) — Invalid credentials',
    );
    expect(line('sync.priority_sent', {})).toBe('Bridgedesk set Kustomer conversation to its priority');
  });

  it('tells a status Bridgedesk sent, or could not send', () => {
    expect(line('sync.status_sent', { ...base, status: 'closed' })).toBe('Bridgedesk marked Kustomer conversation 6b06a1b2… done');
    expect(line('sync.status_sent', { ...base, status: 'open' })).toBe('Bridgedesk marked Kustomer conversation 6b06a1b2… open');
    expect(line('sync.status_failed', { ...base, status: 'waiting', reason: 'Invalid credentials' })).toBe(
      'Bridgedesk could not mark Kustomer conversation 6b06a1b2… snoozed — Invalid credentials',
    );
    expect(line('sync.status_failed', { status: 'closed' })).toBe('Bridgedesk could not mark Kustomer conversation done');
  });

  it('makes a message from Kustomer a bubble that says who wrote it, which way it went and when it was written', () => {
    const at = '2025-06-10T10:41:00.000Z';
    expect(
      syncTimelineParts({
        type: 'sync.message_received',
        data: { ...base, channel: 'email', body: 'Any news?', direction: 'in', author: 'jane@example.com', writtenAt: at },
      }),
    ).toEqual({
      subject: 'Kustomer',
      rest: 'conversation 6b06a1b2… got a message (Email)',
      parts: ['conversation ', { id: CONV, href: null }, ' got a message (Email)'],
      message: { author: 'jane@example.com', direction: 'in', badge: 'Customer wrote in Kustomer · Email', body: 'Any news?', writtenAt: at },
    });
    expect(syncTimelineParts({ type: 'sync.message_received', data: { ...base, channel: 'chat', body: 'On it', direction: 'out' } })?.message).toEqual({
      author: 'Agent in Kustomer',
      direction: 'out',
      badge: 'Agent replied in Kustomer · Chat',
      body: 'On it',
      writtenAt: null,
    });
    expect(syncTimelineParts({ type: 'sync.message_received', data: { ...base, body: 'Hi', direction: 'in' } })?.message?.author).toBe('Customer');
    expect(syncTimelineParts({ type: 'sync.message_received', data: { body: 42 } })?.message).toEqual({
      author: 'Kustomer',
      direction: null,
      badge: 'From Kustomer',
      body: '',
      writtenAt: null,
    });
  });

  it("names a Kustomer note's files that could not be copied, with why", () => {
    expect(line('sync.files_not_copied', { ...base, entryId: '7', files: [{ name: 'huge.mov', reason: 'Too large to copy', tooLarge: true }] })).toBe(
      'Bridgedesk could not copy 1 file from Kustomer conversation 6b06a1b2… — huge.mov (Too large to copy)',
    );
  });

  it('tells comment and field sync, naming fields by label and never by Kustomer key', () => {
    expect(line('sync.comment_sent', { ...base, entryId: 'x' })).toBe('Bridgedesk posted a public reply as a note on Kustomer conversation 6b06a1b2…');
    expect(line('sync.fields_sent', { ...base, fields: ['orderNumberStr'], labels: ['Order no.'] })).toBe(
      'Bridgedesk sent Order no. to Kustomer conversation 6b06a1b2…',
    );
    // Entries from before labels were recorded: the key in words.
    expect(line('sync.fields_sent', { ...base, fields: ['orderNumberStr'] })).toBe('Bridgedesk sent Order number to Kustomer conversation 6b06a1b2…');
    expect(line('sync.fields_sent', { ...base, fields: ['aStr', 'bNum', 'cAt'], labels: ['A', 'B', 'C'] })).toBe(
      'Bridgedesk sent 3 fields to Kustomer conversation 6b06a1b2… — A, B and C',
    );
    expect(line('sync.fields_sent', { ...base, fields: ['a', 'b', 'c', 'd', 'e', 'f', 'g'] })).toBe(
      'Bridgedesk sent 7 fields to Kustomer conversation 6b06a1b2… — A, B, C, D, E and 2 more',
    );
    expect(line('sync.field_rejected', { ...base, field: 'summaryStr', label: 'Description', message: 'not a valid Str' })).toBe(
      'Kustomer refused “Description” on conversation 6b06a1b2… — not a valid Str',
    );
    expect(line('sync.field_rejected', { field: 'summaryStr' })).toBe('Kustomer refused “Summary” on conversation');
    expect(line('sync.fields_failed', { ...base, fields: ['aStr', 'bStr'], labels: ['A', 'B'], reason: 'Invalid credentials' })).toBe(
      'Bridgedesk could not send 2 fields to Kustomer conversation 6b06a1b2…: Invalid credentials — A and B',
    );
  });

  it('survives odd data and leaves other entries alone', () => {
    expect(line('sync.status_received', {})).toBe('Kustomer conversation changed in Kustomer — request unchanged');
    expect(line('sync.status_sent', { conversationId: 'short', status: 'mystery' })).toBe('Bridgedesk marked Kustomer conversation short mystery');
    expect(line('sync.something_new', base)).toBeNull();
    expect(line('request.status_changed', { before: 'new', after: 'resolved' })).toBeNull();
    expect(line('escalation.linked', base)).toBeNull();
  });
});
