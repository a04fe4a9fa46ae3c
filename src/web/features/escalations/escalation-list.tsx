/**
 * The side panel's "Escalations" section (staff): each escalation with its state, target, the Kustomer conversation
 * (id and "Open in Kustomer") and its live state there (remote-state.tsx) once created, what went wrong and when it is retried, Retry / Re-link when it
 * stopped, and Unlink (with a confirm saying what happens) once it has a conversation; plus "Link existing conversation"
 * (link-conversation-dialog.tsx). Follows the change stream, so every move shows without a reload.
 */
import { useId, useState } from 'react';
import { useDestinationName } from '../../api/integrations.ts';
import {
  type Escalation,
  isInFlight,
  useRelinkEscalation,
  useEscalationOptions,
  useRequestEscalations,
  useRetryEscalation,
  useUnlinkEscalation,
} from '../../api/escalations.ts';
import { ErrorBanner } from '../../ui/states.tsx';
import { RelativeTime } from '../../ui/time.tsx';
import { ConversationId } from './conversation-id.tsx';
import { channelLabel, problemLine, stateLabel } from './escalation-format.ts';
import { LinkConversationButton } from './link-conversation-dialog.tsx';
import { ConversationIdForm } from './relink-form.tsx';
import { RemoteState } from './remote-state.tsx';

export function EscalationsSection({ requestId, requestStatus }: { requestId: string; requestStatus: string }) {
  const list = useRequestEscalations(requestId);
  const items = list.data ?? [];
  const moving = items.some(isInFlight);

  return (
    <section className="panel-section" aria-label="Escalations" data-testid="escalations">
      <div className="panel-section-head">
        <h3>Escalations</h3>
        {moving && <span className="spinner spinner-small" role="status" aria-label="Updating" />}
      </div>
      {list.isPending ? (
        <p className="muted small">Loading…</p>
      ) : list.error ? (
        <ErrorBanner error={list.error} title="Cannot load escalations" onRetry={() => list.refetch()} />
      ) : items.length === 0 ? (
        <p className="muted small">Not escalated yet.</p>
      ) : (
        <ul className="escalation-list">
          {items.map((e) => (
            <EscalationItem key={e.id} escalation={e} requestStatus={requestStatus} />
          ))}
        </ul>
      )}
      <div>
        <LinkConversationButton requestId={requestId} />
      </div>
    </section>
  );
}

function EscalationItem({ escalation: e, requestStatus }: { escalation: Escalation; requestStatus: string }) {
  const destinationName = useDestinationName();
  const retry = useRetryEscalation();
  const relink = useRelinkEscalation();
  const unlink = useUnlinkEscalation();
  const [relinking, setRelinking] = useState(false);
  const [confirmingUnlink, setConfirmingUnlink] = useState(false);
  const unlinked = e.state === 'unlinked';
  // Unlink needs a conversation, and none still being created (sending may yet create one).
  const canUnlink = !!e.conversationId && (e.state === 'created' || e.state === 'linked' || e.state === 'link_failed');
  const problem = problemLine(e);
  const retrying = !!e.nextAttemptAt;
  const stopped = e.state === 'failed' || e.state === 'link_failed';
  // Failed before anything was created, and its queue or team can no longer be escalated to: Retry would fail
  // the same way, so the card offers the queues and teams that can.
  const targetGone = e.state === 'failed' && !e.conversationId && e.targetAvailable === false;
  const target = e.target?.name ?? null;
  const by = e.requestedBy?.name;

  return (
    <li className={`escalation esc-${e.state}`} data-testid="escalation" data-state={e.state}>
      <div className="esc-head">
        <span className={`badge esc-badge esc-badge-${e.state}`} data-testid="escalation-state">
          {stateLabel(e.state)}
        </span>
        <span className="esc-target" title={e.subject}>
          {destinationName(e.destination)}
          {target && (
            <>
              {' · '}
              <span data-testid="escalation-target">{target}</span>
            </>
          )}
        </span>
      </div>

      {e.conversationId && (
        <div className="esc-conversation">
          <span className="muted">Conversation</span>
          <ConversationId id={e.conversationId} copy />
          {e.conversationUrl && (
            <a href={e.conversationUrl} target="_blank" rel="noopener noreferrer" className="esc-open">
              Open in Kustomer
              <span aria-hidden="true"> ↗</span>
            </a>
          )}
        </div>
      )}

      {e.remote && e.conversationId && !unlinked && (
        <RemoteState remote={e.remote} destination={destinationName(e.destination)} requestStatus={requestStatus} />
      )}

      {problem && (
        <div className={`esc-problem${retrying ? ' retrying' : ''}`} data-testid="escalation-problem">
          {problem}
        </div>
      )}

      <div className="esc-meta muted small">
        {e.origin === 'linked_existing' ? 'Linked' : 'Escalated'}
        {by ? ` by ${by}` : ''} <RelativeTime iso={e.createdAt} />
        {e.origin === 'created' && e.channel ? ` · ${channelLabel(e.channel)}` : ''}
        {e.attempts > 1 ? ` · ${e.attempts} attempts` : ''}
      </div>
      {e.unlinked && (
        <div className="esc-meta muted small" data-testid="escalation-unlinked">
          Unlinked{e.unlinked.by ? ` by ${e.unlinked.by.name}` : ''} <RelativeTime iso={e.unlinked.at} /> · no longer synced
        </div>
      )}

      {confirmingUnlink ? (
        <UnlinkConfirm
          escalation={e}
          pending={unlink.isPending}
          error={unlink.error}
          onUnlink={() => unlink.mutate(e.id, { onSuccess: () => setConfirmingUnlink(false) })}
          onCancel={() => {
            setConfirmingUnlink(false);
            unlink.reset();
          }}
        />
      ) : relinking ? (
        <ConversationIdForm
          label="Re-link escalation"
          submitLabel="Re-link"
          pendingLabel="Checking…"
          initial={e.conversationId ?? ''}
          hint="Paste the conversation's link or id. Checked with Kustomer; then the back-link is posted on that conversation."
          pending={relink.isPending}
          error={relink.error}
          onSubmit={(conversationId, confirm) => relink.mutate({ id: e.id, conversationId, confirm }, { onSuccess: () => setRelinking(false) })}
          onCancel={() => {
            setRelinking(false);
            relink.reset();
          }}
        />
      ) : targetGone ? (
        <RetryElsewhere escalation={e} retry={retry} />
      ) : (
        (stopped || canUnlink) && (
          <div className="action-buttons">
            {stopped && (
              <button type="button" className="btn btn-small" disabled={retry.isPending} onClick={() => retry.mutate({ id: e.id })}>
                {retry.isPending ? 'Retrying…' : retrying ? 'Retry now' : 'Retry'}
              </button>
            )}
            {/* Re-link points an existing conversation elsewhere: nothing to re-link when none was created. */}
            {stopped && e.conversationId && (
              <button
                type="button"
                className="btn btn-small"
                onClick={() => {
                  retry.reset();
                  setRelinking(true);
                }}
              >
                Re-link
              </button>
            )}
            {canUnlink && (
              <button
                type="button"
                className="btn btn-small"
                onClick={() => {
                  retry.reset();
                  setConfirmingUnlink(true);
                }}
              >
                Unlink
              </button>
            )}
          </div>
        )
      )}
      <ErrorBanner error={retry.error} title="Not retried" />
    </li>
  );
}

