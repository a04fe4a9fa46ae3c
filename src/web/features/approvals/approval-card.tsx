/** One approval waiting for you: the request's context, the workflow's message, and Approve / Reject with a comment. */
import { useId, useState } from 'react';
import { Link } from 'wouter';
import { type Approval, useDecideApproval } from '../../api/approvals.ts';
import { ApiError } from '../../api/client.ts';
import { PriorityBadge, StatusBadge } from '../../ui/badges.tsx';
import { formatDateTime } from '../../ui/format.ts';
import { ErrorBanner } from '../../ui/states.tsx';
import { RelativeTime, useNow } from '../../ui/time.tsx';
import { dueText } from './approval-format.ts';

function decisionProblem(err: unknown): string | null {
  if (!(err instanceof ApiError)) return null;
  if (err.status === 409) return `Already decided: ${err.message}`;
  if (err.status === 403) return 'You are not the approver of this request any more.';
  return null;
}

export function ApprovalCard({ approval: a }: { approval: Approval }) {
  const decide = useDecideApproval();
  const [comment, setComment] = useState('');
  const commentId = useId();
  const now = useNow();
  const due = dueText(a.dueAt, now);
  const send = (decision: 'approve' | 'reject') => decide.mutate({ id: a.id, decision, comment: comment.trim() || undefined });
  const problem = decisionProblem(decide.error);
  return (
    <li className="card approval-card" data-testid="approval" aria-label={`Approval for ${a.request.key}`}>
      <div className="approval-head">
        <div>
          <Link href={`/requests/${a.request.key}`} className="approval-title">
            <span className="mono muted">{a.request.key}</span> {a.request.title}
          </Link>
          <div className="approval-meta muted small">
            Requested by <strong>{a.request.requester.name}</strong> · workflow <strong>{a.workflowName}</strong> · asked <RelativeTime iso={a.createdAt} />
          </div>
        </div>
        <div className="approval-badges">
          <PriorityBadge priority={a.request.priority} />
          <StatusBadge status={a.request.status} />
        </div>
      </div>
      {a.message && <p className="approval-message">{a.message}</p>}
      {due && (
        <p className={due.overdue ? 'approval-due overdue' : 'approval-due'} title={a.dueAt ? formatDateTime(a.dueAt) : undefined}>
          {due.text}
        </p>
      )}
      <div className="stack-tight">
        <label htmlFor={commentId} className="field-label">
          Comment <span className="muted">(optional)</span>
        </label>
        <textarea
          id={commentId}
          rows={2}
          value={comment}
          disabled={decide.isPending}
          aria-describedby={`${commentId}-who`}
          onChange={(e) => setComment(e.target.value)}
        />
        <span id={`${commentId}-who`} className="muted small">
          Only agents and admins read your comment, on the request's timeline. {a.request.requester.name} is told your decision, not your comment.
        </span>
      </div>
      {problem ? (
        <div className="banner banner-warning" role="alert">
          {problem}
        </div>
      ) : (
        <ErrorBanner error={decide.error} title="Not recorded" />
      )}
      <div className="form-actions">
        <button type="button" className="btn btn-primary" disabled={decide.isPending} onClick={() => send('approve')}>
          Approve
        </button>
        <button type="button" className="btn btn-danger" disabled={decide.isPending} onClick={() => send('reject')}>
          Reject
        </button>
        {decide.isPending && <span className="muted">Recording…</span>}
      </div>
    </li>
  );
}
