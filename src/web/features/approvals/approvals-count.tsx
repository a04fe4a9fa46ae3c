/** The navigation's count on "Approvals": how many wait for your decision (nothing when none). */
import { useApprovals } from '../../api/approvals.ts';

export function ApprovalsCount() {
  const pending = useApprovals('pending');
  const n = pending.data?.length ?? 0;
  if (n === 0) return null;
  return (
    <span className="nav-count" data-testid="approvals-count">
      {n}
      <span className="visually-hidden"> pending</span>
    </span>
  );
}
