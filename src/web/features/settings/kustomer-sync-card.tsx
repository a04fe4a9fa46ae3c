/**
 * "Status sync" on Settings → Integrations → Kustomer: which way statuses flow (Kustomer → Bridgedesk through
 * Kustomer's webhook, with polling as the fallback; Bridgedesk → Kustomer), how each status maps, and comment sync.
 * Edits stay a draft until Save. Below: the webhook (subscribed, or how to add it by hand with the URL and secret
 * header to paste; its secret, which an admin can rotate; what the last check found, e.g. that Kustomer had disabled
 * it and Bridgedesk turned it back on and read the changes made meanwhile), the last event received, how far polling
 * has read, and the last error.
 */
import { type ReactNode, useId, useState } from 'react';
import { type Status } from '../../../core/request.ts';
import {
  type KustomerSync,
  REMOTE_STATUSES,
  type RemoteStatus,
  type SyncSettings,
  useKustomerSync,
  useRotateWebhookSecret,
  useSaveKustomerSync,
} from '../../api/sync.ts';
import { CopyButton } from '../../ui/copy-button.tsx';
import { Field, Select } from '../../ui/field.tsx';
import { ErrorBanner, Loading } from '../../ui/states.tsx';
import { RelativeTime } from '../../ui/time.tsx';
import { pollLabel, pollOptions, remoteStatusLabel, remoteStatusWord } from '../sync/sync-format.ts';
import { SaveChanges } from '../../ui/form-actions.tsx';
import { Options, StatusOptions } from '../../ui/choice-options.tsx';

type OutboundKey = keyof SyncSettings['outboundMap'];
const OUTBOUND: { key: OutboundKey; label: string }[] = [
  { key: 'resolved', label: 'When a request is resolved' },
  { key: 'archived', label: 'When a request is archived' },
  { key: 'reopened', label: 'When a request is reopened' },
  { key: 'waiting', label: 'When a request is set to waiting' },
];
/** The select's value for "do nothing" (null in the settings). */
const NOTHING = '';

function Toggle({
  label,
  hint,
  checked,
  disabled,
  onChange,
}: {
  label: string;
  hint: ReactNode;
  checked: boolean;
  disabled: boolean;
  onChange: (on: boolean) => void;
}) {
  const id = useId();
  return (
    <div className="sync-toggle">
      <label className="checkbox sync-switch">
        <input type="checkbox" checked={checked} disabled={disabled} aria-describedby={`${id}-hint`} onChange={(e) => onChange(e.target.checked)} />
        <span className="sync-toggle-label">{label}</span>
      </label>
      <div id={`${id}-hint`} className="field-hint">
        {hint}
      </div>
    </div>
  );
}

function WebhookState({ data, inboundOn }: { data: KustomerSync; inboundOn: boolean }) {
  const { webhook } = data;
  if (webhook.subscribed) {
    return (
      <span className="sync-ok">
        <span aria-hidden="true">✓ </span>Subscribed <span className="muted">— Kustomer sends changes as they happen</span>
      </span>
    );
  }
  if (webhook.setupNote) {
    return (
      <div className="sync-setup stack-tight">
        <strong className="hint-warning">Not subscribed: add it in Kustomer by hand</strong>
        <span>{webhook.setupNote}</span>
        {webhook.url && (
          <div className="sync-url">
            <code data-testid="sync-webhook-url">{webhook.url}</code>
            <CopyButton text={webhook.url} label="Copy URL" />
          </div>
        )}
        {webhook.secretHeader && (
          <div className="sync-url">
            <code data-testid="sync-webhook-header">
              {webhook.secretHeader.name}: {webhook.secretHeader.value}
            </code>
            <CopyButton text={webhook.secretHeader.value} label="Copy header value" />
          </div>
        )}
      </div>
    );
  }
  return <span className="muted">{inboundOn ? 'Not subscribed yet: Save creates it in Kustomer' : 'Off: Kustomer → Bridgedesk creates it'}</span>;
}

