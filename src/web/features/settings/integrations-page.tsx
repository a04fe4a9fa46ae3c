/** Settings → Integrations (admins): the tools Bridgedesk escalates to, each with its connection status. */
import { Link } from 'wouter';
import { useKustomerIntegration } from '../../api/integrations.ts';
import { ErrorBanner, Loading } from '../../ui/states.tsx';
import { IntegrationStatusBadge } from './integration-status-badge.tsx';

export function IntegrationsPage() {
  const kustomer = useKustomerIntegration();
  const data = kustomer.data;
  return (
    <div className="page page-narrow">
      <div className="page-header">
        <div>
          <h1>Integrations</h1>
          <p className="muted">Where agents escalate requests. Connecting needs an API key from the other tool.</p>
        </div>
      </div>
      <ul className="integration-list">
        <li className="card integration-item" data-testid="integration-kustomer">
          <span className="integration-mark" aria-hidden="true">
            K
          </span>
          <div className="integration-text">
            <Link href="/settings/integrations/kustomer" className="integration-name">
              Kustomer
            </Link>
            <p className="muted">
              Escalate requests into Kustomer conversations, in the queues and teams you choose.
              {data?.orgName && (
                <>
                  {' '}
                  Org <strong>{data.orgName}</strong>.
                </>
              )}
            </p>
          </div>
          <div className="integration-state">
            {kustomer.isPending ? <Loading label="Checking…" /> : data ? <IntegrationStatusBadge status={data.status} /> : null}
            <Link
              href="/settings/integrations/kustomer"
              className="btn btn-small"
              aria-label={data?.status === 'not_connected' ? 'Set up Kustomer' : 'Manage Kustomer'}
            >
              {data?.status === 'not_connected' ? 'Set up' : 'Manage'}
            </Link>
          </div>
        </li>
      </ul>
      <ErrorBanner error={kustomer.error} title="Cannot load the Kustomer status" onRetry={() => kustomer.refetch()} />
    </div>
  );
}
