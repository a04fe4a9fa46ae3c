/**
 * /approvals (everyone signed in): what waits for your decision, with the request's context (key, title,
 * requester, priority, workflow, message, due time), Approve / Reject with an optional comment; and what you decided.
 */
import { Link, useSearch } from 'wouter';
import { type ApprovalList, useApprovals } from '../../api/approvals.ts';
import { EmptyState, ErrorBanner, Loading } from '../../ui/states.tsx';
import { ApprovalCard } from './approval-card.tsx';
import { DecidedApprovals } from './decided-approvals.tsx';

function PendingApprovals() {
  const pending = useApprovals('pending');
  if (pending.isPending) return <Loading label="Loading approvals…" />;
  if (pending.error) return <ErrorBanner error={pending.error} title="Cannot load approvals" onRetry={() => pending.refetch()} />;
  if (pending.data.length === 0)
    return <EmptyState title="Nothing waits for your approval">When a workflow asks you to approve a request, it shows up here.</EmptyState>;
  return (
    <ul className="approval-list">
      {pending.data.map((a) => (
        <ApprovalCard key={a.id} approval={a} />
      ))}
    </ul>
  );
}

export function ApprovalsPage() {
  const tab: ApprovalList = new URLSearchParams(useSearch()).get('tab') === 'decided' ? 'decided' : 'pending';
  const pending = useApprovals('pending');
  const count = pending.data?.length ?? 0;
  return (
    <div className="page page-narrow">
      <div className="page-header">
        <div>
          <h1>Approvals</h1>
          <p className="muted">Requests a workflow asks you to approve before it goes on.</p>
        </div>
      </div>
      <nav className="wf-tabs" aria-label="Approvals">
        <Link href="/approvals" className={tab === 'pending' ? 'on' : undefined} aria-current={tab === 'pending' ? 'page' : undefined}>
          Pending {count > 0 && <span className="wf-count">{count}</span>}
        </Link>
        <Link href="/approvals?tab=decided" className={tab === 'decided' ? 'on' : undefined} aria-current={tab === 'decided' ? 'page' : undefined}>
          Decided
        </Link>
      </nav>
      {tab === 'pending' ? <PendingApprovals /> : <DecidedApprovals />}
    </div>
  );
}