function SyncForm({ data }: { data: KustomerSync }) {
  const save = useSaveKustomerSync();
  const [draft, setDraft] = useState<SyncSettings | null>(null);
  const [saved, setSaved] = useState(false);
  const shown = draft ?? data.settings;
  const dirty = draft !== null && JSON.stringify(draft) !== JSON.stringify(data.settings);
  const busy = save.isPending;

  const edit = (change: Partial<SyncSettings>) => {
    setSaved(false);
    setDraft({ ...shown, ...change });
  };
  const submit = () => {
    if (busy) return;
    setSaved(false);
    save.mutate(shown, {
      onSuccess: () => {
        setDraft(null);
        setSaved(true);
      },
    });
  };
  const discard = () => {
    setDraft(null);
    setSaved(false);
    save.reset();
  };

  const polls = pollOptions(shown.pollMinutes);
  const snoozes = Object.values(shown.outboundMap).includes('waiting');

  return (
    <form
      className="stack"
      aria-label="Status sync settings"
      onSubmit={(e) => {
        e.preventDefault();
        submit();
      }}
    >
      <div className="grid-2 sync-directions">
        <div className="sync-direction stack-tight" data-testid="sync-inbound">
          <Toggle
            label="Kustomer → Bridgedesk"
            checked={shown.inbound}
            disabled={busy}
            onChange={(inbound) => edit({ inbound })}
            hint={
              shown.inbound && !data.webhook.subscribed && !data.webhook.setupNote
                ? 'When a conversation changes status in Kustomer, the linked request follows. Saving creates the webhook in Kustomer.'
                : 'When a conversation changes status in Kustomer, the linked request follows.'
            }
          />
          <div className="sync-map">
            {REMOTE_STATUSES.map((remote: RemoteStatus) => (
              <Field key={remote} label={`When ${remoteStatusWord(remote)} in Kustomer`}>
                <Select
                  value={shown.inboundMap[remote] ?? NOTHING}
                  disabled={busy || !shown.inbound}
                  onChange={(e) => edit({ inboundMap: { ...shown.inboundMap, [remote]: (e.target.value || null) as Status | null } })}
                >
                  <option value={NOTHING}>Do nothing</option>
                  <StatusOptions />
                </Select>
              </Field>
            ))}
            <Field label="Polling" hint="Also asks Kustomer for changes on this schedule, to catch a webhook that never arrived.">
              <Select value={shown.pollMinutes} disabled={busy || !shown.inbound} onChange={(e) => edit({ pollMinutes: Number(e.target.value) })}>
                <Options values={polls} label={pollLabel} />
              </Select>
            </Field>
          </div>
        </div>

        <div className="sync-direction stack-tight" data-testid="sync-outbound">
          <Toggle
            label="Bridgedesk → Kustomer"
            checked={shown.outbound}
            disabled={busy}
            onChange={(outbound) => edit({ outbound })}
            hint="When a linked request is resolved, archived or reopened here, its Kustomer conversations follow."
          />
          <div className="sync-map">
            {OUTBOUND.map(({ key, label }) => (
              <Field key={key} label={label}>
                <Select
                  value={shown.outboundMap[key] ?? NOTHING}
                  disabled={busy || !shown.outbound}
                  onChange={(e) => edit({ outboundMap: { ...shown.outboundMap, [key]: (e.target.value || null) as RemoteStatus | null } })}
                >
                  <option value={NOTHING}>Do nothing</option>
                  <Options values={REMOTE_STATUSES} label={remoteStatusLabel} />
                </Select>
              </Field>
            ))}
            {snoozes && shown.outbound && (
              <p className="field-hint">
                Snoozed wakes the conversation at the time the agent picks when setting the request to waiting (7 days when none is picked); a request taken out
                of waiting opens it again.
              </p>
            )}
          </div>
        </div>
      </div>

      <Toggle
        label="Sync comments"
        checked={shown.commentSync}
        disabled={busy}
        onChange={(commentSync) => edit({ commentSync })}
        hint="Public replies on a linked request go to the conversation as notes. Notes and messages written in Kustomer always show on the request's timeline, for agents only."
      />

      <ErrorBanner error={save.error} title="Not saved" />
      <SaveChanges busy={busy} dirty={dirty} saved={saved} onDiscard={discard} />
    </form>
  );
}

