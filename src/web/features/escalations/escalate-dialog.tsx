/**
 * "Escalate ticket" (side panel → Actions, or `e` on a request): a dialog with the destination, queue or team,
 * channel, priority, subject and message, pre-filled from the request. Ctrl/Cmd+Enter sends; Esc or Cancel closes,
 * after asking when the form was edited. Subject and message count their characters against the API's limits and
 * are never cut. When the request already has an open escalation the dialog says so as it opens (and the 409 of a
 * race still asks). When Kustomer cannot take escalations (not connected, refused key, nothing enabled) it says so.
 */
import { type FormEvent, Fragment, type KeyboardEvent, type MutableRefObject, type ReactNode, useEffect, useRef, useState } from 'react';
import { Link } from 'wouter';
import { fieldErrors } from '../../api/client.ts';
import {
  type EscalateBody,
  type EscalationDestination,
  type EscalationOptions,
  openEscalationConflict,
  useEscalate,
  useEscalation,
  useEscalationOptions,
} from '../../api/escalations.ts';
import { useMappedValues } from '../../api/field-mappings.ts';
import type { RequestDetail } from '../../../server/schemas/request.ts';
import { Field } from '../../ui/field.tsx';
import { isSubmitChord, useHotkeys } from '../../ui/hotkeys.ts';
import { CharCount, count } from '../../ui/char-count.tsx';
import { DiscardQuestion } from '../../ui/discard-question.tsx';
import { Modal } from '../../ui/modal.tsx';
import { ErrorBanner, Loading } from '../../ui/states.tsx';
import { mappedValueText } from '../settings/field-mapping-format.ts';
import { channelLabel, destinationPriorityLabel, stateLabel, targetLabel } from './escalation-format.ts';

const SETTINGS = '/settings/integrations/kustomer';

/** The Actions button, and the `e` shortcut; staff only (the side panel mounts it for staff). */
export function EscalateButton({ request }: { request: RequestDetail }) {
  const [open, setOpen] = useState(false);
  // The open form keeps the dialog open to ask when it holds edits; it answers true when it asked.
  const askBeforeClose = useRef<() => boolean>(() => false);
  const requestClose = () => {
    if (!askBeforeClose.current()) setOpen(false);
  };
  useHotkeys({ e: () => setOpen(true) });
  return (
    <>
      <button type="button" className="btn btn-small" aria-haspopup="dialog" title="Escalate ticket (e)" onClick={() => setOpen(true)}>
        Escalate ticket
      </button>
      <Modal title="Escalate ticket" open={open} onClose={requestClose} wide>
        <EscalateDialogBody request={request} onClose={() => setOpen(false)} onRequestClose={requestClose} askBeforeClose={askBeforeClose} />
      </Modal>
    </>
  );
}

interface CloseProps {
  /** Closes at once (after sending, or when nothing was typed). */
  onClose: () => void;
  /** Cancel: closes, or asks first when the form holds edits. */
  onRequestClose: () => void;
  askBeforeClose: MutableRefObject<() => boolean>;
}

function EscalateDialogBody({ request, onClose, onRequestClose, askBeforeClose }: { request: RequestDetail } & CloseProps) {
  const options = useEscalationOptions(request.id);
  if (options.isPending) {
    return (
      <div className="dialog-body">
        <Loading label="Loading queues and teams…" />
      </div>
    );
  }
  if (options.error) {
    return (
      <div className="dialog-body stack">
        <ErrorBanner error={options.error} title="Cannot load the escalation options" onRetry={() => options.refetch()} />
        <DialogCloseRow onClose={onClose} />
      </div>
    );
  }
  const destination = options.data.destinations.find((d) => d.id === 'kustomer') ?? options.data.destinations[0];
  const problem = destinationProblem(destination);
  if (problem || !destination) {
    return (
      <div className="dialog-body stack">
        <div className="banner banner-warning escalate-unavailable" role="status" data-testid="escalate-unavailable">
          <div className="stack-tight">{problem}</div>
        </div>
        <DialogCloseRow onClose={onClose} />
      </div>
    );
  }
  return (
    <EscalateForm
      request={request}
      options={options.data}
      destination={destination}
      onClose={onClose}
      onRequestClose={onRequestClose}
      askBeforeClose={askBeforeClose}
    />
  );
}

