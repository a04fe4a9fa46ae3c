import { describe, expect, it } from 'vitest';
import { replyNotices } from './reply-notice.ts';

const requester = { id: 'r', email: 'riley@example.com', active: true };
const agent = { kind: 'user' as const, userId: 'a', role: 'agent' as const, name: 'Ada Agent' };
const request = { key: 'REQ-7', title: 'VPN drops' };

describe('replyNotices', () => {
  it('tells the requester and followers of a public reply, never its author', () => {
    const follower = { id: 'f', email: 'fin@example.com', active: true };
    const self = { id: 'a', email: 'ada@example.com', active: true };
    const notices = replyNotices('public', agent, { requester, followers: [follower, self, requester] }, request, 'Try again now.');
    expect(notices.map((n) => n.userId)).toEqual(['r', 'f']);
    expect(notices[0]).toEqual({ userId: 'r', email: 'riley@example.com', title: 'Re: [REQ-7] VPN drops', body: 'Ada Agent replied:\n\nTry again now.' });
  });

  it('makes no notice at all for an internal note', () => {
    expect(replyNotices('internal', agent, { requester, followers: [] }, request, 'Secret')).toEqual([]);
  });

  it('skips deactivated accounts and names Bridgedesk for a workflow reply', () => {
    const notices = replyNotices('public', { kind: 'system' }, { requester, followers: [{ id: 'x', email: 'x@example.com', active: false }] }, request, 'Done');
    expect(notices).toHaveLength(1);
    expect(notices[0]!.body).toBe('Bridgedesk replied:\n\nDone');
  });
});
