/**
 * "Priority" on Settings → Integrations → Kustomer: which Kustomer priority (1–5) each request priority becomes.
 * The Escalate form's default, a workflow's "from the request" and priority sync (with Bridgedesk → Kustomer sync
 * on) use it. Kustomer's normal is 3, so the default is low 2, medium 3, high 4, urgent 5. A draft until Save.
 */
import {
  type PriorityLevels,
  type PriorityMapView,
  priorityMapProblems,
  type RequestPriority,
  usePriorityMap,
  useSavePriorityMap,
} from '../../api/priority-map.ts';
import { Field, Select } from '../../ui/field.tsx';
import { SaveChanges } from '../../ui/form-actions.tsx';
import { priorityLabel } from '../../ui/format.ts';
import { SettingsCard, useSettingsDraft } from '../../ui/settings-card.tsx';
import { ErrorBanner } from '../../ui/states.tsx';
import { destinationPriorityLabel } from '../escalations/escalation-format.ts';

const LEVELS: RequestPriority[] = ['low', 'medium', 'high', 'urgent'];
const same = (a: PriorityLevels, b: PriorityLevels) => LEVELS.every((p) => a[p] === b[p]);

function Editor({ view }: { view: PriorityMapView }) {
  const save = useSavePriorityMap();
  const { shown, dirty, saved, edit, discard, submit } = useSettingsDraft(view.map, save, same);
  const problems = priorityMapProblems(save.error);
  const otherError = Object.keys(problems).length ? null : save.error;
  const numbers = Array.from({ length: view.range.max - view.range.min + 1 }, (_, i) => view.range.min + i);

  return (
    <form className="stack" aria-label="Priority mapping" onSubmit={submit} noValidate>
      <div className="grid-2">
        {LEVELS.map((p) => (
          <Field key={p} label={`${priorityLabel(p)} request`} error={problems[p]}>
            <Select
              value={shown[p]}
              aria-invalid={problems[p] ? true : undefined}
              disabled={save.isPending}
              onChange={(e) => edit({ ...shown, [p]: Number(e.target.value) })}
            >
              {numbers.map((n) => (
                <option key={n} value={n}>
                  {destinationPriorityLabel(n)}
                  {n === view.defaultMap[p] ? ' (default)' : ''}
                </option>
              ))}
            </Select>
          </Field>
        ))}
      </div>
      <ErrorBanner error={otherError} title="Not saved" />
      <SaveChanges busy={save.isPending} dirty={dirty} saved={saved} onDiscard={discard}>
        {!same(shown, view.defaultMap) && (
          <button type="button" className="btn btn-ghost" disabled={save.isPending} onClick={() => edit({ ...view.defaultMap })}>
            Use Kustomer's default
          </button>
        )}
      </SaveChanges>
    </form>
  );
}

export function KustomerPriorityMapCard() {
  return (
    <SettingsCard
      title="Priority"
      intro="The Kustomer priority each request priority becomes: the Escalate form's default, a workflow's “from the request”, and the conversation's priority when a request's priority changes (with Bridgedesk → Kustomer sync on). Kustomer's normal priority is 3."
      testId="kustomer-priority-map"
      className="priority-map-card"
      query={usePriorityMap()}
      loadError="Cannot load the priority mapping"
    >
      {(view) => <Editor view={view} />}
    </SettingsCard>
  );
}
