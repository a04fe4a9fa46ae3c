/**
 * Dry run: pick a request and see, for the saved version, whether the trigger's conditions hold for it and which
 * steps would run (the event itself is ignored; nothing is changed).
 */
import { useMemo, useState } from 'react';
import { useCustomFields, useInboxes, useServices, useUsers } from '../../api/catalog.ts';
import type { Request } from '../../../server/schemas/request.ts';
import { type DryRunResult, useDryRun, type WorkflowDefinition } from '../../api/workflows.ts';
import { ErrorBanner, Loading } from '../../ui/states.tsx';
import { conditionFields, ruleText } from './condition-fields.ts';
import { RequestSearch } from './request-search.tsx';
import { useStepNames } from './use-step-names.ts';
import { pathLabel, stepAtPath, stepSummary, stepTypeLabel } from './workflow-format.ts';

/** What a step would send, rendered for the request: who gets it, the subject, the text as it would read. */
function RenderedMessage({ message }: { message: NonNullable<DryRunResult['steps'][number]['message']> }) {
  return (
    <details className="wf-dry-message" data-testid="dry-run-message" open>
      <summary className="small">{message.to ? `Message to ${message.to}` : 'Text it would send'}</summary>
      <div className="wf-dry-message-body">
        {message.subject && (
          <div className="small">
            <span className="muted">Subject: </span>
            <strong>{message.subject}</strong>
          </div>
        )}
        <pre className="small">{message.body}</pre>
      </div>
    </details>
  );
}

function DryRunReport({ result, definition }: { result: DryRunResult; definition: WorkflowDefinition | null }) {
  const stepNames = useStepNames();
  const customFields = useCustomFields(true);
  const services = useServices(true);
  const inboxes = useInboxes();
  const people = useUsers({});
  const fields = useMemo(() => conditionFields(customFields.data ?? []), [customFields.data]);
  const names = {
    service: (id: string) => services.data?.find((s) => s.id === id)?.name,
    inbox: (id: string) => inboxes.data?.find((i) => i.id === id)?.name,
    person: (id: string) => people.data?.find((u) => u.id === id)?.name,
    target: stepNames.target,
  };
  const running = result.steps.filter((s) => s.wouldRun).length;
  // The editor's words (queue names rather than ids) for steps of the saved definition.
  const localSummary = (path: string) => {
    const step = definition ? stepAtPath(definition.steps, path) : undefined;
    return step && step.type !== 'branch' ? stepSummary(step, stepNames) : null;
  };
  return (
    <div className="stack-tight" data-testid="dry-run-result">
      <p className={result.triggerMatches ? 'wf-verdict wf-verdict-yes' : 'wf-verdict wf-verdict-no'} data-testid="dry-run-verdict">
        {result.triggerMatches
          ? `Conditions hold: ${running} of ${result.steps.length} steps would run`
          : 'Conditions do not hold: the workflow would not start'}
      </p>
      {result.conditions.length > 0 && (
        <ul className="wf-checks" aria-label="Conditions">
          {result.conditions.map((c, i) => (
            <li key={i} className={c.holds ? 'holds' : 'fails'}>
              <span aria-hidden="true">{c.holds ? '✓' : '✗'}</span> {ruleText(c.rule, fields, names)}
              <span className="visually-hidden">{c.holds ? ' (holds)' : ' (does not hold)'}</span>
            </li>
          ))}
        </ul>
      )}
      <ol className="wf-checks" aria-label="Steps">
        {result.steps.map((s) => (
          <li
            key={s.path}
            className={s.wouldRun ? 'holds' : 'skipped'}
            style={{ paddingLeft: `${(s.path.split('.').length - 1) * 6}px` }}
            data-testid="dry-run-step"
          >
            <span aria-hidden="true">{s.wouldRun ? '▶' : '–'}</span> <span className="muted mono">{pathLabel(s.path)}</span>{' '}
            <strong>{s.name || stepTypeLabel(s.type)}</strong>
            <span className="visually-hidden">{s.wouldRun ? ' (would run)' : ' (would not run)'}</span>
            <div className="muted small">{localSummary(s.path) ?? s.summary}</div>
            {s.note && <div className="small wf-note">{s.note}</div>}
            {s.message && <RenderedMessage message={s.message} />}
          </li>
        ))}
      </ol>
      <p className="muted small">The trigger's event is not checked: only its conditions.</p>
    </div>
  );
}

export function DryRunPanel({ workflowId, definition, dirty }: { workflowId: string | null; definition: WorkflowDefinition | null; dirty: boolean }) {
  const dry = useDryRun(workflowId);
  const [request, setRequest] = useState<Request | null>(null);
  return (
    <section className="card stack-tight wf-dry-run" aria-labelledby="wf-dry-run-title" data-testid="dry-run">
      <h2 id="wf-dry-run-title">Dry run</h2>
      {!workflowId ? (
        <p className="muted small">Save the workflow first, then try it on a request here.</p>
      ) : (
        <>
          <p className="muted small">Checks the saved version against a request. Nothing is changed.{dirty && <strong> You have unsaved changes.</strong>}</p>
          <RequestSearch
            label="Request to try"
            onPick={(r) => {
              setRequest(r);
              dry.mutate(r.id);
            }}
          />
          {request && (
            <div className="wf-dry-run-request">
              <span className="mono muted">{request.key}</span> {request.title}
              <button type="button" className="btn btn-small btn-ghost" disabled={dry.isPending} onClick={() => dry.mutate(request.id)}>
                Run again
              </button>
            </div>
          )}
          <ErrorBanner error={dry.error} title="Dry run failed" />
          {dry.isPending && <Loading label="Checking…" />}
          {dry.data && !dry.isPending && <DryRunReport result={dry.data} definition={definition} />}
        </>
      )}
    </section>
  );
}
