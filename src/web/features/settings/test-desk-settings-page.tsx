/**
 * Settings → Integrations → Test desk (admins; offered only where BRIDGEDESK_TEST_DESTINATIONS is on): connect with a
 * desk name and key, see the status, disconnect. Queues and teams are all the desk has; none need choosing by hand.
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { Link } from 'wouter';
import { api, del, get } from '../../api/client.ts';
import type { ConnectIntegrationBody, KustomerIntegration } from '../../api/integrations.ts';
import { ErrorBanner, Loading } from '../../ui/states.tsx';
import { IntegrationStatusBadge } from './integration-status-badge.tsx';

const PATH = '/integrations/test-desk';
const KEY = ['integrations', 'test-desk'] as const;

export function TestDeskSettingsPage() {
  const qc = useQueryClient();
  const status = useQuery({ queryKey: KEY, queryFn: () => get<KustomerIntegration>(PATH) });
  const onSuccess = () => qc.invalidateQueries({ queryKey: KEY });
  const connect = useMutation({ mutationFn: (body: ConnectIntegrationBody) => api('PUT', PATH, body), onSuccess });
  const disconnect = useMutation({ mutationFn: () => del(PATH), onSuccess });
  const [desk, setDesk] = useState('');
  const [key, setKey] = useState('');
  const submit = (e: FormEvent) => {
    e.preventDefault();
    connect.mutate({ orgName: desk, apiKey: key });
  };
  return (
    <div className="page page-narrow">
      <div className="breadcrumbs">
        <Link href="/settings/integrations">Integrations</Link> / Test desk
      </div>
      <h1>Test desk</h1>
      <ErrorBanner error={status.error ?? connect.error ?? disconnect.error} />
      {status.isPending ? (
        <Loading />
      ) : status.data?.status === 'not_connected' ? (
        <form className="card stack" onSubmit={submit}>
          <label>
            Desk name <input value={desk} onChange={(e) => setDesk(e.target.value)} required />
          </label>
          <label>
            Key <input value={key} onChange={(e) => setKey(e.target.value)} required />
          </label>
          <button type="submit" className="btn btn-primary" disabled={connect.isPending}>
            Authorize
          </button>
        </form>
      ) : status.data ? (
        <section className="card stack">
          <IntegrationStatusBadge status={status.data.status} />
          <p>
            Desk <strong>{status.data.orgName}</strong>
          </p>
          <button type="button" className="btn" disabled={disconnect.isPending} onClick={() => disconnect.mutate()}>
            Disconnect
          </button>
        </section>
      ) : null}
    </div>
  );
}
