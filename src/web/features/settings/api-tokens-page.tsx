/** Settings → API tokens: personal tokens for scripts. The token text is shown once, right after creating it. */
import { type FormEvent, useState } from 'react';
import { useApiTokens, useCreateApiToken, useRevokeApiToken } from '../../api/api-tokens.ts';
import { fieldErrors } from '../../api/client.ts';
import type { ApiToken } from '../../../server/schemas/api-token.ts';
import { CopyButton } from '../../ui/copy-button.tsx';
import { Field, Input, Select } from '../../ui/field.tsx';
import { formatDateTime } from '../../ui/format.ts';
import { EmptyState, ErrorBanner, Loading, Notice } from '../../ui/states.tsx';
import { RelativeTime } from '../../ui/time.tsx';
import { TableHead } from '../../ui/table-head.tsx';

function tokenState(t: ApiToken, now: Date): { label: string; live: boolean } {
  if (t.revokedAt) return { label: 'Revoked', live: false };
  if (t.expiresAt && new Date(t.expiresAt) <= now) return { label: 'Expired', live: false };
  return { label: 'Active', live: true };
}

export function ApiTokensPage() {
  const tokens = useApiTokens();
  const create = useCreateApiToken();
  const revoke = useRevokeApiToken();
  const [name, setName] = useState('');
  const [expires, setExpires] = useState('90');
  const [created, setCreated] = useState<{ name: string; token: string } | null>(null);
  const errors = fieldErrors(create.error);
  const now = new Date();

  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate(
      { name: name.trim(), expiresInDays: expires ? Number(expires) : undefined },
      {
        onSuccess: (t) => {
          setCreated({ name: t.name, token: t.token });
          setName('');
        },
      },
    );
  };

  return (
    <div className="page">
      <div className="page-header">
        <div>
          <h1>API tokens</h1>
          <p className="muted">
            Personal tokens for scripts and integrations. They act as you: send <code>Authorization: Bearer &lt;token&gt;</code>. See the{' '}
            <a href="/api/docs">API reference</a>.
          </p>
        </div>
      </div>

      {created && (
        <Notice tone="success">
          <div className="stack-tight">
            <strong>Token “{created.name}” created. Copy it now: it will not be shown again.</strong>
            <div className="token-reveal">
              <code data-testid="new-token">{created.token}</code>
              <CopyButton text={created.token} />
            </div>
            <div>
              <button type="button" className="btn btn-small btn-ghost" onClick={() => setCreated(null)}>
                Done
              </button>
            </div>
          </div>
        </Notice>
      )}

      <form className="card inline-form" onSubmit={submit} noValidate>
        <Field label="Name" error={errors.name} hint="What uses it, e.g. “Jamf sync”">
          <Input value={name} maxLength={100} onChange={(e) => setName(e.target.value)} />
        </Field>
        <Field label="Expires" error={errors.expiresInDays}>
          <Select value={expires} onChange={(e) => setExpires(e.target.value)}>
            <option value="30">In 30 days</option>
            <option value="90">In 90 days</option>
            <option value="365">In a year</option>
            <option value="">Never</option>
          </Select>
        </Field>
        <button type="submit" className="btn btn-primary" disabled={create.isPending || !name.trim()}>
          {create.isPending ? 'Creating…' : 'Create token'}
        </button>
      </form>
      <ErrorBanner error={create.error && !errors.name ? create.error : null} />
      <ErrorBanner error={revoke.error} title="Not revoked" />
      <ErrorBanner error={tokens.error} title="Cannot load your tokens" onRetry={() => tokens.refetch()} />

      {tokens.isPending ? (
        <Loading />
      ) : tokens.data?.length === 0 ? (
        <EmptyState title="No API tokens yet" />
      ) : (
        tokens.data && (
          <table className="table">
            <TableHead columns={['Name', 'Token', 'Created', 'Last used', 'Expires', 'Status']} actions />
            <tbody>
              {tokens.data.map((t) => {
                const state = tokenState(t, now);
                return (
                  <tr key={t.id} className={state.live ? undefined : 'inactive'}>
                    <td>{t.name}</td>
                    <td className="mono muted">…{t.lastFour}</td>
                    <td>
                      <RelativeTime iso={t.createdAt} />
                    </td>
                    <td>{t.lastUsedAt ? <RelativeTime iso={t.lastUsedAt} /> : <span className="muted">Never</span>}</td>
                    <td>{t.expiresAt ? formatDateTime(t.expiresAt) : <span className="muted">Never</span>}</td>
                    <td>{state.live ? 'Active' : <span className="badge status-archived">{state.label}</span>}</td>
                    <td className="col-actions">
                      {state.live && (
                        <button
                          type="button"
                          className="btn btn-small btn-danger"
                          disabled={revoke.isPending}
                          onClick={() => window.confirm(`Revoke “${t.name}”? Scripts using it stop working.`) && revoke.mutate(t.id)}
                        >
                          Revoke
                        </button>
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        )
      )}
    </div>
  );
}
