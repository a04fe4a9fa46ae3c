-- Attachments: files uploaded to Bridgedesk (or fetched from a destination) and the timeline entry they belong to.
-- An upload starts unattached (owned by its uploader) and is attached to one entry (a request's creation, a reply,
-- an internal note) in the transaction that writes that entry. Who may read it follows the entry: an internal
-- note's files are internal. Unattached uploads older than a grace period are deleted by the prune-attachments job.
create table attachments (
  id uuid primary key default gen_random_uuid(),
  -- null: stored by Bridgedesk itself (a destination's file), never by a person
  uploaded_by uuid references users (id),
  -- sanitised (core/attachments.ts sanitizeFileName): no path, control or direction characters
  name text not null check (name <> '' and length(name) <= 255),
  size bigint not null default 0 check (size >= 0),
  -- detected from the bytes, never taken from the name or a header
  content_type text not null default 'application/octet-stream',
  -- hex SHA-256 of the bytes; null while uploading
  sha256 text,
  -- where the bytes are: this database (attachment_chunks) or an S3-compatible bucket (the key under its prefix)
  storage_kind text not null check (storage_kind in ('postgres', 's3')),
  storage_key text not null,
  -- 'uploading' until every byte is stored; only 'stored' attachments are ever shown or attached
  state text not null default 'uploading' check (state in ('uploading', 'stored')),
  request_id uuid references requests (id),
  timeline_entry_id bigint references timeline_entries (id),
  created_at timestamptz not null default now(),
  attached_at timestamptz,
  check ((request_id is null) = (timeline_entry_id is null)),
  check (timeline_entry_id is null or state = 'stored')
);
create index attachments_entry_idx on attachments (timeline_entry_id) where timeline_entry_id is not null;
create index attachments_request_idx on attachments (request_id) where request_id is not null;
-- What an uploader has not sent yet (their allowance), and what the prune job looks for.
create index attachments_unattached_idx on attachments (uploaded_by, created_at) where timeline_entry_id is null;
create index attachments_unattached_age_idx on attachments (created_at) where timeline_entry_id is null;

-- The bytes of attachments stored in Postgres: fixed-size chunks (storage/postgres-storage.ts CHUNK_BYTES; the last
-- one shorter), so a file is written and read a chunk at a time and a range read touches only its chunks. Deleting
-- the attachment deletes its chunks.
create table attachment_chunks (
  attachment_id uuid not null references attachments (id) on delete cascade,
  seq int not null check (seq >= 0),
  data bytea not null,
  primary key (attachment_id, seq)
);
-- Out of line and uncompressed: most attachments (images, PDFs, archives) are compressed already, and compressing on
-- every write only to keep the raw bytes costs CPU for nothing; reads then copy the stored bytes as they are.
alter table attachment_chunks alter column data set storage external;
