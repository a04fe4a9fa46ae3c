/** A select's options: one per value, named item or choice; those for every request status or priority in their order, labelled as the rest of the UI says them. */
import type { ReactNode } from 'react';
import { PRIORITIES, STATUSES } from '../../core/request.ts';
import { priorityLabel, statusLabel } from './format.ts';

/** One option per value, shown as `label` says (the value itself by default). */
export function Options<T extends string | number>({ values, label = String }: { values: readonly T[]; label?: (value: T) => ReactNode }) {
  return values.map((v) => (
    <option key={v} value={v}>
      {label(v)}
    </option>
  ));
}

/** One option per named item (a service, an inbox, a person…): its id is the value, its name is shown. */
export function NamedOptions({ items = [] }: { items?: readonly { id: string; name: string }[] }) {
  return items.map((i) => (
    <option key={i.id} value={i.id}>
      {i.name}
    </option>
  ));
}

type Choice = { value: string | number; label: string };

/** One option per choice; those `disabled` says are shown but cannot be picked. */
export function ChoiceOptions<C extends Choice>({ choices, disabled }: { choices: readonly C[]; disabled?: (choice: C) => boolean }) {
  return choices.map((c) => (
    <option key={c.value} value={c.value} disabled={disabled?.(c)}>
      {c.label}
    </option>
  ));
}

export function StatusOptions() {
  return <Options values={STATUSES} label={statusLabel} />;
}

export function PriorityOptions() {
  return <Options values={PRIORITIES} label={priorityLabel} />;
}
