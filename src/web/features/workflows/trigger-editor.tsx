/**
 * The trigger: which event starts the workflow (on the request, or in Kustomer on its linked conversation), what
 * narrows it (a status, a field, a tag, an escalation state, the conversation's new status, a note or a message),
 * and its conditions.
 */
import type { ReactNode } from 'react';
import { useCustomFields } from '../../api/catalog.ts';
import type { Trigger, TriggerEvent } from '../../api/workflows.ts';
import { Field, Input, Select } from '../../ui/field.tsx';
import { normalizeTag } from '../../ui/tag-input.tsx';
import { ConditionsEditor } from './conditions-editor.tsx';
import { useIssue } from './issues-context.tsx';
import {
  CONVERSATION_STATUS_CHOICES,
  ESCALATION_TRIGGER_STATES,
  EVENT_GROUPS,
  EVENT_LABELS,
  narrowingOf,
  THREAD_ITEM_CHOICES,
  withEvent,
} from './workflow-format.ts';
import { ChoiceOptions, Options, PriorityOptions, StatusOptions } from '../../ui/choice-options.tsx';

const PATH = 'definition.trigger';

function Narrowing({ trigger, onChange }: { trigger: Trigger; onChange: (t: Trigger) => void }) {
  const narrowing = narrowingOf(trigger.event);
  const customFields = useCustomFields(true);
  const error = useIssue(`${PATH}.${narrowing?.key ?? 'to'}`);
  if (!narrowing) return null;
  const set = (v: string) => onChange({ ...trigger, [narrowing.key]: v || undefined });
  const value = trigger[narrowing.key] ?? '';

  /** A select of what the event narrows to, "any" (empty) first. */
  const choose = (label: string, any: string, options: ReactNode, hint?: string) => (
    <Field label={label} error={error} hint={hint}>
      <Select value={value} onChange={(e) => set(e.target.value)}>
        <option value="">{any}</option>
        {options}
      </Select>
    </Field>
  );

  switch (narrowing.kind) {
    case 'status':
      return choose(
        'To status',
        'Any status',
        <>
          <StatusOptions />
          <option value="reopened">Reopened</option>
        </>,
        '“Reopened” is a resolved or archived request opened again',
      );
    case 'priority':
      return choose('To priority', 'Any priority', <PriorityOptions />);
    case 'field':
      return choose(
        'Custom field',
        'Any custom field',
        <>
          {value && !customFields.data?.some((f) => f.key === value) && <option value={value}>{value}</option>}
          <ChoiceOptions choices={(customFields.data ?? []).map((f) => ({ value: f.key, label: f.label }))} />
        </>,
      );
    case 'tag':
      return (
        <Field label="Tag" required error={error} hint="Starts when this tag is added to a request">
          <Input type="text" placeholder="e.g. vip-customer" value={value} onChange={(e) => set(normalizeTag(e.target.value))} />
        </Field>
      );
    case 'escalation':
      return choose('Escalation state', 'Any change', <ChoiceOptions choices={ESCALATION_TRIGGER_STATES} />);
    case 'conversation_status':
      return choose(
        'To Kustomer status',
        'Any status',
        <ChoiceOptions choices={CONVERSATION_STATUS_CHOICES} />,
        'Each change Kustomer tells of starts one run, whether its webhook or the poll saw it',
      );
    case 'thread_item':
      return choose(
        'What arrives',
        'A reply or a note',
        <ChoiceOptions choices={THREAD_ITEM_CHOICES} />,
        'Notes stay internal: only agents see them on the request',
      );
  }
}

export function TriggerEditor({ trigger, onChange }: { trigger: Trigger; onChange: (t: Trigger) => void }) {
  const eventError = useIssue(`${PATH}.event`, PATH);
  return (
    <section className="card stack wf-section" aria-labelledby="wf-trigger-title" data-testid="workflow-trigger">
      <h2 id="wf-trigger-title">Trigger</h2>
      <div className="grid-2">
        <Field label="When" error={eventError}>
          <Select value={trigger.event} onChange={(e) => onChange(withEvent(trigger, e.target.value as TriggerEvent))}>
            {EVENT_GROUPS.map((g) => (
              <optgroup key={g.label} label={g.label}>
                <Options values={g.events} label={(ev) => EVENT_LABELS[ev]} />
              </optgroup>
            ))}
          </Select>
        </Field>
        <Narrowing trigger={trigger} onChange={onChange} />
      </div>
      <div className="stack-tight">
        <h3>Only if</h3>
        <ConditionsEditor
          label="Trigger conditions"
          path={`${PATH}.conditions`}
          conditions={trigger.conditions}
          onChange={(conditions) => onChange({ ...trigger, conditions })}
          emptyText="No conditions: every request the event happens to qualifies."
        />
      </div>
    </section>
  );
}
