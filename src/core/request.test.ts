import { describe, expect, it } from 'vitest';
import type { UserActor } from './actor.ts';
import { assertCanChange, canSeeRequest, parseRequestNumber, planChanges, type RequestState } from './request.ts';

const base: RequestState = {
  id: 'r1',
  requesterId: 'u-req',
  title: 'T',
  description: '',
  status: 'new',
  priority: 'medium',
  assigneeId: null,
  inboxId: null,
  serviceId: null,
  tags: ['a', 'b'],
  customFields: { region: 'emea' },
};
const requester: UserActor = { kind: 'user', userId: 'u-req', role: 'requester', name: 'R' };
const other: UserActor = { kind: 'user', userId: 'u-other', role: 'requester', name: 'O' };
const agent: UserActor = { kind: 'token', userId: 'u-agent', role: 'agent', name: 'A', tokenId: 't' };

describe('planChanges', () => {
  it('emits one entry per field that really changes, with before and after', () => {
    const { changed, entries } = planChanges(base, { priority: 'high', status: 'new', title: 'T' });
    expect(changed).toEqual({ priority: 'high' });
    expect(entries).toEqual([{ type: 'request.priority_changed', data: { before: 'medium', after: 'high' } }]);
  });

  it('reports tags added and removed, ignoring order and duplicates', () => {
    expect(planChanges(base, { tags: ['b', 'a', 'a'] }).entries).toEqual([]);
    const { entries } = planChanges(base, { tags: ['b', 'c'] });
    expect(entries[0]!.data).toMatchObject({ added: ['c'], removed: ['a'] });
  });

  it('reports each custom field change separately, including cleared values', () => {
    const { entries } = planChanges(base, { customFields: { size: 3 } });
    expect(entries.map((e) => e.data)).toEqual([
      { field: 'region', before: 'emea', after: null },
      { field: 'size', before: null, after: 3 },
    ]);
  });
});

describe('who may change what', () => {
  it('lets staff change anything', () => {
    expect(() => assertCanChange(agent, base, { priority: 'urgent', assigneeId: 'x' })).not.toThrow();
  });

  it('lets a requester only resolve, or reopen a resolved request of their own', () => {
    expect(() => assertCanChange(requester, base, { status: 'resolved' })).not.toThrow();
    expect(() => assertCanChange(requester, { ...base, status: 'resolved' }, { status: 'new' })).not.toThrow();
    expect(() => assertCanChange(requester, base, { priority: 'high' })).toThrow(/only resolve or reopen/);
    expect(() => assertCanChange(requester, base, { status: 'resolved', priority: 'high' })).toThrow();
    expect(() => assertCanChange(requester, base, { status: 'archived' })).toThrow();
    expect(() => assertCanChange(other, base, { status: 'resolved' })).toThrow();
  });

  it('shows a request to staff, its requester and its followers only', () => {
    expect(canSeeRequest(agent, base)).toBe(true);
    expect(canSeeRequest(requester, base)).toBe(true);
    expect(canSeeRequest(other, base)).toBe(false);
    expect(canSeeRequest(other, base, true)).toBe(true);
  });
});

describe('request numbers', () => {
  it('accepts REQ-42, req-42 and 42', () => {
    expect(parseRequestNumber('REQ-42')).toBe('42');
    expect(parseRequestNumber('req-0042')).toBe('42');
    expect(parseRequestNumber('42')).toBe('42');
    expect(parseRequestNumber('REQ-')).toBeNull();
    expect(parseRequestNumber('42; drop table')).toBeNull();
  });
});
