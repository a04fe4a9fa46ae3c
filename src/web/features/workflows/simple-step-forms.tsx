/** Settings of the small steps: notify, set priority, set status, add or remove a tag, assign, comment, wait, wait for a reply. */
import { useInboxes } from '../../api/catalog.ts';
import { type Priority, type Status } from '../../../core/request.ts';
import type { Step } from '../../api/workflows.ts';
import { Field, Input, TextArea, Select } from '../../ui/field.tsx';
import { normalizeTag } from '../../ui/tag-input.tsx';
import { UserPicker } from '../../ui/user-picker.tsx';
import { useIssue } from './issues-context.tsx';
import { PlaceholderList } from './placeholder-list.tsx';
import { durationText } from './workflow-format.ts';
import { ChoiceOptions, NamedOptions, PriorityOptions, StatusOptions } from '../../ui/choice-options.tsx';

type Of<T extends Step['type']> = Extract<Step, { type: T }>;
interface FormProps<S> {
  step: S;
  onChange: (s: S) => void;
  path: string;
}

const NOTIFY_AUDIENCE = { requester: 'the requester', assignee: 'the assignee', email: 'the email address' } as const;

function NotifyForm({ step, onChange, path }: FormProps<Of<'notify'>>) {
  const toError = useIssue(`${path}.to`);
  const emailError = useIssue(`${path}.email`);
  const subjectError = useIssue(`${path}.subject`);
  const bodyError = useIssue(`${path}.body`);
  return (
    <div className="stack">
      <div className="grid-2">
        <Field label="Send to" error={toError} hint="In-app notification and email for people; email only for an address">
          <Select
            value={step.to}
            onChange={(e) => {
              const { email: _omit, ...rest } = step;
              const to = e.target.value as Of<'notify'>['to'];
              onChange(to === 'email' ? { ...rest, to, email: step.email ?? '' } : { ...rest, to });
            }}
          >
            <option value="requester">The requester</option>
            <option value="assignee">The assignee</option>
            <option value="email">An email address</option>
          </Select>
        </Field>
        {step.to === 'email' && (
          <Field label="Email address" required error={emailError}>
            <Input type="email" value={step.email ?? ''} onChange={(e) => onChange({ ...step, email: e.target.value.trim() })} />
          </Field>
        )}
      </div>
      <Field label="Subject" required error={subjectError}>
        <Input type="text" value={step.subject} onChange={(e) => onChange({ ...step, subject: e.target.value })} />
      </Field>
      <Field
        label={`Message to ${NOTIFY_AUDIENCE[step.to]}`}
        required
        error={bodyError}
        hint="Sent as written: do not put anything here that this person may not read."
      >
        <TextArea rows={4} value={step.body} onChange={(e) => onChange({ ...step, body: e.target.value })} />
      </Field>
      <PlaceholderList />
    </div>
  );
}

/** set_priority and set_status: one select of the value the step sets. */
function SetValueForm({ step, onChange, path }: FormProps<Of<'set_priority' | 'set_status'>>) {
  const priority = step.type === 'set_priority';
  const error = useIssue(`${path}.${priority ? 'priority' : 'status'}`);
  return (
    <Field label={priority ? 'Priority' : 'Status'} error={error} className="wf-narrow">
      <Select
        value={priority ? step.priority : step.status}
        onChange={(e) => onChange(priority ? { ...step, priority: e.target.value as Priority } : { ...step, status: e.target.value as Status })}
      >
        {priority ? <PriorityOptions /> : <StatusOptions />}
      </Select>
    </Field>
  );
}

function TagForm({ step, onChange, path }: FormProps<Of<'add_tag' | 'remove_tag'>>) {
  const error = useIssue(`${path}.tag`);
  return (
    <Field label="Tag" required error={error} className="wf-narrow">
      <Input type="text" placeholder="e.g. escalated" value={step.tag} onChange={(e) => onChange({ ...step, tag: normalizeTag(e.target.value) })} />
    </Field>
  );
}

function AssignForm({ step, onChange, path }: FormProps<Of<'assign'>>) {
  const inboxes = useInboxes();
  const assigneeError = useIssue(`${path}.assigneeId`);
  const inboxError = useIssue(`${path}.inboxId`);
  return (
    <div className="grid-2">
      <Field label="Assignee" error={assigneeError} hint="Empty: leave the assignee as it is">
        {(id, d) => (
          <UserPicker
            id={id}
            describedBy={d}
            staffOnly
            value={step.assigneeId ?? null}
            onChange={(assigneeId) => {
              const { assigneeId: _omit, ...rest } = step;
              onChange(assigneeId ? { ...rest, assigneeId } : rest);
            }}
          />
        )}
      </Field>
      <Field label="Inbox" error={inboxError}>
        <Select
          value={step.inboxId ?? ''}
          onChange={(e) => {
            const { inboxId: _omit, ...rest } = step;
            onChange(e.target.value ? { ...rest, inboxId: e.target.value } : rest);
          }}
        >
          <option value="">Leave as it is</option>
          <NamedOptions items={inboxes.data} />
        </Select>
      </Field>
    </div>
  );
}

