/**
 * "Link existing conversation": one box takes a pasted conversation link (any of Kustomer's URL shapes) or id, a
 * customer's email, or words of the subject. A link or id is looked up at once; anything else is searched, after the
 * agent stops typing (debounced: Kustomer allows an API key 100 searches a minute, and the server budgets them). Each
 * conversation shows its subject, customer, status in Kustomer and last change; one another request holds says which,
 * and linking it asks first. When the minute's searches are used up the dialog says when to try again, counting down;
 * pasting a link still works meanwhile.
 */
import { type FormEvent, useId, useState } from 'react';
import { Link } from 'wouter';
import {
  type ConversationCandidate,
  type Escalation,
  searchLimitOf,
  useConversationCandidates,
  useEscalationOptions,
  useLinkExistingConversation,
} from '../../api/escalations.ts';
import { Modal } from '../../ui/modal.tsx';
import { ErrorBanner } from '../../ui/states.tsx';
import { RelativeTime, useNow } from '../../ui/time.tsx';
import { useDebounced } from '../../ui/use-debounced.ts';
import { remoteStatusText } from './remote-state-format.ts';
import { NamedOptions } from '../../ui/choice-options.tsx';

/** Long enough for a paste or a pause between words; short enough to feel live. */
const DEBOUNCE_MS = 400;

export function LinkConversationButton({ requestId, onLinked }: { requestId: string; onLinked?: (e: Escalation) => void }) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <button type="button" className="link-button link-existing" aria-haspopup="dialog" onClick={() => setOpen(true)}>
        Link existing conversation
      </button>
      <Modal title="Link existing conversation" open={open} onClose={() => setOpen(false)} wide>
        <LinkConversationBody
          requestId={requestId}
          onDone={(e) => {
            setOpen(false);
            onLinked?.(e);
          }}
        />
      </Modal>
    </>
  );
}

function LinkConversationBody({ requestId, onDone }: { requestId: string; onDone: (e: Escalation) => void }) {
  const options = useEscalationOptions(requestId);
  // Destinations that can be linked to: connected ones (the API refuses the others). Kustomer today.
  const destinations = (options.data?.destinations ?? []).filter((d) => d.status === 'connected');
  const [picked, setPicked] = useState<string | null>(null);
  const destination = picked ?? destinations[0]?.id ?? null;
  const name = destinations.find((d) => d.id === destination)?.name ?? 'Kustomer';
  const [text, setText] = useState('');
  const q = useDebounced(text.trim(), DEBOUNCE_MS);
  const found = useConversationCandidates(requestId, destination, q);
  const link = useLinkExistingConversation(requestId);
  const [asking, setAsking] = useState<string | null>(null);
  const inputId = useId();
  const hintId = useId();
  const typing = text.trim() !== q;
  const limit = searchLimitOf(found.error);
  const items = found.data?.items ?? [];

  const choose = (c: ConversationCandidate, confirm = false) => {
    if (!destination || link.isPending) return;
    if (c.linkedTo && !confirm) return setAsking(c.conversationId);
    link.mutate({ destination, conversationId: c.conversationId, confirm }, { onSuccess: onDone });
  };
  // Enter links the only conversation found (a pasted link, typically).
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (items.length === 1 && !typing && !items[0]!.linkedHere) choose(items[0]!);
  };

  if (options.isPending) return <p className="dialog-body muted">Loading…</p>;
  if (!destination)
    return (
      <div className="dialog-body">
        <p>No destination is connected: an admin connects Kustomer in Settings → Integrations.</p>
      </div>
    );
  return (
    <form className="dialog-body link-dialog stack" onSubmit={submit} noValidate>
      {destinations.length > 1 && (
        <label className="field">
          <span className="field-label">Destination</span>
          <select value={destination} onChange={(e) => setPicked(e.target.value)}>
            <NamedOptions items={destinations} />
          </select>
        </label>
      )}
      <div className="field">
        <label htmlFor={inputId} className="field-label">
          Conversation link, id, customer email or subject
        </label>
        <input
          id={inputId}
          type="search"
          value={text}
          autoFocus
          autoComplete="off"
          spellCheck={false}
          maxLength={2000}
          placeholder={`Paste a ${name} link, or search`}
          aria-describedby={hintId}
          onChange={(e) => {
            setText(e.target.value);
            setAsking(null);
            link.reset();
          }}
        />
        <p id={hintId} className="field-hint">
          Paste the conversation's link from {name} (or its id), or type the customer's email or words of the subject. Bridgedesk links it to this request and
          posts a back-link note on it.
        </p>
      </div>

      <div className="link-status small" role="status" aria-live="polite">
        {text.trim().length > 0 && text.trim().length < 2
          ? 'Type a little more to search'
          : typing || found.isFetching
            ? `Looking in ${name}…`
            : limit
              ? null
              : found.error
                ? null
                : found.data && q
                  ? found.data.matchedBy === 'reference'
                    ? items.length
                      ? `The conversation this ${/^[0-9a-f]{24}$/i.test(q) ? 'id' : 'link'} names:`
                      : `No conversation ${q} in ${name}`
                    : items.length
                      ? `${items.length === 10 ? 'The 10 most recently updated' : items.length} matching conversation${items.length === 1 ? '' : 's'}`
                      : `No conversation in ${name} matches “${q}”`
                  : null}
        {found.data?.searchesLeft !== null && found.data?.searchesLeft !== undefined && found.data.searchesLeft < 15 && !limit && (
          <span className="muted"> · {found.data.searchesLeft} searches left this minute</span>
        )}
      </div>
      {limit ? <SearchLimit retryAt={limit.retryAt} name={name} /> : found.error && <ErrorBanner error={found.error} />}

      {items.length > 0 && (
        <ul className="link-results" aria-label="Conversations found" data-testid="link-results">
          {items.map((c) => (
            <CandidateRow
              key={c.conversationId}
              c={c}
              destination={name}
              asking={asking === c.conversationId}
              pending={link.isPending && link.variables?.conversationId === c.conversationId}
              onLink={(confirm) => choose(c, confirm)}
              onCancel={() => setAsking(null)}
            />
          ))}
        </ul>
      )}
      <ErrorBanner error={link.error} title="Not linked" />
    </form>
  );
}

