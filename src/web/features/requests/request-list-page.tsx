/**
 * /requests: the list agents live in. Views, filters, sortable columns and the total; staff select rows (x, or the
 * checkboxes) for bulk changes. j/k move, Enter opens, c files a new one. Below 768 px the rows are cards.
 */
import { useEffect, useMemo, useRef, useState } from 'react';
import { Link, useLocation, useSearch } from 'wouter';
import { useDestinationName } from '../../api/integrations.ts';
import { type RequestListItem, useRequestList } from '../../api/requests.ts';
import { useMe } from '../../api/session.ts';
import { isStaffRole } from '../../../core/actor.ts';
import { PriorityBadge, StatusBadge } from '../../ui/badges.tsx';
import { useHotkeys } from '../../ui/hotkeys.ts';
import { EmptyState, ErrorBanner, Loading } from '../../ui/states.tsx';
import { RelativeTime } from '../../ui/time.tsx';
import { BulkBar } from './bulk-bar.tsx';
import { rememberListSearch } from './last-list.ts';
import { EMPTY_FILTERS, filtersToApiQuery, filtersToSearch, FIRST_ORDER, hasFilters, type ListFilters, parseFilters, type Sort } from './list-filters.ts';
import { escalationCell } from './list-format.ts';
import { ListViews } from './list-views.tsx';
import { RequestFilters } from './request-filters.tsx';

/** A column header that sorts the list: first click in the column's natural order, the next one reverses it. */
function SortHeader({
  sort,
  label,
  filters,
  onChange,
  className,
}: {
  sort: Sort;
  label: string;
  filters: ListFilters;
  onChange: (f: ListFilters) => void;
  className?: string;
}) {
  const active = filters.sort === sort;
  const next = active ? (filters.order === 'desc' ? 'asc' : 'desc') : FIRST_ORDER[sort];
  return (
    <th className={className} aria-sort={active ? (filters.order === 'desc' ? 'descending' : 'ascending') : undefined}>
      <button type="button" className={`sort-button${active ? ' active' : ''}`} onClick={() => onChange({ ...filters, sort, order: next })}>
        {label}
        <span className="sort-arrow" aria-hidden="true">
          {active ? (filters.order === 'desc' ? '↓' : '↑') : '↕'}
        </span>
      </button>
    </th>
  );
}

function EscalationCell({ escalation, destinationName }: { escalation: RequestListItem['escalation']; destinationName: (id: string) => string }) {
  const cell = escalationCell(escalation, destinationName);
  if (cell.tone === 'none') {
    return (
      <span className="esc esc-none">
        <span className="visually-hidden">{cell.label}</span>
        <span aria-hidden="true">—</span>
      </span>
    );
  }
  return (
    <span className={`esc esc-${cell.tone}`}>
      <span className="esc-icon" aria-hidden="true" />
      <span className="esc-label">{cell.label}</span>
      {cell.remote && <span className="esc-remote muted">{cell.remote}</span>}
    </span>
  );
}

const plural = (n: number, one: string) => `${n.toLocaleString()} ${n === 1 ? one : `${one}s`}`;

