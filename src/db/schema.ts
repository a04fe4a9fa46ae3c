/**
 * Row shapes of every table, as Kysely sees them: people, catalog, requests and their timeline here; each other area
 * in its own schema-*.ts. Keep in step with migrations/.
 */
import type { ColumnType, Generated, Selectable } from 'kysely';
import type { AttachmentChunksTable, AttachmentsTable, FileCheckpointsTable } from './schema-attachments.ts';
import type {
  DestinationConnectionsTable,
  DestinationDirectoryTable,
  DestinationEventsTable,
  DestinationTargetsTable,
  EscalationsTable,
  FieldMappingsTable,
  FieldPushPendingTable,
  RateBudgetsTable,
} from './schema-destinations.ts';
import type { ApprovalsTable, WorkflowRunsTable, WorkflowRunStepsTable, WorkflowsTable, WorkflowVersionsTable } from './schema-workflows.ts';

export type Timestamp = ColumnType<Date, Date | string, Date | string>;
/** A timestamp column with a database default. */
export type DefaultTimestamp = ColumnType<Date, Date | string | undefined, Date | string>;
export type NullableTimestamp = ColumnType<Date | null, Date | string | null, Date | string | null>;
export type Json<T> = ColumnType<T, T | string | undefined, T | string>;

export interface UsersTable {
  id: Generated<string>;
  email: string;
  name: string;
  role: 'admin' | 'agent' | 'requester';
  password_hash: string | null;
  manager_id: string | null;
  department: string | null;
  title: string | null;
  location: string | null;
  active: Generated<boolean>;
  created_at: DefaultTimestamp;
  updated_at: DefaultTimestamp;
}

export interface SessionsTable {
  id_hash: string;
  user_id: string;
  csrf_token: string;
  created_at: DefaultTimestamp;
  expires_at: Timestamp;
}

export interface ApiTokensTable {
  id: Generated<string>;
  user_id: string;
  name: string;
  token_hash: string;
  last_four: string;
  created_at: DefaultTimestamp;
  last_used_at: NullableTimestamp;
  expires_at: NullableTimestamp;
  revoked_at: NullableTimestamp;
}

export interface LoginFailuresTable {
  id: Generated<string>;
  key: string;
  created_at: DefaultTimestamp;
}

export interface InboxesTable {
  id: Generated<string>;
  name: string;
  description: Generated<string>;
  created_at: DefaultTimestamp;
  updated_at: DefaultTimestamp;
}

export interface InboxMembersTable {
  inbox_id: string;
  user_id: string;
}

export interface ServicesTable {
  id: Generated<string>;
  name: string;
  description: Generated<string>;
  default_inbox_id: string | null;
  active: Generated<boolean>;
  created_at: DefaultTimestamp;
  updated_at: DefaultTimestamp;
}

export interface CustomFieldsTable {
  id: Generated<string>;
  key: string;
  label: string;
  type: 'text' | 'long_text' | 'number' | 'select' | 'date' | 'checkbox' | 'person';
  options: Generated<string[]>;
  required: Generated<boolean>;
  service_ids: string[] | null;
  position: Generated<number>;
  active: Generated<boolean>;
  created_at: DefaultTimestamp;
  updated_at: DefaultTimestamp;
}

export interface RequestsTable {
  id: Generated<string>;
  number: ColumnType<string, never, never>;
  title: string;
  description: Generated<string>;
  requester_id: string;
  created_by_id: string | null;
  assignee_id: string | null;
  inbox_id: string | null;
  service_id: string | null;
  status: Generated<'new' | 'in_progress' | 'waiting' | 'resolved' | 'archived'>;
  priority: Generated<'low' | 'medium' | 'high' | 'urgent'>;
  tags: Generated<string[]>;
  custom_fields: Json<Record<string, unknown>>;
  channel: Generated<string>;
  created_at: DefaultTimestamp;
  updated_at: DefaultTimestamp;
  resolved_at: NullableTimestamp;
  search: ColumnType<string, never, never>;
}

export interface RequestFollowersTable {
  request_id: string;
  user_id: string;
  created_at: DefaultTimestamp;
}

export interface TimelineEntriesTable {
  id: Generated<string>;
  request_id: string;
  type: string;
  actor_type: 'user' | 'token' | 'system';
  actor_user_id: string | null;
  actor_token_id: string | null;
  visibility: Generated<'public' | 'internal'>;
  data: Json<Record<string, unknown>>;
  created_at: DefaultTimestamp;
  caused_by_run_id: string | null;
}

export interface WorkerHeartbeatsTable {
  worker_id: string;
  process_label: string;
  seen_at: DefaultTimestamp;
}

export interface NotificationsTable {
  id: Generated<string>;
  user_id: string;
  request_id: string | null;
  kind: string;
  title: string;
  body: Generated<string>;
  link: string | null;
  read_at: NullableTimestamp;
  created_at: DefaultTimestamp;
}

export interface EmailOutboxTable {
  id: Generated<string>;
  to_address: string;
  subject: string;
  body: string;
  state: 'pending' | 'sent' | 'failed' | 'not_configured';
  attempts: Generated<number>;
  last_error: string | null;
  request_id: string | null;
  sent_at: NullableTimestamp;
  created_at: DefaultTimestamp;
}

export interface SavedViewsTable {
  id: Generated<string>;
  user_id: string;
  name: string;
  /** GET /api/v1/requests query parameters (filters, sort, order) */
  query: Json<Record<string, string>>;
  created_at: DefaultTimestamp;
}

export interface Database {
  saved_views: SavedViewsTable;
  destination_events: DestinationEventsTable;
  workflows: WorkflowsTable;
  workflow_versions: WorkflowVersionsTable;
  workflow_runs: WorkflowRunsTable;
  workflow_run_steps: WorkflowRunStepsTable;
  approvals: ApprovalsTable;
  notifications: NotificationsTable;
  email_outbox: EmailOutboxTable;
  escalations: EscalationsTable;
  destination_connections: DestinationConnectionsTable;
  destination_targets: DestinationTargetsTable;
  destination_directory: DestinationDirectoryTable;
  rate_budgets: RateBudgetsTable;
  worker_heartbeats: WorkerHeartbeatsTable;
  users: UsersTable;
  sessions: SessionsTable;
  api_tokens: ApiTokensTable;
  login_failures: LoginFailuresTable;
  inboxes: InboxesTable;
  inbox_members: InboxMembersTable;
  services: ServicesTable;
  custom_fields: CustomFieldsTable;
  requests: RequestsTable;
  request_followers: RequestFollowersTable;
  timeline_entries: TimelineEntriesTable;
  field_mappings: FieldMappingsTable;
  field_push_pending: FieldPushPendingTable;
  attachments: AttachmentsTable;
  attachment_chunks: AttachmentChunksTable;
  file_checkpoints: FileCheckpointsTable;
}

export type UserRow = Selectable<UsersTable>;
export type RequestRow = Selectable<RequestsTable>;
export type CustomFieldRow = Selectable<CustomFieldsTable>;
export type ServiceRow = Selectable<ServicesTable>;
export type EscalationRow = Selectable<EscalationsTable>;
export type ApiTokenRow = Selectable<ApiTokensTable>;
