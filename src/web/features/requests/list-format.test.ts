import { describe, expect, it } from 'vitest';
import { escalationCell, summarizeBulk } from './list-format.ts';

const names = (id: string) => ({ u1: 'Ada Agent' })[id];
const ref = (n: number) => ({ id: `id-${n}`, key: `REQ-${n}` });

describe('request list words', () => {
  it("says a bulk change's outcome in one line, skips grouped by reason", () => {
    const outcome = {
      changed: Array.from({ length: 12 }, (_, i) => ref(i)),
      unchanged: [],
      skipped: [
        { id: 'a', key: 'REQ-40', code: 'forbidden' as const, reason: 'x' },
        { id: 'b', key: 'REQ-41', code: 'forbidden' as const, reason: 'x' },
      ],
    };
    expect(summarizeBulk(outcome, { status: 'resolved' }, names)).toBe('12 requests: status → Resolved; 2 skipped: you cannot change them (REQ-40, REQ-41)');
    expect(summarizeBulk({ changed: [ref(1)], unchanged: [ref(2)], skipped: [] }, { assigneeId: 'u1', addTags: ['vip'] }, names)).toBe(
      '1 request: assignee → Ada Agent; tag vip added; 1 request already so',
    );
    expect(
      summarizeBulk(
        { changed: [], unchanged: [], skipped: [{ id: 'c', key: null, code: 'not_found', reason: 'Request not found' }] },
        { priority: 'high' },
        names,
      ),
    ).toBe('Nothing changed; 1 skipped: it no longer exists or you cannot see it');
    expect(
      summarizeBulk(
        { changed: [], unchanged: [], skipped: [{ id: 'd', key: 'REQ-9', code: 'unprocessable', reason: 'A request holds at most 30 tags' }] },
        { addTags: ['x'] },
        names,
      ),
    ).toBe('Nothing changed; 1 skipped: A request holds at most 30 tags (REQ-9)');
  });

  it("names each escalation state, and the destination's status once known", () => {
    const name = (id: string) => ({ kustomer: 'Kustomer' })[id] ?? id;
    expect(escalationCell(null, name)).toEqual({ tone: 'none', label: 'Not escalated', remote: null });
    const summary = { provider: 'kustomer', remoteOpenSince: null, remoteSnoozedUntil: null } as const;
    const now = new Date('2026-03-10T12:00:00Z');
    expect(escalationCell({ ...summary, state: 'linked', remoteStatus: 'closed' }, name)).toEqual({
      tone: 'linked',
      label: 'Linked',
      remote: 'Kustomer: Done',
    });
    expect(escalationCell({ ...summary, state: 'linked', remoteStatus: 'open', remoteOpenSince: '2026-03-10T10:00:00Z' }, name, now).remote).toBe(
      'Kustomer: Open · 2 h',
    );
    expect(escalationCell({ ...summary, state: 'linked', remoteStatus: 'waiting' }, name).remote).toBe('Kustomer: Snoozed');
    expect(escalationCell({ ...summary, state: 'failed', remoteStatus: null }, name).tone).toBe('failed');
    expect(escalationCell({ ...summary, state: 'link_failed', remoteStatus: 'open' }, name).label).toBe('Link failed');
    expect(escalationCell({ ...summary, state: 'sending', remoteStatus: null }, name).label).toBe('Sending');
  });

  it('names the destination as the API lists it, whichever destination it is', () => {
    const name = (id: string) => ({ 'test-desk': 'Test Desk' })[id] ?? id;
    const summary = { provider: 'test-desk', state: 'linked', remoteStatus: 'closed', remoteOpenSince: null, remoteSnoozedUntil: null } as const;
    expect(escalationCell(summary, name).remote).toBe('Test Desk: Done');
  });
});