/** What unlinking does, said before it is done; the agent confirms or cancels (Esc too). */
function UnlinkConfirm({
  escalation: e,
  pending,
  error,
  onUnlink,
  onCancel,
}: {
  escalation: Escalation;
  pending: boolean;
  error: unknown;
  onUnlink: () => void;
  onCancel: () => void;
}) {
  const name = useDestinationName()(e.destination);
  const headingId = useId();
  return (
    <div
      className="unlink-confirm banner banner-warning"
      role="group"
      aria-labelledby={headingId}
      data-testid="unlink-confirm"
      onKeyDown={(ev) => {
        if (ev.key !== 'Escape') return;
        ev.preventDefault();
        onCancel();
      }}
    >
      <div className="stack-tight">
        <strong id={headingId}>Unlink this {name} conversation?</strong>
        <span>
          Bridgedesk stops syncing it with this request: status, notes and replies in {name} no longer arrive here, and nothing from here goes to it. Both keep
          their history, and a note on the conversation tells {name}'s agents. You can link it again later.
        </span>
        <div className="action-buttons">
          <button type="button" className="btn btn-small btn-danger" disabled={pending} autoFocus onClick={onUnlink}>
            {pending ? 'Unlinking…' : 'Unlink'}
          </button>
          <button type="button" className="btn btn-small btn-ghost" onClick={onCancel}>
            Cancel
          </button>
        </div>
        <ErrorBanner error={error} title="Not unlinked" />
      </div>
    </div>
  );
}

/**
 * "Tier 2 Support is no longer available. Retry to: [VIP ▾] [Retry to VIP]": the enabled queues and teams of the
 * Escalate form, fetched when the card needs them.
 */
function RetryElsewhere({ escalation: e, retry }: { escalation: Escalation; retry: ReturnType<typeof useRetryEscalation> }) {
  const destinationName = useDestinationName();
  const options = useEscalationOptions(e.requestId);
  const destination = options.data?.destinations.find((d) => d.id === e.destination);
  const choices = destination
    ? [...destination.queues.map((q) => ({ value: `queue:${q.id}`, name: q.name })), ...destination.teams.map((t) => ({ value: `team:${t.id}`, name: t.name }))]
    : [];
  const [choice, setChoice] = useState('');
  const selectId = useId();
  const picked = choices.find((c) => c.value === choice) ?? (choices.length === 1 ? choices[0] : undefined);
  const was = e.target?.name ?? 'Its queue';
  const send = () => {
    if (!picked || retry.isPending) return;
    const [kind, id] = [picked.value.slice(0, picked.value.indexOf(':')), picked.value.slice(picked.value.indexOf(':') + 1)];
    retry.mutate({ id: e.id, to: kind === 'queue' ? { queueId: id } : { teamId: id } });
  };
  return (
    <div className="retry-elsewhere stack-tight" data-testid="retry-elsewhere">
      <p className="small">
        Nothing was created in {destinationName(e.destination)}, and {was} can no longer take escalations. Send it to another queue or team:
      </p>
      {options.isPending ? (
        <p className="muted small">Loading queues and teams…</p>
      ) : choices.length === 0 ? (
        <p className="muted small">No other queue or team is enabled for escalation; ask an admin to enable one.</p>
      ) : (
        <div className="retry-elsewhere-row">
          <label htmlFor={selectId} className="visually-hidden">
            Retry to
          </label>
          <select id={selectId} value={picked?.value ?? ''} onChange={(ev) => setChoice(ev.target.value)}>
            {!picked && (
              <option value="" disabled>
                Choose a queue or team…
              </option>
            )}
            {choices.map((c) => (
              <option key={c.value} value={c.value}>
                {c.name}
              </option>
            ))}
          </select>
          <button type="button" className="btn btn-small btn-primary" disabled={!picked || retry.isPending} onClick={send}>
            {retry.isPending ? 'Retrying…' : picked ? `Retry to ${picked.name}` : 'Retry to…'}
          </button>
        </div>
      )}
    </div>
  );
}
