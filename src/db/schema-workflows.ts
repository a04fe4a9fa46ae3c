/** Row shapes of the workflow and approval tables, as Kysely sees them; db/schema.ts lists them in Database. */
import type { Generated } from 'kysely';
import type { DefaultTimestamp, Json, NullableTimestamp } from './schema.ts';

export interface WorkflowsTable {
  id: Generated<string>;
  name: string;
  description: Generated<string>;
  enabled: Generated<boolean>;
  current_version_id: string | null;
  created_by_id: string | null;
  created_at: DefaultTimestamp;
  updated_at: DefaultTimestamp;
}

export interface WorkflowVersionsTable {
  id: Generated<string>;
  workflow_id: string;
  version: number;
  definition: Json<unknown>;
  created_by_id: string | null;
  created_at: DefaultTimestamp;
}

export type RunState = 'running' | 'waiting' | 'succeeded' | 'failed' | 'cancelled';
export interface WorkflowRunsTable {
  id: Generated<string>;
  workflow_id: string;
  version_id: string;
  request_id: string;
  trigger_entry_id: string;
  state: RunState;
  chain: Generated<string[]>;
  context: Json<Record<string, unknown>>;
  error: string | null;
  failed_step: string | null;
  created_at: DefaultTimestamp;
  updated_at: DefaultTimestamp;
  finished_at: NullableTimestamp;
}

export type StepState = 'running' | 'waiting' | 'succeeded' | 'failed' | 'skipped';
export interface WorkflowRunStepsTable {
  run_id: string;
  path: string;
  type: string;
  state: StepState;
  result: Json<Record<string, unknown>>;
  error: string | null;
  started_at: DefaultTimestamp;
  finished_at: NullableTimestamp;
}

export type ApprovalState = 'queued' | 'pending' | 'approved' | 'rejected' | 'cancelled' | 'expired';
export interface ApprovalsTable {
  id: Generated<string>;
  run_id: string;
  request_id: string;
  step_path: string;
  approver_id: string;
  state: ApprovalState;
  position: Generated<number>;
  message: Generated<string>;
  due_at: NullableTimestamp;
  decided_at: NullableTimestamp;
  comment: string | null;
  created_at: DefaultTimestamp;
}
