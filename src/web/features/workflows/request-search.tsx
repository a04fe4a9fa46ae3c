/** Find one request by its key (REQ-12) or words of its title: a search box with the matches listed under it. */
import { useQuery } from '@tanstack/react-query';
import { useId, useState } from 'react';
import { errorMessage, get } from '../../api/client.ts';
import { keys } from '../../api/keys.ts';
import type { Request, RequestList } from '../../../server/schemas/request.ts';
import { StatusBadge } from '../../ui/badges.tsx';
import { useDebounced } from '../../ui/use-debounced.ts';

export function RequestSearch({ label, onPick }: { label: string; onPick: (r: Request) => void }) {
  const id = useId();
  const [text, setText] = useState('');
  const q = useDebounced(text.trim(), 200);
  const results = useQuery({
    queryKey: keys.requestSearch(q),
    queryFn: () => get<RequestList>('/requests', { q, limit: 8 }).then((p) => p.items),
    enabled: q.length > 0,
    staleTime: 10_000,
  });
  return (
    <div className="stack-tight">
      <label htmlFor={id} className="field-label">
        {label}
      </label>
      <input id={id} type="search" placeholder="REQ-12 or words from the title" autoComplete="off" value={text} onChange={(e) => setText(e.target.value)} />
      {q && text.trim() && (
        <ul className="wf-search-results" aria-label="Matching requests">
          {results.isPending && <li className="muted">Searching…</li>}
          {results.error && <li className="field-error">{errorMessage(results.error)}</li>}
          {results.data?.length === 0 && <li className="muted">No request matches</li>}
          {results.data?.map((r) => (
            <li key={r.id}>
              <button
                type="button"
                onClick={() => {
                  onPick(r);
                  setText('');
                }}
              >
                <span className="mono muted">{r.key}</span> <span className="wf-search-title">{r.title}</span> <StatusBadge status={r.status} />
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