function CommentForm({ step, onChange, path }: FormProps<Of<'add_comment'>>) {
  const bodyError = useIssue(`${path}.body`);
  return (
    <div className="stack">
      <Field label="Visibility" className="wf-narrow">
        <Select value={step.visibility} onChange={(e) => onChange({ ...step, visibility: e.target.value as Of<'add_comment'>['visibility'] })}>
          <option value="internal">Internal note (staff only)</option>
          <option value="public">Public reply (the requester sees it)</option>
        </Select>
      </Field>
      <Field
        label={step.visibility === 'internal' ? 'Internal note' : 'Reply to the requester'}
        required
        error={bodyError}
        hint={step.visibility === 'internal' ? 'Only agents and admins see it.' : 'The requester sees it on the request and gets it by email.'}
        className={step.visibility === 'internal' ? 'wf-internal-text' : undefined}
      >
        <TextArea rows={3} value={step.body} onChange={(e) => onChange({ ...step, body: e.target.value })} />
      </Field>
      <PlaceholderList />
    </div>
  );
}

function WaitForm({ step, onChange, path }: FormProps<Of<'wait'>>) {
  const error = useIssue(`${path}.minutes`);
  return (
    <Field label="Wait (minutes)" error={error} hint={durationText(step.minutes)} className="wf-narrow">
      <Input type="number" min={1} value={step.minutes || ''} onChange={(e) => onChange({ ...step, minutes: Number(e.target.value) })} />
    </Field>
  );
}

const UNITS = [
  { value: 60, label: 'hours' },
  { value: 1440, label: 'days' },
] as const;

/** "Wait for the requester's reply": how long (in hours or days), and whether a reply ends the run. */
function ReplyWaitForm({ step, onChange, path }: FormProps<Of<'wait_for_reply'>>) {
  const error = useIssue(`${path}.minutes`);
  const onReplyError = useIssue(`${path}.onReply`);
  const unit = step.minutes > 0 && step.minutes % 1440 === 0 ? 1440 : 60;
  return (
    <div className="grid-2">
      <Field label="Wait at most" error={error} hint={`${durationText(step.minutes)}; the run goes on as soon as the requester replies publicly`}>
        <div className="wf-duration">
          <Input
            type="number"
            min={1}
            value={step.minutes ? step.minutes / unit : ''}
            onChange={(e) => onChange({ ...step, minutes: Number(e.target.value) * unit })}
          />
          <select aria-label="Unit" value={unit} onChange={(e) => onChange({ ...step, minutes: (step.minutes / unit) * Number(e.target.value) })}>
            <ChoiceOptions choices={UNITS} />
          </select>
        </div>
      </Field>
      <Field label="When the requester replies" error={onReplyError}>
        <Select value={step.onReply} onChange={(e) => onChange({ ...step, onReply: e.target.value as Of<'wait_for_reply'>['onReply'] })}>
          <option value="stop">End the run (skip the steps after)</option>
          <option value="continue">Go on with the next steps (an “If” on the requester's reply decides)</option>
        </Select>
      </Field>
    </div>
  );
}

/** The form for any step but create_conversation, approval and branch (which have their own); null for those. */
export function SimpleStepForm({ step, onChange, path }: FormProps<Step>) {
  switch (step.type) {
    case 'notify':
      return <NotifyForm step={step} onChange={onChange} path={path} />;
    case 'set_priority':
    case 'set_status':
      return <SetValueForm step={step} onChange={onChange} path={path} />;
    case 'add_tag':
    case 'remove_tag':
      return <TagForm step={step} onChange={onChange} path={path} />;
    case 'assign':
      return <AssignForm step={step} onChange={onChange} path={path} />;
    case 'add_comment':
      return <CommentForm step={step} onChange={onChange} path={path} />;
    case 'wait':
      return <WaitForm step={step} onChange={onChange} path={path} />;
    case 'wait_for_reply':
      return <ReplyWaitForm step={step} onChange={onChange} path={path} />;
    default:
      return null;
  }
}
