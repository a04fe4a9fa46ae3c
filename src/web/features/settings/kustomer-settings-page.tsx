/**
 * Settings → Integrations → Kustomer (admins). Not connected: the Authorize form. Connected: status, org, key suffix,
 * missing optional permissions, last sync, Re-sync, Replace key, Disconnect, the queues and teams agents may
 * escalate to, where the customer's email comes from, which Kustomer priority each request priority becomes, and a
 * Test escalation.
 */
import { useState } from 'react';
import { Link } from 'wouter';
import { errorMessage } from '../../api/client.ts';
import {
  connectProblem,
  type IntegrationTarget,
  type KustomerIntegration,
  type TargetKind,
  useKustomerIntegration,
  useResyncKustomer,
  useSetKustomerTarget,
} from '../../api/integrations.ts';
import { ErrorBanner, Loading, Notice } from '../../ui/states.tsx';
import { RelativeTime } from '../../ui/time.tsx';
import { IntegrationStatusBadge } from './integration-status-badge.tsx';
import { KustomerConnectForm } from './kustomer-connect-form.tsx';
import { KustomerContactField } from './kustomer-contact-field.tsx';
import { KustomerDisconnectButton } from './kustomer-disconnect-button.tsx';
import { KustomerFieldMappingCard } from './kustomer-field-mapping-card.tsx';
import { KustomerPriorityMapCard } from './kustomer-priority-map-card.tsx';
import { KustomerSyncCard } from './kustomer-sync-card.tsx';
import { KustomerTagAllowListCard } from './kustomer-tag-allow-list-card.tsx';
import { KustomerTargetList } from './kustomer-target-list.tsx';
import { KustomerTestEscalation } from './kustomer-test-escalation.tsx';
import { syncSummary } from './sync-summary.ts';

function PageHeader() {
  return (
    <div className="page-header">
      <div>
        <div className="breadcrumbs">
          <Link href="/settings/integrations">Integrations</Link> / Kustomer
        </div>
        <h1>Kustomer</h1>
        <p className="muted">Agents escalate requests into Kustomer conversations, in the queues and teams you allow here.</p>
      </div>
    </div>
  );
}

function NotConnected({ justDisconnected, onConnected }: { justDisconnected: boolean; onConnected: () => void }) {
  return (
    <>
      {justDisconnected && <Notice tone="success">Disconnected from Kustomer. The key and your queue and team choices are forgotten.</Notice>}
      <section className="card connect-card" aria-labelledby="kustomer-connect-title">
        <div className="stack">
          <div className="connect-card-header">
            <h2 id="kustomer-connect-title">Connect Kustomer</h2>
            <IntegrationStatusBadge status="not_connected" />
          </div>
          <p className="muted">Paste an API key from your Kustomer org. Bridgedesk checks it with Kustomer before saving, then loads your queues and teams.</p>
          <KustomerConnectForm onConnected={onConnected} />
        </div>
      </section>
    </>
  );
}

/** A warning listing the permissions (Kustomer roles) the key lacks; nothing when it lacks none. */
function MissingPermissions({ title, why, label, permissions, testId }: { title: string; why: string; label: string; permissions: string[]; testId?: string }) {
  if (permissions.length === 0) return null;
  return (
    <Notice tone="warning">
      <div className="stack-tight" data-testid={testId}>
        <strong>{title}</strong>
        <span>{why}</span>
        <ul className="permission-list" aria-label={label}>
          {permissions.map((m) => (
            <li key={m}>
              <code>{m}</code>
            </li>
          ))}
        </ul>
      </div>
    </Notice>
  );
}

