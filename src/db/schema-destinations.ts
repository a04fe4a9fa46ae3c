/**
 * Row shapes of the destination tables (connections, targets, directory, escalations, events, field mapping, rate
 * budgets), as Kysely sees them; db/schema.ts lists them in Database.
 */
import type { ColumnType, Generated } from 'kysely';
import type { TicketDetails } from '../core/destination.ts';
import type { CreateExtras } from '../core/escalation-extras.ts';
import type { DefaultTimestamp, Json, NullableTimestamp, Timestamp } from './schema.ts';

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