/** Why the destination cannot take an escalation now, in words with the way out; null when it can. */
function destinationProblem(d: EscalationDestination | undefined): ReactNode {
  const settings = (
    <Link href={SETTINGS} className="settings-link">
      Settings → Integrations → Kustomer
    </Link>
  );
  if (!d || d.status === 'not_connected') {
    return (
      <>
        <strong>Kustomer is not connected</strong>
        <span>An admin can connect it in {settings}; then you can escalate requests into Kustomer conversations.</span>
      </>
    );
  }
  if (d.status === 'invalid_credentials') {
    return (
      <>
        <strong>Kustomer refused Bridgedesk's API key (Invalid credentials)</strong>
        <span>Escalations cannot be sent until an admin pastes a new key in {settings}.</span>
      </>
    );
  }
  if (d.queues.length === 0 && d.teams.length === 0) {
    return (
      <>
        <strong>No Kustomer queue or team is enabled for escalation</strong>
        <span>An admin can choose which queues and teams agents may escalate to in {settings}.</span>
      </>
    );
  }
  return null;
}

function DialogCloseRow({ onClose }: { onClose: () => void }) {
  return (
    <div className="form-actions dialog-footer">
      <button type="button" className="btn" onClick={onClose} autoFocus>
        Close
      </button>
    </div>
  );
}

const range = (min: number, max: number) => Array.from({ length: Math.max(0, max - min + 1) }, (_, i) => min + i);

