/** Row shapes of every table, as Kysely sees them. Keep in step with migrations/. */
import type { ColumnType, Generated, Insertable, Selectable } from 'kysely';
import type { TicketDetails } from '../core/destination.ts';
import type { CreateExtras } from '../core/escalation-extras.ts';
import type { AttachmentChunksTable, AttachmentsTable, FileCheckpointsTable } from './schema-attachments.ts';

type Timestamp = ColumnType<Date, Date | string, Date | string>;
/** A timestamp column with a database default. */
type DefaultTimestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null, Date | string | null>;
type Json<T> = ColumnType<T, T | string | undefined, T | string>;

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

export interface DestinationConnectionsTable {
  id: Generated<string>;
  provider: string;
  account: string;
  secret_encrypted: string;
  secret_last_four: string;
  status: 'connected' | 'invalid_credentials';
  status_reason: string | null;
  status_changed_at: DefaultTimestamp;
  missing_permissions: Generated<string[]>;
  last_synced_at: NullableTimestamp;
  last_sync_error: string | null;
  connected_by_id: string | null;
  contact_email_field: string | null;
  /** Request priority → destination priority; null: the provider's default (see core/priority-map.ts). */
  priority_map: ColumnType<Record<string, unknown> | null, string | null | undefined, string | null>;
  sync_settings: Json<Record<string, unknown>>;
  webhook_token_hash: string | null;
  webhook_token_encrypted: string | null;
  webhook_remote_id: string | null;
  webhook_signing_key_encrypted: string | null;
  webhook_setup_note: string | null;
  webhook_secret_encrypted: string | null;
  webhook_previous_secret_encrypted: string | null;
  webhook_previous_secret_until: NullableTimestamp;
  webhook_secret_rotated_at: NullableTimestamp;
  webhook_checked_at: NullableTimestamp;
  webhook_check_error: string | null;
  webhook_disabled_at: NullableTimestamp;
  webhook_repaired_at: NullableTimestamp;
  webhook_repair: 're-enabled' | 're-created' | null;
  webhook_backfilled: number | null;
  poll_cursor: NullableTimestamp;
  last_sync_event_error: string | null;
  /** Request tags (lowercase) that may go to the destination; empty: none. */
  tag_allow_list: Generated<string[]>;
  created_at: DefaultTimestamp;
  updated_at: DefaultTimestamp;
}

/** A destination's users, tags and sub-statuses, as the last connect or re-sync read them. */
export interface DestinationDirectoryTable {
  connection_id: string;
  kind: 'user' | 'tag' | 'sub_status';
  remote_id: string;
  name: string;
  detail: Json<Record<string, unknown>>;
  last_seen_at: DefaultTimestamp;
}

export type EscalationState = 'sending' | 'created' | 'linked' | 'link_failed' | 'failed' | 'unlinked';

export interface EscalationsTable {
  id: Generated<string>;
  request_id: string;
  provider: string;
  origin: Generated<'created' | 'linked_existing'>;
  target_kind: 'queue' | 'team' | null;
  target_remote_id: string | null;
  target_name: string | null;
  channel: string | null;
  priority: number | null;
  subject: Generated<string>;
  message: Generated<string>;
  state: EscalationState;
  contact_remote_id: string | null;
  remote_id: string | null;
  remote_url: string | null;
  message_posted: Generated<boolean>;
  attempts: Generated<number>;
  /** A run must look before creating: an earlier one may have made something it never recorded. */
  look_first: Generated<boolean>;
  /** Where the last read of the linked conversation's thread got to (the connector's cursor). */
  thread_cursor: Generated<string | null>;
  /** A thread read is queued and not done (migration 020). */
  thread_read_wanted_at: Generated<Date | null>;
  thread_mark: Generated<string | null>;
  thread_read_at: NullableTimestamp;
  last_error: string | null;
  last_error_kind: 'retryable' | 'auth' | 'permanent' | null;
  next_attempt_at: NullableTimestamp;
  requested_by_id: string | null;
  created_at: DefaultTimestamp;
  updated_at: DefaultTimestamp;
  linked_at: NullableTimestamp;
  workflow_run_id: string | null;
  remote_status: string | null;
  remote_updated_at: NullableTimestamp;
  last_pushed_status: string | null;
  last_pushed_at: NullableTimestamp;
  /** TicketDetails (core/destination.ts) with the names Bridgedesk knows; null until the destination told any. */
  remote_details: ColumnType<TicketDetails | null, string | null | undefined, string | null>;
  /** When the conversation last became open in the destination (waiting on them); null while it is not open. */
  remote_open_since: NullableTimestamp;
  /** What the escalation asked for at create beyond its target (core/escalation-extras.ts); null: nothing. */
  create_extras: ColumnType<CreateExtras | null, string | null | undefined, string | null>;
  /** The request's attachments going with the first message (migration 023). */
  attachment_ids: Generated<string[]>;
  /** When and by whom the link was ended (state unlinked); null while linked. */
  unlinked_at: NullableTimestamp;
  unlinked_by_id: string | null;
}

export interface DestinationEventsTable {
  id: Generated<string>;
  connection_id: string;
  event_id: string;
  source: 'webhook' | 'poll';
  payload: Json<unknown>;
  received_at: DefaultTimestamp;
  processed_at: NullableTimestamp;
  error: string | null;
  lane: Generated<number>;
  attempts: Generated<number>;
  retry_at: NullableTimestamp;
}

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

export interface DestinationTargetsTable {
  connection_id: string;
  kind: 'queue' | 'team';
  remote_id: string;
  name: string;
  enabled: Generated<boolean>;
  available: Generated<boolean>;
  last_seen_at: DefaultTimestamp;
}

export interface RateBudgetsTable {
  key: string;
  window_limit: number;
  remaining: number;
  reset_at: Timestamp;
  updated_at: DefaultTimestamp;
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
export type InboxRow = Selectable<InboxesTable>;
export type TimelineEntryRow = Selectable<TimelineEntriesTable>;
export type NewTimelineEntry = Insertable<TimelineEntriesTable>;
export type EscalationRow = Selectable<EscalationsTable>;

/** A mapped request field changed since the escalation's last push (019; usecases/field-mapping/queue-field-pushes.ts). */
export interface FieldPushPendingTable {
  escalation_id: string;
  request_field: string;
  changed_at: DefaultTimestamp;
}

export interface FieldMappingsTable {
  connection_id: string;
  /** A built-in request field (title, priority, ...) or `field.<custom field key>`. */
  request_field: string;
  remote_field: string;
  remote_type: string;
  created_at: DefaultTimestamp;
  /** Since when the destination refuses the attribute as unknown (pushes leave it out); null: in use. */
  refused_at: NullableTimestamp;
  refused_reason: string | null;
}
