/** The request list's filter bar. Every change goes straight into the URL. */
import { useEffect, useState } from 'react';
import { useInboxes, useServices, useUsers } from '../../api/catalog.ts';
import { useDestinationName } from '../../api/integrations.ts';
import { type Status, STATUSES } from '../../../core/request.ts';
import { statusLabel } from '../../ui/format.ts';
import { NamedOptions, Options, PriorityOptions } from '../../ui/choice-options.tsx';
import {
  EMPTY_FILTERS,
  ESCALATION_FILTERS,
  type EscalationFilter,
  escalationFilterLabel,
  hasFilters,
  type ListFilters,
  OPEN_STATUSES,
  type Order,
  type Sort,
  SORT_LABELS,
  SORTS,
} from './list-filters.ts';

const SORT_WORDS: Record<Sort, [string, string]> = {
  created: ['newest first', 'oldest first'],
  updated: ['latest first', 'least recent first'],
  priority: ['urgent first', 'low first'],
  status: ['archived first', 'new first'],
};
const sortOptionLabel = (s: Sort, o: Order) => `${SORT_LABELS[s]}: ${SORT_WORDS[s][o === 'desc' ? 0 : 1]}`;

export function RequestFilters({ filters, onChange, staff }: { filters: ListFilters; onChange: (f: ListFilters) => void; staff: boolean }) {
  const services = useServices();
  const inboxes = useInboxes({ enabled: staff });
  const people = useUsers({ active: true }, { enabled: staff });
  const destinationName = useDestinationName();
  const agents = (people.data ?? []).filter((u) => u.role !== 'requester');
  const [tag, setTag] = useState(filters.tag);
  useEffect(() => setTag(filters.tag), [filters.tag]);

  const set = (patch: Partial<ListFilters>) => onChange({ ...filters, ...patch });
  const toggleStatus = (s: Status) =>
    set({ status: filters.status.includes(s) ? filters.status.filter((x) => x !== s) : STATUSES.filter((x) => x === s || filters.status.includes(x)) });
  const isOpenPreset = filters.status.length === OPEN_STATUSES.length && OPEN_STATUSES.every((s) => filters.status.includes(s));
  const commitTag = () => tag.trim() !== filters.tag && set({ tag: tag.trim() });

  return (
    <div className="filters" role="group" aria-label="Filters">
      <div className="filter-group" role="group" aria-label="Status">
        <button
          type="button"
          className={`chip${isOpenPreset ? ' on' : ''}`}
          aria-pressed={isOpenPreset}
          onClick={() => set({ status: isOpenPreset ? [] : OPEN_STATUSES })}
        >
          Open
        </button>
        <span className="filter-sep" aria-hidden="true" />
        {STATUSES.map((s) => (
          <button
            key={s}
            type="button"
            className={`chip${filters.status.includes(s) ? ' on' : ''}`}
            aria-pressed={filters.status.includes(s)}
            onClick={() => toggleStatus(s)}
          >
            {statusLabel(s)}
          </button>
        ))}
      </div>
      <div className="filter-group">
        <select
          aria-label="Priority"
          value={filters.priority[0] ?? ''}
          onChange={(e) => set({ priority: e.target.value ? [e.target.value as ListFilters['priority'][number]] : [] })}
        >
          <option value="">Any priority</option>
          <PriorityOptions />
        </select>
        <select aria-label="Service" value={filters.serviceId} disabled={!services.data} onChange={(e) => set({ serviceId: e.target.value })}>
          <option value="">Any service</option>
          <NamedOptions items={services.data} />
        </select>
        {staff && (
          <>
            <select aria-label="Assignee" value={filters.assigneeId} onChange={(e) => set({ assigneeId: e.target.value })}>
              <option value="">Anyone</option>
              <option value="me">Me</option>
              <option value="none">Unassigned</option>
              {agents.length > 0 && (
                <optgroup label="Agents">
                  <NamedOptions items={agents} />
                </optgroup>
              )}
            </select>
            <select aria-label="Inbox" value={filters.inboxId} onChange={(e) => set({ inboxId: e.target.value })}>
              <option value="">Any inbox</option>
              <option value="none">No inbox</option>
              <NamedOptions items={inboxes.data} />
            </select>
            <select aria-label="Escalation" value={filters.escalation} onChange={(e) => set({ escalation: e.target.value as EscalationFilter | '' })}>
              <option value="">Escalated or not</option>
              <Options values={ESCALATION_FILTERS} label={(f) => escalationFilterLabel(f, destinationName())} />
            </select>
          </>
        )}
        {/* The column headers sort on wide screens; cards have no headers, so phones get this instead. */}
        <select
          aria-label="Sort"
          className="sort-select"
          value={`${filters.sort}:${filters.order}`}
          onChange={(e) => {
            const [sort, order] = e.target.value.split(':') as [Sort, Order];
            set({ sort, order });
          }}
        >
          {SORTS.flatMap((s) =>
            (['desc', 'asc'] as const).map((o) => (
              <option key={`${s}:${o}`} value={`${s}:${o}`}>
                {sortOptionLabel(s, o)}
              </option>
            )),
          )}
        </select>
        <input
          type="text"
          aria-label="Tag"
          placeholder="Tag"
          className="filter-tag"
          value={tag}
          onChange={(e) => setTag(e.target.value)}
          onBlur={commitTag}
          onKeyDown={(e) => e.key === 'Enter' && commitTag()}
        />
        {filters.q && (
          <span className="chip on">
            “{filters.q}”
            <button type="button" aria-label="Clear search" onClick={() => set({ q: '' })}>
              ×
            </button>
          </span>
        )}
        {hasFilters(filters) && (
          <button type="button" className="btn btn-ghost btn-small" onClick={() => onChange({ ...EMPTY_FILTERS, sort: filters.sort, order: filters.order })}>
            Clear filters
          </button>
        )}
      </div>
    </div>
  );
}
