/**
 * The side panel's "Waiting for approval" (staff): whom the request awaits and since when ("Awaiting Morgan Manager
 * since 10:42"), for which workflow, when it is due, and who is asked next. The approver gets a way to decide.
 * Shows nothing when nothing waits. (Bridgedesk sends no reminders yet, so there are none to show.)
 */
import { Link } from 'wouter';
import { useRequestApprovals } from '../../api/approvals.ts';
import { ErrorBanner } from '../../ui/states.tsx';
import { awaitingText, dueText } from './approval-format.ts';

export function RequestApprovals({ requestId, meId, staff }: { requestId: string; meId: string; staff: boolean }) {
  const approvals = useRequestApprovals(requestId, { enabled: staff });
  if (!staff || approvals.isPending || (!approvals.error && approvals.data.length === 0)) return null;
  return (
    <section className="panel-section waiting-approvals" aria-label="Waiting for approval" data-testid="request-approvals">
      <h3>Waiting for approval</h3>
      <ErrorBanner error={approvals.error} title="Cannot load approvals" onRetry={() => approvals.refetch()} />
      <ul className="approval-waits">
        {approvals.data?.map((a) => {
          const due = a.state === 'pending' ? dueText(a.dueAt) : null;
          return (
            <li key={a.id} data-testid="pending-approval" data-state={a.state} className={a.state}>
              <strong>{awaitingText(a)}</strong>
              <div className="muted small">
                Workflow “{a.workflowName}”{due && <span className={due.overdue ? 'overdue' : undefined}> · {due.text}</span>}
              </div>
              {a.state === 'pending' && a.approver.id === meId && (
                <Link href="/approvals" className="btn btn-small btn-primary">
                  Decide in Approvals
                </Link>
              )}
            </li>
          );
        })}
      </ul>
    </section>
  );
}
