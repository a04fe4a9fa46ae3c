/**
 * An ordered list of steps: each a card with its settings, moved up or down, removed, and new ones added from a
 * menu of step types. A branch step holds two more lists (then / otherwise), edited the same way, nested.
 */
import { useIntegrations } from '../../api/integrations.ts';
import type { Step, StepType } from '../../api/workflows.ts';
import { Field, Input } from '../../ui/field.tsx';
import { ApprovalStepForm } from './approval-step-form.tsx';
import { ConditionsEditor } from './conditions-editor.tsx';
import { ConversationStepForm } from './conversation-step-form.tsx';
import { useIssue, useOtherIssues } from './issues-context.tsx';
import { MenuButton } from './menu-button.tsx';
import { SimpleStepForm } from './simple-step-forms.tsx';
import { move, newStep } from './workflow-draft.ts';
import { useStepNames } from './use-step-names.ts';
import { STEP_LABELS, STEP_TYPES, stepSummary, stepTitle } from './workflow-format.ts';

/** Sub-paths each type's form shows itself ('' the step itself); anything else the API reports is listed on the card. */
const SHOWN: Record<StepType, string[]> = {
  create_conversation: ['', 'queueId', 'teamId', 'channel', 'priority', 'subject', 'message'],
  approval: ['approver', 'dueInHours', 'onTimeout', 'onReject', 'message'],
  notify: ['to', 'email', 'subject', 'body'],
  set_priority: ['priority'],
  set_status: ['status'],
  add_tag: ['tag'],
  remove_tag: ['tag'],
  assign: ['assigneeId', 'inboxId'],
  add_comment: ['body', 'visibility'],
  branch: ['condition.rules'],
  wait: ['minutes'],
  wait_for_reply: ['minutes', 'onReply'],
};

function AddStepMenu({ onAdd, label }: { onAdd: (type: StepType) => void; label: string }) {
  return (
    <MenuButton label="+ Add step" ariaLabel={label} className="btn btn-small" menuLabel="Step types">
      {(close) =>
        STEP_TYPES.map((t) => (
          <button
            key={t}
            type="button"
            role="menuitem"
            onClick={() => {
              close();
              onAdd(t);
            }}
          >
            {STEP_LABELS[t]}
          </button>
        ))
      }
    </MenuButton>
  );
}

function BranchForm({ step, onChange, path, number }: { step: Extract<Step, { type: 'branch' }>; onChange: (s: Step) => void; path: string; number: string }) {
  return (
    <div className="stack">
      <div className="stack-tight">
        <h3>If</h3>
        <ConditionsEditor
          label={`Step ${number} condition`}
          path={`${path}.condition`}
          conditions={step.condition}
          onChange={(condition) => onChange({ ...step, condition })}
          emptyText="No conditions: the “then” steps always run."
        />
      </div>
      <div className="wf-branch">
        <StepList label="Then" steps={step.then} path={`${path}.then`} onChange={(then) => onChange({ ...step, then })} />
      </div>
      <div className="wf-branch wf-branch-else">
        <StepList label="Otherwise" steps={step.else} path={`${path}.else`} onChange={(otherwise) => onChange({ ...step, else: otherwise })} />
      </div>
    </div>
  );
}

function StepSettings({ step, onChange, path, number }: { step: Step; onChange: (s: Step) => void; path: string; number: string }) {
  switch (step.type) {
    case 'create_conversation':
      return <ConversationStepForm step={step} onChange={onChange} path={path} />;
    case 'approval':
      return <ApprovalStepForm step={step} onChange={onChange} path={path} />;
    case 'branch':
      return <BranchForm step={step} onChange={onChange} path={path} number={number} />;
    default:
      return <SimpleStepForm step={step} onChange={onChange} path={path} />;
  }
}

