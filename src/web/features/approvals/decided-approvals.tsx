/** The approvals you decided (or that were settled without you): request, workflow, outcome, when, your comment. */
import { Link } from 'wouter';
import { useApprovals } from '../../api/approvals.ts';
import { EmptyState, ErrorBanner, Loading } from '../../ui/states.tsx';
import { RelativeTime } from '../../ui/time.tsx';
import { approvalStateLabel } from './approval-format.ts';
import { TableHead } from '../../ui/table-head.tsx';

export function DecidedApprovals() {
  const decided = useApprovals('decided');
  if (decided.isPending) return <Loading label="Loading approvals…" />;
  if (decided.error) return <ErrorBanner error={decided.error} title="Cannot load approvals" onRetry={() => decided.refetch()} />;
  if (decided.data.length === 0) return <EmptyState title="No decided approvals yet" />;
  return (
    <table className="table" data-testid="decided-approvals">
      <TableHead columns={['Request', 'Workflow', 'Outcome', 'When', 'Comment']} />
      <tbody>
        {decided.data.map((a) => (
          <tr key={a.id}>
            <td>
              <Link href={`/requests/${a.request.key}`}>
                <span className="mono">{a.request.key}</span>
              </Link>{' '}
              {a.request.title}
              <div className="muted small">{a.request.requester.name}</div>
            </td>
            <td>{a.workflowName}</td>
            <td>
              <span className={`badge approval-${a.state}`}>{approvalStateLabel(a.state)}</span>
            </td>
            <td className="muted">{a.decidedAt ? <RelativeTime iso={a.decidedAt} /> : '—'}</td>
            <td>{a.comment || <span className="muted">—</span>}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
