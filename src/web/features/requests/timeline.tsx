/** The request's history: comments as bubbles (internal notes marked), every change as one readable line. */
import { useMemo } from 'react';
import type { CustomField, RequestDetail, TimelineEntry } from '../../api/types.ts';
import { useTimeline } from '../../api/requests.ts';
import { ErrorBanner, Loading } from '../../ui/states.tsx';
import { RelativeTime } from '../../ui/time.tsx';
import { describeEntry, type TimelineContext } from './timeline-format.ts';

function Entry({ entry, ctx }: { entry: TimelineEntry; ctx: TimelineContext }) {
  const d = describeEntry(entry, ctx);
  if (d.kind === 'comment') {
    return (
      <li className={`tl-comment${d.internal ? ' internal' : ''}`} data-testid="timeline-entry" data-type={entry.type}>
        <div className="avatar" aria-hidden="true">
          {d.actor.charAt(0).toUpperCase()}
        </div>
        <article className="bubble">
          <header>
            <strong>{d.actor}</strong>
            {d.internal && <span className="internal-label">Internal note</span>}
            <span className="muted">
              <RelativeTime iso={entry.createdAt} />
            </span>
          </header>
          <div className="bubble-body">{d.body}</div>
        </article>
      </li>
    );
  }
  return (
    <li className={`tl-event${d.kind === 'other' ? ' other' : ''}`} data-testid="timeline-entry" data-type={entry.type}>
      <span className="tl-dot" aria-hidden="true" />
      <span className="tl-text">
        <strong>{d.actor}</strong> {d.kind === 'other' ? <code>{d.type}</code> : d.action}
        {d.kind === 'change' && d.detail && <span className="muted"> — {d.detail}</span>}
      </span>
      <span className="muted tl-time">
        <RelativeTime iso={entry.createdAt} />
      </span>
    </li>
  );
}

export function Timeline({ request, fieldDefs, people }: { request: RequestDetail; fieldDefs: CustomField[]; people: Map<string, string> }) {
  const timeline = useTimeline(request.id);
  const ctx = useMemo<TimelineContext>(
    () => ({
      fields: new Map(fieldDefs.map((f) => [f.key, { label: f.label, type: f.type }])),
      personName: (id) => people.get(id),
    }),
    [fieldDefs, people],
  );
  // Pages come newest first; each page is oldest first. The list reads top to bottom, oldest first.
  const entries = timeline.data ? [...timeline.data.pages].reverse().flatMap((p) => p.items) : [];
  return (
    <section className="timeline" aria-label="Timeline">
      <h2 className="section-title">Activity</h2>
      <ErrorBanner error={timeline.error} title="Cannot load the timeline" onRetry={() => timeline.refetch()} />
      {timeline.hasNextPage && (
        <button type="button" className="btn btn-small tl-older" disabled={timeline.isFetchingNextPage} onClick={() => timeline.fetchNextPage()}>
          {timeline.isFetchingNextPage ? 'Loading older activity…' : 'Show older'}
        </button>
      )}
      {timeline.isPending ? (
        <Loading label="Loading activity…" />
      ) : (
        <ol className="tl-list">
          {entries.map((e) => (
            <Entry key={e.id} entry={e} ctx={ctx} />
          ))}
        </ol>
      )}
    </section>
  );
}
