/** Row shapes of the attachment tables (migration 022), as Kysely sees them; db/schema.ts lists them in Database. */
import type { ColumnType, Generated } from 'kysely';

type DefaultTimestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null, Date | string | null>;

export interface AttachmentsTable {
  id: Generated<string>;
  /** null: stored by Bridgedesk itself (a destination's file). */
  uploaded_by: string | null;
  name: string;
  /** bigint: comes back as a string (db/database.ts). */
  size: ColumnType<string, number | undefined, number>;
  content_type: Generated<string>;
  sha256: string | null;
  storage_kind: 'postgres' | 's3';
  storage_key: string;
  state: Generated<'uploading' | 'stored'>;
  request_id: string | null;
  timeline_entry_id: string | null;
  created_at: DefaultTimestamp;
  attached_at: NullableTimestamp;
  /** Migration 024: the destination's id of the file this is a copy of (fetched from its thread); null for uploads. */
  remote_file_id: ColumnType<string | null, string | null | undefined, string | null>;
}

export interface AttachmentChunksTable {
  attachment_id: string;
  seq: number;
  data: Buffer;
}

/** Migration 023: how far sending one file to a destination got, per thing it goes with. */
export interface FileCheckpointsTable {
  scope: string;
  attachment_id: string;
  progress: ColumnType<unknown, string, string>;
  updated_at: DefaultTimestamp;
}
