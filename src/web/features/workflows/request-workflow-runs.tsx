/**
 * The side panel's "Workflow runs" (staff): each run of a workflow on this request with its state, what it waits
 * for or why it failed (with Retry), and its steps on demand. Kept fresh while one is under way. Shows nothing when
 * no workflow ran on the request. The timeline tells the same run as one group; this is where it stands now.
 */
import { useId, useState } from 'react';
import { Link } from 'wouter';
import { errorMessage } from '../../api/client.ts';
import { useMe } from '../../api/session.ts';
import { isStaffRole } from '../../../core/actor.ts';
import { useRequestWorkflowRuns, useRetryRun, type WorkflowRun } from '../../api/workflows.ts';
import { plural } from '../../ui/format.ts';
import { ErrorBanner } from '../../ui/states.tsx';
import { RelativeTime } from '../../ui/time.tsx';
import { RunStateBadge, StepResult } from './run-card.tsx';
import { pathLabel, stepStateLabel, stepTypeLabel } from './workflow-format.ts';

/** What a run is doing now, in words: the step it waits on, or the one that failed. */
function nowLine(run: WorkflowRun): string | null {
  const waiting = run.steps.find((s) => s.state === 'waiting');
  if (run.state === 'waiting' && waiting) return `Waiting at “${waiting.name || stepTypeLabel(waiting.type)}”`;
  if (run.state === 'failed') {
    const failed = run.steps.find((s) => s.state === 'failed');
    return `Failed at “${failed ? failed.name || stepTypeLabel(failed.type) : run.failedStep ? pathLabel(run.failedStep) : 'a step'}”${run.error ? `: ${run.error}` : ''}`;
  }
  return null;
}

function RunSummary({ run, admin }: { run: WorkflowRun; admin: boolean }) {
  const retry = useRetryRun();
  const [open, setOpen] = useState(false);
  const stepsId = useId();
  const now = nowLine(run);
  return (
    <li className="wf-run-summary" data-testid="workflow-run" data-state={run.state} aria-label={`${run.workflowName}: ${run.state}`}>
      <div className="wf-run-summary-head">
        <strong>{run.workflowName}</strong>
        <RunStateBadge state={run.state} />
      </div>
      <div className="muted small">
        Started <RelativeTime iso={run.createdAt} />
        {admin && (
          <>
            {' · '}
            <Link href={`/workflows/${run.workflowId}/runs`}>All runs</Link>
          </>
        )}
      </div>
      {now && <div className={run.state === 'failed' ? 'field-error' : 'wf-run-now'}>{now}</div>}
      {run.state === 'failed' && (
        <button type="button" className="btn btn-small" disabled={retry.isPending} onClick={() => retry.mutate(run.id)}>
          {retry.isPending ? 'Retrying…' : 'Retry from the failed step'}
        </button>
      )}
      {retry.error && <p className="field-error">Retry failed: {errorMessage(retry.error)}</p>}
      {run.steps.length > 0 && (
        <>
          <button type="button" className="link-button tl-toggle" aria-expanded={open} aria-controls={stepsId} onClick={() => setOpen((o) => !o)}>
            {open ? 'Hide steps' : `Show ${run.steps.length} ${plural(run.steps.length, 'step')}`}
          </button>
          <ol id={stepsId} className="wf-run-steps-compact" hidden={!open}>
            {run.steps.map((s) => (
              <li key={s.path} data-testid="run-step" data-type={s.type} data-state={s.state}>
                <div>
                  {s.name || stepTypeLabel(s.type)} <span className={`badge step-${s.state}`}>{stepStateLabel(s.state)}</span>
                </div>
                <StepResult step={s} />
              </li>
            ))}
          </ol>
        </>
      )}
    </li>
  );
}

export function RequestWorkflowRuns({ requestId }: { requestId: string }) {
  const me = useMe();
  const staff = isStaffRole(me.role);
  const runs = useRequestWorkflowRuns(requestId, { enabled: staff });
  if (!staff || runs.isPending || (!runs.error && runs.data.length === 0)) return null;
  return (
    <section className="panel-section" aria-label="Workflow runs" data-testid="request-workflow-runs">
      <h3>Workflow runs</h3>
      <ErrorBanner error={runs.error} title="Cannot load workflow runs" onRetry={() => runs.refetch()} />
      <ul className="wf-run-summaries">
        {runs.data?.map((run) => (
          <RunSummary key={run.id} run={run} admin={me.role === 'admin'} />
        ))}
      </ul>
    </section>
  );
}
