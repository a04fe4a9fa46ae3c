/**
 * The Authorize form (also "Replace key"): org name and API key, checked by Kustomer before anything is stored.
 * A refused key says "Invalid credentials"; a key lacking permissions lists them; an unreachable Kustomer says so.
 * Another org than the connected one resets the queue and team choices: the form asks before sending it.
 */
import { type FormEvent, useEffect, useRef, useState } from 'react';
import { fieldErrors } from '../../api/client.ts';
import { connectProblem, type KustomerIntegration, useConnectKustomer } from '../../api/integrations.ts';
import { Field, Input } from '../../ui/field.tsx';
import { ErrorBanner } from '../../ui/states.tsx';

export function KustomerConnectForm({
  initialOrgName = '',
  currentOrgName = null,
  submitLabel = 'Authorize',
  onConnected,
  onCancel,
}: {
  initialOrgName?: string;
  /** When replacing a key: another org here means the current queue and team choices are forgotten. */
  currentOrgName?: string | null;
  submitLabel?: string;
  onConnected?: (data: KustomerIntegration) => void;
  onCancel?: () => void;
}) {
  const connect = useConnectKustomer();
  const [orgName, setOrgName] = useState(initialOrgName);
  const [apiKey, setApiKey] = useState('');
  const keyRef = useRef<HTMLInputElement>(null);
  const problem = connectProblem(connect.error);
  const errors = fieldErrors(connect.error);
  const orgError = errors.orgName;
  const switchingOrg = !!currentOrgName && !!orgName.trim() && orgName.trim().toLowerCase() !== currentOrgName;
  /** The org the admin agreed to switch to (asked at submit); another edit of the name asks again. */
  const [askingSwitch, setAskingSwitch] = useState(false);
  const keyError = problem?.kind === 'invalid_credentials' ? 'Kustomer refused this key' : errors.apiKey;

  // After a refused key, the cursor goes back to the key so the next paste replaces it.
  useEffect(() => {
    if (problem?.kind === 'invalid_credentials') keyRef.current?.select();
  }, [problem?.kind]);

  const send = () => {
    setAskingSwitch(false);
    connect.mutate(
      { orgName: orgName.trim(), apiKey: apiKey.trim() },
      {
        onSuccess: (data) => {
          setApiKey('');
          onConnected?.(data);
        },
      },
    );
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (connect.isPending) return;
    if (switchingOrg && !askingSwitch) return setAskingSwitch(true);
    send();
  };

  return (
    <form className="stack connect-form" onSubmit={submit} noValidate aria-label={submitLabel === 'Authorize' ? 'Connect Kustomer' : submitLabel}>
      <Field
        label="Org name"
        required
        error={orgError}
        hint={
          switchingOrg ? (
            <strong className="hint-warning">Another org: the queue and team choices for {currentOrgName} are forgotten.</strong>
          ) : (
            <>
              The part before <code>.kustomerapp.com</code> in your Kustomer address
            </>
          )
        }
      >
        <div className="input-suffix">
          <Input
            type="text"
            value={orgName}
            aria-invalid={orgError ? true : undefined}
            autoComplete="off"
            spellCheck={false}
            maxLength={100}
            onChange={(e) => {
              setOrgName(e.target.value);
              setAskingSwitch(false);
            }}
          />
          <span aria-hidden="true">.kustomerapp.com</span>
        </div>
      </Field>
      <Field
        label="API key"
        required
        error={keyError}
        hint="Stored encrypted and never shown again: only its last four characters. Create one in Kustomer under Settings → Security → API keys."
      >
        <Input
          ref={keyRef}
          type="password"
          value={apiKey}
          aria-invalid={keyError ? true : undefined}
          autoComplete="off"
          spellCheck={false}
          onChange={(e) => setApiKey(e.target.value)}
        />
      </Field>

      {problem?.kind === 'invalid_credentials' && (
        <div className="banner banner-error connect-problem" role="alert">
          <div className="stack-tight">
            <strong className="problem-title">Invalid credentials</strong>
            <span>
              Kustomer refused this API key. Check that you copied all of it, that it belongs to this org, and that it has not been revoked or expired.
            </span>
          </div>
        </div>
      )}
      {problem?.kind === 'missing_permissions' && (
        <div className="banner banner-error connect-problem" role="alert">
          <div className="stack-tight">
            <strong className="problem-title">This key lacks permissions Bridgedesk needs</strong>
            <ul className="permission-list" aria-label="Missing permissions">
              {problem.missing.map((m) => (
                <li key={m}>
                  <code>{m}</code>
                </li>
              ))}
            </ul>
            <span>Give the key these roles in Kustomer (or create a new key with them), then authorize again.</span>
          </div>
        </div>
      )}
      {problem?.kind === 'unreachable' && (
        <div className="banner banner-error connect-problem" role="alert">
          <div className="stack-tight">
            <strong className="problem-title">Cannot reach Kustomer</strong>
            <span>{problem.message}</span>
            <span>Nothing was saved. Check the org name, or try again in a minute.</span>
          </div>
        </div>
      )}
      {problem?.kind === 'other' && !orgError && !errors.apiKey && <ErrorBanner error={problem.error} title="Not connected" />}

      {askingSwitch && switchingOrg ? (
        <div
          className="banner banner-warning"
          role="alertdialog"
          aria-label="Switch Kustomer org?"
          aria-describedby="switch-org-text"
          data-testid="switch-org-question"
        >
          <div className="stack-tight">
            <strong>
              Switch from {currentOrgName} to {orgName.trim().toLowerCase()}?
            </strong>
            <span id="switch-org-text">
              The queues and teams agents may escalate to in {currentOrgName} are reset: you choose them again for {orgName.trim().toLowerCase()}.
            </span>
          </div>
          <div className="action-buttons">
            <button type="button" className="btn btn-small" onClick={() => setAskingSwitch(false)} autoFocus>
              Keep {currentOrgName}
            </button>
            <button type="button" className="btn btn-small btn-primary" disabled={connect.isPending} onClick={send}>
              {connect.isPending ? 'Checking with Kustomer…' : 'Switch org'}
            </button>
          </div>
        </div>
      ) : null}
      <div className="form-actions">
        <button type="submit" className="btn btn-primary" disabled={connect.isPending || !orgName.trim() || !apiKey.trim() || askingSwitch}>
          {connect.isPending ? 'Checking with Kustomer…' : submitLabel}
        </button>
        {onCancel && (
          <button type="button" className="btn btn-ghost" onClick={onCancel}>
            Cancel
          </button>
        )}
      </div>
    </form>
  );
}
