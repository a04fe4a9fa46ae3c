import { describe, expect, it } from 'vitest';
import {
  apiQueryToFilters,
  BUILTIN_VIEWS,
  EMPTY_FILTERS,
  filtersToApiQuery,
  filtersToSearch,
  hasFilters,
  parseFilters,
  requestKeyFromSearch,
  sameList,
} from './list-filters.ts';

describe('request list filters', () => {
  it('round-trips through the page URL and drops unknown values', () => {
    const f = parseFilters('?status=new,bogus,waiting&priority=high&assignee=me&inbox=none&tag=VPN&q=printer');
    expect(f).toEqual({ ...EMPTY_FILTERS, status: ['new', 'waiting'], priority: ['high'], assigneeId: 'me', inboxId: 'none', tag: 'VPN', q: 'printer' });
    expect(parseFilters(`?${filtersToSearch(f)}`)).toEqual(f);
    expect(filtersToSearch(EMPTY_FILTERS)).toBe('');
  });

  it('builds the API query with API parameter names', () => {
    const f = { ...EMPTY_FILTERS, status: ['new' as const, 'in_progress' as const], serviceId: 's1', tag: ' VPN ' };
    expect(filtersToApiQuery(f)).toEqual({ status: 'new,in_progress', serviceId: 's1', tag: 'vpn' });
  });

  it('recognises request keys typed in search', () => {
    expect(requestKeyFromSearch(' req-042 ')).toBe('REQ-42');
    expect(requestKeyFromSearch('printer REQ-4')).toBeNull();
  });
});

describe('request list sort, escalation filter and views', () => {
  it('keeps the sort, order and escalation filter in the URL, leaving defaults out', () => {
    const f = parseFilters('?escalation=failed&sort=priority&order=asc');
    expect(f).toMatchObject({ escalation: 'failed', sort: 'priority', order: 'asc' });
    expect(parseFilters(`?${filtersToSearch(f)}`)).toEqual(f);
    expect(filtersToApiQuery(f)).toEqual({ escalation: 'failed', sort: 'priority', order: 'asc' });
    expect(parseFilters('?escalation=maybe&sort=name&order=up')).toEqual(EMPTY_FILTERS);
    expect(filtersToSearch({ ...EMPTY_FILTERS, sort: 'created', order: 'desc' })).toBe('');
  });

  it("turns a saved view's API query back into the same page filters", () => {
    const f = {
      ...EMPTY_FILTERS,
      status: ['new' as const],
      serviceId: 's1',
      assigneeId: 'me',
      inboxId: 'none',
      escalation: 'escalated' as const,
      sort: 'updated' as const,
    };
    expect(apiQueryToFilters(filtersToApiQuery(f))).toEqual(f);
    expect(sameList(apiQueryToFilters({ sort: 'updated' }), { ...EMPTY_FILTERS, sort: 'updated' })).toBe(true);
    expect(hasFilters({ ...EMPTY_FILTERS, sort: 'priority' })).toBe(false);
  });

  it('offers the built-in views', () => {
    expect(BUILTIN_VIEWS.map((v) => v.name)).toEqual(['My open', 'Unassigned', 'Escalation failed']);
  });
});
