/**
 * Settings of an approval step: who approves (the requester's manager, a named person, or a group where any one
 * decides or all decide in order), when it is due, what happens when nobody decides in time, and the message.
 */
import { useId } from 'react';
import { useUsers } from '../../api/catalog.ts';
import type { Step } from '../../api/workflows.ts';
import { Field, Input, TextArea, Select } from '../../ui/field.tsx';
import { UserPicker } from '../../ui/user-picker.tsx';
import { useIssue } from './issues-context.tsx';
import { PlaceholderList } from './placeholder-list.tsx';

type ApprovalStep = Extract<Step, { type: 'approval' }>;
type Approver = ApprovalStep['approver'];

const APPROVER_KINDS: { value: Approver['type']; label: string }[] = [
  { value: 'manager', label: "The requester's manager" },
  { value: 'user', label: 'A named person' },
  { value: 'group', label: 'A group of people' },
];

function switchApprover(current: Approver, type: Approver['type']): Approver {
  if (type === current.type) return current;
  if (type === 'manager') return { type };
  if (type === 'user') return { type, userId: current.type === 'group' ? (current.userIds[0] ?? '') : '' };
  return { type, userIds: current.type === 'user' && current.userId ? [current.userId] : [], mode: 'any' };
}

function GroupEditor({ approver, onChange, path }: { approver: Extract<Approver, { type: 'group' }>; onChange: (a: Approver) => void; path: string }) {
  const people = useUsers({ active: true });
  const addId = useId();
  const error = useIssue(`${path}.userIds`, `${path}.mode`);
  const name = (id: string) => people.data?.find((u) => u.id === id)?.name ?? 'Unknown person';
  const sequence = approver.mode === 'all_in_sequence';
  return (
    <div className={`stack-tight${error ? ' field-invalid' : ''}`}>
      {approver.userIds.length > 0 && (
        <ol className="wf-people">
          {approver.userIds.map((id, i) => (
            <li key={id}>
              <span>
                {sequence && <span className="muted">{i + 1}. </span>}
                {name(id)}
              </span>
              <button
                type="button"
                className="btn btn-small btn-ghost"
                aria-label={`Remove ${name(id)}`}
                onClick={() => onChange({ ...approver, userIds: approver.userIds.filter((x) => x !== id) })}
              >
                ×
              </button>
            </li>
          ))}
        </ol>
      )}
      <label htmlFor={addId} className="field-label">
        Add an approver
      </label>
      <UserPicker
        id={addId}
        value={null}
        placeholder="Search people to add…"
        onChange={(id) => id && !approver.userIds.includes(id) && onChange({ ...approver, userIds: [...approver.userIds, id] })}
      />
      {error && <div className="field-error">{error}</div>}
      <fieldset className="wf-radio-row">
        <legend>Who must approve</legend>
        <label className="checkbox">
          <input type="radio" name={`${path}-mode`} checked={!sequence} onChange={() => onChange({ ...approver, mode: 'any' })} /> Any one of them
        </label>
        <label className="checkbox">
          <input type="radio" name={`${path}-mode`} checked={sequence} onChange={() => onChange({ ...approver, mode: 'all_in_sequence' })} /> All of them, one
          after another
        </label>
      </fieldset>
    </div>
  );
}

export function ApprovalStepForm({ step, onChange, path }: { step: ApprovalStep; onChange: (s: ApprovalStep) => void; path: string }) {
  const a = step.approver;
  const userError = useIssue(`${path}.approver.userId`, `${path}.approver`);
  const dueError = useIssue(`${path}.dueInHours`);
  const timeoutError = useIssue(`${path}.onTimeout`);
  const messageError = useIssue(`${path}.message`);
  const rejectError = useIssue(`${path}.onReject`);
  const setApprover = (approver: Approver) => onChange({ ...step, approver });
  return (
    <div className="stack">
      <fieldset className="wf-radio-row">
        <legend>Approver</legend>
        {APPROVER_KINDS.map((k) => (
          <label key={k.value} className="checkbox">
            <input type="radio" name={`${path}-approver`} checked={a.type === k.value} onChange={() => setApprover(switchApprover(a, k.value))} /> {k.label}
          </label>
        ))}
      </fieldset>
      {a.type === 'manager' && <p className="muted small">When the requester has no manager, the step fails and says so.</p>}
      {a.type === 'user' && (
        <Field label="Approver" required error={userError}>
          {(id, d) => (
            <UserPicker id={id} describedBy={d} value={a.userId || null} onChange={(userId) => setApprover({ type: 'user', userId: userId ?? '' })} />
          )}
        </Field>
      )}
      {a.type === 'group' && <GroupEditor approver={a} onChange={setApprover} path={`${path}.approver`} />}
      <div className="grid-2">
        <Field label="Due in (hours)" error={dueError} hint="Leave empty for no deadline">
          <Input
            type="number"
            min={1}
            value={step.dueInHours ?? ''}
            onChange={(e) => {
              const { dueInHours: _omit, ...rest } = step;
              onChange(e.target.value === '' ? rest : { ...rest, dueInHours: Number(e.target.value) });
            }}
          />
        </Field>
        <Field label="If nobody decides in time" error={timeoutError}>
          <Select
            disabled={!step.dueInHours}
            value={step.onTimeout}
            onChange={(e) => onChange({ ...step, onTimeout: e.target.value as ApprovalStep['onTimeout'] })}
          >
            <option value="reject">Reject</option>
            <option value="approve">Approve</option>
            <option value="escalate_to_manager">Escalate to manager</option>
          </Select>
        </Field>
      </div>
      <Field
        label="If rejected"
        error={rejectError}
        hint={step.onReject === 'continue' ? 'Follow with an “If / otherwise” step on “Last approval”' : undefined}
      >
        <Select value={step.onReject} onChange={(e) => onChange({ ...step, onReject: e.target.value as ApprovalStep['onReject'] })}>
          <option value="stop">Stop the workflow (the requester is told)</option>
          <option value="continue">Continue: later steps decide</option>
        </Select>
      </Field>
      <Field label="Message to the approver" error={messageError}>
        <TextArea rows={3} value={step.message ?? ''} onChange={(e) => onChange({ ...step, message: e.target.value })} />
      </Field>
      <PlaceholderList />
    </div>
  );
}