function CandidateRow({
  c,
  destination,
  asking,
  pending,
  onLink,
  onCancel,
}: {
  c: ConversationCandidate;
  destination: string;
  asking: boolean;
  pending: boolean;
  onLink: (confirm: boolean) => void;
  onCancel: () => void;
}) {
  const customer = c.customer ? [c.customer.name, c.customer.email].filter(Boolean).join(' · ') : null;
  return (
    <li className="link-result" data-testid="link-result" data-conversation-id={c.conversationId}>
      <div className="link-result-main">
        <a className="link-result-subject" href={c.url} target="_blank" rel="noopener noreferrer" title={`${c.conversationId} — open in ${destination}`}>
          {c.subject || '(no subject)'}
        </a>
        <div className="link-result-meta small muted">
          <span className={`badge esc-remote-badge esc-remote-${c.status}`}>{remoteStatusText({ status: c.status, snoozedUntil: null }, new Date())}</span>
          {customer && <span>{customer}</span>}
          <span>
            {customer ? '· ' : ''}updated <RelativeTime iso={c.updatedAt} />
          </span>
        </div>
        {c.linkedTo && !asking && (
          <div className="small link-held">
            Linked to{' '}
            <Link href={`/requests/${c.linkedTo.requestKey}`}>
              {c.linkedTo.requestKey} “{c.linkedTo.title}”
            </Link>
          </div>
        )}
      </div>
      {c.linkedHere ? (
        <span className="small muted link-result-action">Linked to this request</span>
      ) : asking && c.linkedTo ? (
        <div className="banner banner-warning link-ask" role="alert" data-testid="linked-elsewhere">
          <div className="stack-tight">
            <strong>
              Already linked to{' '}
              <Link href={`/requests/${c.linkedTo.requestKey}`}>
                {c.linkedTo.requestKey} “{c.linkedTo.title}”
              </Link>
              .
            </strong>
            <span>Link it here too? Both requests will then follow this {destination} conversation.</span>
            <div className="action-buttons">
              <button type="button" className="btn btn-small btn-primary" disabled={pending} onClick={() => onLink(true)}>
                {pending ? 'Linking…' : 'Link here too'}
              </button>
              <button type="button" className="btn btn-small btn-ghost" onClick={onCancel}>
                Cancel
              </button>
            </div>
          </div>
        </div>
      ) : (
        <button type="button" className="btn btn-small btn-primary link-result-action" disabled={pending} onClick={() => onLink(false)}>
          {pending ? 'Linking…' : 'Link'}
        </button>
      )}
    </li>
  );
}

/** "Kustomer's search limit for this minute is used up: try again in 23 s", counting down to the reset. */
function SearchLimit({ retryAt, name }: { retryAt: string; name: string }) {
  const now = useNow(1000);
  const seconds = Math.max(0, Math.ceil((Date.parse(retryAt) - now.getTime()) / 1000));
  return (
    <div className="banner banner-warning" role="alert" data-testid="search-limit">
      <span>
        {seconds > 0
          ? `${name}'s search limit for this minute is used up: try again in ${seconds} s.`
          : `${name}'s search limit has reset: change the text to search again.`}{' '}
        Pasting a conversation's link still works.
      </span>
    </div>
  );
}