export function RequestListPage() {
  const me = useMe();
  const staff = isStaffRole(me.role);
  const destinationName = useDestinationName();
  const search = useSearch();
  const [, navigate] = useLocation();
  const filters = useMemo(() => parseFilters(search), [search]);
  const apiQuery = useMemo(() => filtersToApiQuery(filters), [filters]);
  const list = useRequestList(apiQuery);
  const rows = useMemo(() => list.data?.pages.flatMap((p) => p.items) ?? [], [list.data]);
  const total = list.data?.pages[0]?.total ?? null;
  const [selected, setSelected] = useState(0);
  const [checked, setChecked] = useState<Set<string>>(new Set());
  const [summary, setSummary] = useState<string | null>(null);
  const tbody = useRef<HTMLTableSectionElement>(null);

  useEffect(() => rememberListSearch(filtersToSearch(filters)), [filters]);
  useEffect(() => {
    setSelected(0);
    setChecked(new Set());
  }, [search]);
  useEffect(() => {
    tbody.current?.querySelector('tr.selected')?.scrollIntoView({ block: 'nearest' });
  }, [selected]);

  const setFilters = (f: ListFilters) => {
    const qs = filtersToSearch(f);
    setSummary(null);
    navigate(qs ? `/requests?${qs}` : '/requests', { replace: true });
  };
  const open = (i: number) => {
    const row = rows[i];
    if (row) navigate(`/requests/${row.key}`);
  };
  const toggle = (id: string) =>
    setChecked((s) => {
      const next = new Set(s);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });
  const shownIds = rows.map((r) => r.id);
  const checkedIds = shownIds.filter((id) => checked.has(id));
  const allChecked = shownIds.length > 0 && checkedIds.length === shownIds.length;
  const toggleAll = () => setChecked(allChecked ? new Set() : new Set(shownIds));
  useHotkeys({
    j: () => {
      setSelected((i) => Math.min(i + 1, Math.max(rows.length - 1, 0)));
      if (selected >= rows.length - 3 && list.hasNextPage && !list.isFetchingNextPage) void list.fetchNextPage();
    },
    k: () => setSelected((i) => Math.max(i - 1, 0)),
    Enter: () => open(selected),
    o: () => open(selected),
    ...(staff ? { x: () => rows[selected] && toggle(rows[selected]!.id) } : {}),
  });

  return (
    <div className="page page-wide">
      <div className="page-header">
        <h1>{staff ? 'Requests' : 'My requests'}</h1>
        <Link href="/requests/new" className="btn btn-primary">
          New request
        </Link>
      </div>
      {staff && <ListViews filters={filters} />}
      <RequestFilters filters={filters} onChange={setFilters} staff={staff} />
      <div className="list-summary">
        <span role="status" data-testid="request-count">
          {total !== null ? plural(total, 'request') : ''}
        </span>
        {/* Cards have no header row: phones select all here (only one of the two is ever displayed). */}
        {staff && rows.length > 0 && (
          <label className="select-all-mobile">
            <input type="checkbox" checked={allChecked} onChange={toggleAll} />
            Select all {rows.length} shown
          </label>
        )}
      </div>
      {summary && (
        <div className="banner banner-success bulk-summary" role="status" data-testid="bulk-summary">
          <span>{summary}</span>
          <button type="button" className="link-button" aria-label="Dismiss" onClick={() => setSummary(null)}>
            ×
          </button>
        </div>
      )}
      {staff && checkedIds.length > 0 && (
        <BulkBar
          ids={checkedIds}
          me={me}
          onClear={() => setChecked(new Set())}
          onDone={(s) => {
            setSummary(s);
            setChecked(new Set());
          }}
        />
      )}
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
          <table className={`table request-table${staff ? ' with-select' : ''}`}>
            <thead>
              <tr>
                {staff && (
                  <th className="col-select">
                    <input
                      type="checkbox"
                      aria-label={`Select all ${rows.length} shown`}
                      checked={allChecked}
                      ref={(el) => {
                        if (el) el.indeterminate = checkedIds.length > 0 && !allChecked;
                      }}
                      onChange={toggleAll}
                    />
                  </th>
                )}
                <th className="col-key">Key</th>
                <th>Title</th>
                <SortHeader sort="status" label="Status" className="col-status" filters={filters} onChange={setFilters} />
                <SortHeader sort="priority" label="Priority" className="col-priority" filters={filters} onChange={setFilters} />
                {staff && <th className="col-escalation">Escalation</th>}
                <th className="col-person col-requester">Requester</th>
                <th className="col-person">Assignee</th>
                <th className="col-service">Service</th>
                <SortHeader sort="created" label="Created" className="col-time col-created" filters={filters} onChange={setFilters} />
                <SortHeader sort="updated" label="Updated" className="col-time" filters={filters} onChange={setFilters} />
              </tr>
            </thead>
            <tbody ref={tbody}>
              {rows.map((r, i) => (
                <tr
                  key={r.id}
                  data-testid="request-row"
                  className={[i === selected ? 'selected' : '', checked.has(r.id) ? 'checked' : ''].join(' ').trim() || undefined}
                  aria-selected={i === selected}
                  onClick={(e) => {
                    setSelected(i);
                    if (!(e.target as HTMLElement).closest('a, input, label, button')) navigate(`/requests/${r.key}`);
                  }}
                >
                  {staff && (
                    <td className="col-select">
                      <input type="checkbox" aria-label={`Select ${r.key}`} checked={checked.has(r.id)} onChange={() => toggle(r.id)} />
                    </td>
                  )}
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
                  <td className="col-status">
                    <StatusBadge status={r.status} />
                  </td>
                  <td className="col-priority">
                    <PriorityBadge priority={r.priority} />
                  </td>
                  {staff && (
                    <td className="col-escalation" data-testid="escalation-cell">
                      <EscalationCell escalation={r.escalation} destinationName={destinationName} />
                    </td>
                  )}
                  <td className="ellipsis col-requester">{r.requester.name}</td>
                  <td className="ellipsis col-assignee">{r.assignee?.name ?? <span className="muted">Unassigned</span>}</td>
                  <td className="ellipsis col-service">{r.service?.name ?? <span className="muted">—</span>}</td>
                  <td className="muted col-time col-created">
                    <RelativeTime iso={r.createdAt} />
                  </td>
                  <td className="muted col-time col-updated">
                    <RelativeTime iso={r.updatedAt} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <div className="list-footer">
            <span className="muted">
              {rows.length}
              {total !== null && total > rows.length ? ` of ${total.toLocaleString()}` : ''} shown
              <span className="keyboard-hint">
                {' '}
                · <kbd>j</kbd>/<kbd>k</kbd> to move, <kbd>Enter</kbd> to open
                {staff && (
                  <>
                    , <kbd>x</kbd> to select
                  </>
                )}
              </span>
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
