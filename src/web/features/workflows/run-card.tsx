/**
 * One workflow run: its state, version and times, each step reached with its state, time, result or error, and
 * Retry for a failed run (it resumes from the failed step). Used on a workflow's Runs tab and on the request page.
 */
import type { ReactNode } from 'react';
import { Link } from 'wouter';
import { errorMessage } from '../../api/client.ts';
import { ConversationId } from '../escalations/conversation-id.tsx';
import { type RunStep, useRetryRun, type WorkflowRun } from '../../api/workflows.ts';
import { formatDateTime } from '../../ui/format.ts';
import { RelativeTime } from '../../ui/time.tsx';
import { elapsed, pathLabel, runStateLabel, stepStateLabel, stepTypeLabel } from './workflow-format.ts';
import { TableHead } from '../../ui/table-head.tsx';

export function RunStateBadge({ state }: { state: string }) {
  return (
    <span className={`badge run-${state}`} data-testid="run-state">
      {runStateLabel(state)}
    </span>
  );
}

const SKIP_KEYS = new Set(['escalationId', 'approverIds', 'conversationId', 'url', 'outcome', 'chosen', 'until', 'afterEntryId', 'reply', 'threadWaitSince']);

/** What a step left behind, in words: the Kustomer conversation (linked), an approval's outcome, the branch taken. */
export function StepResult({ step }: { step: RunStep }) {
  const r = step.result && typeof step.result === 'object' ? (step.result as Record<string, unknown>) : {};
  const parts: ReactNode[] = [];
  if (typeof r.conversationId === 'string' && r.conversationId) {
    parts.push(
      <span key="conversation" data-testid="run-conversation">
        Conversation <ConversationId id={r.conversationId} />
        {typeof r.url === 'string' && r.url && (
          <>
            {' '}
            <a href={r.url} target="_blank" rel="noreferrer">
              Open in Kustomer
            </a>
          </>
        )}
      </span>,
    );
  } else if (step.type === 'create_conversation' && step.state === 'waiting') {
    parts.push(<span key="sending">Creating the conversation…</span>);
  }
  if (r.outcome === 'approved' || r.outcome === 'rejected') parts.push(<span key="outcome">{r.outcome === 'approved' ? 'Approved' : 'Rejected'}</span>);
  else if (step.type === 'approval' && step.state === 'waiting') parts.push(<span key="waiting">Waiting for the decision</span>);
  if (r.reply === 'received' || r.reply === 'none')
    parts.push(<span key="reply">{r.reply === 'received' ? 'The requester replied' : 'No reply in time'}</span>);
  else if (step.type === 'wait_for_reply' && step.state === 'waiting') parts.push(<span key="reply">Waiting for the requester's reply</span>);
  if (typeof r.threadWaitSince === 'string' && step.state === 'waiting') parts.push(<span key="thread">Waiting for Kustomer's reply to be read</span>);
  if (r.chosen === 'then' || r.chosen === 'else') parts.push(<span key="chosen">Took “{r.chosen === 'then' ? 'then' : 'otherwise'}”</span>);
  if (typeof r.until === 'string' && step.state === 'waiting') parts.push(<span key="until">Until {formatDateTime(r.until)}</span>);
  for (const [k, v] of Object.entries(r)) {
    if (SKIP_KEYS.has(k) || v === null || v === undefined || typeof v === 'object') continue;
    parts.push(
      <span key={k} className="muted">
        {k}: {String(v)}
      </span>,
    );
  }
  if (step.error)
    parts.push(
      <span key="error" className="field-error">
        {step.error}
      </span>,
    );
  return parts.length ? <div className="wf-step-result">{parts}</div> : <span className="muted">—</span>;
}

export function RunCard({ run, show }: { run: WorkflowRun; show: 'workflow' | 'request' }) {
  const retry = useRetryRun();
  const took = elapsed(run.createdAt, run.finishedAt);
  return (
    <article className="card wf-run" data-testid="workflow-run" data-state={run.state} aria-label={`${run.workflowName} on ${run.requestKey}`}>
      <header className="wf-run-head">
        <div className="wf-run-title">
          {show === 'workflow' ? (
            <Link href={`/requests/${run.requestKey}`} className="mono">
              {run.requestKey}
            </Link>
          ) : (
            <strong>{run.workflowName}</strong>
          )}
          <span className="muted small">Version {run.version}</span>
          <RunStateBadge state={run.state} />
        </div>
        <div className="wf-run-meta muted small">
          <span>
            Started <RelativeTime iso={run.createdAt} />
            {took && ` · took ${took}`}
          </span>
          {run.state === 'failed' && (
            <button type="button" className="btn btn-small" disabled={retry.isPending} onClick={() => retry.mutate(run.id)}>
              {retry.isPending ? 'Retrying…' : 'Retry'}
            </button>
          )}
        </div>
      </header>
      {run.error && (
        <p className="field-error">
          {run.failedStep ? `Step ${pathLabel(run.failedStep)} failed: ` : ''}
          {run.error}
        </p>
      )}
      {retry.error && <p className="field-error">Retry failed: {errorMessage(retry.error)}</p>}
      {run.steps.length > 0 && (
        <table className="table wf-run-steps">
          <TableHead columns={['Step', 'State', 'Started', 'Took', 'Result']} />
          <tbody>
            {run.steps.map((s) => (
              <tr key={s.path} data-testid="run-step" data-type={s.type} data-state={s.state}>
                <td>
                  <span className="muted mono">{pathLabel(s.path)}</span> {s.name || stepTypeLabel(s.type)}
                </td>
                <td>
                  <span className={`badge step-${s.state}`}>{stepStateLabel(s.state)}</span>
                </td>
                <td className="muted">{s.startedAt ? <RelativeTime iso={s.startedAt} /> : '—'}</td>
                <td className="muted">{elapsed(s.startedAt, s.finishedAt) ?? '—'}</td>
                <td>
                  <StepResult step={s} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </article>
  );
}
