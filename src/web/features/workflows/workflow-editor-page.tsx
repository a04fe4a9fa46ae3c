/**
 * /workflows/new (optionally ?template=<key>, from an example) and /workflows/:id (and /workflows/:id/runs): load
 * what to edit, then the editor; a saved workflow has a Runs tab too.
 */
import { Link, useSearch } from 'wouter';
import { ApiError } from '../../api/client.ts';
import { useServices } from '../../api/catalog.ts';
import { useWorkflow, useWorkflowTemplates } from '../../api/workflows.ts';
import { EmptyState, ErrorBanner, Loading } from '../../ui/states.tsx';
import { draftFromTemplate, emptyDefinition, prepareDefinition } from './workflow-draft.ts';
import { WorkflowEditor } from './workflow-editor.tsx';
import { WorkflowRunsTab } from './workflow-runs-tab.tsx';

function NewWorkflow() {
  const templateKey = new URLSearchParams(useSearch()).get('template');
  const templates = useWorkflowTemplates(!!templateKey);
  const services = useServices(false);
  if (!templateKey) return <WorkflowEditor key="new" workflow={null} initial={{ name: '', description: '', definition: emptyDefinition() }} />;
  if (templates.isPending || services.isPending) return <Loading label="Loading the example…" />;
  if (templates.error) return <ErrorBanner error={templates.error} title="Cannot load the examples" onRetry={() => templates.refetch()} />;
  const template = templates.data.find((t) => t.key === templateKey);
  if (!template) {
    return (
      <EmptyState title="No such example">
        <Link href="/workflows">Back to workflows</Link>
      </EmptyState>
    );
  }
  return (
    <WorkflowEditor key={`template-${template.key}`} workflow={null} initial={draftFromTemplate(template, services.data ?? [])} fromExample={template.name} />
  );
}

function ExistingWorkflow({ id, tab }: { id: string; tab: 'definition' | 'runs' }) {
  const workflow = useWorkflow(id);
  if (workflow.isPending) return <Loading label="Loading the workflow…" />;
  if (workflow.error) {
    if (workflow.error instanceof ApiError && (workflow.error.status === 404 || workflow.error.status === 400)) {
      return (
        <EmptyState title="Workflow not found">
          <Link href="/workflows">Back to workflows</Link>
        </EmptyState>
      );
    }
    return <ErrorBanner error={workflow.error} title="Cannot load the workflow" onRetry={() => workflow.refetch()} />;
  }
  const w = workflow.data;
  return (
    <WorkflowEditor
      // Keyed by id: the draft survives refetches, saves and switching to the Runs tab and back.
      key={w.id}
      workflow={w}
      initial={{ name: w.name, description: w.description, definition: prepareDefinition(w.definition) }}
      tab={tab}
      runs={<WorkflowRunsTab workflowId={w.id} />}
    />
  );
}

export function WorkflowEditorPage({ id, tab = 'definition' }: { id?: string; tab?: 'definition' | 'runs' }) {
  return id ? <ExistingWorkflow id={id} tab={tab} /> : <NewWorkflow />;
}
