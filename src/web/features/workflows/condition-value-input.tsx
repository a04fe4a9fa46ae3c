/** The value part of a condition rule, picked the way its field asks: a list, a person, text, a number or yes/no. */
import { useId } from 'react';
import { useInboxes, useServices } from '../../api/catalog.ts';
import { useKustomerIntegration } from '../../api/integrations.ts';
import type { ConditionRule } from '../../api/workflows.ts';
import { UserPicker } from '../../ui/user-picker.tsx';
import { type ConditionField, splitList } from './condition-fields.ts';
import { ChoiceOptions } from '../../ui/choice-options.tsx';

type Value = ConditionRule['value'];

interface Props {
  field: ConditionField;
  op: string;
  value: Value;
  onChange: (value: Value) => void;
  label: string;
  invalid?: boolean;
}

/** The choices for list-like fields (services, inboxes and Kustomer's queues and teams are loaded). */
function useChoices(field: ConditionField): { value: string; label: string }[] | null {
  const services = useServices(true);
  const inboxes = useInboxes({ enabled: field.kind === 'inbox' });
  const remote = field.kind === 'remote_queue' || field.kind === 'remote_team';
  const kustomer = useKustomerIntegration(remote);
  if (field.kind === 'service') return (services.data ?? []).map((s) => ({ value: s.id, label: s.active ? s.name : `${s.name} (inactive)` }));
  if (field.kind === 'inbox') return (inboxes.data ?? []).map((i) => ({ value: i.id, label: i.name }));
  // Every synced queue and team, not only those escalated to: a Kustomer agent may move the conversation anywhere.
  if (remote)
    return (field.kind === 'remote_queue' ? (kustomer.data?.queues ?? []) : (kustomer.data?.teams ?? [])).map((t) => ({
      value: t.remoteId,
      label: t.available ? t.name : `${t.name} (gone from Kustomer)`,
    }));
  if (field.kind === 'options') return field.options ?? [];
  return null;
}

export function ConditionValueInput({ field, op, value, onChange, label, invalid }: Props) {
  const choices = useChoices(field);
  const pickerId = useId();
  const aria = { 'aria-label': label, 'aria-invalid': invalid || undefined };

  if (op === 'is_one_of') {
    const list = Array.isArray(value) ? value : [];
    if (choices) {
      return (
        <div className="wf-choice-list" role="group" aria-label={label}>
          {choices.map((c) => (
            <label key={c.value} className="checkbox">
              <input
                type="checkbox"
                checked={list.includes(c.value)}
                onChange={(e) => onChange(e.target.checked ? [...list, c.value] : list.filter((v) => v !== c.value))}
              />
              {c.label}
            </label>
          ))}
        </div>
      );
    }
    return <input type="text" {...aria} placeholder="Comma-separated values" value={list.join(', ')} onChange={(e) => onChange(splitList(e.target.value))} />;
  }

  if (choices) {
    const current = typeof value === 'string' ? value : '';
    const unknown = current && !choices.some((c) => c.value === current);
    return (
      <select {...aria} value={current} onChange={(e) => onChange(e.target.value)}>
        <option value="" disabled>
          Choose…
        </option>
        {unknown && <option value={current}>{current}</option>}
        <ChoiceOptions choices={choices} />
      </select>
    );
  }
  if (field.kind === 'person') {
    return (
      <>
        <label htmlFor={pickerId} className="visually-hidden">
          {label}
        </label>
        <UserPicker id={pickerId} value={typeof value === 'string' && value ? value : null} onChange={(id) => onChange(id ?? '')} />
      </>
    );
  }
  if (field.kind === 'checkbox') {
    return (
      <select {...aria} value={value === false ? 'false' : 'true'} onChange={(e) => onChange(e.target.value === 'true')}>
        <option value="true">Yes (ticked)</option>
        <option value="false">No</option>
      </select>
    );
  }
  if (field.kind === 'number') {
    return (
      <input
        type="number"
        {...aria}
        value={typeof value === 'number' ? value : ''}
        onChange={(e) => onChange(e.target.value === '' ? null : Number(e.target.value))}
      />
    );
  }
  return (
    <input
      type="text"
      {...aria}
      placeholder={field.field === 'tag' ? 'a tag, e.g. vip-customer' : field.subject === 'conversation' ? 'Name as Kustomer shows it' : 'Value'}
      value={typeof value === 'string' ? value : value === null || value === undefined ? '' : String(value)}
      onChange={(e) => onChange(e.target.value)}
    />
  );
}