/** What the last check of the subscription found: Kustomer disables a webhook whose deliveries keep failing. */
function WebhookHealth({ webhook }: { webhook: KustomerSync['webhook'] }) {
  if (!webhook.checkedAt && !webhook.repairedAt) return <span className="muted">Not checked yet</span>;
  return (
    <span className="stack-tight">
      {webhook.repairedAt && webhook.disabledAt && (
        <span className="hint-warning" data-testid="sync-webhook-repair">
          {webhook.repair === 're-created' ? 'The webhook was gone from Kustomer' : 'Kustomer disabled the webhook'} at{' '}
          <RelativeTime iso={webhook.disabledAt} />; {webhook.repair === 're-created' ? 'created again' : 're-enabled'}{' '}
          <RelativeTime iso={webhook.repairedAt} />
          {webhook.backfilled !== null && `, ${webhook.backfilled} ${webhook.backfilled === 1 ? 'change' : 'changes'} backfilled`}.
        </span>
      )}
      {webhook.checkError ? (
        <span className="sync-error">{webhook.checkError}</span>
      ) : (
        webhook.checkedAt && (
          <span className="muted">
            Checked <RelativeTime iso={webhook.checkedAt} />
          </span>
        )
      )}
    </span>
  );
}

function WebhookSecret({ webhook }: { webhook: KustomerSync['webhook'] }) {
  const rotate = useRotateWebhookSecret();
  return (
    <span className="stack-tight">
      <span>
        {webhook.secretRotatedAt ? (
          <>
            Rotated <RelativeTime iso={webhook.secretRotatedAt} />
          </>
        ) : (
          <span className="muted">Set when the webhook was created</span>
        )}
        {webhook.previousSecretValidUntil && (
          <span className="muted">
            {' '}
            — the previous one is accepted until <RelativeTime iso={webhook.previousSecretValidUntil} />
          </span>
        )}
      </span>
      <span>
        <button type="button" className="btn btn-ghost" disabled={rotate.isPending} onClick={() => rotate.mutate()}>
          {rotate.isPending ? 'Rotating…' : 'Rotate webhook secret'}
        </button>
      </span>
      <ErrorBanner error={rotate.error} title="Not rotated" />
    </span>
  );
}

function SyncState({ data }: { data: KustomerSync }) {
  const { settings } = data;
  return (
    <dl className="info sync-info">
      <dt>Webhook</dt>
      <dd data-testid="sync-webhook">
        <WebhookState data={data} inboundOn={settings.inbound} />
      </dd>
      {data.webhook.subscribed && (
        <>
          <dt>Webhook check</dt>
          <dd data-testid="sync-webhook-health">
            <WebhookHealth webhook={data.webhook} />
          </dd>
        </>
      )}
      {data.webhook.url && (
        <>
          <dt>Webhook secret</dt>
          <dd data-testid="sync-webhook-secret">
            <WebhookSecret webhook={data.webhook} />
          </dd>
        </>
      )}
      <dt>Last event</dt>
      <dd data-testid="sync-last-event">{data.lastEventAt ? <RelativeTime iso={data.lastEventAt} /> : <span className="muted">None yet</span>}</dd>
      <dt>Last poll</dt>
      <dd data-testid="sync-last-poll">
        {data.lastPollCursor ? (
          <>
            Changes read up to <RelativeTime iso={data.lastPollCursor} />
            {(!settings.inbound || settings.pollMinutes === 0) && <span className="muted"> — polling is off</span>}
          </>
        ) : (
          <span className="muted">{settings.inbound && settings.pollMinutes > 0 ? 'Not yet' : 'Polling is off'}</span>
        )}
      </dd>
      <dt>Last error</dt>
      <dd data-testid="sync-last-error" className={data.lastError ? 'sync-error' : undefined}>
        {data.lastError ?? <span className="muted">None</span>}
      </dd>
    </dl>
  );
}

export function KustomerSyncCard() {
  const headingId = useId();
  const sync = useKustomerSync();
  return (
    <section className="card stack sync-card" aria-labelledby={headingId} data-testid="kustomer-sync">
      <div>
        <h2 id={headingId}>Status sync</h2>
        <p className="muted">Keep each escalated request and its Kustomer conversation in step. Kustomer's statuses are open, snoozed and done.</p>
      </div>
      <ErrorBanner error={sync.error} title="Cannot load status sync" onRetry={() => sync.refetch()} />
      {sync.isPending ? (
        <Loading />
      ) : sync.data ? (
        <>
          <SyncForm data={sync.data} />
          <SyncState data={sync.data} />
        </>
      ) : null}
    </section>
  );
}
