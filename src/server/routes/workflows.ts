/** Workflows (admin): list, create, edit (a new version each save), enable, dry run, examples, runs. */
import { z } from '@hono/zod-openapi';
import { AppError, notFound } from '../../core/errors.ts';
import { workflowExamples } from '../../core/workflow-examples.ts';
import { offeredProviders } from '../../connectors/registry.ts';
import { forEachStep, WorkflowDefinition } from '../../core/workflow-definition.ts';
import { listRunViews, listVersions, listWorkflowViews } from '../../db/repositories/workflows.ts';
import { listWorkflowsWithProblems } from '../../usecases/workflows/workflow-problems.ts';
import { dryRun } from '../../usecases/workflows/dry-run.ts';
import { retryRun } from '../../usecases/workflows/retry-run.ts';
import { createWorkflow, setWorkflowEnabled, updateWorkflow } from '../../usecases/workflows/save-workflow.ts';
import { requireUser } from '../auth/guards.ts';
import { errors, IdParam, json, jsonBody, jsonItems, requestIdOr404, router, securedRoute } from '../openapi.ts';
import {
  DryRunBodySchema,
  DryRunSchema,
  RunSchema,
  WorkflowDetailSchema,
  WorkflowEnabledBodySchema,
  WorkflowSchema,
  WorkflowTemplateSchema,
} from '../schemas/workflow.ts';

export const workflowRoutes = router();
const tags = ['Workflows'];

/**
 * The definition is recursive (branches hold steps), which the OpenAPI generator cannot walk; the document shows
 * it as an object and the handler validates it with the full schema (src/core/workflow-definition.ts).
 */
const Definition = z.record(z.string(), z.unknown()).openapi({ description: 'A WorkflowDefinition: {trigger, steps} (see src/core/workflow-definition.ts)' });

/** The definition, valid and sending conversations only to destinations this deployment offers; else 400 naming each place. */
function parseDefinition(input: unknown, offered: readonly string[]) {
  const parsed = WorkflowDefinition.safeParse(input);
  const issues = parsed.success ? [] : parsed.error.issues.map((i) => ({ path: ['definition', ...i.path].join('.'), message: i.message }));
  if (parsed.success)
    forEachStep(parsed.data.steps, (step, path) => {
      if (step.type === 'create_conversation' && !offered.includes(step.destination))
        issues.push({ path: `definition.steps.${path}.destination`, message: `Unknown destination: expected one of ${offered.join(', ')}` });
    });
  if (parsed.success && !issues.length) return parsed.data;
  throw new AppError('validation_failed', `Invalid body: ${issues[0]!.path}: ${issues[0]!.message}`, { issues });
}
const SaveBody = z.strictObject({
  name: z.string().trim().min(1).max(120),
  description: z.string().max(2000).optional(),
  enabled: z.boolean().optional(),
  definition: Definition,
});

async function one(c: { var: { deps: { db: Parameters<typeof listWorkflowViews>[0] } } }, id: string) {
  const [wf] = await listWorkflowsWithProblems(c.var.deps.db, id);
  if (!wf) throw notFound('Workflow');
  return wf;
}

workflowRoutes.openapi(
  securedRoute('admin', {
    method: 'get',
    path: '/workflows',
    tags,
    summary: 'All workflows with their current version and run counts',
    responses: { 200: jsonItems(WorkflowSchema), ...errors(401, 403) },
  }),
  async (c) => c.json({ items: await listWorkflowsWithProblems(c.var.deps.db) }, 200),
);

workflowRoutes.openapi(
  securedRoute('admin', {
    method: 'get',
    path: '/workflow-templates',
    tags,
    summary: 'The shipped example workflows, to start from',
    responses: {
      200: jsonItems(WorkflowTemplateSchema),
      ...errors(401, 403),
    },
  }),
  async (c) => c.json({ items: workflowExamples() }, 200),
);

workflowRoutes.openapi(
  securedRoute('admin', {
    method: 'post',
    path: '/workflows',
    tags,
    summary: 'Create a workflow (version 1)',
    request: { body: jsonBody(SaveBody) },
    responses: { 201: json(WorkflowSchema, 'Created'), ...errors(400, 401, 403, 422) },
  }),
  async (c) => {
    const body = c.req.valid('json');
    const id = await createWorkflow(c.var.deps.db, requireUser(c), {
      ...body,
      definition: parseDefinition(body.definition, offeredProviders(c.var.deps.config)),
    });
    return c.json(await one(c, id), 201);
  },
);

