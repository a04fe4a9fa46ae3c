/**
 * /workflows (admin): every workflow with its trigger in words, steps, run counts and an Enabled switch;
 * "New workflow" from scratch or "New from example" (the shipped examples).
 */
import { Link, useLocation } from 'wouter';
import { useCustomFields } from '../../api/catalog.ts';
import { type Workflow, useWorkflows, useWorkflowTemplates } from '../../api/workflows.ts';
import { plural } from '../../ui/format.ts';
import { EmptyState, ErrorBanner } from '../../ui/states.tsx';
import { RelativeTime } from '../../ui/time.tsx';
import { AdminPage } from '../admin/admin-page.tsx';
import { EnabledSwitch } from './enabled-switch.tsx';
import { MenuButton } from './menu-button.tsx';
import { conditionsSummary, pathLabel, stepAtPath, stepTitle, triggerSummary } from './workflow-format.ts';
import { TableHead } from '../../ui/table-head.tsx';

function ExamplesMenu() {
  const templates = useWorkflowTemplates();
  const [, navigate] = useLocation();
  return (
    <MenuButton label="New from example" menuLabel="Examples" menuClassName="wf-examples">
      {() => (
        <>
          {templates.isPending && <p className="muted small">Loading…</p>}
          {templates.error && <ErrorBanner error={templates.error} />}
          {templates.data?.map((t) => (
            <button key={t.key} type="button" role="menuitem" onClick={() => navigate(`/workflows/new?template=${encodeURIComponent(t.key)}`)}>
              <strong>{t.name}</strong>
              <span className="muted small">{t.description}</span>
            </button>
          ))}
        </>
      )}
    </MenuButton>
  );
}

function Stats({ w }: { w: Workflow }) {
  const s = w.stats;
  if (s.runs === 0) return <span className="muted">No runs</span>;
  return (
    <span className="wf-stats">
      <Link href={`/workflows/${w.id}/runs`}>
        {s.runs} {plural(s.runs, 'run')}
      </Link>
      {s.running > 0 && <span className="badge run-running">{s.running} running</span>}
      {s.waiting > 0 && <span className="badge run-waiting">{s.waiting} waiting</span>}
      {s.failed > 0 && <span className="badge run-failed">{s.failed} failed</span>}
    </span>
  );
}

/** "Needs attention · Step 2 · Create Kustomer conversation: The queue “Returns desk” no longer exists in Kustomer". */
function Problems({ w }: { w: Workflow }) {
  if (!w.problems?.length) return null;
  const stepName = (path: string) => {
    const step = stepAtPath(w.definition.steps, path);
    return step ? stepTitle(step) : null;
  };
  return (
    <div className="wf-problems" data-testid="workflow-problem">
      <span className="badge wf-problem-badge">Needs attention</span>
      <ul>
        {w.problems.map((p) => (
          <li key={p.path}>
            <Link href={`/workflows/${w.id}`}>
              Step {pathLabel(p.path)}
              {stepName(p.path) ? ` · ${stepName(p.path)}` : ''}
            </Link>
            : {p.message}
            {w.enabled && p.kind === 'target_missing' ? '. Runs fail at this step until it sends elsewhere.' : '.'}
          </li>
        ))}
      </ul>
    </div>
  );
}

export function WorkflowListPage() {
  const workflows = useWorkflows();
  const customFields = useCustomFields(true);
  const fieldLabel = (key: string) => customFields.data?.find((f) => f.key === key)?.label;
  return (
    <AdminPage
      title="Workflows"
      description="What happens on its own when something happens to a request: approvals, Kustomer conversations, notifications, changes."
      query={workflows}
      action={
        <div className="form-actions">
          <ExamplesMenu />
          <Link href="/workflows/new" className="btn btn-primary">
            New workflow
          </Link>
        </div>
      }
    >
      {workflows.data?.length === 0 ? (
        <EmptyState title="No workflows yet">Start from an example, such as “Specialist handoff”, or build one from scratch.</EmptyState>
      ) : (
        <table className="table">
          <TableHead columns={['Name', 'Trigger', 'Steps', 'Runs', 'Updated', 'Enabled']} />
          <tbody>
            {workflows.data?.map((w) => (
              <tr key={w.id} className={w.enabled ? undefined : 'inactive'} data-testid="workflow-row">
                <td>
                  <Link href={`/workflows/${w.id}`}>{w.name}</Link>
                  <span className="muted small"> · v{w.version}</span>
                  {w.description && <div className="muted small wf-row-description">{w.description}</div>}
                  <Problems w={w} />
                </td>
                <td>
                  {triggerSummary(w.definition.trigger, fieldLabel)}
                  {w.definition.trigger.conditions.rules.length > 0 && <div className="muted small">{conditionsSummary(w.definition.trigger.conditions)}</div>}
                </td>
                <td>{w.definition.steps.length}</td>
                <td>
                  <Stats w={w} />
                </td>
                <td className="muted">
                  <RelativeTime iso={w.updatedAt} />
                </td>
                <td>
                  <EnabledSwitch workflow={w} label={`Enable ${w.name}`} showState />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </AdminPage>
  );
}
