/**
 * The linked conversation as the destination last told it, on the escalation card: status and sub-status, assignee,
 * queue, priority, last activity, and how long the request has been waiting on them. Live: a change stored on the
 * escalation reaches the page through the change stream (live-changes.ts).
 */
import type { Escalation } from '../../api/escalations.ts';
import { RelativeTime, useNow } from '../../ui/time.tsx';
import { formatDateTime } from '../../ui/format.ts';
import { duration, personText, queueText, remotePriorityText, remoteStatusText, requestAwaits, teamText } from './remote-state-format.ts';

export function RemoteState({
  remote: r,
  destination,
  requestStatus,
}: {
  remote: NonNullable<Escalation['remote']>;
  destination: string;
  requestStatus: string;
}) {
  const now = useNow();
  const priority = remotePriorityText(r);
  const queue = queueText(r.queue);
  const team = teamText(r.assignee);
  const waiting = r.status === 'open' && r.openSince && requestAwaits(requestStatus);
  return (
    <div className="esc-remote-state" data-testid="remote-state" data-status={r.status}>
      <div className="esc-remote-status">
        <span className="esc-remote-where">In {destination}</span>
        <span
          className={`badge esc-remote-badge esc-remote-${r.status}`}
          data-testid="remote-status"
          title={r.snoozedUntil ? formatDateTime(r.snoozedUntil) : undefined}
        >
          {remoteStatusText(r, now)}
        </span>
        {r.subStatus && (
          <span className="esc-remote-sub" data-testid="remote-sub-status">
            {r.subStatus}
          </span>
        )}
      </div>
      {waiting && (
        <p className="esc-remote-waiting" data-testid="remote-waiting">
          Waiting on {destination} for <span className="nowrap">{duration(r.openSince!, now)}</span>
        </p>
      )}
      <dl className="esc-remote-facts">
        <dt>Assignee</dt>
        <dd data-testid="remote-assignee">{personText(r.assignee) ?? 'Unassigned'}</dd>
        {team && (
          <>
            <dt>Team</dt>
            <dd data-testid="remote-team">{team}</dd>
          </>
        )}
        {queue && (
          <>
            <dt>Queue</dt>
            <dd data-testid="remote-queue">{queue}</dd>
          </>
        )}
        {priority && (
          <>
            <dt>Priority</dt>
            <dd data-testid="remote-priority">{priority}</dd>
          </>
        )}
        {r.lastActivityAt && (
          <>
            <dt>Last activity</dt>
            <dd data-testid="remote-activity">
              <RelativeTime iso={r.lastActivityAt} />
            </dd>
          </>
        )}
      </dl>
    </div>
  );
}
