/**
 * The request's history: comments as bubbles (internal notes marked), every change as one readable line, and an
 * escalation's or a workflow run's entries as one group that expands to its steps (timeline-items.ts). The newest
 * 100 entries load first; "Show older" loads the ones before.
 */
import { useId, useMemo, useState } from 'react';
import type { CustomField } from '../../../server/schemas/catalog.ts';
import type { RequestDetail } from '../../../server/schemas/request.ts';
import { useTimeline } from '../../api/requests.ts';
import { plural } from '../../ui/format.ts';
import { ErrorBanner, Loading } from '../../ui/states.tsx';
import { RelativeTime } from '../../ui/time.tsx';
import { useRetryNote } from '../../api/escalations.ts';
import { AttachmentList } from '../attachments/attachment-list.tsx';
import { RemoteFileNotices } from '../attachments/remote-file-notices.tsx';
import { type DescribedEntry, renderParts, type TimelineContext } from './timeline-format.ts';
import { type TimelineGroup, type TimelineItem, type TimelineLine, timelineItems } from './timeline-items.ts';

function Line({ item }: { item: TimelineLine }) {
  const { entry, described: d } = item;
  if (d.kind === 'comment') {
    return (
      <li
        className={`tl-comment${d.internal ? ' internal' : ''}${d.direction ? ` from-destination ${d.direction}` : ''}`}
        data-testid="timeline-entry"
        data-type={entry.type}
        data-direction={d.direction ?? undefined}
      >
        <div className="avatar" aria-hidden="true">
          {d.actor.charAt(0).toUpperCase()}
        </div>
        <article className="bubble">
          <header>
            <strong>{d.actor}</strong>
            {(d.label || d.internal) && <span className="internal-label">{d.label ?? 'Internal note'}</span>}
            {d.badge && <span className="tl-badge">{d.badge}</span>}
            <span className="muted">
              <RelativeTime iso={d.writtenAt ?? entry.createdAt} />
            </span>
          </header>
          <div className="bubble-body">{d.body}</div>
          <AttachmentList attachments={entry.attachments} />
          <RemoteFileNotices entry={entry} />
          {d.delivery && <NoteDelivery entryId={entry.id} requestId={entry.requestId} delivery={d.delivery} />}
        </article>
      </li>
    );
  }
  const action = d.kind === 'escalation' ? d.action : d.kind === 'change' && d.parts ? renderParts(d.parts, d.detail) : d.action;
  return (
    <li className={`tl-event${d.kind === 'other' ? ' other' : ''}`} data-testid="timeline-entry" data-type={entry.type}>
      <span className="tl-dot" aria-hidden="true" />
      <span className="tl-text">
        <strong>{d.actor}</strong> {action}
        {d.kind === 'change' && !d.parts && d.detail && <span className="muted"> — {d.detail}</span>}
        {item.also && <span className="muted"> · {renderParts(item.also)}</span>}
        <AttachmentList attachments={entry.attachments} />
      </span>
      <span className="muted tl-time">
        <RelativeTime iso={entry.createdAt} />
      </span>
    </li>
  );
}

/** A Note to Kustomer's state under it: sending, sent, or not sent with the reason and a retry. */
function NoteDelivery({
  entryId,
  requestId,
  delivery,
}: {
  entryId: string;
  requestId: string;
  delivery: NonNullable<Extract<DescribedEntry, { kind: 'comment' }>['delivery']>;
}) {
  const retry = useRetryNote(requestId);
  const { state, destination } = delivery;
  // Named by its conversation: a request can be linked to several.
  const where = `${destination} conversation${delivery.conversationId ? ` ${delivery.conversationId.slice(0, 8)}…` : ''}`;
  return (
    <footer className={`note-delivery ${state}`} data-testid="note-delivery" data-state={state} role="status">
      {state === 'sending' && `Posting to ${where}…`}
      {state === 'sent' && `✓ Posted on ${where}`}
      {state === 'failed' && (
        <>
          <span>
            Not posted to {where}
            {delivery.reason ? `: ${delivery.reason}` : ''}
          </span>
          <button
            type="button"
            className="btn btn-small"
            disabled={retry.isPending}
            onClick={() => retry.mutate({ escalationId: delivery.escalationId, entryId })}
          >
            {retry.isPending ? 'Retrying…' : 'Retry'}
          </button>
        </>
      )}
      <ErrorBanner error={retry.error} title="Not retried" />
    </footer>
  );
}

function Group({ item }: { item: TimelineGroup }) {
  const [open, setOpen] = useState(false);
  const stepsId = useId();
  const n = item.steps.length;
  return (
    <li
      className={`tl-event tl-group tl-group-${item.group} tone-${item.outcome.tone}`}
      data-testid="timeline-group"
      data-group={item.group}
      data-tone={item.outcome.tone}
    >
      <span className="tl-dot" aria-hidden="true" />
      <div className="tl-text">
        <div>
          <strong>{item.actor}</strong> {renderParts(item.parts, item.detail)}{' '}
          <span className={`tl-outcome tone-${item.outcome.tone}`} data-testid="timeline-group-outcome">
            {renderParts(item.outcome.parts)}
          </span>
        </div>
        {n > 0 && (
          <button type="button" className="link-button tl-toggle" aria-expanded={open} aria-controls={stepsId} onClick={() => setOpen((o) => !o)}>
            {open ? 'Hide steps' : `Show ${n} ${plural(n, 'step')}`}
          </button>
        )}
        <ol id={stepsId} className="tl-steps" hidden={!open} aria-label={item.group === 'escalation' ? 'Escalation steps' : 'Workflow run steps'}>
          {item.steps.map((s) => (
            <li key={s.key} className={s.failed ? 'failed' : undefined} data-testid="timeline-step">
              <span>
                <strong>{s.actor}</strong> {renderParts(s.parts, s.detail)}
              </span>
              <span className="muted tl-time">
                <RelativeTime iso={s.at} />
              </span>
            </li>
          ))}
        </ol>
      </div>
      <span className="muted tl-time">
        <RelativeTime iso={item.at} />
      </span>
    </li>
  );
}

const Item = ({ item }: { item: TimelineItem }) => (item.kind === 'group' ? <Group item={item} /> : <Line item={item} />);

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
  const items = useMemo(
    () =>
      timeline.data
        ? timelineItems(
            [...timeline.data.pages].reverse().flatMap((p) => p.items),
            ctx,
          )
        : [],
    [timeline.data, ctx],
  );
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
          {items.map((item) => (
            <Item key={item.key} item={item} />
          ))}
        </ol>
      )}
    </section>
  );
}