function EscalateForm({
  request,
  options,
  destination,
  onClose,
  onRequestClose,
  askBeforeClose,
}: {
  request: RequestDetail;
  options: EscalationOptions;
  destination: EscalationDestination;
} & CloseProps) {
  const escalate = useEscalate(request.id);
  const targets = [...destination.queues.map((q) => `queue:${q.id}`), ...destination.teams.map((t) => `team:${t.id}`)];
  const { min, max } = destination.priorityRange;
  const initial = {
    target: targets.length === 1 ? targets[0]! : '',
    channel: destination.channels.includes('email') ? 'email' : (destination.channels[0] ?? 'email'),
    priority: Math.min(max, Math.max(min, destination.defaultPriority)),
    subject: options.draft.subject,
    message: options.draft.message,
  };
  const [target, setTarget] = useState(initial.target);
  const [channel, setChannel] = useState(initial.channel);
  const [priority, setPriority] = useState(initial.priority);
  const [subject, setSubject] = useState(initial.subject);
  const [message, setMessage] = useState(initial.message);
  const [checked, setChecked] = useState(false);
  /** Set when the API answered 409 (someone escalated meanwhile): the dialog asks before sending again with confirm. */
  const [conflict, setConflict] = useState<{ openEscalationId: string | null } | null>(null);
  /** Esc or Cancel on an edited form: "Discard this escalation?" inside the dialog. */
  const [askingDiscard, setAskingDiscard] = useState(false);
  const edited =
    target !== initial.target || channel !== initial.channel || priority !== initial.priority || subject !== initial.subject || message !== initial.message;
  useEffect(() => {
    askBeforeClose.current = () => {
      if (!edited || escalate.isSuccess) return false;
      // Asked already: a second Esc means "keep editing", as Esc leaves any question.
      setAskingDiscard((asking) => !asking);
      return true;
    };
    return () => {
      askBeforeClose.current = () => false;
    };
  }, [askBeforeClose, edited, escalate.isSuccess]);

  const limits = options.limits;
  const subjectOver = subject.trim().length > limits.subject;
  const messageOver = message.trim().length > limits.message;
  const serverErrors = fieldErrors(escalate.error);
  const errors = {
    target: (checked && !target ? 'Choose a queue or team' : undefined) ?? serverErrors.queueId ?? serverErrors.teamId,
    channel: serverErrors.channel,
    priority: serverErrors.priority,
    subject:
      (checked && !subject.trim() ? 'Write a subject' : undefined) ??
      (subjectOver ? tooLong(subject.trim().length, limits.subject) : undefined) ??
      serverErrors.subject,
    message:
      (checked && !message.trim() ? 'Write a message' : undefined) ??
      (messageOver ? tooLong(message.trim().length, limits.message) : undefined) ??
      serverErrors.message,
  };
  const fieldProblem = Object.values(serverErrors).length > 0;
  // The send button names where the escalation goes, as the composer's names who reads a comment.
  const targetName = [...destination.queues, ...destination.teams].find((x) => target.endsWith(`:${x.id}`))?.name;
  // Warned as the form opened: sending is the agent's answer, so it goes with confirm.
  const openAlready = options.openEscalation;

  const send = (confirm: boolean) => {
    setChecked(true);
    if (escalate.isPending || !target || !subject.trim() || !message.trim() || subjectOver || messageOver) return;
    const [kind, id] = [target.slice(0, target.indexOf(':')), target.slice(target.indexOf(':') + 1)];
    const body: EscalateBody = {
      destination: destination.id,
      ...(kind === 'queue' ? { queueId: id } : { teamId: id }),
      channel,
      priority,
      subject: subject.trim(),
      message,
      ...(confirm ? { confirm: true } : {}),
    };
    escalate.mutate(body, { onSuccess: onClose, onError: (err) => setConflict((c) => c ?? openEscalationConflict(err)) });
  };

  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    send(!!conflict || !!openAlready);
  };
  const onKeyDown = (e: KeyboardEvent) => {
    if (isSubmitChord(e) && !askingDiscard) {
      e.preventDefault();
      send(!!conflict || !!openAlready);
    }
  };

  if (conflict) {
    return (
      <form className="stack" onSubmit={onSubmit} onKeyDown={onKeyDown} aria-label="Confirm escalation">
        <ConflictQuestion openEscalationId={conflict.openEscalationId} />
        <ErrorBanner error={openEscalationConflict(escalate.error) ? null : escalate.error} title="Not escalated" />
        {askingDiscard ? (
          <DiscardQuestion onKeep={() => setAskingDiscard(false)} onDiscard={onClose} />
        ) : (
          <div className="form-actions dialog-footer">
            <button
              type="button"
              className="btn btn-ghost"
              onClick={() => {
                setConflict(null);
                escalate.reset();
              }}
            >
              Back
            </button>
            <button type="submit" className="btn btn-primary" disabled={escalate.isPending} autoFocus>
              {escalate.isPending ? 'Escalating…' : 'Escalate again'}
            </button>
          </div>
        )}
      </form>
    );
  }

  return (
    <form className="stack escalate-form" onSubmit={onSubmit} onKeyDown={onKeyDown} noValidate aria-label="Escalate ticket">
      {openAlready && <OpenEscalationWarning open={openAlready} />}
      <div className="grid-2">
        <Field label="Destination">
          {(id) => (
            <select id={id} value={destination.id} disabled={options.destinations.length < 2} onChange={() => undefined}>
              {options.destinations.map((d) => (
                <option key={d.id} value={d.id}>
                  {d.name}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label="Queue or team" required error={errors.target}>
          {(id, d) => (
            <select
              id={id}
              value={target}
              aria-describedby={d}
              aria-invalid={errors.target ? true : undefined}
              autoFocus
              onChange={(e) => setTarget(e.target.value)}
            >
              <option value="" disabled>
                Choose a queue or team…
              </option>
              {destination.queues.length > 0 && (
                <optgroup label="Queues">
                  {destination.queues.map((q) => (
                    <option key={q.id} value={`queue:${q.id}`}>
                      {q.name}
                    </option>
                  ))}
                </optgroup>
              )}
              {destination.teams.length > 0 && (
                <optgroup label="Teams">
                  {destination.teams.map((t) => (
                    <option key={t.id} value={`team:${t.id}`}>
                      {t.name}
                    </option>
                  ))}
                </optgroup>
              )}
            </select>
          )}
        </Field>
        <Field label="Channel" error={errors.channel} hint="How the first message reaches the customer">
          {(id, d) => (
            <select id={id} value={channel} aria-describedby={d} onChange={(e) => setChannel(e.target.value)}>
              {destination.channels.map((c) => (
                <option key={c} value={c}>
                  {channelLabel(c)}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field
          label="Priority"
          error={errors.priority}
          hint={`Kustomer's scale, ${min} to ${max} (3 is normal); from the request's priority, as set in Settings → Kustomer`}
        >
          {(id, d) => (
            <select id={id} value={priority} aria-describedby={d} onChange={(e) => setPriority(Number(e.target.value))}>
              {range(min, max).map((p) => (
                <option key={p} value={p}>
                  {destinationPriorityLabel(p)}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label="Subject" required error={errors.subject} className="span-2">
          {(id, d) => (
            <>
              <input
                id={id}
                type="text"
                value={subject}
                aria-describedby={[`${id}-count`, d].filter(Boolean).join(' ')}
                aria-invalid={errors.subject ? true : undefined}
                onChange={(e) => setSubject(e.target.value)}
              />
              <CharCount id={`${id}-count`} length={subject.trim().length} max={limits.subject} testId="subject-count" />
            </>
          )}
        </Field>
        <Field
          label="Message"
          required
          error={errors.message}
          hint="Who reads it: the Kustomer team, as the conversation's first message from the customer (Kustomer sends it to no one). Bridgedesk adds a link back to this request as a note."
          className="span-2"
        >
          {(id, d) => (
            <>
              <textarea
                id={id}
                rows={10}
                value={message}
                aria-describedby={[`${id}-count`, d].filter(Boolean).join(' ')}
                aria-invalid={errors.message ? true : undefined}
                onChange={(e) => setMessage(e.target.value)}
              />
              <CharCount id={`${id}-count`} length={message.trim().length} max={limits.message} testId="message-count" />
            </>
          )}
        </Field>
      </div>
      <MappedValues requestId={request.id} />
      <ErrorBanner error={fieldProblem || openEscalationConflict(escalate.error) ? null : escalate.error} title="Not escalated" />
      {askingDiscard ? (
        <DiscardQuestion onKeep={() => setAskingDiscard(false)} onDiscard={onClose} />
      ) : (
        <div className="form-actions dialog-footer">
          <span className="muted small dialog-hint">
            <kbd>Ctrl</kbd>/<kbd>⌘</kbd> + <kbd>Enter</kbd> to escalate · <kbd>Esc</kbd> to close
          </span>
          <button type="button" className="btn btn-ghost" onClick={onRequestClose}>
            Cancel
          </button>
          <button type="submit" className="btn btn-primary" disabled={escalate.isPending}>
            {escalate.isPending ? 'Escalating…' : `Escalate${openAlready ? ' again' : ''}${targetName ? ` to ${targetName}` : ''}`}
          </button>
        </div>
      )}
    </form>
  );
}

const tooLong = (length: number, max: number) =>
  `Too long: ${count(length)} of ${count(max)} characters. Shorten it by ${count(length - max)}; nothing is cut for you.`;

/** Shown as the form opens: "This request already has an open escalation (Linked, Tier 2 Support)…". */
function OpenEscalationWarning({ open }: { open: NonNullable<EscalationOptions['openEscalation']> }) {
  const what = [stateLabel(open.state), open.target].filter(Boolean).join(', ');
  return (
    <div className="banner banner-warning" role="status" data-testid="escalate-open-warning">
      <div className="stack-tight">
        <strong>This request already has an open escalation ({what}).</strong>
        <span>
          Escalating again creates another Kustomer conversation
          {open.conversationId ? (
            <>
              {' '}
              besides <code>{open.conversationId}</code>
            </>
          ) : null}
          .
        </span>
      </div>
    </div>
  );
}

/** "Also sent to Kustomer": the request's values for the mapped conversation attributes; nothing when none has a value. */
function MappedValues({ requestId }: { requestId: string }) {
  const values = useMappedValues(requestId);
  const items = values.data ?? [];
  if (!items.length) return null;
  return (
    <section className="stack-tight" aria-label="Also sent to Kustomer" data-testid="escalate-mapped-values">
      <span className="field-label">Also sent to Kustomer</span>
      <dl className="info">
        {items.map((v) => (
          <Fragment key={v.remoteField}>
            <dt>
              {v.label} <span className="small">→ {v.remoteField}</span>
            </dt>
            <dd title={typeof v.value === 'string' && mappedValueText(v.value) !== v.value ? v.value : undefined}>{mappedValueText(v.value)}</dd>
          </Fragment>
        ))}
      </dl>
    </section>
  );
}

/** "This request already has an open escalation (state: Linked, Tier 2 Support). Escalate again?" */
function ConflictQuestion({ openEscalationId }: { openEscalationId: string | null }) {
  const open = useEscalation(openEscalationId);
  const e = open.data;
  const what = e ? `state: ${stateLabel(e.state)}${targetLabel(e.target) && e.target?.name ? `, ${targetLabel(e.target)}` : ''}` : 'state: …';
  return (
    <div className="banner banner-warning" role="alert" data-testid="escalate-confirm">
      <div className="stack-tight">
        <strong>This request already has an open escalation ({what}). Escalate again?</strong>
        <span>
          Escalating again creates another Kustomer conversation
          {e?.conversationId ? (
            <>
              {' '}
              besides <code>{e.conversationId}</code>
            </>
          ) : null}
          .
        </span>
      </div>
    </div>
  );
}
