/**
 * The request list's views: everyone's built-in ones and the person's saved ones, each a plain link to the list it
 * stands for (the URL holds the filters and sort, so a view is shared by sharing the link), and "Save view" to keep
 * the current list under a name.
 */
import { type FormEvent, useMemo, useState } from 'react';
import { Link } from 'wouter';
import { useDeleteView, useSaveView, useSavedViews } from '../../api/requests.ts';
import { ErrorBanner } from '../../ui/states.tsx';
import {
  apiQueryToFilters,
  BUILTIN_VIEWS,
  EMPTY_FILTERS,
  filtersToApiQuery,
  filtersToSearch,
  type ListFilters,
  type ListView,
  sameList,
} from './list-filters.ts';

const href = (f: ListFilters) => {
  const qs = filtersToSearch(f);
  return qs ? `/requests?${qs}` : '/requests';
};

export function ListViews({ filters }: { filters: ListFilters }) {
  const saved = useSavedViews();
  const save = useSaveView();
  const remove = useDeleteView();
  const [naming, setNaming] = useState(false);
  const [name, setName] = useState('');
  const views: ListView[] = useMemo(
    () => [
      { id: 'builtin:all', name: 'All requests', builtin: true, filters: EMPTY_FILTERS },
      ...BUILTIN_VIEWS,
      ...(saved.data ?? []).map((v) => ({ id: v.id, name: v.name, builtin: false, filters: apiQueryToFilters(v.query) })),
    ],
    [saved.data],
  );
  const current = views.find((v) => sameList(v.filters, filters));

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!name.trim()) return;
    save.mutate(
      { name: name.trim(), query: filtersToApiQuery(filters) },
      {
        onSuccess: () => {
          setNaming(false);
          setName('');
        },
      },
    );
  };

  return (
    <div className="list-views">
      <nav aria-label="Views" className="view-tabs">
        {views.map((v) => (
          <span key={v.id} className={`view-tab${v === current ? ' active' : ''}`}>
            <Link href={href(v.filters)} aria-current={v === current ? 'page' : undefined}>
              {v.name}
            </Link>
            {!v.builtin && (
              <button
                type="button"
                className="link-button view-delete"
                aria-label={`Delete view ${v.name}`}
                disabled={remove.isPending}
                onClick={() => remove.mutate(v.id)}
              >
                ×
              </button>
            )}
          </span>
        ))}
        {!current && !naming && (
          <button type="button" className="btn btn-small" onClick={() => setNaming(true)}>
            Save view
          </button>
        )}
      </nav>
      {naming && (
        <form className="view-save" aria-label="Save view" onSubmit={submit}>
          <label htmlFor="view-name">View name</label>
          <input
            id="view-name"
            autoFocus
            maxLength={60}
            value={name}
            onChange={(e) => setName(e.target.value)}
            onKeyDown={(e) => e.key === 'Escape' && setNaming(false)}
          />
          <button type="submit" className="btn btn-primary btn-small" disabled={save.isPending || !name.trim()}>
            {save.isPending ? 'Saving…' : 'Save'}
          </button>
          <button
            type="button"
            className="btn btn-ghost btn-small"
            onClick={() => {
              setNaming(false);
              save.reset();
            }}
          >
            Cancel
          </button>
        </form>
      )}
      <ErrorBanner error={save.error ?? remove.error} title="View not saved" />
    </div>
  );
}
