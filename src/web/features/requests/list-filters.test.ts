import { describe, expect, it } from 'vitest';
import { EMPTY_FILTERS, filtersToApiQuery, filtersToSearch, parseFilters, requestKeyFromSearch } from './list-filters.ts';

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
