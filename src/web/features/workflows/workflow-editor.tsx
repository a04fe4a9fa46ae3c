/**
 * The workflow editor: name and description, the trigger and its conditions, the ordered steps; Save (a new
 * version; runs under way keep theirs) with each problem shown where it is; enable / disable; the dry run; the
 * version history; and, for a saved workflow, the Runs tab.
 */
import { type FormEvent, type ReactNode, useEffect, useState } from 'react';
import { Link, useLocation } from 'wouter';
import { type Workflow, type WorkflowDetail, useSaveWorkflow, useWorkflowRuns } from '../../api/workflows.ts';
import { Field, Input, TextArea } from '../../ui/field.tsx';
import { plural } from '../../ui/format.ts';
import { RelativeTime } from '../../ui/time.tsx';
import { DryRunPanel } from './dry-run-panel.tsx';
import { EnabledSwitch } from './enabled-switch.tsx';
import { IssuesContext } from './issues-context.tsx';
import { StepList } from './step-list-editor.tsx';
import { TriggerEditor } from './trigger-editor.tsx';
import { checkDraft, type Draft, draftInput } from './workflow-draft.ts';
import { unplacedIssues, workflowIssues } from './workflow-issues.ts';

function Versions({ workflow }: { workflow: WorkflowDetail }) {
  const versions = [...(workflow.versions ?? [])].sort((a, b) => b.version - a.version).slice(0, 10);
  if (versions.length === 0) return null;
  return (
    <section className="card stack-tight" aria-labelledby="wf-versions-title">
      <h2 id="wf-versions-title">Versions</h2>
      <ol className="wf-versions">
        {versions.map((v) => (
          <li key={v.id}>
            <strong>Version {v.version}</strong>
            {v.version === workflow.version && <span className="badge status-new">Current</span>}
            <div className="muted small">
              <RelativeTime iso={v.createdAt} />
              {v.createdBy ? ` by ${v.createdBy}` : ''}
            </div>
          </li>
        ))}
      </ol>
    </section>
  );
}

function Tabs({ workflow, tab }: { workflow: Workflow; tab: 'definition' | 'runs' }) {
  // The runs themselves when loaded (fresher than the stats the workflow came with).
  const runs = useWorkflowRuns(workflow.id);
  const total = runs.data?.length ?? workflow.stats.runs;
  const failed = runs.data ? runs.data.filter((r) => r.state === 'failed').length : workflow.stats.failed;
  return (
    <nav className="wf-tabs" aria-label="Workflow">
      <Link href={`/workflows/${workflow.id}`} className={tab === 'definition' ? 'on' : undefined} aria-current={tab === 'definition' ? 'page' : undefined}>
        Definition
      </Link>
      <Link href={`/workflows/${workflow.id}/runs`} className={tab === 'runs' ? 'on' : undefined} aria-current={tab === 'runs' ? 'page' : undefined}>
        Runs <span className="wf-count">{total}</span>
        {failed > 0 && <span className="wf-count wf-count-bad">{failed} failed</span>}
      </Link>
    </nav>
  );
}

