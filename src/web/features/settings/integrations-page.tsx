/** Settings → Integrations (admins): the destinations this deployment offers (GET /integrations), each with its connection status. */
import { Link } from 'wouter';
import { type IntegrationSummary, useIntegrations } from '../../api/integrations.ts';
import { ErrorBanner, Loading } from '../../ui/states.tsx';
import { IntegrationStatusBadge } from './integration-status-badge.tsx';

function IntegrationItem({ item }: { item: IntegrationSummary }) {
  const href = `/settings/integrations/${encodeURIComponent(item.id)}`;
  const action = item.status === 'not_connected' ? 'Set up' : 'Manage';
  return (
    <li className="card integration-item" data-testid={`integration-${item.id}`}>
      <span className="integration-mark" aria-hidden="true">
        {item.displayName.slice(0, 1)}
      </span>
      <div className="integration-text">
        <Link href={href} className="integration-name">
          {item.displayName}
        </Link>
        <p className="muted">
          Escalate requests into {item.displayName}, in the queues and teams you choose.
          {item.account && (
            <>
              {' '}
              {item.accountLabel} <strong>{item.account}</strong>.
            </>
          )}
        </p>
      </div>
      <div className="integration-state">
        <IntegrationStatusBadge status={item.status} />
        <Link href={href} className="btn btn-small" aria-label={`${action} ${item.displayName}`}>
          {action}
        </Link>
      </div>
    </li>
  );
}

export function IntegrationsPage() {
  const integrations = useIntegrations();
  return (
    <div className="page page-narrow">
      <div className="page-header">
        <div>
          <h1>Integrations</h1>
          <p className="muted">Where agents escalate requests. Connecting needs an API key from the other tool.</p>
        </div>
      </div>
      {integrations.isPending ? (
        <Loading label="Checking…" />
      ) : (
        <ul className="integration-list">
          {integrations.data?.map((item) => (
            <IntegrationItem key={item.id} item={item} />
          ))}
        </ul>
      )}
      <ErrorBanner error={integrations.error} title="Cannot load the integrations" onRetry={() => integrations.refetch()} />
    </div>
  );
}
