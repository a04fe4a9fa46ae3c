/**
 * Workflows (admin): list, open, create, save a new version, switch on and off, dry-run against a request, the
 * shipped examples; and runs: a workflow's history, a request's runs (staff), retrying a failed run.
 * The shapes are src/server/schemas/workflow.ts and src/core/workflow-definition.ts (types only: zod stays out of the bundle).
 */
import { type QueryClient, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef } from 'react';
import type { ConditionRule, Conditions, Step, Trigger, TriggerEvent, WorkflowDefinition } from '../../core/workflow-definition.ts';
import { RUN_LIFECYCLE } from '../../core/run-lifecycle.ts';
import type {
  DryRunBody,
  DryRunResult,
  RunStep,
  Workflow,
  WorkflowDetail,
  WorkflowEnabledBody,
  WorkflowProblem,
  WorkflowRun,
  WorkflowTemplate,
  WorkflowVersion,
} from '../../server/schemas/workflow.ts';
import { api, get, getItems, patch, post } from './client.ts';
import { keys } from './keys.ts';

export type { ConditionRule, Conditions, Step, Trigger, TriggerEvent, WorkflowDefinition };
export type StepType = Step['type'];

export type { DryRunResult, RunStep, Workflow, WorkflowDetail, WorkflowProblem, WorkflowRun, WorkflowTemplate, WorkflowVersion };
export type RunState = WorkflowRun['state'];
export type RunStepState = RunStep['state'];
/** The run states, in the order the runs tab offers them. */
export const RUN_STATES = RUN_LIFECYCLE.states;

export interface WorkflowInput {
  name: string;
  description: string;
  enabled?: boolean;
  definition: WorkflowDefinition;
}

const PATH = '/workflows';

export function useWorkflows() {
  return useQuery({ queryKey: keys.workflows, queryFn: () => getItems<Workflow>(PATH) });
}

export function useWorkflow(id: string | null) {
  return useQuery({ queryKey: keys.workflow(id ?? ''), queryFn: () => get<WorkflowDetail>(`${PATH}/${id}`), enabled: !!id });
}

export function useWorkflowTemplates(enabled = true) {
  return useQuery({
    queryKey: keys.workflowTemplates,
    queryFn: () => getItems<WorkflowTemplate>('/workflow-templates'),
    staleTime: 5 * 60_000,
    enabled,
  });
}

/** Takes a saved workflow into the caches (the detail keeps its version list until the refetch brings the new one). */
function remember(qc: QueryClient, w: Workflow) {
  qc.setQueryData<WorkflowDetail>(keys.workflow(w.id), (old) => ({ versions: [], ...old, ...w }));
  qc.setQueryData<Workflow[]>(keys.workflows, (old) => old?.map((x) => (x.id === w.id ? { ...x, ...w } : x)));
  return Promise.all([qc.invalidateQueries({ queryKey: keys.workflows }), qc.invalidateQueries({ queryKey: keys.workflow(w.id) })]);
}

/** POST without an id, PUT (a new version) with one. */
export function useSaveWorkflow() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ id, input }: { id?: string; input: WorkflowInput }) =>
      id
        ? api<Workflow>('PUT', `${PATH}/${id}`, { name: input.name, description: input.description, definition: input.definition })
        : post<Workflow>(PATH, input),
    onSuccess: (w) => remember(qc, w),
  });
}

export function useSetWorkflowEnabled() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ id, enabled }: { id: string } & WorkflowEnabledBody) => patch<Workflow>(`${PATH}/${id}`, { enabled } satisfies WorkflowEnabledBody),
    onSuccess: (w) => remember(qc, w),
    onError: () => qc.invalidateQueries({ queryKey: keys.workflows }),
  });
}

export function useDryRun(workflowId: string | null) {
  return useMutation({
    mutationFn: (requestId: string) => post<DryRunResult>(`${PATH}/${workflowId}/dry-run`, { requestId } satisfies DryRunBody),
  });
}

export const isActiveRun = (r: Pick<WorkflowRun, 'state'>) => r.state === 'running' || r.state === 'waiting';

/**
 * Fast while a run is moving on its own (running, or waiting on Kustomer or a short wait), slower while runs only
 * wait for people (an approval may take days); `idle` when nothing is under way.
 */
function pollInterval(runs: WorkflowRun[] | undefined, idle: number | false = false): number | false {
  const active = runs?.filter(isActiveRun) ?? [];
  if (active.some((r) => r.state === 'running' || r.steps.some((s) => s.state === 'waiting' && s.type !== 'approval'))) return 1000;
  if (active.length) return 10_000;
  return idle;
}

export function useWorkflowRuns(workflowId: string) {
  return useQuery({
    queryKey: keys.workflowRuns(workflowId),
    queryFn: () => getItems<WorkflowRun>(`${PATH}/${workflowId}/runs`),
    // Runs start on their own: opening the tab always asks again.
    staleTime: 0,
    refetchInterval: (q) => pollInterval(q.state.data),
  });
}

/**
 * A request's runs (staff), newest first; polled while any is under way. When one moves, the request, its
 * timeline and its escalations are refreshed too: a step may have changed any of them.
 */
export function useRequestWorkflowRuns(requestId: string, options: { enabled?: boolean } = {}) {
  const qc = useQueryClient();
  const query = useQuery({
    queryKey: keys.requestWorkflowRuns(requestId),
    queryFn: () => getItems<WorkflowRun>(`/requests/${requestId}/workflow-runs`),
    enabled: options.enabled ?? true,
    staleTime: 0,
    // Also while idle: a workflow may start on this request any time (a tag, a reply).
    refetchInterval: (q) => pollInterval(q.state.data, 15_000),
    retry: false,
  });
  const fingerprint = query.data?.map((r) => `${r.id}:${r.state}:${r.steps.map((s) => s.state).join(',')}`).join('|');
  const seen = useRef<string | undefined>(undefined);
  useEffect(() => {
    if (fingerprint === undefined) return;
    const before = seen.current;
    seen.current = fingerprint;
    if (before === undefined || before === fingerprint) return;
    void qc.invalidateQueries({ queryKey: keys.timeline(requestId) });
    void qc.invalidateQueries({ queryKey: keys.requestEscalations(requestId) });
    void qc.invalidateQueries({ queryKey: ['requests', 'one'] });
  }, [fingerprint, qc, requestId]);
  return query;
}

export function useRetryRun() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (runId: string) => post<WorkflowRun>(`/workflow-runs/${runId}/retry`),
    onSettled: (run) =>
      Promise.all([
        qc.invalidateQueries({ queryKey: ['workflow-runs'] }),
        qc.invalidateQueries({ queryKey: keys.workflows }),
        run ? qc.invalidateQueries({ queryKey: keys.timeline(run.requestId) }) : undefined,
      ]),
  });
}