function Connected({ data, onDisconnected }: { data: KustomerIntegration; onDisconnected: () => void }) {
  const resync = useResyncKustomer();
  const toggle = useSetKustomerTarget();
  const [syncNote, setSyncNote] = useState<string | null>(null);
  const [replaceOpen, setReplaceOpen] = useState(false);
  const [toggleError, setToggleError] = useState<{ name: string; error: unknown } | null>(null);
  const [replaced, setReplaced] = useState(false);
  const invalid = data.status === 'invalid_credentials';
  const showReplace = invalid || replaceOpen;

  const doResync = () => {
    setSyncNote(null);
    setReplaced(false);
    resync.mutate(undefined, { onSuccess: (after) => setSyncNote(syncSummary(data, after)) });
  };

  const onToggle = (kind: TargetKind) => (target: IntegrationTarget, enabled: boolean) => {
    setToggleError(null);
    toggle.mutate({ kind, remoteId: target.remoteId, enabled }, { onError: (error) => setToggleError({ name: target.name, error }) });
  };

  return (
    <>
      <section className="card connection-card" aria-labelledby="kustomer-connection-title">
        <div className="connection-head">
          <div className="connection-title">
            <h2 id="kustomer-connection-title">Connection</h2>
            <IntegrationStatusBadge status={data.status} />
          </div>
          <div className="form-actions">
            <button type="button" className="btn" disabled={resync.isPending} onClick={doResync}>
              {resync.isPending ? 'Syncing…' : 'Re-sync'}
            </button>
            {!invalid && (
              <button type="button" className="btn" aria-expanded={replaceOpen} onClick={() => setReplaceOpen((o) => !o)}>
                Replace key
              </button>
            )}
            <KustomerDisconnectButton orgName={data.orgName} onDisconnected={onDisconnected} />
          </div>
        </div>

        {invalid && (
          <div className="banner banner-error" role="alert">
            <div className="stack-tight">
              <strong>Kustomer no longer accepts the saved API key.</strong>
              <span>
                {data.statusChangedAt && (
                  <>
                    Refused <RelativeTime iso={data.statusChangedAt} />
                    {data.statusReason ? ': ' : '.'}
                  </>
                )}
                {data.statusReason && <q>{data.statusReason}</q>}
              </span>
              <span>Escalations to Kustomer fail until you paste a new key below.</span>
            </div>
          </div>
        )}

        <dl className="info connection-info">
          <dt>Org</dt>
          <dd data-testid="kustomer-org">
            <strong>{data.orgName}</strong>
            <span className="muted">.kustomerapp.com</span>
          </dd>
          <dt>API key</dt>
          <dd className="mono" data-testid="kustomer-key">
            <span aria-hidden="true">••••</span>
            <span className="visually-hidden">ending in </span>
            {data.keyLastFour}
          </dd>
          {data.statusChangedAt && !invalid && (
            <>
              <dt>Connected</dt>
              <dd>
                <RelativeTime iso={data.statusChangedAt} />
              </dd>
            </>
          )}
          <dt>Last sync</dt>
          <dd data-testid="kustomer-last-sync">{data.lastSyncedAt ? <RelativeTime iso={data.lastSyncedAt} /> : <span className="muted">Never</span>}</dd>
          {data.lastSyncError && (
            <>
              <dt>Last sync error</dt>
              <dd className="sync-error" data-testid="kustomer-sync-error">
                {data.lastSyncError}
              </dd>
            </>
          )}
        </dl>

        {!invalid && (
          <MissingPermissions
            testId="kustomer-missing-required"
            title="The key lacks permissions escalation needs"
            why="Kustomer refused a call for these roles. Create a key that has them and paste it above; until then escalations that need them fail:"
            label="Missing required permissions"
            permissions={data.missingRequiredPermissions}
          />
        )}
        {!invalid && (
          <MissingPermissions
            title="The key lacks optional permissions"
            why="Escalation works, but the features that need these stay off until the key has them:"
            label="Missing optional permissions"
            permissions={data.missingPermissions.filter((m) => !data.missingRequiredPermissions.includes(m))}
          />
        )}

        {syncNote && (
          <div className="banner banner-success" role="status">
            {syncNote}
          </div>
        )}
        {replaced && !invalid && (
          <div className="banner banner-success" role="status">
            New key saved.
          </div>
        )}
        {/* A refused key is already explained above, with the reason. */}
        <ErrorBanner error={invalid && connectProblem(resync.error)?.kind === 'invalid_credentials' ? null : resync.error} title="Re-sync failed" />

        {showReplace && (
          <div className="replace-key">
            <h3>{invalid ? 'Paste a new API key' : 'Replace key'}</h3>
            <KustomerConnectForm
              key={data.orgName}
              initialOrgName={data.orgName ?? ''}
              currentOrgName={data.orgName}
              submitLabel={invalid ? 'Authorize' : 'Save new key'}
              onCancel={invalid ? undefined : () => setReplaceOpen(false)}
              onConnected={() => {
                setReplaceOpen(false);
                setSyncNote(null);
                setReplaced(true);
                resync.reset();
              }}
            />
          </div>
        )}
      </section>

      {toggleError && (
        <div className="banner banner-error" role="alert">
          <div>
            <strong>Not saved: </strong>“{toggleError.name}” is back as it was. {errorMessage(toggleError.error)}
          </div>
          <button type="button" className="btn btn-small" onClick={() => setToggleError(null)}>
            Dismiss
          </button>
        </div>
      )}
      <div className="grid-2 target-grid">
        <KustomerTargetList kind="queues" targets={data.queues} onToggle={onToggle('queues')} />
        <KustomerTargetList kind="teams" targets={data.teams} onToggle={onToggle('teams')} />
      </div>
      <KustomerContactField data={data} />
      <KustomerPriorityMapCard />
      <KustomerTagAllowListCard />
      <KustomerSyncCard />
      <KustomerTestEscalation data={data} />
      <KustomerFieldMappingCard />
    </>
  );
}

export function KustomerSettingsPage() {
  const integration = useKustomerIntegration();
  const [justDisconnected, setJustDisconnected] = useState(false);
  const data = integration.data;
  return (
    <div className="page page-narrow kustomer-page">
      <PageHeader />
      <ErrorBanner error={integration.error} title="Cannot load the Kustomer connection" onRetry={() => integration.refetch()} />
      {integration.isPending ? (
        <Loading />
      ) : !data ? null : data.status === 'not_connected' ? (
        <NotConnected justDisconnected={justDisconnected} onConnected={() => setJustDisconnected(false)} />
      ) : (
        <Connected data={data} onDisconnected={() => setJustDisconnected(true)} />
      )}
    </div>
  );
}
