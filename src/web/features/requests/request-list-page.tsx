/** /requests: the filtered list agents live in. j/k move, Enter opens, c files a new one. */
import { useEffect, useMemo, useRef, useState } from 'react';
import { Link, useLocation, useSearch } from 'wouter';
import { useRequestList } from '../../api/requests.ts';
import { useMe } from '../../api/session.ts';
import { isStaffRole } from '../../api/types.ts';
import { PriorityBadge, StatusBadge } from '../../ui/badges.tsx';
import { useHotkeys } from '../../ui/hotkeys.ts';
import { EmptyState, ErrorBanner, Loading } from '../../ui/states.tsx';
import { RelativeTime } from '../../ui/time.tsx';
import { rememberListSearch } from './last-list.ts';
import { filtersToApiQuery, filtersToSearch, hasFilters, EMPTY_FILTERS, type ListFilters, parseFilters } from './list-filters.ts';
import { RequestFilters } from './request-filters.tsx';

export function RequestListPage() {
  const me = useMe();
  const staff = isStaffRole(me.role);
  const search = useSearch();
  const [, navigate] = useLocation();
  const filters = useMemo(() => parseFilters(search), [search]);
  const apiQuery = useMemo(() => filtersToApiQuery(filters), [filters]);
  const list = useRequestList(apiQuery);
  const rows = useMemo(() => list.data?.pages.flatMap((p) => p.items) ?? [], [list.data]);
  const [selected, setSelected] = useState(0);
  const tbody = useRef<HTMLTableSectionElement>(null);

  useEffect(() => rememberListSearch(filtersToSearch(filters)), [filters]);
  useEffect(() => setSelected(0), [search]);
  useEffect(() => {
    tbody.current?.querySelector('tr.selected')?.scrollIntoView({ block: 'nearest' });
  }, [selected]);

  const setFilters = (f: ListFilters) => {
    const qs = filtersToSearch(f);
    navigate(qs ? `/requests?${qs}` : '/requests', { replace: true });
  };
  const open = (i: number) => {
    const row = rows[i];
    if (row) navigate(`/requests/${row.key}`);
  };
  useHotkeys({
    j: () => {
      setSelected((i) => Math.min(i + 1, Math.max(rows.length - 1, 0)));
      if (selected >= rows.length - 3 && list.hasNextPage && !list.isFetchingNextPage) void list.fetchNextPage();
    },
    k: () => setSelected((i) => Math.max(i - 1, 0)),
    Enter: () => open(selected),
    o: () => open(selected),
  });

  return (
    <div className="page page-wide">
      <div className="page-header">
        <h1>{staff ? 'Requests' : 'My requests'}</h1>
        <Link href="/requests/new" className="btn btn-primary">
          New request
        </Link>
      </div>
      <RequestFilters filters={filters} onChange={setFilters} staff={staff} />
      <ErrorBanner error={list.error} title="Cannot load requests" onRetry={() => list.refetch()} />
      {list.isPending ? (
        <Loading label="Loading requests…" />
      ) : rows.length === 0 && !list.error ? (
        hasFilters(filters) ? (
          <EmptyState title="No requests match these filters">
            <button type="button" className="btn" onClick={() => setFilters(EMPTY_FILTERS)}>
              Clear filters
            </button>
          </EmptyState>
        ) : (
          <EmptyState title="No requests yet">
            <Link href="/requests/new">File the first one</Link> (or press <kbd>c</kbd>).
          </EmptyState>
        )
      ) : (
        <>
          <table className="table request-table">
            <thead>
              <tr>
                <th className="col-key">Key</th>
                <th>Title</th>
                <th className="col-status">Status</th>
                <th className="col-priority">Priority</th>
                <th className="col-person">Requester</th>
                <th className="col-person">Assignee</th>
                <th className="col-service">Service</th>
                <th className="col-time">Updated</th>
              </tr>
            </thead>
            <tbody ref={tbody}>
              {rows.map((r, i) => (
                <tr
                  key={r.id}
                  data-testid="request-row"
                  className={i === selected ? 'selected' : undefined}
                  aria-selected={i === selected}
                  onClick={(e) => {
                    setSelected(i);
                    if (!(e.target as HTMLElement).closest('a')) navigate(`/requests/${r.key}`);
                  }}
                >
                  <td className="col-key mono">{r.key}</td>
                  <td className="col-title">
                    <Link href={`/requests/${r.key}`}>{r.title}</Link>
                    {r.tags.length > 0 && (
                      <span className="row-tags">
                        {r.tags.slice(0, 3).map((t) => (
                          <span key={t} className="tag tag-small">
                            {t}
                          </span>
                        ))}
                      </span>
                    )}
                  </td>
                  <td>
                    <StatusBadge status={r.status} />
                  </td>
                  <td>
                    <PriorityBadge priority={r.priority} />
                  </td>
                  <td className="ellipsis">{r.requester.name}</td>
                  <td className="ellipsis">{r.assignee?.name ?? <span className="muted">Unassigned</span>}</td>
                  <td className="ellipsis">{r.service?.name ?? <span className="muted">—</span>}</td>
                  <td className="muted">
                    <RelativeTime iso={r.updatedAt} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <div className="list-footer">
            <span className="muted">
              {rows.length} shown · <kbd>j</kbd>/<kbd>k</kbd> to move, <kbd>Enter</kbd> to open
            </span>
            {list.hasNextPage && (
              <button type="button" className="btn" disabled={list.isFetchingNextPage} onClick={() => list.fetchNextPage()}>
                {list.isFetchingNextPage ? 'Loading…' : 'Load more'}
              </button>
            )}
          </div>
        </>
      )}
    </div>
  );
}
