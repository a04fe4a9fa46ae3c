/**
 * The side panel's "Escalations" section (staff): each escalation with its state, target, the Kustomer conversation
 * (id and "Open in Kustomer") once created, what went wrong and when it is retried, and Retry / Re-link when it
 * stopped; plus "Link existing conversation". Polled about every second while one is in flight.
 */
import { useState } from 'react';
import {
  type Escalation,
  isInFlight,
  useLinkExistingConversation,
  useRelinkEscalation,
  useRequestEscalations,
  useRetryEscalation,
} from '../../api/escalations.ts';
import { humanize } from '../../ui/format.ts';
import { ErrorBanner } from '../../ui/states.tsx';
import { RelativeTime } from '../../ui/time.tsx';
import { ConversationId } from './conversation-id.tsx';
import { channelLabel, problemLine, stateLabel } from './escalation-format.ts';
import { ConversationIdForm } from './relink-form.tsx';

const destinationName = (id: string) => (id === 'kustomer' ? 'Kustomer' : humanize(id));

export function EscalationsSection({ requestId }: { requestId: string }) {
  const list = useRequestEscalations(requestId);
  const [linking, setLinking] = useState(false);
  const link = useLinkExistingConversation(requestId);
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
            <EscalationItem key={e.id} escalation={e} />
          ))}
        </ul>
      )}
      {linking ? (
        <ConversationIdForm
          label="Link existing conversation"
          submitLabel="Link"
          pendingLabel="Checking…"
          hint="A Kustomer conversation that already exists: Bridgedesk links it to this request and posts the back-link on it."
          pending={link.isPending}
          error={link.error}
          onSubmit={(conversationId) =>
            link.mutate(conversationId, {
              onSuccess: () => {
                setLinking(false);
                link.reset();
              },
            })
          }
          onCancel={() => {
            setLinking(false);
            link.reset();
          }}
        />
      ) : (
        <div>
          <button type="button" className="link-button link-existing" onClick={() => setLinking(true)}>
            Link existing conversation
          </button>
        </div>
      )}
    </section>
  );
}

function EscalationItem({ escalation: e }: { escalation: Escalation }) {
  const retry = useRetryEscalation();
  const relink = useRelinkEscalation();
  const [relinking, setRelinking] = useState(false);
  const problem = problemLine(e);
  const retrying = !!e.nextAttemptAt;
  const stopped = e.state === 'failed' || e.state === 'link_failed';
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

      {relinking ? (
        <ConversationIdForm
          label="Re-link escalation"
          submitLabel="Re-link"
          pendingLabel="Checking…"
          initial={e.conversationId ?? ''}
          hint="Checked with Kustomer; then the back-link is posted on that conversation."
          pending={relink.isPending}
          error={relink.error}
          onSubmit={(conversationId) => relink.mutate({ id: e.id, conversationId }, { onSuccess: () => setRelinking(false) })}
          onCancel={() => {
            setRelinking(false);
            relink.reset();
          }}
        />
      ) : (
        stopped && (
          <div className="action-buttons">
            <button type="button" className="btn btn-small" disabled={retry.isPending} onClick={() => retry.mutate(e.id)}>
              {retry.isPending ? 'Retrying…' : retrying ? 'Retry now' : 'Retry'}
            </button>
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
          </div>
        )
      )}
      <ErrorBanner error={retry.error} title="Not retried" />
    </li>
  );
}
