/** The header search box: "/" focuses it; REQ-42 opens that request, anything else searches the request list. */
import { type FormEvent, useEffect, useRef, useState } from 'react';
import { useLocation, useSearch } from 'wouter';
import { useHotkeys } from '../../ui/hotkeys.ts';
import { filtersToSearch, parseFilters, requestKeyFromSearch } from '../requests/list-filters.ts';

export function GlobalSearch() {
  const [location, navigate] = useLocation();
  const search = useSearch();
  const onList = location === '/requests';
  const urlQ = onList ? parseFilters(search).q : '';
  const [text, setText] = useState(urlQ);
  const input = useRef<HTMLInputElement>(null);

  // Follow the list's URL (back/forward, cleared filter chips).
  useEffect(() => setText(urlQ), [urlQ]);

  useHotkeys({
    '/': () => {
      input.current?.focus();
      input.current?.select();
    },
  });

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const key = requestKeyFromSearch(text);
    if (key) {
      setText('');
      navigate(`/requests/${key}`);
      return;
    }
    // On the list, search within the current filters; elsewhere, search everything.
    const filters = onList ? { ...parseFilters(search), q: text } : { ...parseFilters(''), q: text };
    const qs = filtersToSearch(filters);
    navigate(qs ? `/requests?${qs}` : '/requests');
    input.current?.blur();
  };

  return (
    <form role="search" className="global-search" onSubmit={submit}>
      <input
        ref={input}
        type="search"
        aria-label="Search requests"
        placeholder="Search requests or jump to REQ-42"
        value={text}
        onChange={(e) => setText(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'Escape') input.current?.blur();
        }}
      />
      <kbd className="search-hint" aria-hidden="true">
        /
      </kbd>
    </form>
  );
}
