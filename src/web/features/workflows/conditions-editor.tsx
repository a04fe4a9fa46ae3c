/**
 * "Match all / any of these rules": rows of field (request, requester or run) + operator + value, added and removed
 * in place. Used for the trigger's conditions and for a branch step's condition.
 */
import { useMemo } from 'react';
import { useCustomFields } from '../../api/catalog.ts';
import type { ConditionRule, Conditions } from '../../api/workflows.ts';
import {
  changeOperator,
  type ConditionField,
  conditionFields,
  fieldId,
  findField,
  needsValue,
  newRule,
  type Operator,
  operatorLabel,
  SUBJECT_LABELS,
  type Subject,
} from './condition-fields.ts';
import { ConditionValueInput } from './condition-value-input.tsx';
import { useIssue } from './issues-context.tsx';
import { Options } from '../../ui/choice-options.tsx';

function FieldSelect({
  fields,
  rule,
  label,
  onChange,
}: {
  fields: ConditionField[];
  rule: ConditionRule;
  label: string;
  onChange: (f: ConditionField) => void;
}) {
  const current = fieldId(rule.subject, rule.field);
  const known = fields.some((f) => fieldId(f.subject, f.field) === current);
  const groups = (Object.keys(SUBJECT_LABELS) as Subject[]).map((subject) => ({ subject, items: fields.filter((f) => f.subject === subject) }));
  return (
    <select
      aria-label={label}
      value={current}
      onChange={(e) => {
        const f = fields.find((x) => fieldId(x.subject, x.field) === e.target.value);
        if (f) onChange(f);
      }}
    >
      {!known && <option value={current}>{findField(fields, rule).label}</option>}
      {groups.map((g) => (
        <optgroup key={g.subject} label={SUBJECT_LABELS[g.subject]}>
          {g.items.map((f) => (
            <option key={fieldId(f.subject, f.field)} value={fieldId(f.subject, f.field)}>
              {f.label}
            </option>
          ))}
        </optgroup>
      ))}
    </select>
  );
}

function RuleRow({
  rule,
  index,
  fields,
  path,
  onChange,
  onRemove,
}: {
  rule: ConditionRule;
  index: number;
  fields: ConditionField[];
  path: string;
  onChange: (r: ConditionRule) => void;
  onRemove: () => void;
}) {
  const field = findField(fields, rule);
  const error = useIssue(`${path}.value`, `${path}.field`, `${path}.op`, path);
  const n = index + 1;
  return (
    <li className={`wf-rule${error ? ' field-invalid' : ''}`} data-testid="condition-rule">
      <div className="wf-rule-controls">
        <FieldSelect fields={fields} rule={rule} label={`Condition ${n} field`} onChange={(f) => onChange(newRule(f))} />
        <select aria-label={`Condition ${n} operator`} value={rule.op} onChange={(e) => onChange(changeOperator(rule, field, e.target.value as Operator))}>
          {!field.ops.includes(rule.op) && <option value={rule.op}>{operatorLabel(rule.op, rule.field)}</option>}
          <Options values={field.ops} label={(op) => operatorLabel(op, rule.field)} />
        </select>
        <div className="wf-rule-value">
          {needsValue(rule.op) && (
            <ConditionValueInput
              field={field}
              op={rule.op}
              value={rule.value}
              label={`Condition ${n} value`}
              invalid={!!error}
              onChange={(value) => onChange({ ...rule, value })}
            />
          )}
        </div>
        <button type="button" className="btn btn-small btn-ghost" aria-label={`Remove condition ${n}`} onClick={onRemove}>
          ×
        </button>
      </div>
      {error && <div className="field-error">{error}</div>}
    </li>
  );
}

export function ConditionsEditor({
  conditions,
  onChange,
  path,
  emptyText = 'No conditions: it always applies.',
  label,
}: {
  conditions: Conditions;
  onChange: (c: Conditions) => void;
  /** Where the API reports problems, e.g. "definition.trigger.conditions". */
  path: string;
  emptyText?: string;
  /** Names the group for assistive technology, e.g. "Trigger conditions". */
  label: string;
}) {
  const customFields = useCustomFields(true);
  const fields = useMemo(() => conditionFields(customFields.data ?? []), [customFields.data]);
  const rules = conditions.rules ?? [];
  const setRules = (next: ConditionRule[]) => onChange({ ...conditions, rules: next });
  const first = fields[0];

  return (
    <div className="wf-conditions" role="group" aria-label={label}>
      {rules.length > 1 && (
        <div className="wf-match">
          Match
          <select
            aria-label={`${label}: match`}
            value={conditions.match}
            onChange={(e) => onChange({ ...conditions, match: e.target.value as Conditions['match'] })}
          >
            <option value="all">all</option>
            <option value="any">any</option>
          </select>
          of these rules
        </div>
      )}
      {rules.length === 0 ? (
        <p className="muted small">{emptyText}</p>
      ) : (
        <ol className="wf-rules">
          {rules.map((rule, i) => (
            <RuleRow
              key={i}
              rule={rule}
              index={i}
              fields={fields}
              path={`${path}.rules.${i}`}
              onChange={(r) => setRules(rules.map((x, j) => (j === i ? r : x)))}
              onRemove={() => setRules(rules.filter((_, j) => j !== i))}
            />
          ))}
        </ol>
      )}
      <div>
        <button type="button" className="btn btn-small" disabled={!first} onClick={() => first && setRules([...rules, newRule(first)])}>
          Add condition
        </button>
      </div>
    </div>
  );
}
