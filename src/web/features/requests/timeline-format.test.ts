import { describe, expect, it } from 'vitest';
import type { TimelineEntry } from '../../api/types.ts';
import { describeEntry, entrySentence } from './timeline-format.ts';

const ADA = '00000000-0000-4000-8000-00000000000a';
const BOB = '00000000-0000-4000-8000-00000000000b';

function entry(type: string, data: Record<string, unknown>, extra: Partial<TimelineEntry> = {}): TimelineEntry {
  return {
    id: '1',
    requestId: '00000000-0000-4000-8000-000000000001',
    type,
    actor: { type: 'user', userId: ADA, tokenId: null, name: 'Ada' },
    visibility: 'public',
    data,
    createdAt: '2025-06-10T12:00:00Z',
    ...extra,
  };
}

describe('timeline sentences', () => {
  it('describes field changes in words', () => {
    expect(entrySentence(entry('request.priority_changed', { before: 'medium', after: 'high' }))).toBe('Ada changed priority from Medium to High');
    expect(entrySentence(entry('request.status_changed', { before: 'new', after: 'in_progress', reason: 'picked up' }))).toBe(
      'Ada changed status from New to In progress (picked up)',
    );
    expect(entrySentence(entry('request.assignee_changed', { before: null, after: ADA, beforeLabel: null, afterLabel: 'Ada' }))).toBe(
      'Ada assigned this to themself',
    );
    expect(entrySentence(entry('request.assignee_changed', { before: ADA, after: BOB, beforeLabel: 'Ada', afterLabel: 'Bob' }))).toBe(
      'Ada reassigned this from Ada to Bob',
    );
    expect(entrySentence(entry('request.tags_changed', { added: ['vpn', 'mac'], removed: ['old'] }))).toBe(
      'Ada added tags vpn and mac and removed tag old',
    );
    expect(entrySentence(entry('request.follower_added', { user: { id: BOB, name: 'Bob' } }))).toBe('Ada added Bob as a follower');
    expect(entrySentence(entry('request.follower_removed', { user: { id: ADA, name: 'Ada' } }))).toBe('Ada stopped following');
  });

  it('names custom fields and formats their values by type', () => {
    const ctx = {
      fields: new Map([
        ['laptop', { label: 'Laptop model', type: 'select' as const }],
        ['manager', { label: 'Approver', type: 'person' as const }],
        ['urgent', { label: 'Blocking', type: 'checkbox' as const }],
      ]),
      personName: (id: string) => (id === BOB ? 'Bob' : undefined),
    };
    expect(entrySentence(entry('request.field_changed', { field: 'laptop', before: null, after: 'MacBook' }), ctx)).toBe('Ada set Laptop model to MacBook');
    expect(entrySentence(entry('request.field_changed', { field: 'manager', before: null, after: BOB }), ctx)).toBe('Ada set Approver to Bob');
    expect(entrySentence(entry('request.field_changed', { field: 'urgent', before: false, after: true }), ctx)).toBe('Ada changed Blocking from No to Yes');
    expect(entrySentence(entry('request.field_changed', { field: 'cost_center', before: 'A1', after: null }), ctx)).toBe('Ada cleared Cost center');
  });

  it('keeps comments apart, marks internal notes, and renders unknown types generically', () => {
    expect(describeEntry(entry('comment.internal_note', { body: 'psst' }, { visibility: 'internal' }))).toEqual({
      kind: 'comment',
      actor: 'Ada',
      internal: true,
      body: 'psst',
    });
    const unknown = entry('escalation.created', { ticketId: 'K-1' }, { actor: { type: 'system', userId: null, tokenId: null, name: null } });
    expect(describeEntry(unknown)).toMatchObject({ kind: 'other', actor: 'Bridgedesk', type: 'escalation.created' });
  });
});
