/**
 * The trigger: which event starts the workflow (on the request, or in Kustomer on its linked conversation), what
 * narrows it (a status, a field, a tag, an escalation state, the conversation's new status, a note or a message),
 * and its conditions.
 */
import { useCustomFields } from '../../api/catalog.ts';
import type { Trigger, TriggerEvent } from '../../api/workflows.ts';
import { Field } from '../../ui/field.tsx';
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

  switch (narrowing.kind) {
    case 'status':
      return (
        <Field label="To status" error={error} hint="“Reopened” is a resolved or archived request opened again">
          {(id, d) => (
            <select id={id} aria-describedby={d} value={value} onChange={(e) => set(e.target.value)}>
              <option value="">Any status</option>
              <StatusOptions />
              <option value="reopened">Reopened</option>
            </select>
          )}
        </Field>
      );
    case 'priority':
      return (
        <Field label="To priority" error={error}>
          {(id, d) => (
            <select id={id} aria-describedby={d} value={value} onChange={(e) => set(e.target.value)}>
              <option value="">Any priority</option>
              <PriorityOptions />
            </select>
          )}
        </Field>
      );
    case 'field':
      return (
        <Field label="Custom field" error={error}>
          {(id, d) => (
            <select id={id} aria-describedby={d} value={value} onChange={(e) => set(e.target.value)}>
              <option value="">Any custom field</option>
              {value && !customFields.data?.some((f) => f.key === value) && <option value={value}>{value}</option>}
              {(customFields.data ?? []).map((f) => (
                <option key={f.key} value={f.key}>
                  {f.label}
                </option>
              ))}
            </select>
          )}
        </Field>
      );
    case 'tag':
      return (
        <Field label="Tag" required error={error} hint="Starts when this tag is added to a request">
          {(id, d) => (
            <input id={id} type="text" aria-describedby={d} placeholder="e.g. vip-customer" value={value} onChange={(e) => set(normalizeTag(e.target.value))} />
          )}
        </Field>
      );
    case 'escalation':
      return (
        <Field label="Escalation state" error={error}>
          {(id, d) => (
            <select id={id} aria-describedby={d} value={value} onChange={(e) => set(e.target.value)}>
              <option value="">Any change</option>
              <ChoiceOptions choices={ESCALATION_TRIGGER_STATES} />
            </select>
          )}
        </Field>
      );
    case 'conversation_status':
      return (
        <Field label="To Kustomer status" error={error} hint="Each change Kustomer tells of starts one run, whether its webhook or the poll saw it">
          {(id, d) => (
            <select id={id} aria-describedby={d} value={value} onChange={(e) => set(e.target.value)}>
              <option value="">Any status</option>
              <ChoiceOptions choices={CONVERSATION_STATUS_CHOICES} />
            </select>
          )}
        </Field>
      );
    case 'thread_item':
      return (
        <Field label="What arrives" error={error} hint="Notes stay internal: only agents see them on the request">
          {(id, d) => (
            <select id={id} aria-describedby={d} value={value} onChange={(e) => set(e.target.value)}>
              <option value="">A reply or a note</option>
              <ChoiceOptions choices={THREAD_ITEM_CHOICES} />
            </select>
          )}
        </Field>
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
          {(id, d) => (
            <select id={id} aria-describedby={d} value={trigger.event} onChange={(e) => onChange(withEvent(trigger, e.target.value as TriggerEvent))}>
              {EVENT_GROUPS.map((g) => (
                <optgroup key={g.label} label={g.label}>
                  <Options values={g.events} label={(ev) => EVENT_LABELS[ev]} />
                </optgroup>
              ))}
            </select>
          )}
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