export function WorkflowEditor({
  workflow,
  initial,
  fromExample,
  tab = 'definition',
  runs,
}: {
  workflow: WorkflowDetail | null;
  initial: Draft;
  fromExample?: string;
  tab?: 'definition' | 'runs';
  runs?: ReactNode;
}) {
  const [, navigate] = useLocation();
  const save = useSaveWorkflow();
  const [draft, setDraft] = useState(initial);
  const [base, setBase] = useState(() => JSON.stringify(initial));
  const [checked, setChecked] = useState(false);
  const [enableOnSave, setEnableOnSave] = useState(false);
  const dirty = JSON.stringify(draft) !== base;

  useEffect(() => {
    if (!dirty) return;
    const warn = (e: BeforeUnloadEvent) => e.preventDefault();
    window.addEventListener('beforeunload', warn);
    return () => window.removeEventListener('beforeunload', warn);
  }, [dirty]);

  const local = checked ? checkDraft(draft) : {};
  const server = workflowIssues(save.error);
  const issues = { ...server, ...local };
  const count = Object.keys(issues).length;
  const unplaced = unplacedIssues(server);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    setChecked(true);
    if (Object.keys(checkDraft(draft)).length > 0 || save.isPending) return;
    const input = draftInput(draft);
    const saved = JSON.stringify(draft);
    save.mutate(
      { id: workflow?.id, input: workflow ? input : { ...input, enabled: enableOnSave } },
      {
        onSuccess: (w) => {
          setBase(saved);
          setChecked(false);
          if (!workflow) navigate(`/workflows/${w.id}`, { replace: true });
        },
      },
    );
  };

  const set = <K extends keyof Draft>(key: K, value: Draft[K]) => setDraft((d) => ({ ...d, [key]: value }));
  const setDefinition = (patch: Partial<Draft['definition']>) => setDraft((d) => ({ ...d, definition: { ...d.definition, ...patch } }));

  return (
    <div className="page page-wide wf-editor">
      <nav className="breadcrumbs" aria-label="Breadcrumb">
        <Link href="/workflows">Workflows</Link> <span aria-hidden="true">/</span> {workflow?.name ?? 'New workflow'}
      </nav>
      <div className="page-header">
        <div>
          <h1>{workflow?.name ?? (fromExample ? `New workflow from “${fromExample}”` : 'New workflow')}</h1>
          <p className="muted" data-testid="workflow-version">
            {workflow ? `Version ${workflow.version} — runs under way keep their version` : 'Not saved yet'}
          </p>
        </div>
        {workflow ? (
          <EnabledSwitch workflow={workflow} />
        ) : (
          <label className="checkbox">
            <input type="checkbox" checked={enableOnSave} onChange={(e) => setEnableOnSave(e.target.checked)} /> Enable when saved
          </label>
        )}
      </div>
      {workflow && <Tabs workflow={workflow} tab={tab} />}
      {workflow && tab === 'runs' ? (
        runs
      ) : (
        <IssuesContext.Provider value={issues}>
          <div className="wf-layout">
            <form className="wf-main stack" onSubmit={submit} noValidate aria-label="Workflow">
              <section className="card stack wf-section" aria-label="About">
                <Field label="Name" required error={issues.name}>
                  <Input type="text" maxLength={120} value={draft.name} onChange={(e) => set('name', e.target.value)} />
                </Field>
                <Field label="Description" error={issues.description} hint="What it is for, for the next admin">
                  <TextArea rows={2} value={draft.description} onChange={(e) => set('description', e.target.value)} />
                </Field>
              </section>
              <TriggerEditor trigger={draft.definition.trigger} onChange={(trigger) => setDefinition({ trigger })} />
              <section className="card stack wf-section" aria-labelledby="wf-steps-title" data-testid="workflow-steps">
                <h2 id="wf-steps-title">Steps</h2>
                <StepList label="Steps" path="definition.steps" steps={draft.definition.steps} onChange={(steps) => setDefinition({ steps })} />
              </section>
              <div className="wf-savebar">
                <button type="submit" className="btn btn-primary" disabled={save.isPending}>
                  {save.isPending ? 'Saving…' : workflow ? `Save version ${workflow.version + 1}` : 'Save workflow'}
                </button>
                {dirty ? <span className="muted">Unsaved changes</span> : workflow && <span className="muted">All changes saved</span>}
                {count > 0 && <span className="field-error">{`${count} ${plural(count, 'problem')} to fix`}</span>}
              </div>
              {save.error && (
                <div className="banner banner-error" role="alert">
                  <div>
                    <strong>Not saved: </strong>
                    {save.error.message}
                    {unplaced.length > 0 && (
                      <ul className="wf-other-issues">
                        {unplaced.map((m) => (
                          <li key={m}>{m}</li>
                        ))}
                      </ul>
                    )}
                  </div>
                </div>
              )}
            </form>
            <aside className="wf-aside stack">
              <DryRunPanel workflowId={workflow?.id ?? null} definition={workflow?.definition ?? null} dirty={dirty} />
              {workflow && <Versions workflow={workflow} />}
            </aside>
          </div>
        </IssuesContext.Provider>
      )}
    </div>
  );
}
