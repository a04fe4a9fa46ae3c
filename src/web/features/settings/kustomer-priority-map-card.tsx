/**
 * "Priority" on Settings → Integrations → Kustomer: which Kustomer priority (1–5) each request priority becomes.
 * The Escalate form's default, a workflow's "from the request" and priority sync (with Bridgedesk → Kustomer sync
 * on) use it. Kustomer's normal is 3, so the default is low 2, medium 3, high 4, urgent 5. A draft until Save.
 */
import { type FormEvent, useId, useState } from 'react';
import {
  type PriorityLevels,
  type PriorityMapView,
  priorityMapProblems,
  type RequestPriority,
  usePriorityMap,
  useSavePriorityMap,
} from '../../api/priority-map.ts';
import { Field } from '../../ui/field.tsx';
import { priorityLabel } from '../../ui/format.ts';
import { ErrorBanner, Loading } from '../../ui/states.tsx';
import { destinationPriorityLabel } from '../escalations/escalation-format.ts';

const LEVELS: RequestPriority[] = ['low', 'medium', 'high', 'urgent'];
const same = (a: PriorityLevels, b: PriorityLevels) => LEVELS.every((p) => a[p] === b[p]);

function Editor({ view }: { view: PriorityMapView }) {
  const save = useSavePriorityMap();
  const [draft, setDraft] = useState<PriorityLevels | null>(null);
  const [saved, setSaved] = useState(false);
  const shown = draft ?? view.map;
  const dirty = draft !== null && !same(draft, view.map);
  const problems = priorityMapProblems(save.error);
  const otherError = Object.keys(problems).length ? null : save.error;
  const numbers = Array.from({ length: view.range.max - view.range.min + 1 }, (_, i) => view.range.min + i);

  const edit = (next: PriorityLevels) => {
    setSaved(false);
    save.reset();
    setDraft(next);
  };
  const discard = () => {
    setDraft(null);
    save.reset();
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!draft || save.isPending) return;
    save.mutate(draft, {
      onSuccess: () => {
        setDraft(null);
        setSaved(true);
      },
    });
  };

  return (
    <form className="stack" aria-label="Priority mapping" onSubmit={submit} noValidate>
      <div className="grid-2">
        {LEVELS.map((p) => (
          <Field key={p} label={`${priorityLabel(p)} request`} error={problems[p]}>
            {(id, d) => (
              <select
                id={id}
                value={shown[p]}
                aria-describedby={d}
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
              </select>
            )}
          </Field>
        ))}
      </div>
      <ErrorBanner error={otherError} title="Not saved" />
      <div className="form-actions">
        <button type="submit" className="btn btn-primary" disabled={save.isPending || !dirty}>
          {save.isPending ? 'Saving…' : 'Save'}
        </button>
        {!same(shown, view.defaultMap) && (
          <button type="button" className="btn btn-ghost" disabled={save.isPending} onClick={() => edit({ ...view.defaultMap })}>
            Use Kustomer's default
          </button>
        )}
        {dirty && !save.isPending && (
          <button type="button" className="btn btn-ghost" onClick={discard}>
            Discard changes
          </button>
        )}
        <span className="muted small" role="status">
          {save.isPending ? '' : dirty ? 'Unsaved changes' : saved ? 'Saved.' : ''}
        </span>
      </div>
    </form>
  );
}

export function KustomerPriorityMapCard() {
  const headingId = useId();
  const view = usePriorityMap();
  return (
    <section className="card stack priority-map-card" aria-labelledby={headingId} data-testid="kustomer-priority-map">
      <div className="stack-tight">
        <h2 id={headingId}>Priority</h2>
        <p className="muted">
          The Kustomer priority each request priority becomes: the Escalate form's default, a workflow's “from the request”, and the conversation's priority
          when a request's priority changes (with Bridgedesk → Kustomer sync on). Kustomer's normal priority is 3.
        </p>
      </div>
      {view.isPending ? (
        <Loading />
      ) : view.error ? (
        <ErrorBanner error={view.error} title="Cannot load the priority mapping" onRetry={() => void view.refetch()} />
      ) : (
        <Editor view={view.data} />
      )}
    </section>
  );
}
