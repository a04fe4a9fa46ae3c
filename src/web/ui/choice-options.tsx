/** A select's options for every request status or priority, in their order, labelled as the rest of the UI says them. */
import { PRIORITIES, STATUSES } from '../../core/request.ts';
import { priorityLabel, statusLabel } from './format.ts';

export function StatusOptions() {
  return STATUSES.map((s) => (
    <option key={s} value={s}>
      {statusLabel(s)}
    </option>
  ));
}

export function PriorityOptions() {
  return PRIORITIES.map((p) => (
    <option key={p} value={p}>
      {priorityLabel(p)}
    </option>
  ));
}
