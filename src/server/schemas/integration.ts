/** A destination connection as the settings page shows it: status, account, key suffix, queues and teams. */
import { z } from '@hono/zod-openapi';

export const IntegrationStatusSchema = z.enum(['not_connected', 'connected', 'invalid_credentials']);
export type IntegrationStatus = z.infer<typeof IntegrationStatusSchema>;

/** A queue or team. `available: false` means it disappeared from the destination (kept so choices survive). */
const TargetSchema = z.object({ remoteId: z.string(), name: z.string(), enabled: z.boolean(), available: z.boolean() });
export type IntegrationTarget = z.infer<typeof TargetSchema>;

const Choice = z.object({ id: z.string(), name: z.string() });

/** What a new conversation may be given at create beyond its queue or team (the Escalate form and a workflow step). */
export const CreateChoicesSchema = z.object({
  assignees: z
    .object({ users: z.array(Choice), teams: z.array(Choice) })
    .openapi({ description: "The destination's people and teams a new conversation may be assigned to (as the last sync read them)" }),
  subStatuses: z.array(Choice).openapi({ description: "The destination's sub-statuses of its open status" }),
});

export const IntegrationSchema = z
  .object({
    status: IntegrationStatusSchema,
    orgName: z.string().nullable(),
    keyLastFour: z.string().nullable().openapi({ description: 'The only part of the API key ever shown again' }),
    statusReason: z.string().nullable(),
    statusChangedAt: z.string().nullable(),
    missingPermissions: z
      .array(z.string())
      .openapi({ description: 'Permissions the key lacks (optional ones found at connect, and any a refused call named)' }),
    missingRequiredPermissions: z.array(z.string()).openapi({ description: 'Those of missingPermissions escalation cannot work without' }),
    lastSyncedAt: z.string().nullable(),
    lastSyncError: z.string().nullable(),
    contactEmailField: z.string().nullable().openapi({ description: "Custom field key holding the customer email; null: the requester's email" }),
    queues: z.array(TargetSchema),
    teams: z.array(TargetSchema),
    ...CreateChoicesSchema.shape,
  })
  .openapi('KustomerIntegration');
export type KustomerIntegration = z.infer<typeof IntegrationSchema>;

/** One destination this deployment offers, as GET /integrations lists it. */
export const IntegrationSummarySchema = z.object({
  id: z.string().openapi({ example: 'kustomer' }),
  displayName: z.string(),
  accountLabel: z.string().openapi({ description: 'What the destination calls the account a key belongs to (Kustomer: "Org name")' }),
  status: IntegrationStatusSchema,
  account: z.string().nullable(),
});
export type IntegrationSummary = z.infer<typeof IntegrationSummarySchema>;

/** PUT /integrations/{provider}: Authorize (or replace the key). */
export const ConnectIntegrationSchema = z.strictObject({
  orgName: z.string().trim().min(1).max(100),
  apiKey: z
    .string()
    .trim()
    .min(1)
    .max(10_000)
    .regex(/^[\x21-\x7e]+$/, 'must be printable ASCII without spaces'),
});
export type ConnectIntegrationBody = z.input<typeof ConnectIntegrationSchema>;

const TargetChanges = z
  .array(z.strictObject({ remoteId: z.string().max(100), enabled: z.boolean() }))
  .max(1000)
  .optional();

/** PATCH /integrations/{provider}: which queues and teams are offered, and the customer email field. */
export const IntegrationChangesSchema = z.strictObject({
  queues: TargetChanges,
  teams: TargetChanges,
  contactEmailField: z.string().max(63).nullable().optional(),
});

/** POST /integrations/{provider}/test: the Test escalation's target and first-message channel. */
export const TestEscalationBodySchema = z.strictObject({
  queueId: z.string().max(100).optional(),
  teamId: z.string().max(100).optional(),
  channel: z.string().max(50).default('email'),
});
export type TestEscalationBody = z.input<typeof TestEscalationBodySchema>;
