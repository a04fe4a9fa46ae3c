/**
 * The Escalate form itself: destination, queue or team, assignee, channel, priority, sub-status, subject and message
 * (pre-filled), the request's tags as they will go, and the answers to a 409 or a discard. Ctrl/Cmd+Enter sends.
 */
import { EscalateFiles } from './escalate-files.tsx';
import { type FormEvent, type KeyboardEvent, useEffect, useState } from 'react';
import { fieldErrors } from '../../api/client.ts';
import { type EscalateBody, type EscalationDestination, type EscalationOptions, openEscalationConflict, useEscalate } from '../../api/escalations.ts';
import { useMe } from '../../api/session.ts';
import type { RequestDetail } from '../../../server/schemas/request.ts';
import { Field, Select } from '../../ui/field.tsx';
import { OptionGroup } from '../../ui/target-options.tsx';
import { isSubmitChord } from '../../ui/hotkeys.ts';
import { CharCount, count } from '../../ui/char-count.tsx';
import { DiscardQuestion } from '../../ui/discard-question.tsx';
import { ErrorBanner } from '../../ui/states.tsx';
import type { CloseProps } from './escalate-dialog.tsx';
import { AssigneePicker, SubStatusSelect, TagsPreview } from './escalate-extras.tsx';
import { ConflictQuestion, MappedValues, OpenEscalationWarning } from './escalation-notices.tsx';
import { channelLabel, destinationPriorityLabel } from './escalation-format.ts';
import { NamedOptions, Options } from '../../ui/choice-options.tsx';

const range = (min: number, max: number) => Array.from({ length: Math.max(0, max - min + 1) }, (_, i) => min + i);

export function EscalateForm({
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
  const [assignee, setAssignee] = useState('');
  const [subStatus, setSubStatus] = useState('');
  const [files, setFiles] = useState<Set<string>>(() => new Set(options.attachments.map((a) => a.id)));
  const admin = useMe().role === 'admin';
  const [checked, setChecked] = useState(false);
  /** Set when the API answered 409 (someone escalated meanwhile): the dialog asks before sending again with confirm. */
  const [conflict, setConflict] = useState<{ openEscalationId: string | null } | null>(null);
  /** Esc or Cancel on an edited form: "Discard this escalation?" inside the dialog. */
  const [askingDiscard, setAskingDiscard] = useState(false);
  const edited =
    target !== initial.target ||
    channel !== initial.channel ||
    priority !== initial.priority ||
    subject !== initial.subject ||
    message !== initial.message ||
    assignee !== '' ||
    subStatus !== '' ||
    files.size !== options.attachments.length;
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
    assignee: serverErrors.assigneeUserId ?? serverErrors.assigneeTeamId,
    subStatus: serverErrors.subStatusId,
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
    const [assigneeKind, assigneeId] = [assignee.slice(0, assignee.indexOf(':')), assignee.slice(assignee.indexOf(':') + 1)];
    const body: EscalateBody = {
      destination: destination.id,
      ...(kind === 'queue' ? { queueId: id } : { teamId: id }),
      ...(assigneeKind === 'user' ? { assigneeUserId: assigneeId } : assigneeKind === 'team' ? { assigneeTeamId: assigneeId } : {}),
      ...(subStatus ? { subStatusId: subStatus } : {}),
      ...(files.size ? { attachmentIds: options.attachments.filter((a) => files.has(a.id)).map((a) => a.id) } : {}),
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
          <Select value={destination.id} disabled={options.destinations.length < 2} onChange={() => undefined}>
            <NamedOptions items={options.destinations} />
          </Select>
        </Field>
        <Field label="Queue or team" required error={errors.target}>
          <Select value={target} aria-invalid={errors.target ? true : undefined} autoFocus onChange={(e) => setTarget(e.target.value)}>
            <option value="" disabled>
              Choose a queue or team…
            </option>
            <OptionGroup label="Queues" kind="queue" items={destination.queues} />
            <OptionGroup label="Teams" kind="team" items={destination.teams} />
          </Select>
        </Field>
        <AssigneePicker destination={destination} value={assignee} error={errors.assignee} onChange={setAssignee} />
        <SubStatusSelect destination={destination} value={subStatus} error={errors.subStatus} onChange={setSubStatus} />
        <Field label="Channel" error={errors.channel} hint="How the first message reaches the customer">
          <Select value={channel} onChange={(e) => setChannel(e.target.value)}>
            <Options values={destination.channels} label={channelLabel} />
          </Select>
        </Field>
        <Field
          label="Priority"
          error={errors.priority}
          hint={`${destination.name}'s scale, ${min} to ${max}; from the request's priority, as set in Settings → ${destination.name}`}
        >
          <Select value={priority} onChange={(e) => setPriority(Number(e.target.value))}>
            <Options values={range(min, max)} label={destinationPriorityLabel} />
          </Select>
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
          hint={`Who reads it: the ${destination.name} team, as the conversation's first message from the customer (${destination.name} sends it to no one). Bridgedesk adds a link back to this request as a note.`}
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
        <EscalateFiles files={options.attachments} chosen={files} onChange={setFiles} destination={destination.name} />
        <TagsPreview destination={destination} admin={admin} />
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
