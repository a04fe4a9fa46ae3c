/** A workflow's Runs tab: its run history, newest first, each with its steps and Retry for failed runs. */
import { useState } from 'react';
import { RUN_STATES, type RunState, useWorkflowRuns } from '../../api/workflows.ts';
import { EmptyState, ErrorBanner, Loading } from '../../ui/states.tsx';
import { RunCard } from './run-card.tsx';
import { runStateLabel } from './workflow-format.ts';

export function WorkflowRunsTab({ workflowId }: { workflowId: string }) {
  const runs = useWorkflowRuns(workflowId);
  const [state, setState] = useState<RunState | ''>('');
  if (runs.isPending) return <Loading label="Loading runs…" />;
  if (runs.error) return <ErrorBanner error={runs.error} title="Cannot load runs" onRetry={() => runs.refetch()} />;
  const shown = state ? runs.data.filter((r) => r.state === state) : runs.data;
  return (
    <div className="stack" data-testid="workflow-runs">
      <div className="filters">
        <div className="filter-group">
          <select aria-label="Run state" value={state} onChange={(e) => setState(e.target.value as RunState | '')}>
            <option value="">All runs ({runs.data.length})</option>
            {RUN_STATES.map((s) => (
              <option key={s} value={s}>
                {runStateLabel(s)} ({runs.data.filter((r) => r.state === s).length})
              </option>
            ))}
          </select>
        </div>
      </div>
      {shown.length === 0 ? (
        <EmptyState title={runs.data.length ? 'No runs in this state' : 'No runs yet'}>
          {runs.data.length ? null : 'Runs appear here when the trigger fires on a request while the workflow is enabled.'}
        </EmptyState>
      ) : (
        shown.map((run) => <RunCard key={run.id} run={run} show="workflow" />)
      )}
    </div>
  );
}
