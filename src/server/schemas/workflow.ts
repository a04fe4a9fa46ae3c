/** Workflows, their versions, examples, dry runs and runs as the API shows them. */
import { z } from '@hono/zod-openapi';
import type { ConditionRule, WorkflowDefinition } from '../../core/workflow-definition.ts';
import { RUN_LIFECYCLE } from '../../core/run-lifecycle.ts';

/** Recursive (branches hold steps), which the OpenAPI generator cannot walk: the document shows an object. */
const DefinitionOut = z.custom<WorkflowDefinition>().openapi({ type: 'object', description: 'A WorkflowDefinition: {trigger, steps}' });

export const WorkflowSchema = z
  .object({
    id: z.uuid(),
    name: z.string(),
    description: z.string(),
    enabled: z.boolean(),
    version: z.number(),
    definition: DefinitionOut,
    createdAt: z.string(),
    updatedAt: z.string(),
    stats: z.object({ runs: z.number(), running: z.number(), waiting: z.number(), failed: z.number() }),
    problems: z
      .array(
        z.object({
          path: z.string(),
          kind: z.enum(['target_missing', 'target_disabled']),
          target: z.object({ kind: z.enum(['queue', 'team']), id: z.string(), name: z.string().nullable() }),
          message: z.string(),
        }),
      )
      .openapi({ description: 'What would make a run fail: a conversation step whose queue or team no longer exists in Kustomer, or is no longer enabled' }),
  })
  .openapi('Workflow');
export const RunSchema = z
  .object({
    id: z.uuid(),
    workflowId: z.uuid(),
    workflowName: z.string(),
    version: z.number(),
    requestId: z.uuid(),
    requestKey: z.string(),
    state: z.enum(RUN_LIFECYCLE.states),
    error: z.string().nullable(),
    failedStep: z.string().nullable(),
    createdAt: z.string(),
    finishedAt: z.string().nullable(),
    steps: z.array(
      z.object({
        path: z.string(),
        type: z.string(),
        name: z.string().nullable(),
        state: z.enum(['running', 'waiting', 'succeeded', 'failed', 'skipped']),
        result: z.record(z.string(), z.unknown()).nullable(),
        error: z.string().nullable(),
        startedAt: z.string(),
        finishedAt: z.string().nullable(),
      }),
    ),
  })
  .openapi('WorkflowRun');
export type Workflow = z.infer<typeof WorkflowSchema>;
export type WorkflowProblem = Workflow['problems'][number];
export type WorkflowRun = z.infer<typeof RunSchema>;
export type RunStep = WorkflowRun['steps'][number];

export const WorkflowDetailSchema = WorkflowSchema.extend({
  versions: z.array(z.object({ id: z.uuid(), version: z.number(), createdAt: z.string(), createdBy: z.string().nullable() })),
});
export type WorkflowDetail = z.infer<typeof WorkflowDetailSchema>;
export type WorkflowVersion = WorkflowDetail['versions'][number];

export const WorkflowTemplateSchema = z.object({ key: z.string(), name: z.string(), description: z.string(), definition: DefinitionOut });
export type WorkflowTemplate = z.infer<typeof WorkflowTemplateSchema>;

export const DryRunSchema = z.object({
  triggerMatches: z.boolean(),
  conditions: z.array(z.object({ rule: z.custom<ConditionRule>().openapi({ type: 'object' }), holds: z.boolean() })),
  steps: z.array(
    z.object({
      path: z.string(),
      type: z.string(),
      name: z.string().nullable(),
      summary: z.string(),
      wouldRun: z.boolean(),
      note: z.string().nullable(),
      approvers: z.array(z.string()).nullable().openapi({ description: 'An approval step: the people it would ask, by name, in order' }),
      message: z
        .object({ to: z.string().nullable(), subject: z.string().nullable(), body: z.string() })
        .nullable()
        .openapi({ description: 'What the step would send or write, rendered for this request' }),
    }),
  ),
});
export type DryRunResult = z.infer<typeof DryRunSchema>;

/** PATCH /workflows/{id}: switch it on or off. */
export const WorkflowEnabledBodySchema = z.strictObject({ enabled: z.boolean() });
export type WorkflowEnabledBody = z.input<typeof WorkflowEnabledBodySchema>;

/** POST /workflows/{id}/dry-run: the request to try it against. */
export const DryRunBodySchema = z.strictObject({ requestId: z.uuid() });
export type DryRunBody = z.input<typeof DryRunBodySchema>;
