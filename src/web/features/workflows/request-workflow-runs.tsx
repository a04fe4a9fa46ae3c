/**
 * The request page's "Workflow runs" section (staff): every run of a workflow on this request with its steps, kept
 * fresh while one is under way. Shows nothing when no workflow ran on the request.
 */
import { useMe } from '../../api/session.ts';
import { isStaffRole } from '../../api/types.ts';
import { useRequestWorkflowRuns } from '../../api/workflows.ts';
import { ErrorBanner } from '../../ui/states.tsx';
import { RunCard } from './run-card.tsx';

export function RequestWorkflowRuns({ requestId }: { requestId: string }) {
  const me = useMe();
  const staff = isStaffRole(me.role);
  const runs = useRequestWorkflowRuns(requestId, { enabled: staff });
  if (!staff || runs.isPending || (!runs.error && runs.data.length === 0)) return null;
  return (
    <section className="wf-request-runs stack-tight" aria-labelledby="wf-request-runs-title" data-testid="request-workflow-runs">
      <h2 id="wf-request-runs-title" className="section-title">
        Workflow runs
      </h2>
      <ErrorBanner error={runs.error} title="Cannot load workflow runs" onRetry={() => runs.refetch()} />
      {runs.data?.map((run) => (
        <RunCard key={run.id} run={run} show="request" />
      ))}
    </section>
  );
}