workflowRoutes.openapi(
  securedRoute('admin', {
    method: 'get',
    path: '/workflows/{id}',
    tags,
    summary: 'One workflow and its versions',
    request: { params: IdParam },
    responses: {
      200: json(WorkflowDetailSchema),
      ...errors(401, 403, 404),
    },
  }),
  async (c) => {
    const wf = await one(c, c.req.valid('param').id);
    return c.json({ ...wf, versions: await listVersions(c.var.deps.db, wf.id) }, 200);
  },
);

workflowRoutes.openapi(
  securedRoute('admin', {
    method: 'put',
    path: '/workflows/{id}',
    tags,
    summary: 'Save a new version (runs under way keep the version they started with)',
    request: { params: IdParam, body: jsonBody(SaveBody.omit({ enabled: true })) },
    responses: { 200: json(WorkflowSchema), ...errors(400, 401, 403, 404, 422) },
  }),
  async (c) => {
    const id = c.req.valid('param').id;
    const body = c.req.valid('json');
    await updateWorkflow(c.var.deps.db, requireUser(c), id, { ...body, definition: parseDefinition(body.definition, offeredProviders(c.var.deps.config)) });
    return c.json(await one(c, id), 200);
  },
);

workflowRoutes.openapi(
  securedRoute('admin', {
    method: 'patch',
    path: '/workflows/{id}',
    tags,
    summary: 'Enable or disable',
    request: { params: IdParam, body: jsonBody(WorkflowEnabledBodySchema) },
    responses: { 200: json(WorkflowSchema), ...errors(400, 401, 403, 404) },
  }),
  async (c) => {
    const id = c.req.valid('param').id;
    await setWorkflowEnabled(c.var.deps.db, id, c.req.valid('json').enabled);
    return c.json(await one(c, id), 200);
  },
);

workflowRoutes.openapi(
  securedRoute('admin', {
    method: 'post',
    path: '/workflows/{id}/dry-run',
    tags,
    summary: 'Which steps would run for a request (conditions only; nothing is changed)',
    request: { params: IdParam, body: jsonBody(DryRunBodySchema) },
    responses: {
      200: json(DryRunSchema),
      ...errors(400, 401, 403, 404),
    },
  }),
  async (c) => c.json(await dryRun(c.var.deps.db, c.var.deps.config.publicUrl, c.req.valid('param').id, c.req.valid('json').requestId), 200),
);

workflowRoutes.openapi(
  securedRoute('admin', {
    method: 'get',
    path: '/workflows/{id}/runs',
    tags,
    summary: 'Run history of a workflow, newest first',
    request: { params: IdParam },
    responses: { 200: jsonItems(RunSchema), ...errors(401, 403, 404) },
  }),
  async (c) => {
    const { db } = c.var.deps;
    const id = c.req.valid('param').id;
    // An unknown id is a mistake to report, not a workflow that never ran.
    if (!(await db.selectFrom('workflows').select('id').where('id', '=', id).executeTakeFirst())) throw notFound('Workflow');
    return c.json({ items: await listRunViews(db, { workflowId: id }) }, 200);
  },
);

workflowRoutes.openapi(
  securedRoute('staff', {
    method: 'get',
    path: '/requests/{id}/workflow-runs',
    tags,
    summary: 'Workflow runs of a request, with their steps',
    request: { params: IdParam },
    responses: { 200: jsonItems(RunSchema), ...errors(401, 403, 404) },
  }),
  async (c) => {
    const requestId = await requestIdOr404(c, c.req.valid('param').id);
    return c.json({ items: await listRunViews(c.var.deps.db, { requestId }) }, 200);
  },
);

workflowRoutes.openapi(
  securedRoute('staff', {
    method: 'get',
    path: '/workflow-runs/{id}',
    tags,
    summary: "One run with each step's state, time, result or error",
    request: { params: IdParam },
    responses: { 200: json(RunSchema), ...errors(401, 403, 404) },
  }),
  async (c) => {
    const [run] = await listRunViews(c.var.deps.db, { runId: c.req.valid('param').id });
    if (!run) throw notFound('Workflow run');
    return c.json(run, 200);
  },
);

workflowRoutes.openapi(
  securedRoute('staff', {
    method: 'post',
    path: '/workflow-runs/{id}/retry',
    tags,
    summary: 'Retry a failed run from the failed step',
    request: { params: IdParam },
    responses: { 202: json(RunSchema, 'Accepted'), ...errors(401, 403, 404, 409) },
  }),
  async (c) => {
    const id = c.req.valid('param').id;
    await retryRun(c.var.deps.db, requireUser(c), id, c.var.deps.now());
    const [run] = await listRunViews(c.var.deps.db, { runId: id });
    return c.json(run!, 202);
  },
);
