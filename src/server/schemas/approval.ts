/** An approval as its approver and the request page see it. */
import { z } from '@hono/zod-openapi';
import { APPROVAL_LIFECYCLE } from '../../core/approval-lifecycle.ts';
import { PrioritySchema, StatusSchema } from './request.ts';

export const ApprovalSchema = z
  .object({
    id: z.uuid(),
    runId: z.uuid(),
    workflowName: z.string(),
    request: z.object({
      id: z.uuid(),
      key: z.string(),
      title: z.string(),
      priority: PrioritySchema,
      status: StatusSchema,
      requester: z.object({ id: z.uuid(), name: z.string() }),
    }),
    approver: z.object({ id: z.uuid(), name: z.string() }),
    state: z.enum(APPROVAL_LIFECYCLE.states),
    message: z.string(),
    dueAt: z.string().nullable(),
    decidedAt: z.string().nullable(),
    comment: z.string().nullable(),
    createdAt: z.string(),
    askedAt: z
      .string()
      .nullable()
      .openapi({ description: 'When the approver was asked (for a later approver of a sequence: when the one before decided); null while queued' }),
  })
  .openapi('Approval');
export type Approval = z.infer<typeof ApprovalSchema>;

/** POST /approvals/{id}/decision. */
export const ApprovalDecisionSchema = z.strictObject({ decision: z.enum(['approve', 'reject']), comment: z.string().trim().max(5000).optional() });
export type ApprovalDecision = z.input<typeof ApprovalDecisionSchema>;
