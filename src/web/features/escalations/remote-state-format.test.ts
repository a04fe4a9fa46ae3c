import { describe, expect, it } from 'vitest';
import { syncTimelineLine } from '../sync/sync-timeline-format.ts';
import { assigneeText, duration, queueText, remotePriorityText, remoteStatusText, wakeTime } from './remote-state-format.ts';

const now = new Date(2026, 2, 10, 12, 0); // Tue 10 Mar 2026, 12:00 local time

describe("words for the linked conversation's state", () => {
  it("says Kustomer's statuses its own way, with the wake-up time of a snooze", () => {
    expect(remoteStatusText({ status: 'open', snoozedUntil: null }, now)).toBe('Open');
    expect(remoteStatusText({ status: 'closed', snoozedUntil: null }, now)).toBe('Done');
    expect(remoteStatusText({ status: 'waiting', snoozedUntil: null }, now)).toBe('Snoozed');
    const thursday = new Date(2026, 2, 12, 10, 0).toISOString();
    expect(remoteStatusText({ status: 'waiting', snoozedUntil: thursday }, now)).toMatch(/^Snoozed until Thu 10:00( AM)?$/);
    expect(wakeTime(new Date(2026, 2, 10, 17, 30).toISOString(), now)).toMatch(/^(17:30|05:30 PM)$/);
    expect(wakeTime(new Date(2026, 3, 20, 9, 0).toISOString(), now)).toMatch(/^(20 Apr|Apr 20) 09:00( AM)?$/);
  });

  it('says how long in minutes, hours, then days', () => {
    expect(duration(new Date(now.getTime() - 20_000).toISOString(), now)).toBe('1 min');
    expect(duration(new Date(now.getTime() - 45 * 60_000).toISOString(), now)).toBe('45 min');
    expect(duration(new Date(now.getTime() - 2 * 3_600_000).toISOString(), now)).toBe('2 h');
    expect(duration(new Date(now.getTime() - 3 * 86_400_000).toISOString(), now)).toBe('3 d');
  });

  it('names the assignee and team, and falls back to short ids when the names are unknown', () => {
    const id = '5f1c2a9b0000000000000001';
    expect(assigneeText(null)).toBe('Unassigned');
    expect(assigneeText({ userId: 'u', userName: 'Ana Ruiz', teamId: 't', teamName: 'Tier 2' })).toBe('Ana Ruiz · Tier 2');
    expect(assigneeText({ userId: null, userName: null, teamId: 't', teamName: 'Tier 2' })).toBe('Tier 2 (team)');
    expect(assigneeText({ userId: id, userName: null, teamId: null, teamName: null })).toBe('User 5f1c2a9b…');
    expect(queueText({ id, name: null })).toBe('Queue 5f1c2a9b…');
  });

  it("names the priority as the admin's priority map does, else by Kustomer's number", () => {
    expect(remotePriorityText({ priority: 4, priorityName: 'high' })).toBe('High (4)');
    expect(remotePriorityText({ priority: 1, priorityName: null })).toBe('1 — Lowest');
    expect(remotePriorityText({ priority: null, priorityName: null })).toBeNull();
  });

  it('writes one timeline line for what changed in Kustomer', () => {
    const details = { assignee: { userId: 'u', userName: 'Ana Ruiz', teamId: null, teamName: null }, priority: 5, subStatus: null };
    expect(
      syncTimelineLine({
        type: 'sync.ticket_changed',
        data: { destination: 'Kustomer', conversationId: '6b06a1b2c3d4e5f6a7b8c9d0', changed: ['assignee', 'priority'], details },
      }),
    ).toBe('Kustomer conversation 6b06a1b2… changed in Kustomer — assigned to Ana Ruiz; priority 5 — Urgent');
  });
});