function StepCard({
  step,
  number,
  count,
  path,
  onChange,
  onMove,
  onRemove,
}: {
  step: Step;
  number: string;
  count: number;
  path: string;
  onChange: (s: Step) => void;
  onMove: (by: number) => void;
  onRemove: () => void;
}) {
  const names = useStepNames();
  const nameError = useIssue(`${path}.name`);
  const others = useOtherIssues(path, ['name', ...SHOWN[step.type]], step.type === 'branch' ? ['then', 'else'] : []);
  const title = stepTitle(step);
  const index = Number(number.split('.').pop()) - 1;
  return (
    <li
      className={`wf-step wf-step-${step.type}${others.length ? ' wf-step-invalid' : ''}`}
      data-testid="workflow-step"
      data-path={path}
      data-type={step.type}
      aria-label={`Step ${number}: ${title}`}
    >
      <div className="wf-step-head">
        <span className="wf-step-number">{number}</span>
        <div className="wf-step-title">
          <strong>{title}</strong>
          <span className="muted small">
            {step.name?.trim() ? `${STEP_LABELS[step.type]} · ` : ''}
            {stepSummary(step, names)}
          </span>
        </div>
        <div className="wf-step-actions">
          <button type="button" className="btn btn-small btn-ghost" aria-label={`Move step ${number} up`} disabled={index === 0} onClick={() => onMove(-1)}>
            ↑
          </button>
          <button
            type="button"
            className="btn btn-small btn-ghost"
            aria-label={`Move step ${number} down`}
            disabled={index === count - 1}
            onClick={() => onMove(1)}
          >
            ↓
          </button>
          <button type="button" className="btn btn-small btn-ghost btn-danger" aria-label={`Remove step ${number}`} onClick={onRemove}>
            Remove
          </button>
        </div>
      </div>
      <div className="wf-step-body stack">
        <Field label="Step name" error={nameError} hint="Optional; shown in runs and on the timeline" className="wf-narrow">
          <Input
            type="text"
            placeholder={STEP_LABELS[step.type]}
            value={step.name ?? ''}
            onChange={(e) => {
              const { name: _omit, ...rest } = step;
              onChange((e.target.value ? { ...rest, name: e.target.value } : rest) as Step);
            }}
          />
        </Field>
        <StepSettings step={step} onChange={onChange} path={path} number={number} />
        {others.length > 0 && (
          <ul className="field-error wf-other-issues">
            {others.map((m) => (
              <li key={m}>{m}</li>
            ))}
          </ul>
        )}
      </div>
    </li>
  );
}

/** `path` is where the API reports this list's problems: "definition.steps", "definition.steps.2.then". */
export function StepList({ steps, onChange, path, label }: { steps: Step[]; onChange: (steps: Step[]) => void; path: string; label: string }) {
  const listError = useIssue(path);
  // "1", "2" at the top; "3.1" inside step 3's branches.
  const parent = path
    .split('.')
    .filter((p) => /^\d+$/.test(p))
    .map((p) => String(Number(p) + 1))
    .join('.');
  const nested = path !== 'definition.steps';
  // A new conversation step goes to a destination this deployment offers (GET /integrations), connected first.
  const integrations = useIntegrations();
  return (
    <div className="wf-step-list" data-testid="step-list" data-path={path}>
      {nested && <h3>{label}</h3>}
      {steps.length === 0 ? (
        <p className={listError ? 'field-error' : 'muted small'}>{listError ?? (nested ? 'No steps.' : 'No steps yet: add the first one.')}</p>
      ) : (
        <ol className="wf-steps">
          {steps.map((step, i) => (
            <StepCard
              key={step.id ?? i}
              step={step}
              number={parent ? `${parent}.${i + 1}` : String(i + 1)}
              count={steps.length}
              path={`${path}.${i}`}
              onChange={(s) => onChange(steps.map((x, j) => (j === i ? s : x)))}
              onMove={(by) => onChange(move(steps, i, by))}
              onRemove={() => onChange(steps.filter((_, j) => j !== i))}
            />
          ))}
        </ol>
      )}
      {steps.length > 0 && listError && <p className="field-error">{listError}</p>}
      <AddStepMenu
        label={nested ? `Add step to “${label}” of step ${parent}` : 'Add step'}
        onAdd={(t) => onChange([...steps, newStep(t, integrations.data ?? [])])}
      />
    </div>
  );
}
